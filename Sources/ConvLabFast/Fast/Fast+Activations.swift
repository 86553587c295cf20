import ConvLabCore

// Fast elementwise activations: twins of `Reference.sigmoidForward` / `sigmoidBackward`,
// `tanh...`, `elu...`, `softplus...`, `leakyReLU...` and `maxout...`.
//
// The reference maps element by element through a generic closure and calls the C library's
// `expf`/`tanhf`/`log1pf` once per element. Here each op is one pass over contiguous Float memory
// four lanes at a time, with the vector exp/expm1/log1p/tanh of `Fast+Math.swift` (Cephes
// polynomials, branch-free selects), cut into `elementwiseChunk`-sized chunks on `Fast.threads`
// threads. The op is a generic parameter (a `LaneOp` struct), not a closure, so each op's loop is
// compiled with its body inlined, and the loop moves whole vectors, leaving the last partial
// vector to one step after it (a lane-by-lane load inside the loop kept the lanes in memory and
// made leaky ReLU 10x slower). The formulas keep the reference's stability: sigmoid and
// softplus see `exp(-|x|)` only, ELU uses expm1, and |x| ~ 1000 gives 0, 1 or x, never NaN.
// Maxout reads each group of channels straight from memory, groups split across threads.

/// An elementwise op on four lanes: a generic parameter of `Fast.mapLanes`, so that the loop is
/// specialized for it (a closure would be called indirectly per element and never inlined).
protocol LaneOp {
    func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes
}

/// An elementwise op of two same-shaped tensors on four lanes, for `Fast.zipLanes`.
protocol LanePairOp {
    func callAsFunction(_ x: Fast.Lanes, _ y: Fast.Lanes) -> Fast.Lanes
}

extension Fast {
    // MARK: - Shared passes

    /// `y = op(x)` four lanes at a time in parallel chunks (chunks hold a multiple of 4 elements,
    /// so only the very end of `x` is a partial vector, padded with zeros).
    @inline(__always)
    static func mapLanes<Op: LaneOp>(_ x: Tensor<Float>, _ op: Op) -> Tensor<Float> {
        tensor(x.shape) { y in
            withBases(x.scalars) { source in
                parallelChunks(x.count) { range in
                    var i = range.lowerBound
                    while i + 4 <= range.upperBound {
                        storeLanes(op(loadLanes(source + i)), y + i)
                        i += 4
                    }
                    if i < range.upperBound {
                        let n = range.upperBound - i
                        storeLanes(op(loadLanes(source + i, n)), y + i, n)
                    }
                }
            }
        }
    }

    /// `z = op(a, b)` four lanes at a time in parallel chunks, for tensors of one shape (checked
    /// by the caller); `z` has `a`'s shape.
    @inline(__always)
    static func zipLanes<Op: LanePairOp>(_ a: Tensor<Float>, _ b: Tensor<Float>, _ op: Op) -> Tensor<Float> {
        tensor(a.shape) { z in
            withBases(a.scalars, b.scalars) { left, right in
                parallelChunks(a.count) { range in
                    var i = range.lowerBound
                    while i + 4 <= range.upperBound {
                        storeLanes(op(loadLanes(left + i), loadLanes(right + i)), z + i)
                        i += 4
                    }
                    if i < range.upperBound {
                        let n = range.upperBound - i
                        storeLanes(op(loadLanes(left + i, n), loadLanes(right + i, n)), z + i, n)
                    }
                }
            }
        }
    }

    // MARK: - Sigmoid, tanh, ELU, softplus

    /// The logistic sigmoid, as `Reference.sigmoidForward`.
    /// - Returns: the shape of `x`.
    /// - Complexity: one pass over `x`.
    public static func sigmoidForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapLanes(x, SigmoidLanes())
    }

    /// `dOutput * s * (1 - s)` with `s = sigmoid(x)`, as `Reference.sigmoidBackward`.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func sigmoidBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "sigmoidBackward")
        return zipLanes(x, dOutput, SigmoidBackwardLanes())
    }

    /// The hyperbolic tangent, as `Reference.tanhForward`.
    /// - Complexity: one pass over `x`.
    public static func tanhForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapLanes(x, TanhLanes())
    }

    /// `dOutput * (1 - tanh(x)^2)`, as `Reference.tanhBackward`.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func tanhBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "tanhBackward")
        return zipLanes(x, dOutput, TanhBackwardLanes())
    }

    /// ELU (alpha 1), `x` if `x > 0` else `expm1(x)`, as `Reference.eluForward`.
    /// - Complexity: one pass over `x`.
    public static func eluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapLanes(x, ELULanes())
    }

    /// `dOutput` where `x > 0`, else `exp(x) * dOutput` (1 at 0), as `Reference.eluBackward`.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func eluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "eluBackward")
        return zipLanes(x, dOutput, ELUBackwardLanes())
    }

    /// Softplus, `max(x, 0) + log1p(exp(-|x|))`, as `Reference.softplusForward`.
    /// - Complexity: one pass over `x`.
    public static func softplusForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapLanes(x, SoftplusLanes())
    }

    /// `dOutput * sigmoid(x)`, as `Reference.softplusBackward`.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func softplusBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "softplusBackward")
        return zipLanes(x, dOutput, SoftplusBackwardLanes())
    }

    // MARK: - Leaky ReLU

    /// `x` if `x > 0` else `alpha * x`, as `Reference.leakyReLUForward`.
    /// - Throws: `ConvLabError` when `alpha` is not finite (the reference's check).
    public static func leakyReLUForward(_ x: Tensor<Float>, alpha: Float = 0.2) throws -> Tensor<Float> {
        try OpCheck.finite(alpha, name: "alpha", op: "leakyReLU")
        return mapLanes(x, LeakyReLULanes(alpha: alpha))
    }

    /// `dOutput` where `x > 0`, else `alpha * dOutput` (alpha at 0), as `Reference.leakyReLUBackward`.
    /// - Throws: `ConvLabError` when the shapes differ or `alpha` is not finite (the reference's checks).
    public static func leakyReLUBackward(_ x: Tensor<Float>, alpha: Float = 0.2, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.finite(alpha, name: "alpha", op: "leakyReLUBackward")
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "leakyReLUBackward")
        return zipLanes(x, dOutput, LeakyReLUBackwardLanes(alpha: alpha))
    }

    // MARK: - Maxout

    /// The largest channel of each group of `C / units`, as `Reference.maxoutForward`.
    /// - Returns: `[..., units]`.
    /// - Throws: `ConvLabError` when `x` is a scalar or `units` does not divide `C` (the reference's check).
    /// - Complexity: one pass over `x`.
    public static func maxoutForward(_ x: Tensor<Float>, units: Int) throws -> Tensor<Float> {
        let groupSize = try OpCheck.maxoutGroupSize(x.shape, units: units, op: "maxout"), groups = x.count / groupSize
        return tensor(Array(x.shape.dropLast()) + [units]) { values in
            withBases(x.scalars) { source in
                forEachRow(groups, length: groupSize) { group in
                    let first = source + group * groupSize
                    var best = first[0]
                    for m in 1..<groupSize { best = Swift.max(best, first[m]) }
                    values[group] = best
                }
            }
        }
    }

    /// Each unit's upstream gradient to its group's maximum, shared equally among ties, as
    /// `Reference.maxoutBackward`.
    /// - Returns: `dInput`, `[..., C]`.
    /// - Throws: `ConvLabError` when a shape or `units` is wrong (the reference's checks).
    public static func maxoutBackward(_ x: Tensor<Float>, units: Int, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        let groupSize = try OpCheck.maxoutGroupSize(x.shape, units: units, op: "maxoutBackward"), groups = x.count / groupSize
        try OpCheck.outputGradient(dOutput.shape, expected: Array(x.shape.dropLast()) + [units], op: "maxoutBackward")
        return tensor(x.shape) { gradient in
            withBases(x.scalars, dOutput.scalars) { source, upstream in
                forEachRow(groups, length: groupSize) { group in
                    let first = source + group * groupSize, slot = gradient + group * groupSize
                    var best = first[0]
                    for m in 1..<groupSize { best = Swift.max(best, first[m]) }
                    var ties = 0
                    // Counted with a select, not a branch: which channel wins is data, and a
                    // branch on it mispredicts about every other group.
                    for m in 0..<groupSize { ties += first[m] == best ? 1 : 0 }
                    // `0 + share`, as the reference adds the share into zeros (a -0 share gives +0).
                    // One maximum is the usual case: skip the division (dy / 1 is dy).
                    let share = ties == 1 ? upstream[group] : upstream[group] / Float(ties)
                    for m in 0..<groupSize { slot[m] = first[m] == best ? 0 + share : 0 }
                }
            }
        }
    }
}

// MARK: - The activations' lane ops (x, or x and dOutput)

struct SigmoidLanes: LaneOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes { Fast.sigmoid(x) }
}

struct SigmoidBackwardLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ dy: Fast.Lanes) -> Fast.Lanes {
        let s = Fast.sigmoid(x)
        return dy * (s * (1 - s))
    }
}

struct TanhLanes: LaneOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes { Fast.tanh(x) }
}

struct TanhBackwardLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ dy: Fast.Lanes) -> Fast.Lanes {
        let t = Fast.tanh(x)
        return dy * (1 - t * t)
    }
}

/// `x > 0 ? x : expm1(x)`; expm1 sees `min(x, 0)`, its domain.
struct ELULanes: LaneOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes {
        let positive = x .> 0
        return Fast.expm1OfNonPositive(x.replacing(with: 0, where: positive)).replacing(with: x, where: positive)
    }
}

struct ELUBackwardLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ dy: Fast.Lanes) -> Fast.Lanes {
        let positive = x .> 0
        return dy * Fast.expOfNonPositive(x.replacing(with: 0, where: positive)).replacing(with: 1, where: positive)
    }
}

struct SoftplusLanes: LaneOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes {
        x.replacing(with: 0, where: x .< 0) + Fast.log1pOfUnit(Fast.expOfNonPositive(-Fast.absolute(x)))
    }
}

struct SoftplusBackwardLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ dy: Fast.Lanes) -> Fast.Lanes { dy * Fast.sigmoid(x) }
}

/// `x > 0 ? x : 0`, as `Reference.reluForward` (so NaN and -infinity give 0).
struct ReLULanes: LaneOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes { Fast.Lanes(repeating: 0).replacing(with: x, where: x .> 0) }
}

struct LeakyReLULanes: LaneOp {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: Fast.Lanes) -> Fast.Lanes { (alpha * x).replacing(with: x, where: x .> 0) }
}

struct LeakyReLUBackwardLanes: LanePairOp {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ dy: Fast.Lanes) -> Fast.Lanes {
        dy * Fast.Lanes(repeating: alpha).replacing(with: 1, where: x .> 0)
    }
}
