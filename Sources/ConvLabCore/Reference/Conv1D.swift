/// Conv1D: 1-D cross-correlation as `tf.nn.conv1d`, forward and backward.
///
/// Lab 11-0 draws it as one filter `w0, w1, w2` sliding along a sequence:
///
///     y0 = x0*w0 + x1*w1 + x2*w2
///     y1 = x1*w0 + x2*w1 + x3*w2
///
/// With a batch, channels and several filters this is
///
///     y[n, i, o] = Σ_{k, c} xp[n, i*s + k*d, c] * w[k, c, o]
///
/// where `xp` is the input zero-padded by `WindowAxis` (TF's SAME/VALID rule) and there is no
/// kernel flip. That is conv2d's formula for an image one row tall, and TF computes conv1d exactly
/// so: `Conv1DAsConv2D` views the input `[N, W, C]` as `[N, 1, W, C]` and the filter `[K, C, O]` as
/// `[1, K, C, O]` (the same row-major scalars, nothing copied or added) and runs a conv2d with
/// stride `(1, s)` and dilation `(1, d)`, the reference loops here, the fast GEMM on the fast path.
extension Reference {
    /// 1-D cross-correlation, as `tf.nn.conv1d`.
    /// - Parameters:
    ///   - input:  `[N, W, C]` (NWC)
    ///   - filter: `[K, C, O]`
    ///   - stride: `s`; dilation > 1 is allowed only with stride 1, as in TF.
    ///   - padding: `.same` or `.valid`.
    ///   - dilation: `d`.
    /// - Returns: `[N, OW, O]` with `OW = ceil(W / s)` for SAME, `floor((W - EK) / s) + 1` for VALID,
    ///   where `EK = (K - 1) * d + 1`.
    /// - Throws: `ConvLabError` naming `conv1d` and both shapes when they do not fit.
    /// - Complexity: `N * OW * O * K * C` multiply-adds.
    public static func conv1DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>,
        stride: Int = 1, padding: Padding, dilation: Int = 1
    ) throws -> Tensor<Scalar> {
        try Conv1DAsConv2D(input: input.shape, filter: filter.shape, stride: stride, padding: padding, dilation: dilation)
            .forward(input, filter, conv2D: conv2DForward)
    }

    /// The gradients of `conv1DForward` for an upstream gradient `dOutput`:
    ///
    ///     dInput[n, p, c]  += dOutput[n, i, o] * w[k, c, o]
    ///     dFilter[k, c, o] += dOutput[n, i, o] * x[n, p, c]      with p = i*s + k*d - padLeft
    ///
    /// accumulated (`+=`) over every output whose window covers the element: conv2d's backward
    /// pass on the one-row view.
    /// - Parameters: as `conv1DForward`, plus `dOutput: [N, OW, O]`.
    /// - Returns: `dInput: [N, W, C]` and `dFilter: [K, C, O]`.
    /// - Throws: `ConvLabError` naming the op when the shapes do not fit.
    /// - Complexity: `2 * N * OW * O * K * C` multiply-adds.
    public static func conv1DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, dOutput: Tensor<Scalar>,
        stride: Int = 1, padding: Padding, dilation: Int = 1
    ) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        try Conv1DAsConv2D(input: input.shape, filter: filter.shape, stride: stride, padding: padding, dilation: dilation)
            .backward(input, filter, dOutput, conv2DBackward: conv2DBackward)
    }
}

/// A conv1d's validated shapes as the conv2d of a one-row image, for any path's conv2d: the one
/// place the view is written. The shapes are checked as 1-D first, so errors name `conv1d` and the
/// shapes the caller passed.
package struct Conv1DAsConv2D {
    let geometry: Conv2DGeometry
    let strides: Size2, padding: Padding, dilations: Size2

    package init(input: [Int], filter: [Int], stride: Int, padding: Padding, dilation: Int) throws {
        let op = "conv1d", pair = "(\(describeShape(input)) * \(describeShape(filter)))"
        try OpCheck.rank(input, "[N,W,C]", name: "input", op: op)
        try OpCheck.rank(filter, "[K,C,O]", name: "filter", op: op)
        guard filter[1] == input[2] else {
            throw ConvLabError.shape(op: op, message: "filter has \(filter[1]) input channels but input has \(input[2]) \(pair)")
        }
        guard input.allSatisfy({ $0 >= 1 }), filter.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension must be >= 1 \(pair)")
        }
        if stride > 1 && dilation > 1 {
            throw ConvLabError.argument(op: op,
                message: "stride \(stride) with dilation \(dilation): TF allows dilation > 1 only with stride 1")
        }
        try padding.requireAlgorithm(op: op, tfName: "tf.nn.conv1d")
        (strides, self.padding, dilations) = (Size2(1, stride), padding, Size2(1, dilation))
        geometry = try Conv2DGeometry(input: [input[0], 1, input[1], input[2]], filter: [1] + filter,
                                      strides: strides, padding: padding, dilations: dilations, op: op)
    }

    /// `[N, OW, O]`.
    var outputShape: [Int] { [geometry.batch, geometry.cols.output, geometry.outChannels] }

    /// `t` under another shape: the same scalars, nothing copied.
    private func view<Scalar>(_ t: Tensor<Scalar>, _ shape: [Int]) -> Tensor<Scalar> {
        Tensor(uncheckedShape: shape, scalars: t.scalars)
    }

    package func forward<Scalar>(_ input: Tensor<Scalar>, _ filter: Tensor<Scalar>,
                                 conv2D: ConvStep<Scalar>) throws -> Tensor<Scalar> {
        let y = try conv2D(view(input, geometry.input.shape), view(filter, geometry.filter.shape),
                           strides, padding, dilations)
        return view(y, outputShape)
    }

    package func backward<Scalar>(_ input: Tensor<Scalar>, _ filter: Tensor<Scalar>, _ dOutput: Tensor<Scalar>,
                                  conv2DBackward: ConvStepBackward<Scalar>)
        throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        try OpCheck.outputGradient(dOutput.shape, expected: outputShape, op: "conv1DBackward")
        let grads = try conv2DBackward(view(input, geometry.input.shape), view(filter, geometry.filter.shape),
                                       view(dOutput, geometry.outputShape), strides, padding, dilations)
        return (view(grads.dInput, input.shape), view(grads.dFilter, filter.shape))
    }
}
