/// Resize: image resizing as TF2's `tf.image.resize` (`antialias=False`, half-pixel centres),
/// forward and backward, in plain loops.
///
/// Resizing is separable: each output row `i` reads a few input rows `r` with weights `u(i, r)`,
/// each output column `j` a few input columns `s` with weights `v(j, s)`, and
///
///     y[n, i, j, c] = Σ_r Σ_s u(i, r) * v(j, s) * x[n, r, s, c]
///
/// `ResizeGeometry.taps` lists those `(source, weight)` pairs per axis, with `scale = in / out` and
/// the half-pixel position `pos = (o + 0.5) * scale - 0.5` of output `o` in input coordinates:
/// - nearest:  the one input `min(floor((o + 0.5) * scale), in - 1)`.
/// - bilinear: `f = floor(pos)`, `t = pos - f`: `f` with `1 - t` and `f + 1` with `t`, both
///   clamped to `[0, in - 1]`. Shrinking does not average areas: it samples.
/// - bicubic:  Keys' cubic with `a = -0.5` on taps `f-1, f, f+1, f+2` (weights `k(1+t), k(t),
///   k(1-t), k(2-t)`); taps outside the image are dropped and the rest renormalised to sum to 1.
///
/// Positions are computed in Float, as TF's kernels do, so nearest picks TF's pixel even where
/// rounding decides; TF also rounds the bicubic `t` to a multiple of 1/1024, which this does not.
/// Every op here is linear in `x`, so the backward pass is the adjoint: it scatters each
/// `dOutput` element back to the inputs it read, with the same weights.

extension Reference {
    /// Resizes images, as `tf.image.resize(x, size, method, antialias=False)`.
    /// - Parameters:
    ///   - x: `[N, H, W, C]` (NHWC), `H, W >= 1`.
    ///   - size: `(OH, OW)`, each `>= 1`.
    ///   - method: `.nearest`, `.bilinear` or `.bicubic`.
    /// - Returns: `[N, OH, OW, C]`.
    /// - Throws: `ConvLabError` naming `resize` and the shapes when they do not fit.
    /// - Complexity: `N * OH * OW * C * T²` multiply-adds, with `T` = 1, 2 or 4 taps per axis.
    public static func resizeForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, size: Size2, method: ResizeMethod
    ) throws -> Tensor<Scalar> {
        let g = try ResizeGeometry(input: x.shape, size: size, method: method, op: "resize")
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        for n in 0..<g.batch {
            for i in 0..<g.outputSize.h {
                for j in 0..<g.outputSize.w {
                    for c in 0..<g.channels {
                        var sum: Scalar = 0
                        for rowTap in g.rowTaps[i] {
                            for colTap in g.colTaps[j] {
                                let weight = Scalar(rowTap.weight * colTap.weight)
                                sum += weight * x.scalars[g.inputIndex(n, rowTap.source, colTap.source, c)]
                            }
                        }
                        output.scalars[g.outputIndex(n, i, j, c)] = sum
                    }
                }
            }
        }
        return output
    }

    /// The gradient of `resizeForward` with respect to its input, for an upstream gradient
    /// `dOutput`: the adjoint of the forward map,
    ///
    ///     dInput[n, r, s, c] += u(i, r) * v(j, s) * dOutput[n, i, j, c]
    ///
    /// accumulated over every output that read input `(r, s)`.
    /// - Parameters:
    ///   - inputShape: the forward input's shape `[N, H, W, C]`.
    ///   - dOutput: `[N, OH, OW, C]`; its `OH, OW` are the forward `size`.
    ///   - method: the forward method.
    /// - Returns: `dInput`, of shape `inputShape`.
    /// - Throws: `ConvLabError` naming `resizeBackward` when the shapes do not fit.
    /// - Complexity: as `resizeForward`.
    public static func resizeBackward<Scalar: TensorScalar>(
        inputShape: [Int], dOutput: Tensor<Scalar>, method: ResizeMethod
    ) throws -> Tensor<Scalar> {
        let g = try OpCheck.resizeBackward(inputShape: inputShape, dOutput: dOutput.shape, method: method,
                                           op: "resizeBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(inputShape)
        for n in 0..<g.batch {
            for i in 0..<g.outputSize.h {
                for j in 0..<g.outputSize.w {
                    for c in 0..<g.channels {
                        let upstream = dOutput.scalars[g.outputIndex(n, i, j, c)]
                        for rowTap in g.rowTaps[i] {
                            for colTap in g.colTaps[j] {
                                let weight = Scalar(rowTap.weight * colTap.weight)
                                dInput.scalars[g.inputIndex(n, rowTap.source, colTap.source, c)] += weight * upstream
                            }
                        }
                    }
                }
            }
        }
        return dInput
    }
}
