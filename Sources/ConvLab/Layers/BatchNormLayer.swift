import Foundation

/// Batch normalization as tutorial #03's `BatchNorm(input, is_train, decay=0.999)`:
///
///     training:   y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta   (batch statistics over N, H, W)
///                 and the moving statistics are updated
///     evaluation: y = gamma * (x - moving_mean) / sqrt(moving_variance + eps) + beta
///
/// The moving statistics follow `assign_moving_average(..., zero_debias=True)` as the tutorial
/// asks: the stored accumulators start at 0 and move as `acc -= (acc - batch) * (1 - decay)`;
/// the value used is `acc / (1 - decay^steps)`, which removes the pull towards the zero start
/// (after one step it is exactly the batch statistic). Before any training step the layer uses
/// mean 0 and variance 1. Parameters: gamma and beta, `2 * C` trainable; `2 * C + 1` saved state.
public final class BatchNorm: Layer {
    public let name: String
    /// The learned scale, `[C]`, initially 1.
    public let gamma: Variable
    /// The learned offset, `[C]`, initially 0.
    public let beta: Variable
    /// Zero-debiasing accumulators (see the type's comment) and the number of updates.
    public let movingMean: Variable
    /// The variance's zero-debiasing accumulator, `[C]` (saved, not trained).
    public let movingVariance: Variable
    /// How many training steps updated the accumulators, `[1]` (saved, not trained).
    public let movingSteps: Variable
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

    /// The debiased moving statistics used in evaluation mode.
    public func movingStatistics() -> (mean: Tensor<Float>, variance: Tensor<Float>) {
        let steps = movingSteps.value.scalars[0]
        guard steps > 0 else {
            let c = gamma.shape[0]
            return (Tensor.zerosUnchecked([c]), Tensor(uncheckedShape: [c], scalars: Array(repeating: 1, count: c)))
        }
        let correction = 1 - Float(Foundation.pow(Double(decay), Double(steps)))
        return (movingMean.value.map { $0 / correction }, movingVariance.value.map { $0 / correction })
    }

    /// Training: normalizes with the batch's mean and variance over every axis but the last, and
    /// updates the moving statistics. Evaluation: normalizes with `movingStatistics()`, so each
    /// example's output does not depend on the rest of the batch.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        _ = try outputShape(for: input.shape)
        switch context.mode {
        case .training:
            let result = try context.kernels.batchNormForward(input, gamma: gamma.value, beta: beta.value,
                                                              epsilon: epsilon, axes: axes(rank: input.rank))
            self.input = input
            for i in 0..<gamma.shape[0] {
                movingMean.value.scalars[i] -= (movingMean.value.scalars[i] - result.mean.scalars[i]) * (1 - decay)
                movingVariance.value.scalars[i] -=
                    (movingVariance.value.scalars[i] - result.variance.scalars[i]) * (1 - decay)
            }
            movingSteps.value.scalars[0] += 1
            return result.output
        case .evaluation:
            self.input = nil
            let (mean, variance) = movingStatistics()
            return try context.kernels.batchNormInference(input, gamma: gamma.value, beta: beta.value,
                                                          mean: mean, variance: variance, epsilon: epsilon)
        }
    }

    /// `batchNormBackward` through the batch statistics of the last training pass; fills the
    /// gradients of `gamma` and `beta`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input else { throw missingForward(self) }
        let grads = try context.kernels.batchNormBackward(input, gamma: gamma.value, dOutput: dOutput,
                                                          epsilon: epsilon, axes: axes(rank: input.rank))
        gamma.gradient = grads.dGamma
        beta.gradient = grads.dBeta
        return grads.dInput
    }
}

/// Tutorial #03's residual block (He et al. 2016, pre-activation form):
///
///     s = x
///     x = conv2(relu(bn2(conv1(relu(bn1(x))))))     3x3 SAME convs, C -> C
///     y = x + s
///
/// The skip adds the upstream gradient straight through: `dInput = dOutput + d(branch)`.
public final class ResidualBlock: Layer {
    public let name: String
    /// The branch's first batch norm, on the block's input.
    public let bn1: BatchNorm
    /// ReLU after `bn1`.
    public let relu1: ActivationLayer
    /// The first 3x3 SAME convolution, `C -> C`.
    public let conv1: Conv2D
    /// The second batch norm.
    public let bn2: BatchNorm
    /// ReLU after `bn2`.
    public let relu2: ActivationLayer
    /// The second 3x3 SAME convolution, `C -> C`; its output is added to the block's input.
    public let conv2: Conv2D

    /// - Parameters:
    ///   - name: the scope, `res1`; the branch's layers are `res1/bn1` ... `res1/conv2`.
    ///   - channels: `C`, kept through the block so the skip can add.
    ///   - weightInitializer: for both convolutions (He normal by default).
    public init(_ name: String, channels: Int, weightInitializer: Initializer = .heNormal) {
        self.name = name
        bn1 = BatchNorm(name + "/bn1", channels: channels)
        relu1 = ActivationLayer(name + "/relu1", .relu)
        conv1 = Conv2D(name + "/conv1", kernel: 3, inputChannels: channels, filters: channels,
                       weightInitializer: weightInitializer)
        bn2 = BatchNorm(name + "/bn2", channels: channels)
        relu2 = ActivationLayer(name + "/relu2", .relu)
        conv2 = Conv2D(name + "/conv2", kernel: 3, inputChannels: channels, filters: channels,
                       weightInitializer: weightInitializer)
    }

    private var branch: [any Layer] { [bn1, relu1, conv1, bn2, relu2, conv2] }

    public var kind: String { "ResidualBlock" }
    public var variables: [Variable] { branch.flatMap(\.variables) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        var shape = inputShape
        for layer in branch { shape = try layer.outputShape(for: shape) }
        return shape
    }

    /// The branch, then the skip: `branch(input) + input`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        var x = input
        for layer in branch { x = try layer.forward(x, context: context) }
        for i in x.scalars.indices { x.scalars[i] += input.scalars[i] }
        return x
    }

    /// The branch's backward pass plus the skip's: `dInput = d(branch) + dOutput`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        var d = dOutput
        for layer in branch.reversed() { d = try layer.backward(d, context: context) }
        for i in d.scalars.indices { d.scalars[i] += dOutput.scalars[i] }
        return d
    }
}
