import ConvLab
import Foundation

/// What a lecture snippet prints, kept as pieces so that the doc-test knows which numbers were
/// computed and what their exact values were.
///
/// A snippet writes lines with `say`, using string interpolation:
///
///     out.say("relative error \(error, scientific: 2)")     // a measured number
///     out.say("y = \(tensor)")                              // every element measured
///     out.say("\(count) parameters")                        // integers are printed as they are
///
/// Floating-point values interpolated this way become *measured* pieces: the printed text plus
/// the exact value and the size of one unit in the last printed place. The doc-test accepts a
/// number in the Markdown when it is within half a unit of the exact value (plus a small slack
/// for the last bits that differ between platforms), so a changed digit fails while a different
/// rounding of the same value on another machine passes. See `DocTest`.
public struct Transcript: Sendable {
    public enum Piece: Sendable, Equatable {
        case text(String)
        case measured(MeasuredNumber)

        public var printed: String {
            switch self {
            case let .text(text): return text
            case let .measured(number): return number.printed
            }
        }
    }

    public private(set) var pieces: [Piece] = []

    public init() {}

    /// Appends one line.
    public mutating func say(_ line: Line = "") {
        pieces += line.pieces
        pieces.append(.text("\n"))
    }

    /// Appends a line of plain text: labels and headers, whose numbers (if any) are compared exactly.
    public mutating func say(plain text: String) {
        say(Line(pieces: [.text(text)]))
    }

    /// Appends each of `lines` as a line of its own.
    public mutating func say(lines: [Line]) {
        for line in lines { say(line) }
    }

    /// The text as a student sees it.
    public var rendered: String { pieces.map(\.printed).joined() }
}

/// A computed number as printed, with what the doc-test needs to judge another printing of it.
public struct MeasuredNumber: Sendable, Equatable {
    /// The text printed on this machine, e.g. `0.1234` or `3.2e-10`.
    public let printed: String
    /// The value before rounding.
    public let exact: Double
    /// One unit in the last printed place: `1e-4` for four decimals.
    public let unit: Double
    /// Extra room for platform differences in the computation itself (libm, summation order).
    public let slack: Double

    /// The doc-test rule: `|expected - exact| <= unit / 2 + slack`.
    public func accepts(_ expected: Double) -> Bool {
        abs(expected - exact) <= unit / 2 + slack
    }
}

// MARK: - Formatting

/// Number formatting shared by every lecture, so that a table and a sentence print alike.
public enum LectureFormat {
    /// The default slack for a value computed in type `F`: 64 machine epsilons, relative to
    /// `max(1, |value|)`. Differences of FMA and summation order stay far below this, while a
    /// changed printed digit (half a unit at four decimals is 5e-5) stays far above it.
    public static func slack<F: BinaryFloatingPoint>(for value: F) -> Double {
        64 * Double(F.ulpOfOne) * max(1, abs(Double(value)))
    }

    /// Fixed-point text with `decimals` digits; `-0.0000` prints as `0.0000`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            text.removeFirst()
        }
        return text
    }

    /// Scientific text with `digits` digits after the point, e.g. `3.21e-10`.
    public static func scientific(_ value: Double, digits: Int) -> (text: String, unit: Double) {
        let text = String(format: "%.\(digits)e", value)
        let exponent = Int(text.split(separator: "e").last ?? "0") ?? 0
        return (text, pow(10, Double(exponent - digits)))
    }

    /// A measured piece for `value` at `decimals` fixed digits.
    public static func measure<F: BinaryFloatingPoint>(_ value: F, decimals: Int, slack: Double? = nil)
        -> Transcript.Piece {
        let exact = Double(value)
        guard exact.isFinite else { return .text(exact.isNaN ? "nan" : (exact < 0 ? "-inf" : "inf")) }
        return .measured(MeasuredNumber(printed: fixed(exact, decimals: decimals), exact: exact,
                                        unit: pow(10, -Double(decimals)),
                                        slack: slack ?? self.slack(for: value)))
    }
}

// MARK: - Lines

/// One printed line, built by string interpolation; see `Transcript`.
public struct Line: ExpressibleByStringInterpolation, Sendable {
    public var pieces: [Transcript.Piece]

    public init(stringLiteral value: String) { pieces = [.text(value)] }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }
    public init(pieces: [Transcript.Piece]) { self.pieces = pieces }

    /// Joins two halves of a long line.
    public static func + (lhs: Line, rhs: Line) -> Line { Line(pieces: lhs.pieces + rhs.pieces) }

    public struct Interpolation: StringInterpolationProtocol, Sendable {
        public var pieces: [Transcript.Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { pieces.append(.text(literal)) }

        /// Integers print as they are and are compared exactly.
        public mutating func appendInterpolation<I: BinaryInteger>(_ value: I, width: Int = 0) {
            pieces.append(.text(pad(String(value), width)))
        }

        /// A measured number with `decimals` fixed digits, right-aligned in `width` columns.
        public mutating func appendInterpolation<F: BinaryFloatingPoint>(
            _ value: F, decimals: Int = 4, width: Int = 0, slack: Double? = nil
        ) {
            let piece = LectureFormat.measure(value, decimals: decimals, slack: slack)
            let padding = max(0, width - piece.printed.count)
            if padding > 0 { pieces.append(.text(String(repeating: " ", count: padding))) }
            pieces.append(piece)
        }

        /// A measured number in scientific notation with `digits` digits after the point.
        public mutating func appendInterpolation<F: BinaryFloatingPoint>(
            _ value: F, scientific digits: Int, slack: Double? = nil
        ) {
            let exact = Double(value)
            let (text, unit) = LectureFormat.scientific(exact, digits: digits)
            pieces.append(.measured(MeasuredNumber(printed: text, exact: exact, unit: unit,
                                                   slack: slack ?? LectureFormat.slack(for: value))))
        }

        /// A tensor in the lectures' bracket style. When every element rounds to a whole number
        /// at `decimals` digits the elements print as integers (`[[12, 16], [24, 28]]`), otherwise
        /// all print with `decimals` digits. Every element is measured.
        public mutating func appendInterpolation<S: TensorScalar>(_ tensor: Tensor<S>, decimals: Int = 4) {
            pieces += TensorText.pieces(tensor, decimals: decimals)
        }

        /// A shape in the compact error-message spelling, `[1,28,28,1]`.
        public mutating func appendInterpolation(shape: [Int]) {
            pieces.append(.text(describeShape(shape)))
        }

        /// Any other value by its description (strings, paddings, sizes).
        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T, width: Int = 0) {
            pieces.append(.text(pad(value.description, width)))
        }

        /// Left-aligned text in `width` columns, for table labels.
        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T, left width: Int) {
            pieces.append(.text(leftAligned(value, width)))
        }

        private func pad(_ text: String, _ width: Int) -> String { rightAligned(text, width) }
    }
}

// MARK: - Tensors

enum TensorText {
    static func pieces<S: TensorScalar>(_ tensor: Tensor<S>, decimals: Int) -> [Transcript.Piece] {
        let scale = pow(10, Double(decimals))
        let whole = tensor.scalars.allSatisfy { value in
            let rounded = (Double(value) * scale).rounded() / scale
            return rounded == rounded.rounded()
        }
        let digits = whole ? 0 : decimals
        func element(_ value: S) -> Transcript.Piece {
            guard whole else { return LectureFormat.measure(value, decimals: digits) }
            // Whole numbers print without a point but are judged at `decimals` digits.
            let exact = Double(value)
            return .measured(MeasuredNumber(printed: LectureFormat.fixed(exact, decimals: 0), exact: exact,
                                            unit: 1 / scale, slack: LectureFormat.slack(for: value)))
        }
        if tensor.shape.isEmpty { return [element(tensor.scalars[0])] }
        var out: [Transcript.Piece] = []
        let strides = tensor.strides
        func emit(axis: Int, base: Int) {
            out.append(.text("["))
            for i in 0..<tensor.shape[axis] {
                if i > 0 { out.append(.text(", ")) }
                if axis == tensor.shape.count - 1 {
                    out.append(element(tensor.scalars[base + i]))
                } else {
                    emit(axis: axis + 1, base: base + i * strides[axis])
                }
            }
            out.append(.text("]"))
        }
        emit(axis: 0, base: 0)
        return out
    }
}

// MARK: - Grids and helpers

extension Transcript {
    /// Prints a matrix (or an NHWC image with N = C = 1) one row per line, columns aligned,
    /// every element measured; whole-number matrices print as integers.
    public mutating func grid<S: TensorScalar>(_ matrix: Tensor<S>, decimals: Int = 4, indent: Int = 2) throws {
        let rows: Tensor<S>
        switch matrix.shape.count {
        case 2: rows = matrix
        case 4 where matrix.shape[0] == 1 && matrix.shape[3] == 1:
            rows = try matrix.reshaped([matrix.shape[1], matrix.shape[2]])
        default:
            throw ConvLabError.shape(op: "grid", message: "needs [H,W] or [1,H,W,1], got \(describeShape(matrix.shape))")
        }
        let pieces = TensorText.pieces(rows, decimals: decimals).filter {
            if case .measured = $0 { return true } else { return false }
        }
        let width = pieces.map(\.printed.count).max() ?? 1
        let columns = rows.shape[1]
        for r in 0..<rows.shape[0] {
            var line: [Piece] = [.text(String(repeating: " ", count: indent))]
            for c in 0..<columns {
                let piece = pieces[r * columns + c]
                line.append(.text(String(repeating: " ", count: width - piece.printed.count + (c > 0 ? 1 : 0))))
                line.append(piece)
            }
            say(Line(pieces: line))
        }
    }
}
