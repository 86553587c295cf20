import ConvLabCore

/// What the three convolution layers (`Conv2D`, `DepthwiseConv2D`, `SeparableConv2D`) share, as
/// the lectures build each under a variable scope:
///
///     with tf.variable_scope('conv1'):
///         w = weights;  b = biases [O]
///         conv1 = relu(conv(x, w, strides, padding) + b)
///
/// a bias per output channel, an optional activation (`BiasActivation`), the window's strides,
/// padding and dilations, and the input kept for the backward pass. Each subclass supplies its
/// filters and the convolution itself (`linearForward` / `linearBackward`).
public class ConvolutionLayer: Layer {
    public let name: String
    /// One bias per output channel, `[O]` (`[C * M]` for a depthwise layer).
    public let biases: Variable
    /// `(sh, sw)` (of the depthwise step for a separable layer).
    public let strides: Size2
    /// SAME (TF's split, the extra pad at the bottom/right), VALID or explicit pads.
    public let padding: Padding
    /// `(dh, dw)`; above 1 only with stride 1, as in TF.
    public let dilations: Size2
    /// Applied after the bias, or `nil`.
    public var activation: Activation? { tail.activation }
    private var input: Tensor<Float>?
    private var tail: BiasActivation

    init(_ name: String, outputChannels: Int, strides: Size2, padding: Padding, dilations: Size2,
         activation: Activation?, biasInitializer: Initializer) {
        self.name = name
        self.biases = Variable(name: name + "/biases", shape: [outputChannels], initializer: biasInitializer)
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
        self.tail = BiasActivation(activation)
    }

    /// The summary's kind without the activation, `Conv2D`.
    var convolutionKind: String { "Convolution" }
    public var kind: String { convolutionKind + (activation.map { "+\($0)" } ?? "") }
    /// The filters, then the biases.
    public var variables: [Variable] { filters + [biases] }
    /// The filter variables, in order.
    var filters: [Variable] { [] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        throw ConvLabError.argument(op: name, message: "\(convolutionKind) gives no output shape")
    }

    /// The convolution without its bias. A layer may use a faster algorithm whose rounding
    /// differs (`Conv2D`: `KernelOps.conv2DInference` in evaluation, and in training unless the
    /// context's `Kernels.trainingConvolution` is `.direct`).
    func linearForward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        throw ConvLabError.argument(op: name, message: "\(convolutionKind) has no forward pass")
    }

    /// The convolution's backward pass: fills the filters' gradients and returns `dInput`.
    func linearBackward(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws -> Tensor<Float> {
        throw ConvLabError.argument(op: name, message: "\(convolutionKind) has no backward pass")
    }

    /// The filters' gradients without `dInput`; by default `linearBackward` with its result dropped.
    func linearFilterGradients(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws {
        _ = try linearBackward(input, dLinear: dLinear, ops: ops)
    }

    /// `activation(convolution(input, filters) + biases)`: `[N, H, W, C]` -> `outputShape(for:)`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let linear = try linearForward(input, context: context)
        self.input = input
        return try tail.forward(linear, bias: biases.value, kernels: context.kernels)
    }

    /// Through the activation and the bias, then the convolution's backward pass; fills the
    /// gradients of the filters and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let input, let dLinear = try tail.backward(dOutput, kernels: context.kernels) else { throw missingForward(self) }
        biases.gradient = try context.kernels.ops.biasAddBackward(dOutput: dLinear).dBias
        return try linearBackward(input, dLinear: dLinear, ops: context.kernels.ops)
    }

    /// `backward` without `dInput`: the biases' and the filters' gradients only.
    public func backwardParameters(_ dOutput: Tensor<Float>, context: LayerContext) throws {
        guard let input, let dLinear = try tail.backward(dOutput, kernels: context.kernels) else { throw missingForward(self) }
        biases.gradient = try context.kernels.ops.biasAddBackward(dOutput: dLinear).dBias
        try linearFilterGradients(input, dLinear: dLinear, ops: context.kernels.ops)
    }
}
