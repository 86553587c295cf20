import ConvLabCore

/// A fully connected layer, `relu(matmul(x, W) + b)` under a scope (lecture 7's `fc` and
/// `softmax_linear`). Parameters: `In * Out + Out` (lecture 7's fc: 3136 * 1024 + 1024 = 3,212,288).
public final class Dense: Layer {
    public let name: String
    /// `W`, `[In, Out]`.
    public let weights: Variable
    /// `b`, `[Out]`.
    public let biases: Variable
    /// Applied after the bias, or `nil` (the logits layer).
    public var activation: Activation? { tail.activation }
    private var input: Tensor<Float>?
    /// The activation; the bias is added inside the GEMM, which starts from the bias rows.
    private var tail: BiasActivation

    /// - Parameters:
    ///   - name: the scope, `fc`.
    ///   - inputs: `In`, the features of each example (flatten an image first).
    ///   - outputs: `Out`.
    ///   - activation: applied after the bias, or `nil` for a linear output.
    ///   - weightInitializer: draws the `[In, Out]` weights.
    ///   - biasInitializer: fills the `[Out]` biases (zeros by default).
    public init(_ name: String, inputs: Int, outputs: Int, activation: Activation? = nil,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) {
        self.name = name
        self.weights = Variable(name: name + "/weights", shape: [inputs, outputs], initializer: weightInitializer)
        self.biases = Variable(name: name + "/biases", shape: [outputs], initializer: biasInitializer)
        self.tail = BiasActivation(activation)
    }

    public var kind: String { "Dense" + (activation.map { "+\($0)" } ?? "") }
    public var variables: [Variable] { [weights, biases] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == weights.shape[0] else {
            throw ConvLabError.shape(op: name,
                message: "dense layer needs [N,\(weights.shape[0])] but gets \(describeShape(inputShape)); flatten first?")
        }
        return [inputShape[0], weights.shape[1]]
    }

    /// `activation(matmul(input, weights) + biases)`: `[N, In]` -> `[N, Out]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let z = try context.kernels.ops.denseForward(input, weights: weights.value, bias: biases.value)
        self.input = input
        return try tail.forward(z, bias: nil, kernels: context.kernels)
    }

    /// Through the activation, then `denseBackward`; fills the gradients of `weights` and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input, let dZ = try tail.backward(dOutput, kernels: context.kernels) else { throw missingForward(self) }
        let grads = try context.kernels.ops.denseBackward(input, weights: weights.value, dOutput: dZ)
        weights.gradient = grads.dWeights
        biases.gradient = grads.dBias
        return grads.dInput
    }
}
