/// Every op ConvLab has, declared once: the Float signatures that `Reference` (the loops, for any
/// scalar) and `Fast` (the SIMD twins) both satisfy, so a network, the conformance runner and the
/// benchmarks pick a path with one value (`Kernels(.fast).ops`) and nothing restates the list.
///
/// The requirements have no default arguments (a protocol cannot give them); `Reference` and
/// `Fast`, called by name, keep theirs. The composite ops (separable conv, conv1d, bias + ReLU,
/// conv2d's filter gradient alone, conv2d for inference) have one definition each, below, built
/// from the path's own primitives; a path may replace one with a fused kernel
/// (`Fast.biasReLUForward`) or a faster algorithm (`Fast.conv2DInference`, Winograd's).
///
/// Adding an op: its reference file (the loops and the doc), one requirement here (with the fast
/// path's stand-in at the end of this file until a fast twin exists), its entry in `OpTable` (which
/// the conformance runner, `convlab bench` and the cross-check tests iterate), and its tests.
/// ARCHITECTURE.md walks through one.
public protocol KernelOps {
    // MARK: Convolutions
    static func conv2DForward(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2, padding: Padding,
                              dilations: Size2) throws -> Tensor<Float>
    /// `conv2DForward` by the path's fastest algorithm, whose rounding may differ from
    /// `conv2DForward`'s (`Fast`: Winograd's). A `Conv2D` layer calls it in evaluation, and in
    /// training unless its kernels ask for the direct product (`Kernels.trainingConvolution`); its
    /// backward pass is `conv2DBackward` either way.
    static func conv2DInference(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2, padding: Padding,
                                dilations: Size2) throws -> Tensor<Float>
    static func conv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>, strides: Size2,
                               padding: Padding, dilations: Size2) throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>)
    /// `conv2DBackward`'s `dFilter` alone: for a layer whose input gradient nobody reads (a
    /// network's first layer, whose input is the images).
    static func conv2DFilterGradient(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                     strides: Size2, padding: Padding, dilations: Size2) throws -> Tensor<Float>
    static func depthwiseConv2DForward(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2, padding: Padding,
                                       dilations: Size2) throws -> Tensor<Float>
    static func depthwiseConv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                        strides: Size2, padding: Padding, dilations: Size2)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>)
    static func separableConv2DForward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                       pointwiseFilter: Tensor<Float>, strides: Size2, padding: Padding,
                                       dilations: Size2) throws -> Tensor<Float>
    static func separableConv2DBackward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                        pointwiseFilter: Tensor<Float>, dOutput: Tensor<Float>, strides: Size2,
                                        padding: Padding, dilations: Size2)
        throws -> (dInput: Tensor<Float>, dDepthwiseFilter: Tensor<Float>, dPointwiseFilter: Tensor<Float>)
    static func conv2DTranspose(_ input: Tensor<Float>, filter: Tensor<Float>, outputSize: Size2?, strides: Size2,
                                padding: Padding, dilations: Size2) throws -> Tensor<Float>
    static func conv1DForward(_ input: Tensor<Float>, filter: Tensor<Float>, stride: Int, padding: Padding,
                              dilation: Int) throws -> Tensor<Float>
    static func conv1DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>, stride: Int,
                               padding: Padding, dilation: Int) throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>)

    // MARK: Pooling
    static func maxPoolForward(_ input: Tensor<Float>, windowSize: Size2, strides: Size2,
                               padding: Padding) throws -> Tensor<Float>
    static func maxPoolBackward(_ input: Tensor<Float>, dOutput: Tensor<Float>, windowSize: Size2, strides: Size2,
                                padding: Padding) throws -> Tensor<Float>
    static func avgPoolForward(_ input: Tensor<Float>, windowSize: Size2, strides: Size2,
                               padding: Padding) throws -> Tensor<Float>
    static func avgPoolBackward(_ input: Tensor<Float>, dOutput: Tensor<Float>, windowSize: Size2, strides: Size2,
                                padding: Padding) throws -> Tensor<Float>

    // MARK: Activations
    static func reluForward(_ x: Tensor<Float>) throws -> Tensor<Float>
    static func reluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func leakyReLUForward(_ x: Tensor<Float>, alpha: Float) throws -> Tensor<Float>
    static func leakyReLUBackward(_ x: Tensor<Float>, alpha: Float, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func eluForward(_ x: Tensor<Float>) throws -> Tensor<Float>
    static func eluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func sigmoidForward(_ x: Tensor<Float>) throws -> Tensor<Float>
    static func sigmoidBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func tanhForward(_ x: Tensor<Float>) throws -> Tensor<Float>
    static func tanhBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func softplusForward(_ x: Tensor<Float>) throws -> Tensor<Float>
    static func softplusBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func maxoutForward(_ x: Tensor<Float>, units: Int) throws -> Tensor<Float>
    static func maxoutBackward(_ x: Tensor<Float>, units: Int, dOutput: Tensor<Float>) throws -> Tensor<Float>

    // MARK: Add, bias, dense, dropout
    static func addForward(_ a: Tensor<Float>, _ b: Tensor<Float>) throws -> Tensor<Float>
    static func biasAddForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float>
    static func biasAddBackward(dOutput: Tensor<Float>) throws -> (dInput: Tensor<Float>, dBias: Tensor<Float>)
    /// `relu(input + bias)` along the last axis: the tail of a conv layer with ReLU.
    static func biasReLUForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float>
    static func denseForward(_ input: Tensor<Float>, weights: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float>
    static func denseBackward(_ input: Tensor<Float>, weights: Tensor<Float>, dOutput: Tensor<Float>)
        throws -> (dInput: Tensor<Float>, dWeights: Tensor<Float>, dBias: Tensor<Float>)
    static func dropoutForward(_ x: Tensor<Float>, keepProbability: Float, generator: inout SeededGenerator)
        throws -> (output: Tensor<Float>, mask: Tensor<Float>)
    static func dropoutBackward(dOutput: Tensor<Float>, mask: Tensor<Float>) throws -> Tensor<Float>

    // MARK: Softmax and losses
    static func softmaxForward(_ x: Tensor<Float>, axis: Int) throws -> Tensor<Float>
    static func softmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int) throws -> Tensor<Float>
    static func logSoftmaxForward(_ x: Tensor<Float>, axis: Int) throws -> Tensor<Float>
    static func logSoftmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int) throws -> Tensor<Float>
    static func softmaxCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>, axis: Int) throws -> Tensor<Float>
    static func softmaxCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>, dOutput: Tensor<Float>,
                                            axis: Int) throws -> Tensor<Float>
    static func sigmoidCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>) throws -> Tensor<Float>
    static func sigmoidCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>,
                                            dOutput: Tensor<Float>) throws -> Tensor<Float>
    static func meanSquaredErrorForward(prediction: Tensor<Float>, target: Tensor<Float>) throws -> Tensor<Float>
    static func meanSquaredErrorBackward(prediction: Tensor<Float>, target: Tensor<Float>,
                                         dOutput: Tensor<Float>) throws -> Tensor<Float>

    // MARK: Batch norm and resize
    static func batchNormForward(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>, epsilon: Float,
                                 axes: [Int]) throws -> (output: Tensor<Float>, mean: Tensor<Float>, variance: Tensor<Float>)
    static func batchNormBackward(_ x: Tensor<Float>, gamma: Tensor<Float>, dOutput: Tensor<Float>, epsilon: Float,
                                  axes: [Int]) throws -> (dInput: Tensor<Float>, dGamma: Tensor<Float>, dBeta: Tensor<Float>)
    static func batchNormInference(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>, mean: Tensor<Float>,
                                   variance: Tensor<Float>, epsilon: Float) throws -> Tensor<Float>
    static func resizeForward(_ x: Tensor<Float>, size: Size2, method: ResizeMethod) throws -> Tensor<Float>
    static func resizeBackward(inputShape: [Int], dOutput: Tensor<Float>, method: ResizeMethod) throws -> Tensor<Float>
}

// MARK: - The composite ops, once for every path

extension KernelOps {
    /// A depthwise conv, then a 1x1 conv2d, through this path's two convolutions
    /// (`SeparableConvolution`, the same composition `Reference` runs in any scalar type).
    public static func separableConv2DForward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                              pointwiseFilter: Tensor<Float>, strides: Size2 = 1, padding: Padding,
                                              dilations: Size2 = 1) throws -> Tensor<Float> {
        try SeparableConvolution(input: input.shape, depthwiseFilter: depthwiseFilter.shape,
                                 pointwiseFilter: pointwiseFilter.shape, strides: strides, padding: padding,
                                 dilations: dilations)
            .forward(input, depthwiseFilter, pointwiseFilter, depthwise: depthwiseConv2DForward, pointwise: conv2DForward)
    }

    /// The chain rule back through `separableConv2DForward`, on this path's convolutions.
    public static func separableConv2DBackward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                               pointwiseFilter: Tensor<Float>, dOutput: Tensor<Float>, strides: Size2 = 1,
                                               padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dDepthwiseFilter: Tensor<Float>, dPointwiseFilter: Tensor<Float>) {
        try SeparableConvolution(input: input.shape, depthwiseFilter: depthwiseFilter.shape,
                                 pointwiseFilter: pointwiseFilter.shape, strides: strides, padding: padding,
                                 dilations: dilations)
            .backward(input, depthwiseFilter, pointwiseFilter, dOutput, depthwise: depthwiseConv2DForward,
                      depthwiseBackward: depthwiseConv2DBackward, pointwiseBackward: conv2DBackward)
    }

    /// conv1d as the conv2d of a one-row image, on this path's conv2d (`Conv1DAsConv2D`).
    public static func conv1DForward(_ input: Tensor<Float>, filter: Tensor<Float>, stride: Int = 1,
                                     padding: Padding, dilation: Int = 1) throws -> Tensor<Float> {
        try Conv1DAsConv2D(input: input.shape, filter: filter.shape, stride: stride, padding: padding, dilation: dilation)
            .forward(input, filter, conv2D: conv2DForward)
    }

    /// The gradients of `conv1DForward`, by this path's conv2d backward pass.
    public static func conv1DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                      stride: Int = 1, padding: Padding, dilation: Int = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        try Conv1DAsConv2D(input: input.shape, filter: filter.shape, stride: stride, padding: padding, dilation: dilation)
            .backward(input, filter, dOutput, conv2DBackward: conv2DBackward)
    }

    /// `conv2DForward` itself (`Fast` replaces it with Winograd's algorithm where it applies).
    public static func conv2DInference(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2 = 1,
                                       padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try conv2DForward(input, filter: filter, strides: strides, padding: padding, dilations: dilations)
    }

    /// `conv2DBackward`, keeping `dFilter` (`Fast` replaces it with a kernel that skips `dInput`).
    public static func conv2DFilterGradient(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                            strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try conv2DBackward(input, filter: filter, dOutput: dOutput, strides: strides, padding: padding,
                           dilations: dilations).dFilter
    }

    /// `relu(input + bias)`: bias add, then ReLU.
    public static func biasReLUForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        try reluForward(biasAddForward(input, bias: bias))
    }
}

/// The reference loops are one path; their generic ops serve as its Float signatures.
extension Reference: KernelOps {}

// MARK: - The fast path's stand-ins: ops with no fast twin yet

/// The fast path: Float-only twins of the `Reference` ops with the same names and labels.
///
/// Each op here computes what its `Reference` twin computes, differently: packed, cache-blocked
/// SIMD matrix multiplies (ConvLabFast's `GEMM.swift`), convolutions lowered onto them without an
/// im2col buffer (and, in `conv2DInference`, by Winograd's algorithm), loops over contiguous
/// channels, and work split across cores with `DispatchQueue.concurrentPerform`. A shape a kernel
/// does not handle falls back to the reference. Every kernel is cross-checked against its twin
/// (`FastCrossCheckTests`) and by `convlab bench` before it is timed.
///
/// Declared here, in the module of the ops, so that an op's stand-in below stays beside its
/// requirement; its kernels, settings and `KernelOps` conformance are in ConvLabFast.
public enum Fast {}

/// Each op here runs the reference loops on the fast path, recorded as a fallback, so `convlab
/// bench` and the cross-check tests list it. The stand-in lives on `Fast`, not in a protocol
/// extension: `Reference` conforms too, and a default there would shadow its generic op (the
/// Float call would then pick the default and call itself). A fast twin, in ConvLabFast, replaces it.
extension Fast {
    /// `tf.nn.conv2d_transpose`. (The fast `conv2DBackward` computes the same values as its
    /// `dInput`, but also a `dFilter` this op does not need.)
    public static func conv2DTranspose(_ input: Tensor<Float>, filter: Tensor<Float>, outputSize: Size2? = nil,
                                       strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try referenceFallback("conv2DTranspose", "no fast twin") {
            try Reference.conv2DTranspose(input, filter: filter, outputSize: outputSize, strides: strides,
                                          padding: padding, dilations: dilations)
        }
    }
}
