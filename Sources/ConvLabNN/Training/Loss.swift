import ConvLabCore

/// The training losses of the lectures, reduced to one number the way their code does.
public enum Loss: String, Sendable, CaseIterable {
    /// `reduce_mean(softmax_cross_entropy_with_logits(labels, logits))`: the mean over examples.
    case softmaxCrossEntropy = "softmax"
    /// `reduce_mean(sigmoid_cross_entropy_with_logits(labels, logits))`: tutorial #03's choice for
    /// its MNIST CNN, the mean over all N * 10 elements (each class scored as its own yes/no).
    case sigmoidCrossEntropy = "sigmoid"

    /// A mean cross-entropy above this means the run has diverged: -ln of float32's smallest
    /// positive value, about 103.28. Past it the true class's probability `exp(-loss)` is 0 in
    /// float32, so the lectures' `-log(softmax(logits))` would already be +infinity; the
    /// log-sum-exp form ConvLab computes stays finite (an MLP at learning rate 1e3 reaches
    /// 5e36 in its first epoch), which makes the run no less diverged.
    package static let divergenceThreshold: Float = -Float.log(Float.leastNonzeroMagnitude)

    public init(parsing text: String) throws {
        guard let loss = Loss(rawValue: text.lowercased()) else {
            throw ConvLabError.argument(op: "loss", message: "'\(text)' is neither softmax nor sigmoid")
        }
        self = loss
    }

    /// The mean loss of a batch and its gradient with respect to the logits.
    /// - Parameters:
    ///   - logits: `[N, C]`.
    ///   - labels: one-hot `[N, C]`.
    ///   - kernels: the path (reference or fast) that runs the loss.
    /// - Returns: the loss (summed in Double) and `dLogits` `[N, C]`.
    public func evaluate(logits: Tensor<Float>, labels: Tensor<Float>, kernels: Kernels)
        throws -> (loss: Float, dLogits: Tensor<Float>) {
        switch self {
        case .softmaxCrossEntropy:
            let perExample = try kernels.ops.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: -1)
            let n = perExample.count
            let mean = perExample.scalars.reduce(0.0) { $0 + Double($1) } / Double(max(n, 1))
            let dOutput = Tensor<Float>(uncheckedShape: perExample.shape,
                                        scalars: Array(repeating: 1 / Float(n), count: n))
            let dLogits = try kernels.ops.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dOutput, axis: -1)
            return (Float(mean), dLogits)
        case .sigmoidCrossEntropy:
            let elements = try kernels.ops.sigmoidCrossEntropyForward(labels: labels, logits: logits)
            let n = elements.count
            let mean = elements.scalars.reduce(0.0) { $0 + Double($1) } / Double(max(n, 1))
            let dOutput = Tensor<Float>(uncheckedShape: elements.shape,
                                        scalars: Array(repeating: 1 / Float(n), count: n))
            let dLogits = try kernels.ops.sigmoidCrossEntropyBackward(labels: labels, logits: logits, dOutput: dOutput)
            return (Float(mean), dLogits)
        }
    }
}
