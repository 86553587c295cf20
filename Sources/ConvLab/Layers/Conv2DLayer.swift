/// A convolution layer as the lectures build it under a variable scope:
///
///     with tf.variable_scope('conv1'):
///         w = weights [KH, KW, C, O];  b = biases [O]
///         conv1 = relu(conv2d(x, w, strides, padding) + b)
///
/// Parameters: `KH * KW * C * O + O` (lecture 7's conv1: 5*5*1*32 + 32 = 832).
public final class Conv2D: Layer {
    public let name: String
    /// The filter, `[KH, KW, C, O]` (HWIO).
    public let weights: Variable
    /// One bias per filter, `[O]`.
    public let biases: Variable
    /// `(sh, sw)`.
    public let strides: Size2
    /// SAME, VALID or explicit pads.
    public let padding: Padding
    /// `(dh, dw)`.
    public let dilations: Size2
    /// Applied after the bias, or `nil`.
    public var activation: Activation? { tail.activation }
    private var input: Tensor<Float>?
    private var tail: BiasActivation

    /// - Parameters:
    ///   - name: the scope, `conv1`.
    ///   - kernel: `(KH, KW)`; `inputChannels` C and `filters` O complete the HWIO filter shape.
    ///   - inputChannels: `C`, the channels of the input image.
    ///   - filters: `O`, the output channels (one bias each).
    ///   - strides: `(sh, sw)`, as in `Reference.conv2DForward`.
    ///   - padding: SAME (TF's split, the extra pad at the bottom/right), VALID or explicit pads.
    ///   - dilations: `(dh, dw)`; above 1 only with stride 1, as in TF.
    ///   - activation: applied after the bias, or `nil` for a linear output.
    ///   - weightInitializer: draws the `[KH, KW, C, O]` weights when the model is initialized.
    ///   - biasInitializer: fills the `[O]` biases (zeros by default).
    public init(_ name: String, kernel: Size2, inputChannels: Int, filters: Int, strides: Size2 = 1,
                padding: Padding = .same, dilations: Size2 = 1, activation: Activation? = nil,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) {
        self.name = name
        self.weights = Variable(name: name + "/weights", shape: [kernel.h, kernel.w, inputChannels, filters],
                                initializer: weightInitializer)
        self.biases = Variable(name: name + "/biases", shape: [filters], initializer: biasInitializer)
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
        self.tail = BiasActivation(activation)
    }

    public var kind: String { "Conv2D" + (activation.map { "+\($0)" } ?? "") }
    public var variables: [Variable] { [weights, biases] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let w = weights.shape
        try checkChannels(inputShape, expected: w[2], layer: name, kind: "conv2d")
        return try Conv2DGeometry(input: inputShape, filter: w, strides: strides, padding: padding,
                                  dilations: dilations, op: name).outputShape
    }

    /// `activation(conv2d(input, weights) + biases)`: `[N, H, W, C]` -> `[N, OH, OW, O]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        let conv = try k.conv2DForward(input, filter: weights.value, strides: strides, padding: padding,
                                       dilations: dilations)
        self.input = input
        return try tail.forward(conv, bias: biases.value, kernels: k)
    }

    /// Through the activation and the bias, then `conv2DBackward`; fills the gradients of `weights`
    /// and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        guard let input, let (dConv, dBias) = try tail.backward(dOutput, kernels: k) else { throw missingForward(self) }
        let (dInput, dFilter) = try k.conv2DBackward(input, filter: weights.value, dOutput: dConv,
                                                     strides: strides, padding: padding, dilations: dilations)
        weights.gradient = dFilter
        biases.gradient = dBias
        return dInput
    }
}

/// `tf.nn.depthwise_conv2d` with a bias: each input channel gets its own `M` filters.
/// Parameters: `KH * KW * C * M + C * M`.
public final class DepthwiseConv2D: Layer {
    public let name: String
    /// The filter, `[KH, KW, C, M]`: `M` filters for each input channel.
    public let weights: Variable
    /// One bias per output channel, `[C * M]`.
    public let biases: Variable
    /// `(sh, sw)`.
    public let strides: Size2
    /// SAME, VALID or explicit pads.
    public let padding: Padding
    /// `(dh, dw)`.
    public let dilations: Size2
    /// Applied after the bias, or `nil`.
    public var activation: Activation? { tail.activation }
    private var input: Tensor<Float>?
    private var tail: BiasActivation

    /// - Parameters:
    ///   - name: the scope, `dw1`.
    ///   - kernel: `(KH, KW)`.
    ///   - inputChannels: `C`.
    ///   - depthMultiplier: `M`, the filters per input channel; the output has `C * M` channels.
    ///   - strides: `(sh, sw)`, as in `Reference.depthwiseConv2DForward`.
    ///   - padding: SAME (TF's split), VALID or explicit pads.
    ///   - dilations: `(dh, dw)`; above 1 only with stride 1, as in TF.
    ///   - activation: applied after the bias, or `nil` for a linear output.
    ///   - weightInitializer: draws the `[KH, KW, C, M]` weights.
    ///   - biasInitializer: fills the `[C * M]` biases (zeros by default).
    public init(_ name: String, kernel: Size2, inputChannels: Int, depthMultiplier: Int = 1, strides: Size2 = 1,
                padding: Padding = .same, dilations: Size2 = 1, activation: Activation? = nil,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros) {
        self.name = name
        self.weights = Variable(name: name + "/depthwise_weights",
                                shape: [kernel.h, kernel.w, inputChannels, depthMultiplier],
                                initializer: weightInitializer)
        self.biases = Variable(name: name + "/biases", shape: [inputChannels * depthMultiplier],
                               initializer: biasInitializer)
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
        self.tail = BiasActivation(activation)
    }

    public var kind: String { "DepthwiseConv2D" + (activation.map { "+\($0)" } ?? "") }
    public var variables: [Variable] { [weights, biases] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let w = weights.shape
        try checkChannels(inputShape, expected: w[2], layer: name, kind: "depthwise_conv2d")
        return try DepthwiseConv2DGeometry(input: inputShape, filter: w, strides: strides, padding: padding,
                                           dilations: dilations, op: name).outputShape
    }

    /// `activation(depthwise_conv2d(input, weights) + biases)`: `[N, H, W, C]` -> `[N, OH, OW, C * M]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        let conv = try k.depthwiseConv2DForward(input, filter: weights.value, strides: strides, padding: padding,
                                                dilations: dilations)
        self.input = input
        return try tail.forward(conv, bias: biases.value, kernels: k)
    }

    /// Through the activation and the bias, then `depthwiseConv2DBackward`; fills the gradients of
    /// `weights` and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        guard let input, let (dConv, dBias) = try tail.backward(dOutput, kernels: k) else { throw missingForward(self) }
        let (dInput, dFilter) = try k.depthwiseConv2DBackward(input, filter: weights.value, dOutput: dConv,
                                                              strides: strides, padding: padding,
                                                              dilations: dilations)
        weights.gradient = dFilter
        biases.gradient = dBias
        return dInput
    }
}

/// `tf.nn.separable_conv2d` with a bias: a depthwise spatial filter, then a 1x1 pointwise filter.
/// Parameters: `KH * KW * C * M + C * M * O + O`.
public final class SeparableConv2D: Layer {
    public let name: String
    /// The depthwise filter, `[KH, KW, C, M]`.
    public let depthwiseWeights: Variable
    /// The 1x1 filter that mixes the `C * M` channels, `[1, 1, C * M, O]`.
    public let pointwiseWeights: Variable
    /// One bias per output channel, `[O]`.
    public let biases: Variable
    /// `(sh, sw)` of the depthwise step.
    public let strides: Size2
    /// SAME, VALID or explicit pads of the depthwise step.
    public let padding: Padding
    /// `(dh, dw)` of the depthwise step.
    public let dilations: Size2
    /// Applied after the bias, or `nil`.
    public var activation: Activation? { tail.activation }
    private var input: Tensor<Float>?
    private var tail: BiasActivation

    /// - Parameters:
    ///   - name: the scope, `sep1`.
    ///   - kernel: `(KH, KW)` of the depthwise step.
    ///   - inputChannels: `C`.
    ///   - filters: `O`, the output channels of the pointwise step.
    ///   - depthMultiplier: `M`, the depthwise filters per input channel.
    ///   - strides: `(sh, sw)` of the depthwise step (the pointwise step is 1x1, stride 1).
    ///   - padding: SAME (TF's split), VALID or explicit pads of the depthwise step.
    ///   - dilations: `(dh, dw)` of the depthwise step.
    ///   - activation: applied after the bias, or `nil` for a linear output.
    ///   - weightInitializer: draws both filters.
    ///   - biasInitializer: fills the `[O]` biases (zeros by default).
    public init(_ name: String, kernel: Size2, inputChannels: Int, filters: Int, depthMultiplier: Int = 1,
                strides: Size2 = 1, padding: Padding = .same, dilations: Size2 = 1,
                activation: Activation? = nil, weightInitializer: Initializer = .glorotUniform,
                biasInitializer: Initializer = .zeros) {
        self.name = name
        self.depthwiseWeights = Variable(name: name + "/depthwise_weights",
                                         shape: [kernel.h, kernel.w, inputChannels, depthMultiplier],
                                         initializer: weightInitializer)
        self.pointwiseWeights = Variable(name: name + "/pointwise_weights",
                                         shape: [1, 1, inputChannels * depthMultiplier, filters],
                                         initializer: weightInitializer)
        self.biases = Variable(name: name + "/biases", shape: [filters], initializer: biasInitializer)
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
        self.tail = BiasActivation(activation)
    }

    public var kind: String { "SeparableConv2D" + (activation.map { "+\($0)" } ?? "") }
    public var variables: [Variable] { [depthwiseWeights, pointwiseWeights, biases] }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let w = depthwiseWeights.shape
        try checkChannels(inputShape, expected: w[2], layer: name, kind: "separable_conv2d")
        // The depthwise step sets the spatial size; the 1x1 pointwise step sets the channels.
        var shape = try DepthwiseConv2DGeometry(input: inputShape, filter: w, strides: strides, padding: padding,
                                                dilations: dilations, op: name).outputShape
        shape[3] = pointwiseWeights.shape[3]
        return shape
    }

    /// `activation(separable_conv2d(input, depthwiseWeights, pointwiseWeights) + biases)`:
    /// `[N, H, W, C]` -> `[N, OH, OW, O]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        let conv = try k.separableConv2DForward(input, depthwiseFilter: depthwiseWeights.value,
                                                pointwiseFilter: pointwiseWeights.value, strides: strides,
                                                padding: padding, dilations: dilations)
        self.input = input
        return try tail.forward(conv, bias: biases.value, kernels: k)
    }

    /// Through the activation and the bias, then `separableConv2DBackward`; fills the gradients of
    /// both filters and `biases`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let k = context.kernels
        guard let input, let (dConv, dBias) = try tail.backward(dOutput, kernels: k) else { throw missingForward(self) }
        let grads = try k.separableConv2DBackward(input, depthwiseFilter: depthwiseWeights.value,
                                                  pointwiseFilter: pointwiseWeights.value, dOutput: dConv,
                                                  strides: strides, padding: padding, dilations: dilations)
        depthwiseWeights.gradient = grads.dDepthwiseFilter
        pointwiseWeights.gradient = grads.dPointwiseFilter
        biases.gradient = dBias
        return grads.dInput
    }
}
