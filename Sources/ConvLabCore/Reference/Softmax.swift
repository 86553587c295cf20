/// Softmax and log-softmax along any axis, as `tf.nn.softmax` / `tf.nn.log_softmax`, forward
/// and backward, in plain loops.
///
/// Along the chosen axis, with `m = max_k x_k` subtracted first so that no `exp` overflows:
///
///     softmax(x)_k    = exp(x_k - m) / Σ_j exp(x_j - m)
///     logSoftmax(x)_k = x_k - m - log Σ_j exp(x_j - m)        (log-sum-exp)
///
/// The gradients, for an upstream gradient `dy` along the same axis:
///
///     softmax:    dx_k = y_k * (dy_k - Σ_j dy_j * y_j)
///     logSoftmax: dx_k = dy_k - softmax(x)_k * Σ_j dy_j
extension Reference {
    /// Softmax along `axis`.
    /// - Parameters:
    ///   - x: any shape of rank >= 1.
    ///   - axis: in `-rank..<rank`; negative counts from the end (default: the last axis).
    /// - Returns: the same shape; every slice along `axis` sums to 1.
    /// - Throws: `ConvLabError` naming `softmax` when `x` is a scalar or `axis` is out of range.
    /// - Complexity: `3 * count(x)` passes of `exp`/add.
    public static func softmaxForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let layout = try SoftmaxAxis(x.shape, axis: axis, op: "softmax")
        var y = Tensor<Scalar>.zerosUnchecked(x.shape)
        layout.forEachSlice { slice, _ in
            let m = layout.maximum(x.scalars, slice)
            var sum: Scalar = 0
            for index in slice {
                let e = Scalar.exp(x.scalars[index] - m)
                y.scalars[index] = e
                sum += e
            }
            for index in slice { y.scalars[index] /= sum }
        }
        return y
    }

    /// The gradient of `softmaxForward`: `dx_k = y_k * (dy_k - Σ_j dy_j * y_j)` along `axis`.
    /// - Parameters:
    ///   - x: the forward input.
    ///   - dOutput: the same shape.
    ///   - axis: as in the forward pass.
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError` naming `softmaxBackward` when the shapes differ or `axis` is out of range.
    public static func softmaxBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let layout = try SoftmaxAxis(x.shape, axis: axis, op: "softmaxBackward")
        try layout.check(dOutput.shape, name: "dOutput", op: "softmaxBackward")
        let y = try softmaxForward(x, axis: axis)
        var dInput = Tensor<Scalar>.zerosUnchecked(x.shape)
        layout.forEachSlice { slice, _ in
            var dot: Scalar = 0
            for index in slice { dot += dOutput.scalars[index] * y.scalars[index] }
            for index in slice { dInput.scalars[index] = y.scalars[index] * (dOutput.scalars[index] - dot) }
        }
        return dInput
    }

    /// Log-softmax along `axis`, by log-sum-exp: `x_k - m - log Σ_j exp(x_j - m)`.
    /// - Parameters:
    ///   - x: any shape of rank >= 1.
    ///   - axis: in `-rank..<rank` (default: the last axis).
    /// - Returns: the same shape, values <= 0, finite for logits of any finite size.
    /// - Throws: `ConvLabError` naming `logSoftmax` when `x` is a scalar or `axis` is out of range.
    /// - Complexity: `3 * count(x)` passes of `exp`/add.
    public static func logSoftmaxForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let layout = try SoftmaxAxis(x.shape, axis: axis, op: "logSoftmax")
        var y = Tensor<Scalar>.zerosUnchecked(x.shape)
        layout.forEachSlice { slice, _ in
            let m = layout.maximum(x.scalars, slice)
            let logSum = layout.logSumExpShifted(x.scalars, slice, maximum: m)
            for index in slice { y.scalars[index] = x.scalars[index] - m - logSum }
        }
        return y
    }

    /// The gradient of `logSoftmaxForward`: `dx_k = dy_k - softmax(x)_k * Σ_j dy_j` along `axis`.
    /// - Parameters:
    ///   - x: the forward input.
    ///   - dOutput: the same shape.
    ///   - axis: as in the forward pass.
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError` naming `logSoftmaxBackward` when the shapes differ or `axis` is out of range.
    public static func logSoftmaxBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, dOutput: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let layout = try SoftmaxAxis(x.shape, axis: axis, op: "logSoftmaxBackward")
        try layout.check(dOutput.shape, name: "dOutput", op: "logSoftmaxBackward")
        let p = try softmaxForward(x, axis: axis)
        var dInput = Tensor<Scalar>.zerosUnchecked(x.shape)
        layout.forEachSlice { slice, _ in
            var total: Scalar = 0
            for index in slice { total += dOutput.scalars[index] }
            for index in slice { dInput.scalars[index] = dOutput.scalars[index] - p.scalars[index] * total }
        }
        return dInput
    }
}
