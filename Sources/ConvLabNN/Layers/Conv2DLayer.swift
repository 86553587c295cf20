import ConvLabCore

/// A convolution layer, `relu(conv2d(x, w, strides, padding) + b)` under a scope (lecture 7's
/// `conv1` and `conv2`): HWIO weights `[KH, KW, C, O]` and `O` biases.
/// Parameters: `KH * KW * C * O + O` (lecture 7's conv1: 5*5*1*32 + 32 = 832).
public final class Conv2D: ConvolutionLayer {
    /// The filter, `[KH, KW, C, O]` (HWIO).
    public let weights: Variable

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
        weights = Variable(name: name + "/weights", shape: [kernel.h, kernel.w, inputChannels, filters],
                           initializer: weightInitializer)
        super.init(name, outputChannels: filters, strides: strides, padding: padding, dilations: dilations,
                   activation: activation, biasInitializer: biasInitializer)
    }

    override var convolutionKind: String { "Conv2D" }
    override var filters: [Variable] { [weights] }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        try checkChannels(inputShape, expected: weights.shape[2], layer: name, kind: "conv2d")
        return try Conv2DGeometry(input: inputShape, filter: weights.shape, strides: strides, padding: padding,
                                  dilations: dilations, op: name).outputShape
    }

    override func linearForward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let ops = context.kernels.ops
        return context.mode == .training && context.kernels.trainingConvolution == .direct
            ? try ops.conv2DForward(input, filter: weights.value, strides: strides, padding: padding, dilations: dilations)
            : try ops.conv2DInference(input, filter: weights.value, strides: strides, padding: padding, dilations: dilations)
    }

    override func linearBackward(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws -> Tensor<Float> {
        let g = try ops.conv2DBackward(input, filter: weights.value, dOutput: dLinear, strides: strides, padding: padding,
                                       dilations: dilations)
        weights.gradient = g.dFilter
        return g.dInput
    }

    override func linearFilterGradients(_ input: Tensor<Float>, dLinear: Tensor<Float>, ops: any KernelOps.Type) throws {
        weights.gradient = try ops.conv2DFilterGradient(input, filter: weights.value, dOutput: dLinear, strides: strides,
                                                        padding: padding, dilations: dilations)
    }
}
