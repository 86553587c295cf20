// Fast elementwise activations: twins of `Reference.sigmoidForward` / `sigmoidBackward`,
// `tanh...`, `elu...`, `softplus...`, `leakyReLU...` and `maxout...`.
//
// The reference builds each result through a generic closure and `Tensor.map` (or a subscript
// per element with a bounds check), on one thread. Here each op is one pass over contiguous Float
// memory into an uninitialized output buffer, cut into `elementwiseChunk`-sized chunks that run on
// `Fast.threads` threads: the exp-based ops are bound by the `exp`/`tanh` calls, so they scale with
// the cores; leaky ReLU and maxout are branch-free selects the compiler vectorizes.
//
// The formulas are the reference's, term for term, so the results agree to the rounding of
// libm: sigmoid calls `exp` only on a non-positive argument (`1 / (1 + exp(-x))` for x >= 0,
// `exp(x) / (1 + exp(x))` below), and softplus is `max(x, 0) + log1p(exp(-|x|))`; neither
// overflows for |x| ~ 1000.

extension Fast {
    // MARK: - Shared passes

    /// `y[k] = f(x[k])` in parallel chunks.
    @inline(__always)
    static func mapElements(_ x: Tensor<Float>, _ f: (Float) -> Float) -> Tensor<Float> {
        let y = x.scalars.withUnsafeBufferPointer { xs in
            let source = xs.baseAddress
            return [Float](unsafeUninitializedCapacity: xs.count) { out, initialized in
                let values = out.baseAddress
                parallelChunks(xs.count) { range in
                    for i in range { values![i] = f(source![i]) }
                }
                initialized = xs.count
            }
        }
        return Tensor(uncheckedShape: x.shape, scalars: y)
    }

    /// `z[k] = f(a[k], b[k])` in parallel chunks, for tensors of one shape (checked by the caller).
    @inline(__always)
    static func zipElements(_ a: Tensor<Float>, _ b: Tensor<Float>, _ f: (Float, Float) -> Float) -> Tensor<Float> {
        let z = a.scalars.withUnsafeBufferPointer { aBuffer in
            b.scalars.withUnsafeBufferPointer { bBuffer in
                let first = aBuffer.baseAddress, second = bBuffer.baseAddress
                return [Float](unsafeUninitializedCapacity: aBuffer.count) { out, initialized in
                    let values = out.baseAddress
                    parallelChunks(aBuffer.count) { range in
                        for i in range { values![i] = f(first![i], second![i]) }
                    }
                    initialized = aBuffer.count
                }
            }
        }
        return Tensor(uncheckedShape: a.shape, scalars: z)
    }

    /// `1 / (1 + exp(-x))` with `exp` of a non-positive argument only, as `Reference.stableSigmoid`.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Float.exp(-x)) }
        let e = Float.exp(x)
        return e / (1 + e)
    }

    // MARK: - Sigmoid, tanh, ELU, softplus

    /// The logistic sigmoid, as `Reference.sigmoidForward`.
    /// - Returns: the shape of `x`.
    /// - Complexity: one pass over `x`, one `exp` per element.
    public static func sigmoidForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapElements(x, sigmoid)
    }

    /// `dOutput * s * (1 - s)` with `s = sigmoid(x)`, as `Reference.sigmoidBackward`.
    /// - Throws: the reference's error when the shapes differ.
    public static func sigmoidBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard x.shape == dOutput.shape else { return try Reference.sigmoidBackward(x, dOutput: dOutput) }
        return zipElements(x, dOutput) { x, dy in
            let s = sigmoid(x)
            return dy * (s * (1 - s))
        }
    }

    /// The hyperbolic tangent, as `Reference.tanhForward`.
    /// - Complexity: one pass over `x`, one `tanh` per element.
    public static func tanhForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapElements(x) { Float.tanh($0) }
    }

    /// `dOutput * (1 - tanh(x)^2)`, as `Reference.tanhBackward`.
    /// - Throws: the reference's error when the shapes differ.
    public static func tanhBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard x.shape == dOutput.shape else { return try Reference.tanhBackward(x, dOutput: dOutput) }
        return zipElements(x, dOutput) { x, dy in
            let t = Float.tanh(x)
            return dy * (1 - t * t)
        }
    }

    /// ELU (alpha 1), `x` if `x > 0` else `expm1(x)`, as `Reference.eluForward`.
    /// - Complexity: one pass over `x`.
    public static func eluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapElements(x) { $0 > 0 ? $0 : Float.expm1($0) }
    }

    /// `dOutput` where `x > 0`, else `exp(x) * dOutput` (1 at 0), as `Reference.eluBackward`.
    /// - Throws: the reference's error when the shapes differ.
    public static func eluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard x.shape == dOutput.shape else { return try Reference.eluBackward(x, dOutput: dOutput) }
        return zipElements(x, dOutput) { x, dy in dy * (x > 0 ? 1 : Float.exp(x)) }
    }

    /// Softplus, `max(x, 0) + log1p(exp(-|x|))`, as `Reference.softplusForward`.
    /// - Complexity: one pass over `x`, one `exp` and one `log1p` per element.
    public static func softplusForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapElements(x) { Swift.max($0, 0) + Float.log1p(Float.exp(-abs($0))) }
    }

    /// `dOutput * sigmoid(x)`, as `Reference.softplusBackward`.
    /// - Throws: the reference's error when the shapes differ.
    public static func softplusBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard x.shape == dOutput.shape else { return try Reference.softplusBackward(x, dOutput: dOutput) }
        return zipElements(x, dOutput) { x, dy in dy * sigmoid(x) }
    }

    // MARK: - Leaky ReLU

    /// `x` if `x > 0` else `alpha * x`, as `Reference.leakyReLUForward`.
    /// - Throws: the reference's error when `alpha` is not finite.
    public static func leakyReLUForward(_ x: Tensor<Float>, alpha: Float = 0.2) throws -> Tensor<Float> {
        guard alpha.isFinite else { return try Reference.leakyReLUForward(x, alpha: alpha) }
        return mapElements(x) { $0 > 0 ? $0 : alpha * $0 }
    }

    /// `dOutput` where `x > 0`, else `alpha * dOutput` (alpha at 0), as `Reference.leakyReLUBackward`.
    /// - Throws: the reference's error when the shapes differ or `alpha` is not finite.
    public static func leakyReLUBackward(_ x: Tensor<Float>, alpha: Float = 0.2, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard alpha.isFinite, x.shape == dOutput.shape else {
            return try Reference.leakyReLUBackward(x, alpha: alpha, dOutput: dOutput)
        }
        return zipElements(x, dOutput) { x, dy in dy * (x > 0 ? 1 : alpha) }
    }

    // MARK: - Maxout

    /// The largest channel of each group of `C / units`, as `Reference.maxoutForward`.
    /// - Returns: `[..., units]`.
    /// - Throws: the reference's error when `x` is a scalar or `units` does not divide `C`.
    /// - Complexity: one pass over `x`.
    public static func maxoutForward(_ x: Tensor<Float>, units: Int) throws -> Tensor<Float> {
        guard let channels = x.shape.last, units >= 1, channels >= 1, channels % units == 0 else {
            return try Reference.maxoutForward(x, units: units)
        }
        let groupSize = channels / units, groups = x.count / groupSize
        let y = x.scalars.withUnsafeBufferPointer { xs in
            let source = xs.baseAddress
            return [Float](unsafeUninitializedCapacity: groups) { out, initialized in
                let values = out.baseAddress
                let groupsPerChunk = Swift.max(1, elementwiseChunk / groupSize)
                parallelFor((groups + groupsPerChunk - 1) / groupsPerChunk,
                            threads: groups > groupsPerChunk ? threads : 1) { part in
                    for group in (part * groupsPerChunk)..<Swift.min(groups, (part + 1) * groupsPerChunk) {
                        let first = source! + group * groupSize
                        var best = first[0]
                        for m in 1..<groupSize { best = Swift.max(best, first[m]) }
                        values![group] = best
                    }
                }
                initialized = groups
            }
        }
        return Tensor(uncheckedShape: Array(x.shape.dropLast()) + [units], scalars: y)
    }

    /// Each unit's upstream gradient to its group's maximum, shared equally among ties, as
    /// `Reference.maxoutBackward`.
    /// - Returns: `dInput`, `[..., C]`.
    /// - Throws: the reference's error when a shape or `units` is wrong.
    public static func maxoutBackward(_ x: Tensor<Float>, units: Int, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard let channels = x.shape.last, units >= 1, channels >= 1, channels % units == 0,
              dOutput.shape == Array(x.shape.dropLast()) + [units] else {
            return try Reference.maxoutBackward(x, units: units, dOutput: dOutput)
        }
        let groupSize = channels / units, groups = x.count / groupSize
        let dInput = x.scalars.withUnsafeBufferPointer { xs in
            dOutput.scalars.withUnsafeBufferPointer { dys in
                let source = xs.baseAddress, upstream = dys.baseAddress
                return [Float](unsafeUninitializedCapacity: xs.count) { out, initialized in
                    let gradient = out.baseAddress
                    let groupsPerChunk = Swift.max(1, elementwiseChunk / groupSize)
                    parallelFor((groups + groupsPerChunk - 1) / groupsPerChunk,
                                threads: groups > groupsPerChunk ? threads : 1) { part in
                        for group in (part * groupsPerChunk)..<Swift.min(groups, (part + 1) * groupsPerChunk) {
                            let first = source! + group * groupSize, slot = gradient! + group * groupSize
                            var best = first[0]
                            for m in 1..<groupSize { best = Swift.max(best, first[m]) }
                            var ties = 0
                            for m in 0..<groupSize where first[m] == best { ties += 1 }
                            // `0 + share`, as the reference adds the share into zeros (a -0 share gives +0).
                            let share = upstream![group] / Float(ties)
                            for m in 0..<groupSize { slot[m] = first[m] == best ? 0 + share : 0 }
                        }
                    }
                    initialized = xs.count
                }
            }
        }
        return Tensor(uncheckedShape: x.shape, scalars: dInput)
    }
}
