/// `tf.nn.separable_conv2d` with a bias: a depthwise spatial filter `[KH, KW, C, M]`, then a 1x1
/// pointwise filter `[1, 1, C*M, O]`, and `O` biases.
/// Parameters: `KH * KW * C * M + C * M * O + O`.
public final class SeparableConv2D: ConvolutionLayer {
    public let depthwiseWeights: Variable
    public let pointwiseWeights: Variable

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

    override func linearForward(_ input: Tensor<Float>, ops: any KernelOps.Type) throws -> Tensor<Float> {
        try ops.separableConv2DForward(input, depthwiseFilter: depthwiseWeights.value, pointwiseFilter: pointwiseWeights.value,
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
