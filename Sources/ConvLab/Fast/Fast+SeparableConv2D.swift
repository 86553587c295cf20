// Fast separable conv2d: the twin of `Reference.separableConv2DForward` / `separableConv2DBackward`.
//
// Like the reference, this file adds no loops of its own: it is the same composition (depthwise
// conv, then a 1x1 conv) and the same chain rule backwards, but through the fast twins, so the
// depthwise step runs over contiguous channels in vector registers (`Fast+DepthwiseConv2D.swift`)
// and the pointwise step, a `[N*OH*OW, C*M] x [C*M, O]` matrix product, runs on the packed GEMM
// (`Fast.conv2DForward` / `conv2DBackward` with a 1x1 filter).

extension Fast {
    /// Depthwise-separable 2-D convolution, as `tf.nn.separable_conv2d`; the twin of
    /// `Reference.separableConv2DForward`.
    /// - Parameters: as the reference: `input [N, H, W, C]`, `depthwiseFilter [KH, KW, C, M]`,
    ///   `pointwiseFilter [1, 1, C*M, O]`; strides, padding, dilations of the depthwise step.
    /// - Returns: `[N, OH, OW, O]`.
    /// - Throws: the reference's `ConvLabError`s, naming `separableConv2D` and all three shapes.
    /// - Complexity: `N*OH*OW * C*M * (KH*KW + O)` multiply-adds.
    public static func separableConv2DForward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                              pointwiseFilter: Tensor<Float>, strides: Size2 = 1,
                                              padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        _ = try Reference.separableOutputShape(input.shape, depthwiseFilter.shape, pointwiseFilter.shape,
                                               strides: strides, padding: padding, dilations: dilations)
        let depthwise = try depthwiseConv2DForward(input, filter: depthwiseFilter, strides: strides,
                                                   padding: padding, dilations: dilations)
        return try conv2DForward(depthwise, filter: pointwiseFilter, padding: .valid)
    }

    /// The gradients of `separableConv2DForward`; the twin of `Reference.separableConv2DBackward`:
    /// recompute the depthwise output `z`, then the pointwise backward gives `dZ` and
    /// `dPointwiseFilter`, and the depthwise backward of `dZ` gives `dInput` and `dDepthwiseFilter`.
    /// - Returns: `dInput [N, H, W, C]`, `dDepthwiseFilter [KH, KW, C, M]`, `dPointwiseFilter [1, 1, C*M, O]`.
    /// - Throws: as the reference, naming `separableConv2DBackward` when `dOutput` has the wrong shape.
    public static func separableConv2DBackward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                               pointwiseFilter: Tensor<Float>, dOutput: Tensor<Float>,
                                               strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dDepthwiseFilter: Tensor<Float>, dPointwiseFilter: Tensor<Float>) {
        let outputShape = try Reference.separableOutputShape(input.shape, depthwiseFilter.shape, pointwiseFilter.shape,
                                                             strides: strides, padding: padding, dilations: dilations)
        guard dOutput.shape == outputShape else {
            // The reference's error for a dOutput of the wrong shape.
            return try Reference.separableConv2DBackward(input, depthwiseFilter: depthwiseFilter,
                                                         pointwiseFilter: pointwiseFilter, dOutput: dOutput,
                                                         strides: strides, padding: padding, dilations: dilations)
        }
        let depthwise = try depthwiseConv2DForward(input, filter: depthwiseFilter, strides: strides,
                                                   padding: padding, dilations: dilations)
        let pointwise = try conv2DBackward(depthwise, filter: pointwiseFilter, dOutput: dOutput, padding: .valid)
        let inner = try depthwiseConv2DBackward(input, filter: depthwiseFilter, dOutput: pointwise.dInput,
                                                strides: strides, padding: padding, dilations: dilations)
        return (inner.dInput, inner.dFilter, pointwise.dFilter)
    }
}
