// Fast conv1d: the twin of `Reference.conv1DForward` / `conv1DBackward`.
//
// The reference writes the 1-D loops out. Here, as TF does, a conv1d is a conv2d of height 1:
// the input `[N, W, C]` is viewed as `[N, 1, W, C]` and the filter `[K, C, O]` as `[1, K, C, O]`
// (the same row-major scalars under a new shape, no copy and no new arithmetic), and the fast
// conv2d (`Fast+Conv2D.swift`, the packed GEMM) does the work with stride `(1, s)` and dilation
// `(1, d)`. A height of 1 with a 1-tall filter gives one output row for SAME and VALID alike.
// Shapes are validated first by `Conv1DGeometry`, so errors name `conv1d` as the reference's do.

extension Fast {
    /// 1-D cross-correlation, as `tf.nn.conv1d`; the twin of `Reference.conv1DForward`.
    /// - Parameters: as the reference: `input [N, W, C]`, `filter [K, C, O]`.
    /// - Returns: `[N, OW, O]`, `OW` by `Conv1DGeometry` (TF's SAME/VALID rule).
    /// - Throws: the reference's `ConvLabError`s, naming `conv1d` and both shapes.
    /// - Complexity: `2 * N*OW * O * K*C` flops on the packed GEMM.
    public static func conv1DForward(_ input: Tensor<Float>, filter: Tensor<Float>, stride: Int = 1,
                                     padding: Padding, dilation: Int = 1) throws -> Tensor<Float> {
        let g = try Conv1DGeometry(input: input.shape, filter: filter.shape,
                                   stride: stride, padding: padding, dilation: dilation)
        let y = try conv2DForward(asRow(input), filter: asRowFilter(filter), strides: Size2(1, stride),
                                  padding: padding, dilations: Size2(1, dilation))
        return Tensor(uncheckedShape: g.outputShape, scalars: y.scalars)
    }

    /// The gradients of `conv1DForward`; the twin of `Reference.conv1DBackward`.
    /// - Returns: `dInput [N, W, C]`, `dFilter [K, C, O]`.
    /// - Throws: as the reference, naming `conv1DBackward` when `dOutput` has the wrong shape.
    /// - Complexity: two GEMMs of `2 * N*OW * O * K*C` flops each.
    public static func conv1DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                      stride: Int = 1, padding: Padding, dilation: Int = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        let g = try Conv1DGeometry(input: input.shape, filter: filter.shape,
                                   stride: stride, padding: padding, dilation: dilation)
        try g.checkOutputGradient(dOutput.shape, op: "conv1DBackward")
        let grads = try conv2DBackward(asRow(input), filter: asRowFilter(filter), dOutput: asRow(dOutput),
                                       strides: Size2(1, stride), padding: padding, dilations: Size2(1, dilation))
        return (Tensor(uncheckedShape: input.shape, scalars: grads.dInput.scalars),
                Tensor(uncheckedShape: filter.shape, scalars: grads.dFilter.scalars))
    }

    /// `[N, W, C]` viewed as the one-row image `[N, 1, W, C]` (shares the scalars).
    private static func asRow(_ t: Tensor<Float>) -> Tensor<Float> {
        Tensor(uncheckedShape: [t.shape[0], 1, t.shape[1], t.shape[2]], scalars: t.scalars)
    }

    /// `[K, C, O]` viewed as the one-row filter `[1, K, C, O]` (shares the scalars).
    private static func asRowFilter(_ t: Tensor<Float>) -> Tensor<Float> {
        Tensor(uncheckedShape: [1, t.shape[0], t.shape[1], t.shape[2]], scalars: t.scalars)
    }
}
