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
    public let gamma: Variable
    public let beta: Variable
    /// Zero-debiasing accumulators (see the type's comment) and the number of updates.
    public let movingMean: Variable
    public let movingVariance: Variable
    public let movingSteps: Variable
    public let epsilon: Float
    public let decay: Float
    private var input: Tensor<Float>?

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

    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input else { throw missingForward(self) }
        let grads = try context.kernels.ops.batchNormBackward(input, gamma: gamma.value, dOutput: dOutput,
                                                          epsilon: epsilon, axes: axes(rank: input.rank))
        gamma.gradient = grads.dGamma
        beta.gradient = grads.dBeta
        return grads.dInput
    }
}
