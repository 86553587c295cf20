import ConvLabCore

// Fast dropout: twins of `Reference.dropoutForward` / `dropoutBackward`.
//
// The mask must be the reference's, bit for bit, for the same seed: the generator is a single
// sequential stream, so the forward pass still draws one `nextUnit()` per element in row-major
// order on one thread (splitting the draws across threads would need a generator per chunk and
// give another mask). What changes is the rest of the loop: the mask and output are written
// through raw pointers into uninitialized buffers instead of through two zero-filled tensors'
// subscripts. The backward pass, `dOutput * mask`, has no draws and runs in parallel chunks.

extension Fast {
    /// Inverted dropout, as `Reference.dropoutForward`: the same draws from `generator`, so the
    /// same mask and the same generator state afterwards.
    /// - Returns: `output` and `mask` (0 or `1 / keepProbability`), both `x`'s shape.
    /// - Throws: `ConvLabError` when `keepProbability` is outside (0, 1] (the reference's check).
    /// - Complexity: `count(x)` draws, on one thread.
    public static func dropoutForward(_ x: Tensor<Float>, keepProbability: Float, generator: inout SeededGenerator)
        throws -> (output: Tensor<Float>, mask: Tensor<Float>) {
        try OpCheck.keepProbability(keepProbability, shape: x.shape, op: "dropout")
        let keep = Double(keepProbability), scale = 1 / keepProbability
        let count = x.count
        var output = [Float]()
        let mask = x.scalars.withUnsafeBufferPointer { xs in
            [Float](unsafeUninitializedCapacity: count) { maskBuffer, maskInitialized in
                output = [Float](unsafeUninitializedCapacity: count) { outputBuffer, outputInitialized in
                    let source = xs.baseAddress, kept = maskBuffer.baseAddress, values = outputBuffer.baseAddress
                    for k in 0..<count {
                        let factor: Float = generator.nextUnit() < keep ? scale : 0
                        kept![k] = factor
                        values![k] = source![k] * factor
                    }
                    outputInitialized = count
                }
                maskInitialized = count
            }
        }
        return (Tensor(uncheckedShape: x.shape, scalars: output), Tensor(uncheckedShape: x.shape, scalars: mask))
    }

    /// `dOutput * mask`, as `Reference.dropoutBackward`.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    /// - Complexity: one pass, in parallel chunks.
    public static func dropoutBackward(dOutput: Tensor<Float>, mask: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, mask.shape, names: ("dOutput", "mask"), op: "dropoutBackward")
        return zipLanes(dOutput, mask, DropoutBackwardLanes())
    }
}

struct DropoutBackwardLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ dy: Fast.Lanes, _ mask: Fast.Lanes) -> Fast.Lanes { dy * mask }
}
