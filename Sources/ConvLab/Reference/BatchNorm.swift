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
/// them); inference uses moving averages kept by `BatchNormMovingAverages`.
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
    ///   `gamma`), which a caller feeds to `BatchNormMovingAverages.update`.
    /// - Throws: `ConvLabError` naming `batchNorm` and the shapes when they do not fit.
    /// - Complexity: three passes over `x`.
    public static func batchNormForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, gamma: Tensor<Scalar>, beta: Tensor<Scalar>, epsilon: Scalar,
        axes: [Int] = [0, 1, 2]
    ) throws -> (output: Tensor<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>) {
        let g = try BatchNormGeometry(x: x.shape, axes: axes, op: "batchNorm")
        try g.checkParameter(gamma.shape, name: "gamma", op: "batchNorm")
        try g.checkParameter(beta.shape, name: "beta", op: "batchNorm")
        try checkEpsilon(epsilon, op: "batchNorm")
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
        try checkEpsilon(epsilon, op: "batchNormBackward")
        guard dOutput.shape == x.shape else {
            throw ConvLabError.shape(op: "batchNormBackward",
                message: "dOutput is \(describeShape(dOutput.shape)) but x is \(describeShape(x.shape))")
        }
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
        let op = "batchNormInference"
        let parameterRank = gamma.rank
        guard parameterRank <= x.rank, Array(x.shape.suffix(parameterRank)) == gamma.shape else {
            throw ConvLabError.shape(op: op,
                message: "gamma \(describeShape(gamma.shape)) must be the trailing axes of x \(describeShape(x.shape))")
        }
        for (name, tensor) in [("beta", beta), ("mean", mean), ("variance", variance)] where tensor.shape != gamma.shape {
            throw ConvLabError.shape(op: op,
                message: "\(name) is \(describeShape(tensor.shape)) but gamma is \(describeShape(gamma.shape))")
        }
        try checkEpsilon(epsilon, op: op)
        if let p = variance.scalars.firstIndex(where: { !($0 + epsilon > 0) }) {
            throw ConvLabError.argument(op: op,
                message: "variance[\(p)] + epsilon = \(variance.scalars[p] + epsilon) is not positive")
        }
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

    private static func checkEpsilon<Scalar: TensorScalar>(_ epsilon: Scalar, op: String) throws {
        guard epsilon > 0, epsilon.isFinite else {
            throw ConvLabError.argument(op: op,
                message: "epsilon must be a finite number > 0 (it keeps 1/sqrt(var + epsilon) finite), got \(epsilon)")
        }
    }
}

/// Which parameter each element of a batch-normalized tensor belongs to.
///
/// The reduced axes are the leading `k` axes, so the parameters live on the trailing axes and,
/// in row-major order, element `e` belongs to parameter `e % parameterCount`; each parameter
/// averages over `groupSize = count / parameterCount` elements.
public struct BatchNormGeometry: Equatable, Sendable {
    /// The shape of `x`.
    public let shape: [Int]
    /// The trailing, unreduced axes of `x`: the shape of `gamma`, `beta`, the mean and the variance.
    public let parameterShape: [Int]
    /// The number of elements of `parameterShape`.
    public let parameterCount: Int
    /// `m`, the elements behind one mean and variance.
    public let groupSize: Int

    /// - Throws: `ConvLabError` naming `op` when `axes` are not `[0, ..., k-1]` for `1 <= k <= rank`
    ///   or a reduced axis is empty.
    public init(x shape: [Int], axes: [Int], op: String) throws {
        guard !shape.isEmpty else {
            throw ConvLabError.shape(op: op, message: "x must have at least one axis, got \(describeShape(shape))")
        }
        guard !axes.isEmpty, axes.count <= shape.count, axes == Array(0..<axes.count) else {
            throw ConvLabError.argument(op: op,
                message: "axes \(axes) must be the leading axes [0, ..., k-1] of x \(describeShape(shape)), e.g. [0, 1, 2] for NHWC")
        }
        self.shape = shape
        parameterShape = Array(shape.dropFirst(axes.count))
        parameterCount = parameterShape.reduce(1, *)
        groupSize = shape.prefix(axes.count).reduce(1, *)
        guard groupSize >= 1 else {
            throw ConvLabError.shape(op: op,
                message: "x \(describeShape(shape)) has no elements along axes \(axes) to average over")
        }
    }

    /// The parameter (channel) of flat element `e`.
    @inline(__always) public func parameterIndex(_ e: Int) -> Int { e % parameterCount }

    /// Throws unless `parameter` has the shape `parameterShape`.
    public func checkParameter(_ parameter: [Int], name: String, op: String) throws {
        guard parameter == parameterShape else {
            throw ConvLabError.shape(op: op,
                message: "\(name) is \(describeShape(parameter)) but x \(describeShape(shape)) needs \(describeShape(parameterShape))")
        }
    }
}

/// The moving mean and variance a batch-norm layer uses at inference, updated after each training
/// batch as tutorial #03's `BatchNorm` does with TF's `moving_averages.assign_moving_average`.
///
/// TF's rule, for a variable `v`, a new batch statistic `value` and a `decay` close to 1:
///
///     v -= (v - value) * (1 - decay)        i.e.  v = decay * v + (1 - decay) * value
///
/// With `zero_debias=True` (the tutorial's choice) TF assumes `v` started at 0, which biases the
/// first averages towards 0 (after `t` updates with a constant `c`, `v = c * (1 - decay^t)`). It
/// keeps the plain average in a hidden `biased` accumulator and a step counter `t`, and sets
///
///     biased = decay * biased + (1 - decay) * value;   t += 1;   v = biased / (1 - decay^t)
///
/// (Adam's bias correction), so `v` equals `c` from the first update. Both moving statistics start
/// at 0 as in the tutorial (`moving_mean` and `moving_variance` initialised to 0.0), with its
/// default `decay = 0.999`.
public struct BatchNormMovingAverages<Scalar: TensorScalar>: Sendable, Equatable {
    /// How much of the old average each update keeps, in `[0, 1)`.
    public let decay: Scalar
    /// TF's `zero_debias`.
    public let zeroDebias: Bool
    /// The moving mean to pass to `batchNormInference`.
    public private(set) var mean: Tensor<Scalar>
    /// The moving variance to pass to `batchNormInference`.
    public private(set) var variance: Tensor<Scalar>
    /// Updates applied so far (TF's `local_step`).
    public private(set) var step: Int = 0
    private var biasedMean: Tensor<Scalar>
    private var biasedVariance: Tensor<Scalar>

    /// - Parameters:
    ///   - shape: the parameters' shape, e.g. `[C]`.
    ///   - decay: in `[0, 1)`; the tutorial uses 0.999.
    ///   - zeroDebias: TF's `zero_debias`; the tutorial passes `true`.
    /// - Throws: `ConvLabError` naming `batchNormMovingAverages` for a negative dimension or a decay
    ///   outside `[0, 1)`.
    public init(shape: [Int], decay: Scalar = 0.999, zeroDebias: Bool = true) throws {
        let op = "batchNormMovingAverages"
        guard decay >= 0, decay < 1 else {
            throw ConvLabError.argument(op: op, message: "decay must be in [0, 1), got \(decay)")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw ConvLabError.shape(op: op, message: "negative dimension in \(describeShape(shape))")
        }
        self.decay = decay
        self.zeroDebias = zeroDebias
        mean = .zerosUnchecked(shape)
        variance = .zerosUnchecked(shape)
        biasedMean = .zerosUnchecked(shape)
        biasedVariance = .zerosUnchecked(shape)
    }

    /// Folds one training batch's statistics (from `batchNormForward`) into the moving averages.
    /// - Throws: `ConvLabError` when a statistic's shape differs from the averages'.
    public mutating func update(batchMean: Tensor<Scalar>, batchVariance: Tensor<Scalar>) throws {
        for (name, tensor) in [("batchMean", batchMean), ("batchVariance", batchVariance)] where tensor.shape != mean.shape {
            throw ConvLabError.shape(op: "batchNormMovingAverages",
                message: "\(name) is \(describeShape(tensor.shape)) but the moving averages are \(describeShape(mean.shape))")
        }
        step += 1
        if zeroDebias {
            let correction = 1 - Scalar.pow(decay, Scalar(step))
            for p in 0..<mean.count {
                biasedMean.scalars[p] -= (biasedMean.scalars[p] - batchMean.scalars[p]) * (1 - decay)
                biasedVariance.scalars[p] -= (biasedVariance.scalars[p] - batchVariance.scalars[p]) * (1 - decay)
                mean.scalars[p] = biasedMean.scalars[p] / correction
                variance.scalars[p] = biasedVariance.scalars[p] / correction
            }
        } else {
            for p in 0..<mean.count {
                mean.scalars[p] -= (mean.scalars[p] - batchMean.scalars[p]) * (1 - decay)
                variance.scalars[p] -= (variance.scalars[p] - batchVariance.scalars[p]) * (1 - decay)
            }
        }
    }
}
