import ConvLabCore

// Fast batch normalization: twins of `Reference.batchNormForward` (training), `batchNormBackward`
// and `batchNormInference`.
//
// The reduced axes are the leading ones, so `x` is a row-major matrix of `groupSize` rows by
// `parameterCount` columns (an NHWC tensor with axes [0, 1, 2] is [N*H*W, C]) and every statistic
// is a sum down the columns. The reference finds each element's column with `e % parameterCount`
// and adds into one accumulator per column, on one thread, over five passes for the gradient.
// Here the rows are cut into fixed chunks of ~64K elements; each chunk sums its rows into its own
// partial row of accumulators on one of `Fast.threads` threads, and the partials are added in
// chunk order at the end, so the result does not depend on the thread count (and the shorter
// sums round less than one long one). The backward pass gathers its three sums per column
// (Σ dy, Σ dy (x - mean), Σ (x - mean)) in one pass instead of three. The moments stay
// two-pass and shifted, as in the reference: data like 1000 ± 1 keeps its variance in Float.

extension Fast {
    /// Per-column sums over the rows of a `[rows, columns]` matrix: `accumulate(rowRange, partial)`
    /// adds its rows into `partial[s * columns + p]` for `s` in `0..<sums`; the chunks' partials
    /// are then added in chunk order.
    /// - Returns: `sums * columns` totals.
    static func reduceColumns(rows: Int, columns: Int, sums: Int,
                              _ accumulate: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        let width = sums * columns
        let rowsPerChunk = Swift.max(1, elementwiseChunk / columns)
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        var partials = [Float](repeating: 0, count: chunks * width)
        partials.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelFor(chunks, threads: chunks > 1 ? threads : 1) { c in
                accumulate((c * rowsPerChunk)..<Swift.min(rows, (c + 1) * rowsPerChunk), base + c * width)
            }
        }
        var totals = [Float](repeating: 0, count: width)
        for c in 0..<chunks {
            for j in 0..<width { totals[j] += partials[c * width + j] }
        }
        return totals
    }

    /// The batch mean and biased variance of each column, in two passes; the mean is summed
    /// relative to row 0, as the reference's shift.
    static func columnMoments(_ x: UnsafePointer<Float>, rows: Int, columns: Int) -> (mean: [Float], variance: [Float]) {
        let m = Float(rows)
        let shiftedSum = reduceColumns(rows: rows, columns: columns, sums: 1) { range, sum in
            for r in range {
                let row = x + r * columns
                for p in 0..<columns { sum[p] += row[p] - x[p] }
            }
        }
        let mean = (0..<columns).map { p in x[p] + shiftedSum[p] / m }
        var variance = withBases(mean) { center in
            reduceColumns(rows: rows, columns: columns, sums: 1) { range, sum in
                for r in range {
                    let row = x + r * columns
                    for p in 0..<columns {
                        let deviation = row[p] - center[p]
                        sum[p] += deviation * deviation
                    }
                }
            }
        }
        for p in 0..<columns { variance[p] /= m }
        return (mean, variance)
    }

    /// `gamma * ((x - mean) * invStd) + beta` per column, rows in parallel chunks.
    static func normalizeColumns(_ x: Tensor<Float>, columns: Int, mean: [Float], invStd: [Float],
                                 gamma: Tensor<Float>, beta: Tensor<Float>) -> Tensor<Float> {
        let rows = x.count / columns
        return tensor(x.shape) { values in
            withBases(x.scalars, mean, invStd, gamma.scalars, beta.scalars) { source, center, scale, g, b in
                forEachRow(rows, length: columns) { r in
                    let row = source + r * columns, y = values + r * columns
                    for p in 0..<columns { y[p] = g[p] * ((row[p] - center[p]) * scale[p]) + b[p] }
                }
            }
        }
    }

    /// Batch normalization in training mode, as `Reference.batchNormForward`.
    /// - Returns: `output` (the shape of `x`), the batch `mean` and biased `variance` (the shape of `gamma`).
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes, `axes` or `epsilon` do not fit.
    /// - Complexity: three passes over `x`, rows split across threads.
    public static func batchNormForward(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>, epsilon: Float,
                                        axes: [Int] = [0, 1, 2])
        throws -> (output: Tensor<Float>, mean: Tensor<Float>, variance: Tensor<Float>) {
        let g = try BatchNormGeometry(x: x.shape, axes: axes, op: "batchNorm")
        try g.checkParameter(gamma.shape, name: "gamma", op: "batchNorm")
        try g.checkParameter(beta.shape, name: "beta", op: "batchNorm")
        try OpCheck.epsilon(epsilon, op: "batchNorm")
        guard g.parameterCount > 0 else {
            return try referenceFallback("batchNorm", "no parameters") {
                try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: axes)
            }
        }
        let columns = g.parameterCount
        let (mean, variance) = withBases(x.scalars) { columnMoments($0, rows: g.groupSize, columns: columns) }
        let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let output = normalizeColumns(x, columns: columns, mean: mean, invStd: invStd, gamma: gamma, beta: beta)
        return (output, Tensor(uncheckedShape: g.parameterShape, scalars: mean),
                Tensor(uncheckedShape: g.parameterShape, scalars: variance))
    }

    /// The gradients of training-mode batch norm, as `Reference.batchNormBackward`. With the
    /// column sums `S1 = Σ dy`, `S2 = Σ dy (x - mean)`, `S3 = Σ (x - mean)` over `m` rows:
    ///
    ///     dBeta = S1,  dGamma = S2 * invStd,  dVar = -1/2 gamma S2 invStd³,
    ///     dMean = -gamma invStd S1 - 2 dVar S3 / m,
    ///     dx    = dy gamma invStd + 2 dVar (x - mean) / m + dMean / m
    ///
    /// the reference's chain rule with the per-element factors taken out of its sums.
    /// - Returns: `dInput` (the shape of `x`), `dGamma` and `dBeta` (the shape of `gamma`).
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes, `axes` or `epsilon` do not fit.
    /// - Complexity: four passes over `x` (two for the moments), rows split across threads.
    public static func batchNormBackward(_ x: Tensor<Float>, gamma: Tensor<Float>, dOutput: Tensor<Float>, epsilon: Float,
                                         axes: [Int] = [0, 1, 2])
        throws -> (dInput: Tensor<Float>, dGamma: Tensor<Float>, dBeta: Tensor<Float>) {
        let g = try BatchNormGeometry(x: x.shape, axes: axes, op: "batchNormBackward")
        try g.checkParameter(gamma.shape, name: "gamma", op: "batchNormBackward")
        try OpCheck.epsilon(epsilon, op: "batchNormBackward")
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "batchNormBackward")
        guard g.parameterCount > 0 else {
            return try referenceFallback("batchNormBackward", "no parameters") {
                try Reference.batchNormBackward(x, gamma: gamma, dOutput: dOutput, epsilon: epsilon, axes: axes)
            }
        }
        let rows = g.groupSize, columns = g.parameterCount, m = Float(rows)
        var dGamma = [Float](repeating: 0, count: columns), dBeta = dGamma
        var dVariance = dGamma, dMean = dGamma, scale = dGamma
        let dInput = withBases(x.scalars, dOutput.scalars) { source, upstream in
            let (mean, variance) = columnMoments(source, rows: rows, columns: columns)
            let sums = withBases(mean) { center in
                reduceColumns(rows: rows, columns: columns, sums: 3) { range, sum in
                    for r in range {
                        let row = source + r * columns, dy = upstream + r * columns
                        for p in 0..<columns {
                            let deviation = row[p] - center[p]
                            sum[p] += dy[p]
                            sum[columns + p] += dy[p] * deviation
                            sum[2 * columns + p] += deviation
                        }
                    }
                }
            }
            for p in 0..<columns {
                let invStd = 1 / (variance[p] + epsilon).squareRoot()
                let sumDy = sums[p], sumDyDeviation = sums[columns + p], sumDeviation = sums[2 * columns + p]
                dBeta[p] = sumDy
                dGamma[p] = sumDyDeviation * invStd
                dVariance[p] = gamma.scalars[p] * sumDyDeviation * (-0.5) * invStd * invStd * invStd
                dMean[p] = -gamma.scalars[p] * invStd * sumDy + dVariance[p] * (-2) * sumDeviation / m
                scale[p] = gamma.scalars[p] * invStd
            }
            // The last pass: dx = dy * gamma * invStd + dVar * 2 (x - mean) / m + dMean / m.
            return withBases(mean, scale, dVariance, dMean) { center, factor, dVar, dMu in
                tensor(x.shape) { gradient in
                    forEachRow(rows, length: columns) { r in
                        let row = source + r * columns, dy = upstream + r * columns
                        let dx = gradient + r * columns
                        for p in 0..<columns {
                            dx[p] = dy[p] * factor[p] + dVar[p] * 2 * (row[p] - center[p]) / m + dMu[p] / m
                        }
                    }
                }
            }
        }
        return (dInput,
                Tensor(uncheckedShape: g.parameterShape, scalars: dGamma),
                Tensor(uncheckedShape: g.parameterShape, scalars: dBeta))
    }

    /// Batch normalization with given (moving) statistics, as `Reference.batchNormInference`.
    /// - Returns: the shape of `x`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes or `epsilon` do not fit, or some
    ///   `variance + epsilon` is not positive.
    /// - Complexity: one pass over `x`, rows split across threads.
    public static func batchNormInference(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>,
                                          mean: Tensor<Float>, variance: Tensor<Float>, epsilon: Float) throws -> Tensor<Float> {
        try OpCheck.batchNormInference(x: x.shape, gamma: gamma.shape, beta: beta.shape, mean: mean.shape,
                                       variance: variance, epsilon: epsilon, op: "batchNormInference")
        guard gamma.count > 0 else {
            return try referenceFallback("batchNormInference", "no parameters") {
                try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
            }
        }
        let invStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
        return normalizeColumns(x, columns: gamma.count, mean: mean.scalars, invStd: invStd, gamma: gamma, beta: beta)
    }
}
