/// Bias add: `y[..., c] = x[..., c] + bias[c]`, as `tf.nn.bias_add` (channels last), forward and
/// backward. Convolutions leave the bias to this op, as TF does.
///
/// The bias is broadcast over every leading index, so its gradient sums the upstream gradient
/// over all of them:
///
///     dInput = dOutput,   dBias[c] = Σ over every leading index of dOutput[..., c]
extension Reference {
    /// Adds `bias` along the last axis.
    /// - Parameters:
    ///   - input: `[..., C]`, rank >= 1 (`[N, H, W, C]` after a convolution, `[N, C]` after a dense).
    ///   - bias: `[C]`.
    /// - Returns: `input`'s shape.
    /// - Throws: `ConvLabError` naming `biasAdd` and both shapes when they do not fit.
    /// - Complexity: `count(input)` additions.
    public static func biasAddForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, bias: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        let channels = try OpCheck.bias(bias.shape, for: input.shape, op: "biasAdd")
        var output = input
        for k in 0..<input.count {
            output.scalars[k] += bias.scalars[k % channels]  // the last index is the fastest
        }
        return output
    }

    /// The gradients of `biasAddForward`.
    /// - Parameter dOutput: `[..., C]`, rank >= 1.
    /// - Returns: `dInput` (`dOutput` itself) and `dBias: [C]`.
    /// - Throws: `ConvLabError` naming `biasAddBackward` when `dOutput` is a scalar.
    /// - Complexity: `count(dOutput)` additions.
    public static func biasAddBackward<Scalar: TensorScalar>(
        dOutput: Tensor<Scalar>
    ) throws -> (dInput: Tensor<Scalar>, dBias: Tensor<Scalar>) {
        let channels = try OpCheck.channels(dOutput.shape, name: "dOutput", op: "biasAddBackward")
        var dBias = Tensor<Scalar>.zerosUnchecked([channels])
        for k in 0..<dOutput.count {
            dBias.scalars[k % channels] += dOutput.scalars[k]
        }
        return (dOutput, dBias)
    }
}
