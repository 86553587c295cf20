/// SeparableConv2D: a depthwise conv followed by a 1x1 ("pointwise") conv, as
/// `tf.nn.separable_conv2d`.
///
/// The depthwise step filters each channel on its own (`depthwiseConv2DForward`); the pointwise
/// step mixes the `C*M` resulting channels into `O` outputs with a 1x1 conv2d at stride 1:
///
///     z = depthwise_conv2d(x, wd)                       [N, OH, OW, C*M]
///     y[n, i, j, o] = Σ_k z[n, i, j, k] * wp[0, 0, k, o]
///
/// This file adds no loops of its own: `SeparableConvolution` is the composition, written once and
/// run on either path's convolutions (here the reference loops; `KernelOps` gives the fast path
/// the same composition over the fast twins). Its backward pass is the chain rule through the two
/// steps (pointwise first, then depthwise).
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
        try SeparableConvolution(input: input.shape, depthwiseFilter: depthwiseFilter.shape,
                                 pointwiseFilter: pointwiseFilter.shape, strides: strides, padding: padding,
                                 dilations: dilations)
            .forward(input, depthwiseFilter, pointwiseFilter, depthwise: depthwiseConv2DForward, pointwise: conv2DForward)
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
        try SeparableConvolution(input: input.shape, depthwiseFilter: depthwiseFilter.shape,
                                 pointwiseFilter: pointwiseFilter.shape, strides: strides, padding: padding,
                                 dilations: dilations)
            .backward(input, depthwiseFilter, pointwiseFilter, dOutput, depthwise: depthwiseConv2DForward,
                      depthwiseBackward: depthwiseConv2DBackward, pointwiseBackward: conv2DBackward)
    }
}

/// A conv2d-shaped op of one path, `(input, filter, strides, padding, dilations) -> output`: what
/// a composite op is built from.
package typealias ConvStep<Scalar: TensorScalar> =
    (Tensor<Scalar>, Tensor<Scalar>, Size2, Padding, Size2) throws -> Tensor<Scalar>
/// The backward pass of a `ConvStep`, with `dOutput` third.
package typealias ConvStepBackward<Scalar: TensorScalar> =
    (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>, Size2, Padding, Size2) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>)

/// A separable convolution's validated shapes and its composition, for any path's depthwise conv
/// and conv2d: the one place the two steps and their chain rule are written.
package struct SeparableConvolution {
    let depthwise: DepthwiseConv2DGeometry
    let strides: Size2, padding: Padding, dilations: Size2
    /// `[N, OH, OW, O]`.
    let outputShape: [Int]

    /// Validates the three shapes together, so a mistake is reported against `separableConv2D`
    /// with all of them.
    package init(input: [Int], depthwiseFilter: [Int], pointwiseFilter: [Int], strides: Size2, padding: Padding,
                 dilations: Size2) throws {
        let op = "separableConv2D"
        try padding.requireAlgorithm(op: op, tfName: "tf.nn.separable_conv2d")
        depthwise = try DepthwiseConv2DGeometry(input: input, filter: depthwiseFilter, strides: strides,
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
        (self.strides, self.padding, self.dilations) = (strides, padding, dilations)
        outputShape = [depthwise.batch, depthwise.rows.output, depthwise.cols.output, pointwiseFilter[3]]
    }

    /// `pointwise(depthwise(x))`.
    package func forward<Scalar>(_ input: Tensor<Scalar>, _ depthwiseFilter: Tensor<Scalar>,
                                 _ pointwiseFilter: Tensor<Scalar>, depthwise: ConvStep<Scalar>,
                                 pointwise: ConvStep<Scalar>) throws -> Tensor<Scalar> {
        let z = try depthwise(input, depthwiseFilter, strides, padding, dilations)
        return try pointwise(z, pointwiseFilter, 1, .valid, 1)
    }

    /// Recomputes `z`, then the pointwise step's backward pass gives `dZ` and `dPointwiseFilter`,
    /// and the depthwise step's backward pass of `dZ` gives `dInput` and `dDepthwiseFilter`.
    package func backward<Scalar>(_ input: Tensor<Scalar>, _ depthwiseFilter: Tensor<Scalar>,
                                  _ pointwiseFilter: Tensor<Scalar>, _ dOutput: Tensor<Scalar>,
                                  depthwise: ConvStep<Scalar>, depthwiseBackward: ConvStepBackward<Scalar>,
                                  pointwiseBackward: ConvStepBackward<Scalar>)
        throws -> (dInput: Tensor<Scalar>, dDepthwiseFilter: Tensor<Scalar>, dPointwiseFilter: Tensor<Scalar>) {
        try OpCheck.outputGradient(dOutput.shape, expected: outputShape, op: "separableConv2DBackward")
        let z = try depthwise(input, depthwiseFilter, strides, padding, dilations)
        let pointwise = try pointwiseBackward(z, pointwiseFilter, dOutput, 1, .valid, 1)
        let inner = try depthwiseBackward(input, depthwiseFilter, pointwise.dInput, strides, padding, dilations)
        return (inner.dInput, inner.dFilter, pointwise.dFilter)
    }
}
