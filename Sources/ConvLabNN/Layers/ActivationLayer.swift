import ConvLabCore

/// The element-wise non-linearities of tutorial #03, as a value a layer can hold
/// (`Conv2D(..., activation: .relu)`) or as a layer of its own (`ActivationLayer`).
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// `max(x, 0)`.
    case relu
    /// `x` for `x > 0`, `alpha * x` otherwise.
    case leakyReLU(alpha: Float)
    /// `x` for `x > 0`, `exp(x) - 1` otherwise.
    case elu
    /// `1 / (1 + exp(-x))`.
    case sigmoid
    /// `tanh(x)`.
    case tanh
    /// `log(1 + exp(x))`.
    case softplus

    public var description: String {
        switch self {
        case .relu: return "ReLU"
        case .leakyReLU(let alpha): return "LeakyReLU(\(alpha))"
        case .elu: return "ELU"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .softplus: return "Softplus"
        }
    }

    /// `f(x)` through the chosen kernels.
    func forward(_ x: Tensor<Float>, kernels: Kernels) throws -> Tensor<Float> {
        switch self {
        case .relu: return try kernels.ops.reluForward(x)
        case .leakyReLU(let alpha): return try kernels.ops.leakyReLUForward(x, alpha: alpha)
        case .elu: return try kernels.ops.eluForward(x)
        case .sigmoid: return try kernels.ops.sigmoidForward(x)
        case .tanh: return try kernels.ops.tanhForward(x)
        case .softplus: return try kernels.ops.softplusForward(x)
        }
    }

    /// `dOutput * f'(x)`, where `x` is the input the forward pass saw.
    func backward(_ x: Tensor<Float>, dOutput: Tensor<Float>, kernels: Kernels) throws -> Tensor<Float> {
        switch self {
        case .relu: return try kernels.ops.reluBackward(x, dOutput: dOutput)
        case .leakyReLU(let alpha): return try kernels.ops.leakyReLUBackward(x, alpha: alpha, dOutput: dOutput)
        case .elu: return try kernels.ops.eluBackward(x, dOutput: dOutput)
        case .sigmoid: return try kernels.ops.sigmoidBackward(x, dOutput: dOutput)
        case .tanh: return try kernels.ops.tanhBackward(x, dOutput: dOutput)
        case .softplus: return try kernels.ops.softplusBackward(x, dOutput: dOutput)
        }
    }
}

/// An activation as its own layer, `tf.nn.relu(h)` in the tutorial's code.
public final class ActivationLayer: Layer {
    public let name: String
    /// The function applied to every element.
    public let activation: Activation
    private var input: Tensor<Float>?

    /// - Parameters:
    ///   - name: the scope, `relu1`.
    ///   - activation: the function applied to every element.
    public init(_ name: String, _ activation: Activation) {
        self.name = name
        self.activation = activation
    }

    public var kind: String { activation.description }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// `f(input)` element by element; the shape is kept.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        self.input = input
        return try activation.forward(input, kernels: context.kernels)
    }

    /// `dOutput * f'(input)`, with the input of the last forward pass.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input else { throw missingForward(self) }
        return try activation.backward(input, dOutput: dOutput, kernels: context.kernels)
    }
}
