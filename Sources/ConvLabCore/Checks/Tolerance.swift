

/// The one tolerance rule of the test suite: `|actual - expected| <= atol + rtol * |expected|`.
public struct Tolerance: Sendable, CustomStringConvertible {
    public var atol: Double
    public var rtol: Double

    public init(atol: Double, rtol: Double = 0) {
        self.atol = atol
        self.rtol = rtol
    }

    /// Exact equality (for integer-valued worked examples).
    public static let exact = Tolerance(atol: 0, rtol: 0)

    public func accepts(_ actual: Double, _ expected: Double) -> Bool {
        if actual.isNaN || expected.isNaN { return false }
        if actual == expected { return true }  // equal infinities
        return abs(actual - expected) <= atol + rtol * abs(expected)
    }

    public var description: String { "atol \(atol), rtol \(rtol)" }
}

/// The outcome of comparing two tensors: `nil` when they agree, else the worst element.
public struct Mismatch: CustomStringConvertible, Sendable {
    public let index: [Int]
    public let actual: Double
    public let expected: Double
    package let maxAbsError: Double
    public let message: String
    public var description: String { message }
}

/// Compares two tensors element by element under `tolerance`.
/// - Returns: `nil` when shapes match and every element is within tolerance, otherwise a
///   `Mismatch` naming the worst element, its multi-index, both values and the shapes.
public func compare<A: TensorScalar, B: TensorScalar>(
    _ actual: Tensor<A>, _ expected: Tensor<B>, _ tolerance: Tolerance
) -> Mismatch? {
    guard actual.shape == expected.shape else {
        return Mismatch(index: [], actual: .nan, expected: .nan, maxAbsError: .infinity,
                        message: "shape \(describeShape(actual.shape)) != expected \(describeShape(expected.shape))")
    }
    var worst: (offset: Int, excess: Double)? = nil
    var maxAbs = 0.0
    for i in 0..<actual.count {
        let a = Double(actual.scalars[i]), e = Double(expected.scalars[i])
        let err = abs(a - e)
        if err.isNaN || err > maxAbs { maxAbs = err.isNaN ? .infinity : err }
        if !tolerance.accepts(a, e) {
            let excess = err.isNaN ? .infinity : err - (tolerance.atol + tolerance.rtol * abs(e))
            if worst == nil || excess > worst!.excess { worst = (i, excess) }
        }
    }
    guard let bad = worst else { return nil }
    let index = unravel(bad.offset, actual.shape)
    let a = Double(actual.scalars[bad.offset]), e = Double(expected.scalars[bad.offset])
    return Mismatch(index: index, actual: a, expected: e, maxAbsError: maxAbs,
                    message: "at \(index) of \(describeShape(actual.shape)): got \(a), expected \(e) "
                        + "(|diff| \(abs(a - e)), \(tolerance)); max |diff| \(maxAbs)")
}

/// The largest absolute difference between two same-shaped tensors (infinity on shape mismatch).
package func maxAbsError<A: TensorScalar, B: TensorScalar>(_ a: Tensor<A>, _ b: Tensor<B>) -> Double {
    guard a.shape == b.shape else { return .infinity }
    var worst = 0.0
    for i in 0..<a.count {
        let d = abs(Double(a.scalars[i]) - Double(b.scalars[i]))
        worst = d.isNaN ? .infinity : max(worst, d)
    }
    return worst
}

/// The multi-index of a flat row-major offset.
func unravel(_ offset: Int, _ shape: [Int]) -> [Int] {
    var rest = offset
    var index = Array(repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}
