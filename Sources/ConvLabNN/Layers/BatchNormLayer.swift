import ConvLabCore

/// Batch normalization as tutorial #03's `BatchNorm(input, is_train, decay=0.999)`:
///
///     training:   y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta   (batch statistics over N, H, W)
///                 and the moving statistics are updated
///     evaluation: y = gamma * (x - moving_mean) / sqrt(moving_variance + eps) + beta
///
/// The moving statistics follow `assign_moving_average(..., zero_debias=True)` as the tutorial
/// asks (`BatchNormMovingAverages`): the saved accumulators start at 0 and move as
/// `acc -= (acc - batch) * (1 - decay)`; the value used is `acc / (1 - decay^steps)`, which
/// removes the pull towards the zero start (after one step it is exactly the batch statistic). Before any training step the layer uses
/// mean 0 and variance 1. Parameters: gamma and beta, `2 * C` trainable; `2 * C + 1` saved state.
public final class BatchNorm: Layer {
    public let name: String
    /// The learned scale, `[C]`, initially 1.
    public let gamma: Variable
    /// The learned offset, `[C]`, initially 0.
    public let beta: Variable
    /// Zero-debiasing accumulators (see the type's comment) and the number of updates.
    let movingMean: Variable
    /// The variance's zero-debiasing accumulator, `[C]` (saved, not trained).
    let movingVariance: Variable
    /// How many training steps updated the accumulators, `[1]` (saved, not trained).
    let movingSteps: Variable
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// How much of the accumulators each training step keeps (tutorial #03: 0.999).
    public let decay: Float
    private var input: Tensor<Float>?

    /// - Parameters:
    ///   - name: the scope, `bn1`.
    ///   - channels: `C`, the last axis of the input.
    ///   - epsilon: added to the variance (TF's default, 1e-3).
    ///   - decay: of the moving statistics (the tutorial's 0.999).
    public init(_ name: String, channels: Int, epsilon: Float = 1e-3, decay: Float = 0.999) {
        self.name = name
        self.gamma = Variable(name: name + "/gamma", shape: [channels], initializer: .constant(1))
        self.beta = Variable(name: name + "/beta", shape: [channels], initializer: .zeros)
        self.movingMean = Variable(name: name + "/moving_mean", shape: [channels], initializer: .zeros,
                                   trainable: false)
        self.movingVariance = Variable(name: name + "/moving_variance", shape: [channels], initializer: .zeros,
                                       trainable: false)
        self.movingSteps = Variable(name: name + "/moving_steps", shape: [1], initializer: .zeros, trainable: false)
        self.epsilon = epsilon
        self.decay = decay
    }

    public var kind: String { "BatchNorm" }
    public var variables: [Variable] { [gamma, beta, movingMean, movingVariance, movingSteps] }

    /// Axes reduced for the statistics: all but the channel axis.
    private func axes(rank: Int) -> [Int] { Array(0..<(rank - 1)) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.last == gamma.shape[0] else {
            throw ConvLabError.shape(op: name,
                message: "batch norm was built for \(gamma.shape[0]) channels but the input is \(describeShape(inputShape))")
        }
        return inputShape
    }

    /// The moving averages as saved in the variables (the accumulators and the step count).
    func movingAverages() throws -> BatchNormMovingAverages<Float> {
        let steps = movingSteps.value.scalars[0]
        guard steps >= 0, steps <= 0x1p24, steps == steps.rounded() else {  // also refuses NaN
            throw ConvLabError.argument(op: name, message: "moving_steps is \(steps), not a count of training steps")
        }
        return try BatchNormMovingAverages(biasedMean: movingMean.value, biasedVariance: movingVariance.value,
                                           step: Int(steps), decay: decay)
    }

    /// The debiased moving statistics used in evaluation mode (mean 0 and variance 1 before any
    /// training step).
    public func movingStatistics() throws -> (mean: Tensor<Float>, variance: Tensor<Float>) {
        let averages = try movingAverages()
        guard averages.step > 0 else {
            let c = gamma.shape[0]
            return (Tensor.zerosUnchecked([c]), Tensor(uncheckedShape: [c], scalars: Array(repeating: 1, count: c)))
        }
        return (averages.mean, averages.variance)
    }

    /// Training: normalizes with the batch's mean and variance over every axis but the last, and
    /// updates the moving statistics. Evaluation: normalizes with `movingStatistics()`, so each
    /// example's output does not depend on the rest of the batch.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        _ = try outputShape(for: input.shape)
        switch context.mode {
        case .training:
            let result = try context.kernels.ops.batchNormForward(input, gamma: gamma.value, beta: beta.value,
                                                                  epsilon: epsilon, axes: axes(rank: input.rank))
            self.input = input
            var averages = try movingAverages()
            try averages.update(batchMean: result.mean, batchVariance: result.variance)
            movingMean.value = averages.biasedMean
            movingVariance.value = averages.biasedVariance
            movingSteps.value.scalars[0] = Float(averages.step)
            return result.output
        case .evaluation:
            self.input = nil
            let (mean, variance) = try movingStatistics()
            return try context.kernels.ops.batchNormInference(input, gamma: gamma.value, beta: beta.value,
                                                          mean: mean, variance: variance, epsilon: epsilon)
        }
    }

    /// `batchNormBackward` through the batch statistics of the last training pass; fills the
    /// gradients of `gamma` and `beta`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input else { throw missingForward(self) }
        let grads = try context.kernels.ops.batchNormBackward(input, gamma: gamma.value, dOutput: dOutput,
                                                          epsilon: epsilon, axes: axes(rank: input.rank))
        gamma.gradient = grads.dGamma
        beta.gradient = grads.dBeta
        return grads.dInput
    }
}
