/// Dense (fully connected): `y = x @ W + b`, as `tf.keras.layers.Dense` without activation,
/// forward and backward, in plain loops.
///
///     y[n, o] = Σ_i x[n, i] * W[i, o] + b[o]
///
/// (lab 11-0 writes the same thing per output: `y0 = x0*w00 + x1*w10 + ... + b0`.)
/// The gradients, for an upstream gradient `dy = dOutput`:
///
///     dInput[n, i]   = Σ_o dy[n, o] * W[i, o]        (dy @ W^T)
///     dWeights[i, o] = Σ_n x[n, i] * dy[n, o]        (x^T @ dy)
///     dBias[o]       = Σ_n dy[n, o]
extension Reference {
    /// A fully connected layer.
    /// - Parameters:
    ///   - input: `[N, In]`.
    ///   - weights: `[In, Out]`.
    ///   - bias: `[Out]`.
    /// - Returns: `[N, Out]`.
    /// - Throws: `ConvLabError` naming `dense` and the three shapes when they do not fit.
    /// - Complexity: `N * In * Out` multiply-adds.
    public static func denseForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, weights: Tensor<Scalar>, bias: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        let (batch, inputs, outputs) = try OpCheck.dense(input: input.shape, weights: weights.shape, op: "dense")
        try OpCheck.denseBias(bias.shape, weights: weights.shape, op: "dense")
        var output = Tensor<Scalar>.zerosUnchecked([batch, outputs])
        for n in 0..<batch {
            for o in 0..<outputs {
                var sum = bias.scalars[o]
                for i in 0..<inputs {
                    sum += input.scalars[n * inputs + i] * weights.scalars[i * outputs + o]
                }
                output.scalars[n * outputs + o] = sum
            }
        }
        return output
    }

    /// The gradients of `denseForward`.
    /// - Parameters:
    ///   - input: `[N, In]`, the forward input.
    ///   - weights: `[In, Out]`.
    ///   - dOutput: `[N, Out]`.
    /// - Returns: `dInput: [N, In]`, `dWeights: [In, Out]`, `dBias: [Out]`.
    /// - Throws: `ConvLabError` naming `denseBackward` and the shapes when they do not fit.
    /// - Complexity: `2 * N * In * Out` multiply-adds.
    public static func denseBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, weights: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> (dInput: Tensor<Scalar>, dWeights: Tensor<Scalar>, dBias: Tensor<Scalar>) {
        let (batch, inputs, outputs) = try OpCheck.dense(input: input.shape, weights: weights.shape, op: "denseBackward")
        try OpCheck.outputGradient(dOutput.shape, expected: [batch, outputs], op: "denseBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        var dWeights = Tensor<Scalar>.zerosUnchecked(weights.shape)
        var dBias = Tensor<Scalar>.zerosUnchecked([outputs])
        for n in 0..<batch {
            for o in 0..<outputs {
                let upstream = dOutput.scalars[n * outputs + o]
                dBias.scalars[o] += upstream
                for i in 0..<inputs {
                    dInput.scalars[n * inputs + i] += upstream * weights.scalars[i * outputs + o]
                    dWeights.scalars[i * outputs + o] += upstream * input.scalars[n * inputs + i]
                }
            }
        }
        return (dInput, dWeights, dBias)
    }
}
