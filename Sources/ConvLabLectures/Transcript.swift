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
///
/// What only the doc-test needs stays out of the snippet's code, which the text shows: columns
/// are laid out by `say(_ table:)`, and numbers that are noise or drift between CPUs are declared
/// loose beside the snippet's name (`Snippet(_:loose:_:)`), not where they are printed.
public struct Transcript: Sendable {
    package enum Piece: Sendable, Equatable {
        case text(String)
        case measured(MeasuredNumber)

        package var printed: String {
            switch self {
            case let .text(text): return text
            case let .measured(number): return number.printed
            }
        }
    }

    package private(set) var pieces: [Piece] = []
    /// For each measured piece (by index in `pieces`), the text that labels it: what its line
    /// printed before it, or its table column's heading. `loosen(_:)` matches `Loose` rules to it.
    private var labels: [Int: String] = [:]

    public init() {}

    /// Appends one line.
    public mutating func say(_ line: Line = "") {
        append(line.pieces, label: "")
        pieces.append(.text("\n"))
    }

    /// Appends `cell`, labelling each measured piece with `label` and what the cell printed
    /// before it.
    private mutating func append(_ cell: [Piece], label: String) {
        var before = label
        for piece in cell {
            if case .measured = piece { labels[pieces.count] = before }
            before += piece.printed
            pieces.append(piece)
        }
    }

    /// Appends a table, one line per row under a line of headings. Each column is as wide as its
    /// widest cell; a column of numbers is aligned right, any other column left.
    public mutating func say(_ table: Table) {
        let rows = [table.headings.map { Line(pieces: [.text($0)]) }] + table.rows
        let columns = rows.map(\.count).max() ?? 0
        func text(_ row: Int, _ column: Int) -> String {
            column < rows[row].count ? rows[row][column].pieces.map(\.printed).joined() : ""
        }
        let widths = (0..<columns).map { c in rows.indices.map { text($0, c).count }.max() ?? 0 }
        let numeric = (0..<columns).map { c in
            let cells = rows.indices.dropFirst().map { text($0, c) }.filter { !$0.isEmpty && $0 != "-" }
            return !cells.isEmpty && cells.allSatisfy(Table.looksNumeric)
        }
        for (r, row) in rows.enumerated() {
            for c in 0..<columns {
                let padding = String(repeating: " ", count: widths[c] - text(r, c).count)
                if c > 0 { pieces.append(.text("  ")) }
                if numeric[c] { pieces.append(.text(padding)) }
                append(c < row.count ? row[c].pieces : [], label: c < table.headings.count ? table.headings[c] + " " : "")
                if !numeric[c] && c < columns - 1 { pieces.append(.text(padding)) }
            }
            // No trailing spaces after a short last cell (the line before ends in a newline).
            while case let .text(last)? = pieces.last, last.allSatisfy({ $0 == " " }) { pieces.removeLast() }
            pieces.append(.text("\n"))
        }
    }

    /// Widens the slack of the measured numbers that `rules` match; see `Loose`.
    package mutating func loosen(_ rules: [Loose]) {
        guard !rules.isEmpty else { return }
        for (index, label) in labels {
            guard case let .measured(number) = pieces[index], let slack = Loose.slack(for: number.exact, label: label, rules: rules),
                  slack > number.slack else { continue }
            pieces[index] = .measured(MeasuredNumber(printed: number.printed, exact: number.exact, unit: number.unit, slack: slack))
        }
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
package struct MeasuredNumber: Sendable, Equatable {
    /// The text printed on this machine, e.g. `0.1234` or `3.2e-10`.
    package let printed: String
    /// The value before rounding.
    package let exact: Double
    /// One unit in the last printed place: `1e-4` for four decimals.
    package let unit: Double
    /// Extra room for platform differences in the computation itself (libm, summation order).
    package let slack: Double

    /// The doc-test rule: `|expected - exact| <= unit / 2 + slack`.
    package func accepts(_ expected: Double) -> Bool {
        abs(expected - exact) <= unit / 2 + slack
    }
}

/// Numbers a snippet declares loose, in its declaration (`Snippet("mlp", loose: [...], mlp)`):
/// values that are noise, such as a gradient check's relative error (held only to "below 1e-7"),
/// and figures of Float training, which the last bits of another CPU's arithmetic move.
///
/// A rule with a label applies to the measured numbers printed after that label in their line,
/// up to the next label of another rule (in a table: to the numbers under a heading that contains
/// it). So print a loose figure after its label and the exact ones before it, or in a line of
/// their own. A rule without a label applies to every number no labelled rule takes.
/// Loosening only widens: a number keeps at least its default slack.
package struct Loose: Sendable {
    package let label: String?
    let slack: @Sendable (Double) -> Double

    /// Within `slack` of the exact value, e.g. `.absolute(0.01, after: "accuracy")`.
    package static func absolute(_ slack: Double, after label: String? = nil) -> Loose {
        Loose(label: label, slack: { _ in slack })
    }

    /// Within `fraction` of the exact value's size, e.g. `.relative(0.01, after: "loss")` (1%).
    package static func relative(_ fraction: Double, after label: String? = nil) -> Loose {
        Loose(label: label, slack: { fraction * abs($0) })
    }

    /// A gradient check's relative error: for a correct gradient it is rounding noise (1e-11 on
    /// one CPU, 1e-10 on another), so it is held only to the bound the texts state, 1e-7.
    package static let gradientCheck = absolute(1e-7, after: "relative error")

    /// The slack `rules` give a number of value `exact` printed after `label`, if any rule matches.
    static func slack(for exact: Double, label: String, rules: [Loose]) -> Double? {
        var nearest: (position: String.Index, rule: Loose)?
        for rule in rules {
            guard let name = rule.label, let found = label.range(of: name, options: .backwards) else { continue }
            if nearest == nil || found.lowerBound > nearest!.position { nearest = (found.lowerBound, rule) }
        }
        if let nearest { return nearest.rule.slack(exact) }
        return rules.filter { $0.label == nil }.map { $0.slack(exact) }.max()
    }
}

// MARK: - Formatting

/// Number formatting shared by every lecture, so that a table and a sentence print alike.
package enum LectureFormat {
    /// The default slack for a value computed in type `F`: 64 machine epsilons, relative to
    /// `max(1, |value|)`. Differences of FMA and summation order stay far below this, while a
    /// changed printed digit (half a unit at four decimals is 5e-5) stays far above it.
    package static func slack<F: BinaryFloatingPoint>(for value: F) -> Double {
        64 * Double(F.ulpOfOne) * max(1, abs(Double(value)))
    }

    /// Fixed-point text with `decimals` digits; `-0.0000` prints as `0.0000`.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            text.removeFirst()
        }
        return text
    }

    /// Scientific text with `digits` digits after the point, e.g. `3.21e-10`.
    package static func scientific(_ value: Double, digits: Int) -> (text: String, unit: Double) {
        let text = String(format: "%.\(digits)e", value)
        let exponent = Int(text.split(separator: "e").last ?? "0") ?? 0
        return (text, pow(10, Double(exponent - digits)))
    }

    /// A measured piece for `value` at `decimals` fixed digits.
    package static func measure<F: BinaryFloatingPoint>(_ value: F, decimals: Int, slack: Double? = nil)
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
    package var pieces: [Transcript.Piece]

    public init(stringLiteral value: String) { pieces = [.text(value)] }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }
    package init(pieces: [Transcript.Piece]) { self.pieces = pieces }

    /// Joins two halves of a long line.
    public static func + (lhs: Line, rhs: Line) -> Line { Line(pieces: lhs.pieces + rhs.pieces) }

    public struct Interpolation: StringInterpolationProtocol, Sendable {
        package var pieces: [Transcript.Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { pieces.append(.text(literal)) }

        /// Integers print as they are and are compared exactly.
        public mutating func appendInterpolation<I: BinaryInteger>(_ value: I) {
            pieces.append(.text(String(value)))
        }

        /// A measured number with `decimals` fixed digits.
        public mutating func appendInterpolation<F: BinaryFloatingPoint>(_ value: F, decimals: Int) {
            pieces.append(LectureFormat.measure(value, decimals: decimals))
        }

        /// A measured number with four decimals. (No defaulted arguments here and a constraint
        /// that refines `CustomStringConvertible`: Swift then prefers this overload to the
        /// plain-text one below for every number.)
        public mutating func appendInterpolation<F: BinaryFloatingPoint & CustomStringConvertible>(_ value: F) {
            appendInterpolation(value, decimals: 4)
        }

        /// A measured number in scientific notation with `digits` digits after the point.
        public mutating func appendInterpolation<F: BinaryFloatingPoint>(_ value: F, scientific digits: Int) {
            let exact = Double(value)
            let (text, unit) = LectureFormat.scientific(exact, digits: digits)
            pieces.append(.measured(MeasuredNumber(printed: text, exact: exact, unit: unit,
                                                   slack: LectureFormat.slack(for: value))))
        }

        /// A tensor in the lectures' bracket style. When every element rounds to a whole number
        /// at `decimals` digits the elements print as integers (`[[12, 16], [24, 28]]`), otherwise
        /// all print with `decimals` digits. Every element is measured.
        public mutating func appendInterpolation<S: TensorScalar>(_ tensor: Tensor<S>, decimals: Int) {
            pieces += TensorText.pieces(tensor, decimals: decimals)
        }

        /// A tensor at four decimals.
        public mutating func appendInterpolation<S: TensorScalar>(_ tensor: Tensor<S>) {
            appendInterpolation(tensor, decimals: 4)
        }

        /// A shape in the compact error-message spelling, `[1,28,28,1]`.
        public mutating func appendInterpolation(shape: [Int]) {
            pieces.append(.text(describeShape(shape)))
        }

        /// Any other value by its description (strings, paddings, sizes).
        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            pieces.append(.text(value.description))
        }
    }
}

// MARK: - Tables

/// Rows of cells under headings, laid out by `Transcript.say(_:)`:
///
///     var table = Table("N", "F", "output")
///     table.row("\(n)", "\(f)", "\(y, decimals: 2)")
///     out.say(table)
public struct Table: Sendable {
    package let headings: [String]
    package private(set) var rows: [[Line]] = []

    public init(_ headings: String...) { self.headings = headings }
    public init(_ headings: [String]) { self.headings = headings }

    public mutating func row(_ cells: Line...) { rows.append(cells) }
    public mutating func row(_ cells: [Line]) { rows.append(cells) }

    /// A cell that reads as one number (`12`, `-0.5`, `3.2e-01`, `28x28`, `1,024`, `0+1`): such
    /// columns align right.
    static func looksNumeric(_ text: String) -> Bool {
        if text.contains(" ") { return false }
        var rest = Substring(text)
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        if rest.first == "." { rest = rest.dropFirst() }
        return rest.first.map { $0.isASCII && $0.isNumber } ?? false
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
