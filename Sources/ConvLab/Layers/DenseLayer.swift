/// A fully connected layer, `relu(matmul(x, W) + b)` under a scope (lecture 7's `fc` and
/// `softmax_linear`). Parameters: `In * Out + Out` (lecture 7's fc: 3136 * 1024 + 1024 = 3,212,288).
public final class Dense: Layer {
    public let name: String
    /// `W`, `[In, Out]`.
    public let weights: Variable
    /// `b`, `[Out]`.
    public let biases: Variable
    /// Applied after the bias, or `nil` (the logits layer).
    public let activation: Activation?
    private var input: Tensor<Float>?
    private var preActivation: Tensor<Float>?

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
        self.activation = activation
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
        let z = try context.kernels.denseForward(input, weights: weights.value, bias: biases.value)
        self.input = input
        self.preActivation = z
        return try activation?.forward(z, kernels: context.kernels) ?? z
    }

    /// Through the activation, then `denseBackward`; fills the gradients of `weights` and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input, let preActivation else { throw missingForward(self) }
        let dZ = try activation?.backward(preActivation, dOutput: dOutput, kernels: context.kernels) ?? dOutput
        let grads = try context.kernels.denseBackward(input, weights: weights.value, dOutput: dZ)
        weights.gradient = grads.dWeights
        biases.gradient = grads.dBias
        return grads.dInput
    }
}

/// `tf.reshape(h, [-1, 7*7*64])`: [N, H, W, C] -> [N, H*W*C], row-major so no scalar moves.
public final class Flatten: Layer {
    public let name: String
    private var inputShape: [Int]?

    /// - Parameter name: the scope (`flatten` by default).
    public init(_ name: String = "flatten") { self.name = name }

    public var kind: String { "Flatten" }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let first = inputShape.first else {
            throw ConvLabError.shape(op: name, message: "cannot flatten a scalar")
        }
        return [first, inputShape.dropFirst().reduce(1, *)]
    }

    /// The same scalars reshaped to `[N, H*W*C]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        inputShape = input.shape
        return try input.reshaped(outputShape(for: input.shape))
    }

    /// `dOutput` reshaped back to the input's shape.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let inputShape else { throw missingForward(self) }
        return try dOutput.reshaped(inputShape)
    }
}
