import ConvLabCore

/// `tf.nn.separable_conv2d` with a bias: a depthwise spatial filter `[KH, KW, C, M]`, then a 1x1
/// pointwise filter `[1, 1, C*M, O]`, and `O` biases.
/// Parameters: `KH * KW * C * M + C * M * O + O`.
public final class SeparableConv2D: ConvolutionLayer {
    /// The depthwise filter, `[KH, KW, C, M]`.
    public let depthwiseWeights: Variable
    /// The 1x1 filter that mixes the `C * M` channels, `[1, 1, C * M, O]`.
    public let pointwiseWeights: Variable

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
        depthwiseWeights = Variable(name: name + "/depthwise_weights",
                                    shape: [kernel.h, kernel.w, inputChannels, depthMultiplier], initializer: weightInitializer)
        pointwiseWeights = Variable(name: name + "/pointwise_weights", shape: [1, 1, inputChannels * depthMultiplier, filters],
                                    initializer: weightInitializer)
        super.init(name, outputChannels: filters, strides: strides, padding: padding, dilations: dilations,
                   activation: activation, biasInitializer: biasInitializer)
    }

    override var convolutionKind: String { "SeparableConv2D" }
    override var filters: [Variable] { [depthwiseWeights, pointwiseWeights] }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkChannels(inputShape, expected: depthwiseWeights.shape[2], layer: name, kind: "separable_conv2d")
        // The depthwise step sets the spatial size; the 1x1 pointwise step sets the channels.
        var shape = try DepthwiseConv2DGeometry(input: inputShape, filter: depthwiseWeights.shape, strides: strides,
                                                padding: padding, dilations: dilations, op: name).outputShape
        shape[3] = pointwiseWeights.shape[3]
        return shape
    }

    override func linearForward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        try context.kernels.ops.separableConv2DForward(input, depthwiseFilter: depthwiseWeights.value,
                                                       pointwiseFilter: pointwiseWeights.value,
                                                       strides: strides, padding: padding, dilations: dilations)
    }

    override func linearBackward(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws -> Tensor<Float> {
        let g = try ops.separableConv2DBackward(input, depthwiseFilter: depthwiseWeights.value,
                                                pointwiseFilter: pointwiseWeights.value, dOutput: dLinear,
                                                strides: strides, padding: padding, dilations: dilations)
        depthwiseWeights.gradient = g.dDepthwiseFilter
        pointwiseWeights.gradient = g.dPointwiseFilter
        return g.dInput
    }
}
