import ConvLabCore

// Fast dense (fully connected) layer: the twin of `Reference.denseForward` / `denseBackward`.
//
// The reference runs one dot product per output in plain loops, reading all of `weights` for
// every example. Here each of the three products is one call of the packed, threaded GEMM
// (`Fast.gemm`), which reuses each loaded weight across a 6 x 16 register tile:
//
//     y  = x [N, In]  * W [In, Out]  + b     (C starts as the bias rows, then accumulates)
//     dx = dy [N, Out] * W^T [Out, In]
//     dW = x^T [In, N] * dy [N, Out]          dBias = column sums of dy
//
// Transposes are not copied: the GEMM's packing reads the operands through strides.
// Shapes are checked by the reference's checks (`OpCheck.dense`), so the errors are the same.

extension Fast {
    /// `x @ W + b`, as `Reference.denseForward`.
    /// - Parameters: `input [N, In]`, `weights [In, Out]`, `bias [Out]`.
    /// - Returns: `[N, Out]`.
    /// - Throws: `ConvLabError` for shapes that do not fit (the reference's checks).
    /// - Complexity: `2 * N * In * Out` flops on the GEMM.
    public static func denseForward(_ input: Tensor<Float>, weights: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        let (batch, inputs, outputs) = try OpCheck.dense(input: input.shape, weights: weights.shape, op: "dense")
        try OpCheck.denseBias(bias.shape, weights: weights.shape, op: "dense")
        // The bias rows, then the GEMM adds x * W onto them.
        return tensor([batch, outputs]) { y in
            withBases(bias.scalars) { b in
                for n in 0..<batch { (y + n * outputs).initialize(from: b, count: outputs) }
            }
            withBases(input.scalars, weights.scalars) { x, w in
                gemm(m: batch, n: outputs, k: inputs,
                     a: .matrix(x, rowStride: inputs, kStride: 1),
                     bTransposed: .matrix(w, rowStride: 1, kStride: outputs),
                     c: y, ldc: outputs, accumulate: true)
            }
        }
    }

    /// The gradients of `denseForward`, as `Reference.denseBackward`.
    /// - Returns: `dInput [N, In]`, `dWeights [In, Out]`, `dBias [Out]`.
    /// - Throws: `ConvLabError` for shapes that do not fit (the reference's checks).
    /// - Complexity: two GEMMs of `2 * N * In * Out` flops.
    public static func denseBackward(_ input: Tensor<Float>, weights: Tensor<Float>, dOutput: Tensor<Float>)
        throws -> (dInput: Tensor<Float>, dWeights: Tensor<Float>, dBias: Tensor<Float>) {
        let (batch, inputs, outputs) = try OpCheck.dense(input: input.shape, weights: weights.shape, op: "denseBackward")
        try OpCheck.outputGradient(dOutput.shape, expected: [batch, outputs], op: "denseBackward")
        // Each output is written whole by one GEMM (or the column sums): no zero fill.
        let (x, w, dy) = (input.scalars, weights.scalars, dOutput.scalars)
        let dInput = tensor(input.shape) { dx in
            withBases(dy, w) { dy, w in
                gemm(m: batch, n: inputs, k: outputs,
                     a: .matrix(dy, rowStride: outputs, kStride: 1),
                     bTransposed: .matrix(w, rowStride: outputs, kStride: 1),
                     c: dx, ldc: inputs, accumulate: false)
            }
        }
        let dWeights = tensor(weights.shape) { dw in
            withBases(x, dy) { x, dy in
                gemm(m: inputs, n: outputs, k: batch,
                     a: .matrix(x, rowStride: 1, kStride: inputs),
                     bTransposed: .matrix(dy, rowStride: 1, kStride: outputs),
                     c: dw, ldc: outputs, accumulate: false)
            }
        }
        let dBias = tensor([outputs]) { db in
            withBases(dy) { dy in columnSums(dy, rows: batch, columns: outputs, into: db) }
        }
        return (dInput, dWeights, dBias)
    }

    /// `sums[j] = Σ_i m[i, j]` for a row-major `[rows, columns]` matrix: contiguous, vectorizable
    /// row adds. Large matrices split their rows into one band per thread, each summed in order
    /// into its own partial, and the partials are added in band order (on one thread this is
    /// exactly the reference's order).
    static func columnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        let bands = rows * columns >= 1 << 16 ? min(threads, rows) : 1
        let partials = scratch(Float.self, bands * columns)
        defer { recycle(partials) }
        partials.initialize(repeating: 0, count: bands * columns)
        parallelFor(bands, threads: bands) { band in
            let partial = partials + band * columns
            for i in (band * rows / bands)..<((band + 1) * rows / bands) {
                let row = m + i * columns
                for j in 0..<columns { partial[j] += row[j] }
            }
        }
        for j in 0..<columns { sums[j] = partials[j] }
        for band in 1..<max(1, bands) {
            for j in 0..<columns { sums[j] += partials[band * columns + j] }
        }
    }
}
