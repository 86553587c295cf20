/// BatchNorm: batch normalization (Ioffe and Szegedy, 2015) as `tf.nn.moments` followed by
/// `tf.nn.batch_normalization`, the way tutorial #03's `BatchNorm` layer builds it.
///
/// Per parameter `p` (a channel, for the usual `axes = [0, 1, 2]` on NHWC), over the `m` elements
/// the reduced axes hold:
///
///     mean[p] = Σ x / m
///     var[p]  = Σ (x - mean)² / m                      (biased: divide by m, as TF)
///     y       = gamma[p] * (x - mean) / sqrt(var + epsilon) + beta[p]
///
/// Training uses the batch's own `mean` and `var` (and the backward pass differentiates through
/// them); inference uses the moving averages the `BatchNorm` layer keeps (`BatchNormMovingAverages`).
///
/// The variance is computed in two passes (mean first, then squared deviations), never as
/// `E[x²] - E[x]²`: for data with a large mean (e.g. 1000 ± 1) that one-pass formula subtracts two
/// nearly equal numbers and loses every significant digit in Float. For the same reason the mean
/// is accumulated relative to one element of its group.
extension Reference {
    /// Batch normalization in training mode: normalizes with the batch statistics.
    /// - Parameters:
    ///   - x: any rank, e.g. `[N, H, W, C]`.
    ///   - gamma: the scale, shape = `x`'s trailing axes not in `axes` (`[C]` for the default).
    ///   - beta: the offset, same shape as `gamma`.
    ///   - epsilon: added to the variance, `> 0` (tutorial #03 uses 1e-3).
    ///   - axes: the reduced axes, which must be the leading ones `[0, 1, ..., k-1]` (the default
    ///     `[0, 1, 2]` gives per-channel statistics of an NHWC tensor; `[0]` suits `[N, features]`).
    /// - Returns: `output` (the shape of `x`), and the batch `mean` and biased `variance` (the shape of
    ///   `gamma`), which the `BatchNorm` layer feeds to its moving averages.
    /// - Throws: `ConvLabError` naming `batchNorm` and the shapes when they do not fit.
    /// - Complexity: three passes over `x`.
    public static func batchNormForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, gamma: Tensor<Scalar>, beta: Tensor<Scalar>, epsilon: Scalar,
        axes: [Int] = [0, 1, 2]
    ) throws -> (output: Tensor<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
        let g = try BatchNormGeometry(x: x.shape, axes: axes, op: "batchNorm")
        try g.checkParameter(gamma.shape, name: "gamma", op: "batchNorm")
        try g.checkParameter(beta.shape, name: "beta", op: "batchNorm")
        try OpCheck.epsilon(epsilon, op: "batchNorm")
        let (mean, variance) = batchMoments(x, g)
        var output = Tensor<Scalar>.zerosUnchecked(x.shape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            let xHat = (x.scalars[e] - mean.scalars[p]) / (variance.scalars[p] + epsilon).squareRoot()
            output.scalars[e] = gamma.scalars[p] * xHat + beta.scalars[p]
        }
        return (output, mean, variance)
    }

    /// The gradients of `batchNormForward` (training mode) for an upstream gradient `dOutput`.
    ///
    /// The batch statistics depend on `x`, so the gradient flows three ways: directly through
    /// `x - mean`, through `mean`, and through `var`. With `xHat = (x - mean) / sqrt(var + eps)` and
    /// sums over the `m` elements of one parameter:
    ///
    ///     dBeta  = Σ dy
    ///     dGamma = Σ dy * xHat
    ///     dxHat  = dy * gamma
    ///     dVar   = Σ dxHat * (x - mean) * (-1/2) * (var + eps)^(-3/2)
    ///     dMean  = Σ -dxHat / sqrt(var + eps)  +  dVar * Σ -2 (x - mean) / m
    ///     dx     = dxHat / sqrt(var + eps)  +  dVar * 2 (x - mean) / m  +  dMean / m
    ///
    /// (`Σ (x - mean)` is zero up to rounding; the term is kept so the code is the chain rule as written.)
    /// - Parameters: as `batchNormForward`, plus `dOutput` (the shape of `x`). `beta` does not enter.
    /// - Returns: `dInput` (the shape of `x`), `dGamma` and `dBeta` (the shape of `gamma`).
    /// - Throws: `ConvLabError` naming the op when the shapes do not fit.
    /// - Complexity: five passes over `x`.
    public static func batchNormBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, gamma: Tensor<Scalar>, dOutput: Tensor<Scalar>, epsilon: Scalar,
        axes: [Int] = [0, 1, 2]
    ) throws -> (dInput: Tensor<Scalar>, dGamma: Tensor<Scalar>, dBeta: Tensor<Scalar>) {
        let g = try BatchNormGeometry(x: x.shape, axes: axes, op: "batchNormBackward")
        try g.checkParameter(gamma.shape, name: "gamma", op: "batchNormBackward")
        try OpCheck.epsilon(epsilon, op: "batchNormBackward")
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "batchNormBackward")
        let (mean, variance) = batchMoments(x, g)
        let m = Scalar(g.groupSize)
        var invStd = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for p in 0..<g.parameterCount { invStd.scalars[p] = 1 / (variance.scalars[p] + epsilon).squareRoot() }

        var dGamma = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        var dBeta = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        var dVariance = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        var sumDeviation = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            let deviation = x.scalars[e] - mean.scalars[p]
            let dy = dOutput.scalars[e]
            let dxHat = dy * gamma.scalars[p]
            dBeta.scalars[p] += dy
            dGamma.scalars[p] += dy * deviation * invStd.scalars[p]
            // d/dvar of (var + eps)^(-1/2) is -1/2 (var + eps)^(-3/2) = -1/2 invStd³.
            dVariance.scalars[p] += dxHat * deviation * (-0.5) * invStd.scalars[p] * invStd.scalars[p] * invStd.scalars[p]
            sumDeviation.scalars[p] += deviation
        }
        var dMean = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            dMean.scalars[p] += -dOutput.scalars[e] * gamma.scalars[p] * invStd.scalars[p]
        }
        for p in 0..<g.parameterCount {
            dMean.scalars[p] += dVariance.scalars[p] * (-2) * sumDeviation.scalars[p] / m
        }
        var dInput = Tensor<Scalar>.zerosUnchecked(x.shape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            let deviation = x.scalars[e] - mean.scalars[p]
            let dxHat = dOutput.scalars[e] * gamma.scalars[p]
            dInput.scalars[e] = dxHat * invStd.scalars[p]
                + dVariance.scalars[p] * 2 * deviation / m
                + dMean.scalars[p] / m
        }
        return (dInput, dGamma, dBeta)
    }

    /// Batch normalization in inference mode: normalizes with given (moving) statistics, so each
    /// example's output no longer depends on the rest of the batch.
    ///
    ///     y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
    ///
    /// - Parameters:
    ///   - x: any rank whose trailing axes have the parameters' shape, e.g. `[N, H, W, C]` with `[C]`.
    ///   - gamma: the learned scale; the shape of the trailing axes of `x` (as for the others below).
    ///   - beta: the learned offset.
    ///   - mean: the moving mean, learned in training.
    ///   - variance: the moving variance, learned in training.
    ///   - epsilon: `> 0`, the same as in training.
    /// - Returns: the shape of `x`.
    /// - Throws: `ConvLabError` naming `batchNormInference` and the shapes when they do not fit,
    ///   or when some `variance + epsilon` is not positive.
    public static func batchNormInference<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, gamma: Tensor<Scalar>, beta: Tensor<Scalar>,
        mean: Tensor<Scalar>, variance: Tensor<Scalar>, epsilon: Scalar
    ) throws -> Tensor<Scalar> {
        try OpCheck.batchNormInference(x: x.shape, gamma: gamma.shape, beta: beta.shape, mean: mean.shape,
                                       variance: variance, epsilon: epsilon, op: "batchNormInference")
        let parameterCount = gamma.count
        var output = Tensor<Scalar>.zerosUnchecked(x.shape)
        for e in 0..<x.count {
            let p = e % parameterCount  // the trailing axes vary fastest in row-major order
            let xHat = (x.scalars[e] - mean.scalars[p]) / (variance.scalars[p] + epsilon).squareRoot()
            output.scalars[e] = gamma.scalars[p] * xHat + beta.scalars[p]
        }
        return output
    }

    /// The batch mean and biased variance per parameter, in two passes.
    ///
    /// The mean is summed relative to a shift, the parameter's first element (`e = p`), so that
    /// for data like 1000 ± 1 the sum adds small differences instead of growing to `m * 1000`,
    /// where Float's rounding step would be larger than the spread of the data.
    private static func batchMoments<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, _ g: BatchNormGeometry
    ) -> (mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
        let m = Scalar(g.groupSize)
        var shiftedSum = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            shiftedSum.scalars[p] += x.scalars[e] - x.scalars[p]
        }
        var mean = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for p in 0..<g.parameterCount { mean.scalars[p] = x.scalars[p] + shiftedSum.scalars[p] / m }
        // Second pass: squared deviations from the mean just computed (no E[x²] - E[x]²).
        var variance = Tensor<Scalar>.zerosUnchecked(g.parameterShape)
        for e in 0..<x.count {
            let p = g.parameterIndex(e)
            let deviation = x.scalars[e] - mean.scalars[p]
            variance.scalars[p] += deviation * deviation
        }
        for p in 0..<g.parameterCount { variance.scalars[p] /= m }
        return (mean, variance)
    }
}
