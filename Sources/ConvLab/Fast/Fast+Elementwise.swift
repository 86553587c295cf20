// Fast ReLU and bias add: twins of `Reference.reluForward` / `reluBackward` and
// `Reference.biasAddForward` / `biasAddBackward`.
//
// The reference maps element by element through generic closures and `%` per element. Here
// each op is one pass over contiguous Float memory that the compiler vectorizes, split into
// chunks across threads when the tensor is large (a conv layer's activations are millions of
// values); bias add walks rows of `C` channels instead of computing `k % C`.

extension Fast {
    /// Elements per parallel chunk for memory-bound passes (~256 KB).
    static let elementwiseChunk = 1 << 16

    /// Runs `body(range)` over `0..<count` in chunks, on several threads when it is worth it.
    static func parallelChunks(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunks = (count + elementwiseChunk - 1) / elementwiseChunk
        parallelFor(chunks, threads: chunks > 1 ? threads : 1) { c in
            body((c * elementwiseChunk)..<min(count, (c + 1) * elementwiseChunk))
        }
    }

    /// `max(x, 0)`, as `Reference.reluForward`.
    /// - Returns: the shape of `x`.
    /// - Complexity: one pass over `x`.
    public static func reluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        let y = x.scalars.withUnsafeBufferPointer { xs in
            let source = xs.baseAddress
            return [Float](unsafeUninitializedCapacity: xs.count) { out, initialized in
                let values = out.baseAddress
                parallelChunks(xs.count) { range in
                    for i in range { values![i] = source![i] > 0 ? source![i] : 0 }
                }
                initialized = xs.count
            }
        }
        return Tensor(uncheckedShape: x.shape, scalars: y)
    }

    /// `dOutput` where `x > 0`, else 0, as `Reference.reluBackward`.
    /// - Throws: the reference's error when the shapes differ.
    public static func reluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        guard x.shape == dOutput.shape else { return try Reference.reluBackward(x, dOutput: dOutput) }
        let dInput = x.scalars.withUnsafeBufferPointer { xs in
            dOutput.scalars.withUnsafeBufferPointer { dys in
                let source = xs.baseAddress, upstream = dys.baseAddress
                return [Float](unsafeUninitializedCapacity: xs.count) { out, initialized in
                    let gradient = out.baseAddress
                    // dOutput * (x > 0 ? 1 : 0), as the reference (so an infinite dOutput at x <= 0
                    // gives NaN there too), four lanes at a time with a mask: a branch per value
                    // would mispredict on half of a layer's activations.
                    parallelChunks(xs.count) { range in
                        var i = range.lowerBound
                        while i + 4 <= range.upperBound {
                            let x = SIMD4<Float>(source![i], source![i + 1], source![i + 2], source![i + 3])
                            let dy = SIMD4<Float>(upstream![i], upstream![i + 1], upstream![i + 2], upstream![i + 3])
                            let g = dy * SIMD4<Float>(repeating: 0).replacing(with: 1, where: x .> 0)
                            for lane in 0..<4 { gradient![i + lane] = g[lane] }
                            i += 4
                        }
                        while i < range.upperBound {
                            gradient![i] = upstream![i] * (source![i] > 0 ? 1 : 0)
                            i += 1
                        }
                    }
                    initialized = xs.count
                }
            }
        }
        return Tensor(uncheckedShape: x.shape, scalars: dInput)
    }

    /// `input + bias` along the last axis, as `Reference.biasAddForward`.
    /// - Throws: the reference's error when `bias` is not `[C]`.
    public static func biasAddForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        guard let channels = input.shape.last, bias.shape == [channels], channels > 0 else {
            return try Reference.biasAddForward(input, bias: bias)
        }
        var output = input
        let rows = input.count / channels
        output.scalars.withUnsafeMutableBufferPointer { y in
            bias.scalars.withUnsafeBufferPointer { b in
                let out = y.baseAddress!, add = b.baseAddress!
                let rowsPerChunk = max(1, elementwiseChunk / channels)
                parallelFor((rows + rowsPerChunk - 1) / rowsPerChunk,
                            threads: rows > rowsPerChunk ? threads : 1) { part in
                    for r in (part * rowsPerChunk)..<min(rows, (part + 1) * rowsPerChunk) {
                        let row = out + r * channels
                        for c in 0..<channels { row[c] += add[c] }
                    }
                }
            }
        }
        return output
    }

    /// `(dOutput, Σ dOutput over all but the last axis)`, as `Reference.biasAddBackward`.
    /// - Throws: the reference's error for a scalar `dOutput`.
    public static func biasAddBackward(dOutput: Tensor<Float>) throws -> (dInput: Tensor<Float>, dBias: Tensor<Float>) {
        guard let channels = dOutput.shape.last, channels > 0 else { return try Reference.biasAddBackward(dOutput: dOutput) }
        var dBias = Tensor<Float>.zerosUnchecked([channels])
        dOutput.scalars.withUnsafeBufferPointer { dy in
            dBias.scalars.withUnsafeMutableBufferPointer { db in
                columnSums(dy.baseAddress!, rows: dOutput.count / channels, columns: channels, into: db.baseAddress!)
            }
        }
        return (dOutput, dBias)
    }
}

extension Fast {
    /// `max(input + bias, 0)` along the last axis in one pass: the conv layers' tail
    /// (`Kernels.biasReLUForward`). Bias add then ReLU would write the sum and then read it back to
    /// write the ReLU, two passes over a tensor that is 12 MB for conv1 at batch 128; here each
    /// value is read once and written once.
    /// - Throws: the reference's error when `bias` is not `[C]`.
    public static func biasReLUForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        guard let channels = input.shape.last, bias.shape == [channels], channels > 0 else {
            return try Reference.reluForward(Reference.biasAddForward(input, bias: bias))
        }
        let rows = input.count / channels
        let y = input.scalars.withUnsafeBufferPointer { xs in
            bias.scalars.withUnsafeBufferPointer { b in
                let source = xs.baseAddress!, add = b.baseAddress!
                return [Float](unsafeUninitializedCapacity: xs.count) { out, initialized in
                    let values = out.baseAddress!
                    let rowsPerChunk = max(1, elementwiseChunk / channels)
                    parallelFor((rows + rowsPerChunk - 1) / rowsPerChunk,
                                threads: rows > rowsPerChunk ? threads : 1) { part in
                        for r in (part * rowsPerChunk)..<min(rows, (part + 1) * rowsPerChunk) {
                            let row = source + r * channels, result = values + r * channels
                            for c in 0..<channels {
                                let z = row[c] + add[c]
                                result[c] = z > 0 ? z : 0   // as Reference.reluForward: NaN gives 0
                            }
                        }
                    }
                    initialized = xs.count
                }
            }
        }
        return Tensor(uncheckedShape: input.shape, scalars: y)
    }
}
