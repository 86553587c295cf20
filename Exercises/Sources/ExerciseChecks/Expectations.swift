import ExerciseKit

/// One failed expectation: what was checked, on which input, what was expected and what came back.
public struct Failure: Sendable, CustomStringConvertible {
    public let check: String
    public let message: String
    public init(check: String, message: String) { self.check = check; self.message = message }
    public var description: String { "\(check)\n\(message)" }
}

/// How close two numbers must be: `|got - expected| <= atol + rtol * |expected|`.
public struct Tolerance: Sendable {
    public var atol: Double
    public var rtol: Double
    public init(atol: Double, rtol: Double) { self.atol = atol; self.rtol = rtol }
    public static let exact = Tolerance(atol: 0, rtol: 0)
    public static let tight = Tolerance(atol: 1e-9, rtol: 1e-9)
    public static let loose = Tolerance(atol: 1e-6, rtol: 1e-6)
    public func accepts(_ got: Double, _ expected: Double) -> Bool {
        if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN }
        if got.isInfinite || expected.isInfinite { return got == expected }
        return abs(got - expected) <= atol + rtol * abs(expected)
    }
}

/// Collects failures for one exercise. Each check names its case ("lab 11-0 toy image") and the
/// input, so the student sees exactly what to reproduce.
public struct Expectations: Sendable {
    public private(set) var failures: [Failure] = []
    /// What a wrong output shape most likely means in this exercise (set by each check).
    public var shapeHint = "the output shape is wrong; check the output-size formula and the loop bounds"
    /// Printed under every wrong value: the classic mistakes of this exercise (gradient
    /// exercises name `=` instead of `+=` and a missing padding offset).
    public var likelyBugs: String? = nil
    public init() {}

    public mutating func fail(_ check: String, _ message: String) {
        failures.append(Failure(check: check, message: message))
    }

    /// The note lines under a wrong value.
    func notes() -> String {
        likelyBugs.map { "\n  likely bugs: " + $0 } ?? ""
    }

    /// Exact equality of two values that print well (integers, tuples of integers).
    public mutating func equal<T: Equatable>(_ check: String, input: String, got: T, expected: T) {
        if got != expected {
            fail(check, "  input:    \(input)\n  expected: \(expected)\n  got:      \(got)" + notes())
        }
    }

    /// A tensor against the expected one: the shape first, then the first wrong element (in
    /// row-major order) and, when another element is further off, the largest error.
    public mutating func close(_ check: String, input: String, got: Tensor, expected: Tensor,
                               tolerance: Tolerance = .loose) {
        guard got.shape == expected.shape else {
            fail(check, """
                  input:    \(input)
                  expected: shape \(describeShape(expected.shape))\(layout(expected))
                  got:      shape \(describeShape(got.shape))\(layout(got))
                  (\(shapeHint))
                """)
            return
        }
        var first: Int? = nil, worst: Int? = nil
        var worstError = -1.0, wrong = 0
        for k in got.scalars.indices where !tolerance.accepts(got.scalars[k], expected.scalars[k]) {
            wrong += 1
            if first == nil { first = k }
            let error = abs(got.scalars[k] - expected.scalars[k])
            if worst == nil || error > worstError || error.isNaN { worst = k; worstError = error }
        }
        guard let first, let worst else { return }
        func element(_ k: Int) -> String {
            "index \(unravel(k, expected.shape)) expected \(formatScalar(expected.scalars[k])), got \(formatScalar(got.scalars[k]))"
        }
        var lines = "  first wrong element: \(element(first))   (\(wrong) of \(expected.scalars.count) element(s) wrong)"
        if worst != first { lines += "\n  largest error:       \(element(worst))" }
        fail(check, """
              input:    \(input)
              expected: shape \(describeShape(expected.shape))\(layout(expected))
              got:      shape \(describeShape(got.shape))\(layout(got))
            \(lines)
            """ + notes())
    }

    public mutating func close(_ check: String, input: String, got: [Double], expected: [Double],
                               tolerance: Tolerance = .loose) {
        close(check, input: input, got: Tensor(shape: [got.count], scalars: got),
              expected: Tensor(shape: [expected.count], scalars: expected), tolerance: tolerance)
    }

    public mutating func close(_ check: String, input: String, got: [[Double]], expected: [[Double]],
                               tolerance: Tolerance = .loose) {
        close(check, input: input, got: matrixTensor(got), expected: matrixTensor(expected), tolerance: tolerance)
    }

    public mutating func close(_ check: String, input: String, got: Double, expected: Double,
                               tolerance: Tolerance = .loose) {
        if !tolerance.accepts(got, expected) {
            fail(check, "  input:    \(input)\n  expected: \(formatScalar(expected))\n  got:      \(formatScalar(got))" + notes())
        }
    }
}

/// A ragged `[[Double]]` cannot be a tensor; it becomes one row per line with a telling shape.
func matrixTensor(_ rows: [[Double]]) -> Tensor {
    let width = rows.first?.count ?? 0
    if rows.allSatisfy({ $0.count == width }) {
        return Tensor(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }
    // Ragged: report as a flat list with a shape that cannot match any expected one.
    let flat = rows.flatMap { $0 }
    return Tensor(shape: [flat.count, 1, 1], scalars: flat)
}

func unravel(_ offset: Int, _ shape: [Int]) -> String {
    var rest = offset
    var index = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return describeShape(index)
}

/// The values of an expected or actual tensor, laid out so a shifted row or column shows: a 4-D
/// NHWC tensor as one H x W grid per example and channel, a matrix as one line per row,
/// anything else as a flat list. Starts with a space or a newline (it follows "shape [..]").
public func layout(_ t: Tensor, maxGrids: Int = 6, maxCells: Int = 100) -> String {
    if t.rank == 4, t.scalars.count > 0 {
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        if h * w <= maxCells && w <= 12 {
            var text = ""
            var shown = 0
            outer: for b in 0..<n {
                for k in 0..<c {
                    if shown == maxGrids {
                        text += "\n      ... (\(n * c - shown) more grid(s))"
                        break outer
                    }
                    shown += 1
                    let label = "      [\(b), :, :, \(k)] "
                    let rows = (0..<h).map { i in
                        "[" + (0..<w).map { j in formatScalar(t[b, i, j, k]) }.joined(separator: ", ") + "]"
                    }
                    text += "\n" + label + rows.joined(separator: "\n" + String(repeating: " ", count: label.count))
                }
            }
            return text
        }
    }
    if t.rank == 2, t.shape[0] > 1, t.scalars.count > 8, t.shape[0] <= 16, t.shape[1] <= 16 {
        let rows = (0..<t.shape[0]).map { i in
            "[" + t.scalars[(i * t.shape[1])..<((i + 1) * t.shape[1])].map(formatScalar).joined(separator: ", ") + "]"
        }
        return "\n      " + rows.joined(separator: "\n      ")
    }
    return " " + formatValues(t)
}

/// The values of a tensor on one line: a matrix or a one-channel image [1, H, W, 1] as rows
/// (`[[12, 16], [24, 28]]`, as the lectures print them), other 4-D tensors as one grid per
/// example and channel (`[0,:,:,1] [[..], [..]]`), anything else row-major and flat.
public func formatValues(_ t: Tensor, limit: Int = 32) -> String {
    func grid(_ rows: Int, _ columns: Int, _ value: (Int, Int) -> Double) -> String {
        "[" + (0..<rows).map { i in "[" + (0..<columns).map { j in formatScalar(value(i, j)) }.joined(separator: ", ") + "]" }
            .joined(separator: ", ") + "]"
    }
    guard t.scalars.count <= limit, t.scalars.count > 0 else { return formatScalars(t.scalars, limit: limit) }
    if t.rank == 2 { return grid(t.shape[0], t.shape[1]) { t[$0, $1] } }
    if t.rank == 4 {
        if t.shape[0] == 1 && t.shape[3] == 1 { return grid(t.shape[1], t.shape[2]) { t[0, $0, $1, 0] } }
        var parts: [String] = []
        for b in 0..<t.shape[0] {
            for k in 0..<t.shape[3] {
                parts.append("[\(b),:,:,\(k)] " + grid(t.shape[1], t.shape[2]) { t[b, $0, $1, k] })
            }
        }
        return parts.joined(separator: " ")
    }
    return formatScalars(t.scalars, limit: limit)
}

/// A short description of a tensor argument for failure messages: shape and values.
public func show(_ t: Tensor) -> String { "shape \(describeShape(t.shape)) \(formatValues(t))" }
public func show(_ m: [[Double]]) -> String {
    "shape [\(m.count),\(m.first?.count ?? 0)] " + "[" + m.prefix(4).map { formatScalars($0, limit: 8) }.joined(separator: ", ") + (m.count > 4 ? ", ..." : "") + "]"
}
public func show(_ v: [Double]) -> String { "shape [\(v.count)] \(formatScalars(v, limit: 32))" }

/// Deterministic pseudo-random numbers for test inputs (SplitMix64), so every run and every
/// platform sees the same cases.
public struct CaseGenerator: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [a, b), rounded to 1/64 so inputs print short and sums stay exact-ish.
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        let u = Double(next() >> 11) / Double(1 << 53)
        return ((a + (b - a) * u) * 64).rounded() / 64
    }
    public mutating func tensor(_ shape: [Int], _ a: Double = -2, _ b: Double = 2) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in uniform(a, b) })
    }
    /// Values all distinct (a shuffled ramp): no ties for max pooling.
    public mutating func distinct(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        var values = (0..<count).map { Double($0) - Double(count) / 2 }
        for i in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(i, Int(next() % UInt64(i + 1)))
        }
        return Tensor(shape: shape, scalars: values)
    }
}
