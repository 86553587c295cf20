/// Dropout, inverted, as `tf.nn.dropout` in training: each element is kept with probability
/// `keep` and then scaled by `1 / keep`, so the expected output equals the input and inference
/// needs no rescaling.
///
///     mask[k] = 1 / keep  if u_k < keep  else 0,   u_k uniform in [0, 1) from the seeded generator
///     y[k]    = x[k] * mask[k]
///     dInput  = dOutput * mask       (the same mask as the forward pass)
///
/// The mask is drawn from a `SeededGenerator`, one draw per element in row-major order, so the
/// same seed gives the same mask on every platform and in both precisions.
extension Reference {
    /// Inverted dropout.
    /// - Parameters:
    ///   - x: any shape.
    ///   - keepProbability: in (0, 1]; 1 keeps everything (the mask is all ones).
    ///   - generator: advanced by one draw per element.
    /// - Returns: `output`, `x`'s shape, and `mask`, `x`'s shape, holding 0 or `1 / keep`.
    /// - Throws: `ConvLabError.argument` naming `dropout` when `keepProbability` is outside (0, 1].
    /// - Complexity: `count(x)` draws.
    public static func dropoutForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, keepProbability: Scalar, generator: inout SeededGenerator
    ) throws -> (output: Tensor<Scalar>, mask: Tensor<Scalar>) {
        try OpCheck.keepProbability(keepProbability, shape: x.shape, op: "dropout")
        let keep = Double(keepProbability)
        let scale = 1 / keepProbability
        var mask = Tensor<Scalar>.zerosUnchecked(x.shape)
        var output = Tensor<Scalar>.zerosUnchecked(x.shape)
        for k in 0..<x.count {
            if generator.nextUnit() < keep { mask.scalars[k] = scale }
            output.scalars[k] = x.scalars[k] * mask.scalars[k]
        }
        return (output, mask)
    }

    /// The gradient of `dropoutForward`: `dInput = dOutput * mask`, with the forward pass's mask.
    /// - Parameters:
    ///   - dOutput: any shape.
    ///   - mask: the `mask` returned by `dropoutForward`, the same shape.
    /// - Returns: `dInput`, the same shape.
    /// - Throws: `ConvLabError.shape` naming `dropoutBackward` when the shapes differ.
    public static func dropoutBackward<Scalar: TensorScalar>(
        dOutput: Tensor<Scalar>, mask: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try OpCheck.sameShape(dOutput.shape, mask.shape, names: ("dOutput", "mask"), op: "dropoutBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(dOutput.shape)
        for k in 0..<dOutput.count {
            dInput.scalars[k] = dOutput.scalars[k] * mask.scalars[k]
        }
        return dInput
    }
}
