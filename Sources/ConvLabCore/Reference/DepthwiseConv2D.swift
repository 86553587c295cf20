/// DepthwiseConv2D: one small filter per input channel, as `tf.nn.depthwise_conv2d`.
///
/// Where conv2d sums over all input channels, a depthwise conv keeps channels apart: input
/// channel `c` is filtered by its own `M` filters (the channel multiplier) and never mixed with
/// another channel. Output channel `c*M + m` is
///
///     y[n, i, j, c*M + m] = Σ_{a, b} xp[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, m]
///
/// with `xp` zero-padded by TF's SAME/VALID rule (`Conv2DGeometry`, the same windows as conv2d).
/// It costs `C*M` times less than a conv2d with `C` inputs and `C*M` outputs.
extension Reference {
    /// Depthwise 2-D cross-correlation, as `tf.nn.depthwise_conv2d`.
    /// - Parameters:
    ///   - input:  `[N, H, W, C]` (NHWC)
    ///   - filter: `[KH, KW, C, M]`, `M` filters per input channel (the channel multiplier).
    ///   - strides: `(sh, sw)`; dilation > 1 is allowed only with stride 1, as in TF.
    ///   - padding: `.same`, `.valid` or `.explicit` pads, as `conv2DForward`.
    ///   - dilations: `(dh, dw)`.
    /// - Returns: `[N, OH, OW, C*M]`, channel `c*M + m` from input channel `c` and filter `m`;
    ///   `OH = ceil(H / sh)` for SAME, `floor((H - EKH) / sh) + 1` for VALID, `EKH = (KH - 1) * dh + 1`.
    /// - Throws: `ConvLabError` naming `depthwiseConv2D` and both shapes when they do not fit.
    /// - Complexity: `N * OH * OW * C * M * KH * KW` multiply-adds.
    public static func depthwiseConv2DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> Tensor<Scalar> {
        let g = try DepthwiseConv2DGeometry(input: input.shape, filter: filter.shape,
                                            strides: strides, padding: padding, dilations: dilations)
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        let x = input.scalars, w = filter.scalars
        g.forEachWindow { n, i, j in
            for c in 0..<g.channels {
                for m in 0..<g.multiplier {
                    var sum: Scalar = 0
                    g.forEachTap(i, j) { a, b, row, col in
                        // Only channel c of the input: no sum over channels.
                        sum += x[g.inputIndex(n, row, col, c)] * w[g.filterIndex(a, b, c, m)]
                    }
                    output.scalars[g.outputIndex(n, i, j, c, m)] = sum
                }
            }
        }
        return output
    }

    /// The gradients of `depthwiseConv2DForward` for an upstream gradient `dOutput`.
    ///
    ///     dInput[n, row, col, c] += dOutput[n, i, j, c*M + m] * w[a, b, c, m]
    ///     dFilter[a, b, c, m]    += dOutput[n, i, j, c*M + m] * x[n, row, col, c]
    ///
    /// accumulated (`+=`) over every output position whose window covers the element, and over
    /// the `M` outputs that read the same input channel.
    /// - Parameters: as `depthwiseConv2DForward`, plus `dOutput: [N, OH, OW, C*M]`.
    /// - Returns: `dInput: [N, H, W, C]` and `dFilter: [KH, KW, C, M]`.
    /// - Throws: `ConvLabError` naming the op when the shapes do not fit.
    /// - Complexity: `2 * N * OH * OW * C * M * KH * KW` multiply-adds.
    public static func depthwiseConv2DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, dOutput: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        let g = try DepthwiseConv2DGeometry(input: input.shape, filter: filter.shape,
                                            strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "depthwiseConv2DBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        var dFilter = Tensor<Scalar>.zerosUnchecked(filter.shape)
        let x = input.scalars, w = filter.scalars, dy = dOutput.scalars
        g.forEachWindow { n, i, j in
            for c in 0..<g.channels {
                for m in 0..<g.multiplier {
                    let upstream = dy[g.outputIndex(n, i, j, c, m)]
                    g.forEachTap(i, j) { a, b, row, col in
                        let xi = g.inputIndex(n, row, col, c), wi = g.filterIndex(a, b, c, m)
                        dInput.scalars[xi] += upstream * w[wi]
                        dFilter.scalars[wi] += upstream * x[xi]
                    }
                }
            }
        }
        return (dInput, dFilter)
    }
}
