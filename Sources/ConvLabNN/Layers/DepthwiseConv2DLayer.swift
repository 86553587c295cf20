import ConvLabCore

/// `tf.nn.depthwise_conv2d` with a bias: each input channel gets its own `M` filters
/// `[KH, KW, C, M]`, and each of the `C*M` outputs its own bias.
/// Parameters: `KH * KW * C * M + C * M`.
public final class DepthwiseConv2D: ConvolutionLayer {
    /// The filter, `[KH, KW, C, M]`: `M` filters for each input channel.
    public let weights: Variable

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
        weights = Variable(name: name + "/depthwise_weights", shape: [kernel.h, kernel.w, inputChannels, depthMultiplier],
                           initializer: weightInitializer)
        super.init(name, outputChannels: inputChannels * depthMultiplier, strides: strides, padding: padding,
                   dilations: dilations, activation: activation, biasInitializer: biasInitializer)
    }

    override var convolutionKind: String { "DepthwiseConv2D" }
    override var filters: [Variable] { [weights] }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkChannels(inputShape, expected: weights.shape[2], layer: name, kind: "depthwise_conv2d")
        return try DepthwiseConv2DGeometry(input: inputShape, filter: weights.shape, strides: strides, padding: padding,
                                           dilations: dilations, op: name).outputShape
    }

    override func linearForward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        try context.kernels.ops.depthwiseConv2DForward(input, filter: weights.value, strides: strides, padding: padding,
                                                       dilations: dilations)
    }

    override func linearBackward(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws -> Tensor<Float> {
        let g = try ops.depthwiseConv2DBackward(input, filter: weights.value, dOutput: dLinear, strides: strides,
                                                padding: padding, dilations: dilations)
        weights.gradient = g.dFilter
        return g.dInput
    }
}
