/// Conv2D: 2-D cross-correlation as `tf.nn.conv2d`, forward and backward, in plain loops.
///
/// This file promises the textbook formula and nothing else: no SIMD, no threads, no im2col.
/// `Fast.conv2DForward` is its twin for speed and is tested against it.
///
///     y[n, i, j, o] = Σ_{a, b, c} xp[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o]
///
/// where `xp` is the input zero-padded by `WindowAxis` (TF's SAME/VALID rule), and there is no
/// kernel flip. Bias is a separate op (`biasAddForward`), as in TF.
extension Reference {
    /// 2-D cross-correlation, as `tf.nn.conv2d`.
    /// - Parameters:
    ///   - input:  `[N, H, W, C]` (NHWC)
    ///   - filter: `[KH, KW, C, O]` (HWIO)
    ///   - strides: `(sh, sw)`; dilation > 1 is allowed only with stride 1, as in TF.
    ///   - padding: `.same`, `.valid` or `.explicit` pads (TF's `[[0,0],[top,bottom],[left,right],[0,0]]`).
    ///   - dilations: `(dh, dw)`.
    /// - Returns: `[N, OH, OW, O]` with `OH = ceil(H / sh)` for SAME, `floor((H - EKH) / sh) + 1`
    ///   for VALID, `floor((H + top + bottom - EKH) / sh) + 1` for explicit pads, where
    ///   `EKH = (KH - 1) * dh + 1`; likewise for `OW`.
    /// - Throws: `ConvLabError` naming `conv2d` and both shapes when they do not fit.
    /// - Complexity: `N * OH * OW * O * KH * KW * C` multiply-adds.
    public static func conv2DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> Tensor<Scalar> {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        let x = input.scalars, w = filter.scalars
        g.forEachWindow { n, i, j in
            for o in 0..<g.outChannels {
                var sum: Scalar = 0
                // Tap (a, b) reads input cell (i*sh + a*dh - padTop, j*sw + b*dw - padLeft);
                // taps on the zero padding add nothing and are skipped.
                g.forEachTap(i, j) { a, b, row, col in
                    for c in 0..<g.inChannels {
                        sum += x[g.inputIndex(n, row, col, c)] * w[g.filterIndex(a, b, c, o)]
                    }
                }
                output.scalars[g.outputIndex(n, i, j, o)] = sum
            }
        }
        return output
    }

    /// The gradients of `conv2DForward` for an upstream gradient `dOutput`.
    ///
    /// Each output element touched `x[n, row, col, c]` and `w[a, b, c, o]` once, so
    ///
    ///     dInput[n, row, col, c] += dOutput[n, i, j, o] * w[a, b, c, o]
    ///     dFilter[a, b, c, o]    += dOutput[n, i, j, o] * x[n, row, col, c]
    ///
    /// summed (`+=`, never `=`) over every output position whose window covers the element.
    /// - Parameters: as `conv2DForward`, plus `dOutput: [N, OH, OW, O]`.
    /// - Returns: `dInput: [N, H, W, C]` and `dFilter: [KH, KW, C, O]`.
    /// - Throws: `ConvLabError` naming `conv2DBackward` when `dOutput` has the wrong shape.
    public static func conv2DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, dOutput: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "conv2DBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        var dFilter = Tensor<Scalar>.zerosUnchecked(filter.shape)
        let x = input.scalars, w = filter.scalars, dy = dOutput.scalars
        g.forEachWindow { n, i, j in
            for o in 0..<g.outChannels {
                let upstream = dy[g.outputIndex(n, i, j, o)]
                g.forEachTap(i, j) { a, b, row, col in
                    for c in 0..<g.inChannels {
                        let xi = g.inputIndex(n, row, col, c), wi = g.filterIndex(a, b, c, o)
                        dInput.scalars[xi] += upstream * w[wi]
                        dFilter.scalars[wi] += upstream * x[xi]
                    }
                }
            }
        }
        return (dInput, dFilter)
    }
}
