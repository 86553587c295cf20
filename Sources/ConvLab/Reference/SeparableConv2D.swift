/// SeparableConv2D: a depthwise conv followed by a 1x1 ("pointwise") conv, as
/// `tf.nn.separable_conv2d`.
///
/// The depthwise step filters each channel on its own (`depthwiseConv2DForward`); the pointwise
/// step mixes the `C*M` resulting channels into `O` outputs with a 1x1 conv2d at stride 1:
///
///     z = depthwise_conv2d(x, wd)                       [N, OH, OW, C*M]
///     y[n, i, j, o] = Σ_k z[n, i, j, k] * wp[0, 0, k, o]
///
/// This file adds no loops of its own: it composes the two reference ops, and its backward pass
/// is the chain rule through them (pointwise first, then depthwise).
extension Reference {
    /// Depthwise-separable 2-D convolution, as `tf.nn.separable_conv2d`.
    /// - Parameters:
    ///   - input: `[N, H, W, C]` (NHWC)
    ///   - depthwiseFilter: `[KH, KW, C, M]`
    ///   - pointwiseFilter: `[1, 1, C*M, O]`
    ///   - strides: of the depthwise step (the pointwise step is 1x1, stride 1).
    ///   - padding: of the depthwise step.
    ///   - dilations: of the depthwise step.
    /// - Returns: `[N, OH, OW, O]` with `OH`, `OW` as for `depthwiseConv2DForward`.
    /// - Throws: `ConvLabError` naming `separableConv2D` and the shapes when they do not fit.
    /// - Complexity: `N * OH * OW * C * M * (KH * KW + O)` multiply-adds.
    public static func separableConv2DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, depthwiseFilter: Tensor<Scalar>, pointwiseFilter: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> Tensor<Scalar> {
        _ = try separableOutputShape(input.shape, depthwiseFilter.shape, pointwiseFilter.shape,
                                     strides: strides, padding: padding, dilations: dilations)
        let depthwise = try depthwiseConv2DForward(input, filter: depthwiseFilter, strides: strides,
                                                   padding: padding, dilations: dilations)
        return try conv2DForward(depthwise, filter: pointwiseFilter, padding: .valid)
    }

    /// The gradients of `separableConv2DForward` for an upstream gradient `dOutput`.
    ///
    /// Recomputes the depthwise output `z`, then applies the chain rule backwards:
    /// `conv2DBackward` of the 1x1 step gives `dZ` and `dPointwiseFilter`; `depthwiseConv2DBackward`
    /// of `dZ` gives `dInput` and `dDepthwiseFilter`.
    /// - Parameters: as `separableConv2DForward`, plus `dOutput: [N, OH, OW, O]`.
    /// - Returns: `dInput: [N, H, W, C]`, `dDepthwiseFilter: [KH, KW, C, M]`,
    ///   `dPointwiseFilter: [1, 1, C*M, O]`.
    /// - Throws: `ConvLabError` naming the op when the shapes do not fit.
    public static func separableConv2DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, depthwiseFilter: Tensor<Scalar>, pointwiseFilter: Tensor<Scalar>,
        dOutput: Tensor<Scalar>, strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> (dInput: Tensor<Scalar>, dDepthwiseFilter: Tensor<Scalar>, dPointwiseFilter: Tensor<Scalar>) {
        let outputShape = try separableOutputShape(input.shape, depthwiseFilter.shape, pointwiseFilter.shape,
                                                   strides: strides, padding: padding, dilations: dilations)
        guard dOutput.shape == outputShape else {
            throw ConvLabError.shape(op: "separableConv2DBackward",
                message: "dOutput is \(describeShape(dOutput.shape)) but the output is \(describeShape(outputShape))")
        }
        let depthwise = try depthwiseConv2DForward(input, filter: depthwiseFilter, strides: strides,
                                                   padding: padding, dilations: dilations)
        let pointwise = try conv2DBackward(depthwise, filter: pointwiseFilter, dOutput: dOutput, padding: .valid)
        let inner = try depthwiseConv2DBackward(input, filter: depthwiseFilter, dOutput: pointwise.dInput,
                                                strides: strides, padding: padding, dilations: dilations)
        return (inner.dInput, inner.dFilter, pointwise.dFilter)
    }

    /// Validates a separable conv's three shapes together, so a mistake is reported against
    /// `separableConv2D` with all of them, and returns the output shape `[N, OH, OW, O]`.
    /// (Internal, not private: the fast twin validates with it too.)
    static func separableOutputShape(
        _ input: [Int], _ depthwiseFilter: [Int], _ pointwiseFilter: [Int],
        strides: Size2, padding: Padding, dilations: Size2
    ) throws -> [Int] {
        let op = "separableConv2D"
        try padding.requireAlgorithm(op: op, tfName: "tf.nn.separable_conv2d")
        let depthwise = try DepthwiseConv2DGeometry(input: input, filter: depthwiseFilter, strides: strides,
                                                    padding: padding, dilations: dilations, op: op)
        let mixed = depthwise.channels * depthwise.multiplier
        let shapes = "(\(describeShape(input)) * \(describeShape(depthwiseFilter)) * \(describeShape(pointwiseFilter)))"
        guard pointwiseFilter.count == 4, pointwiseFilter[0] == 1, pointwiseFilter[1] == 1,
              pointwiseFilter[3] >= 1 else {
            throw ConvLabError.shape(op: op,
                message: "pointwise filter must be [1,1,C*M,O] with O >= 1, got \(describeShape(pointwiseFilter)) \(shapes)")
        }
        guard pointwiseFilter[2] == mixed else {
            throw ConvLabError.shape(op: op,
                message: "pointwise filter has \(pointwiseFilter[2]) input channels but the depthwise step gives C*M = \(depthwise.channels)*\(depthwise.multiplier) = \(mixed) \(shapes)")
        }
        return [depthwise.batch, depthwise.rows.output, depthwise.cols.output, pointwiseFilter[3]]
    }
}
