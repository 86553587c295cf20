/// Maxout, as TF contrib's `maxout(inputs, num_units)` over the last axis, forward and backward.
///
/// The `C` channels are split into `units` consecutive groups of `k = C / units`, exactly as
/// `reshape(x, [..., units, k])` would, and each unit keeps the largest channel of its group:
///
///     y[..., u] = max over m in 0..<k of x[..., u*k + m]
///
/// The backward pass follows TF's gradient of `reduce_max`: the upstream gradient goes to the
/// group's maximum, and when several channels tie for it they share it equally.
extension Reference {
    /// Maxout over the last axis.
    /// - Parameters:
    ///   - x: `[..., C]`, rank >= 1.
    ///   - units: the number of output channels; must divide `C`.
    /// - Returns: `[..., units]`.
    /// - Throws: `ConvLabError` naming `maxout` when `x` is a scalar, `units < 1`, or `units`
    ///   does not divide `C`.
    /// - Complexity: `count(x)` comparisons.
    public static func maxoutForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, units: Int
    ) throws -> Tensor<Scalar> {
        let groupSize = try OpCheck.maxoutGroupSize(x.shape, units: units, op: "maxout")
        let rows = x.count / (units * groupSize)
        var output = Tensor<Scalar>.zerosUnchecked(Array(x.shape.dropLast()) + [units])
        for r in 0..<rows {
            for u in 0..<units {
                let first = (r * units + u) * groupSize  // channel u*k of row r
                var best = x.scalars[first]
                for m in 1..<groupSize { best = Swift.max(best, x.scalars[first + m]) }
                output.scalars[r * units + u] = best
            }
        }
        return output
    }

    /// The gradient of `maxoutForward`: each unit's upstream gradient goes to the channel that
    /// holds its group's maximum, split equally among channels that tie (TF's `reduce_max` rule).
    /// - Parameters:
    ///   - x: the forward input `[..., C]`.
    ///   - units: as in the forward pass.
    ///   - dOutput: `[..., units]`.
    /// - Returns: `dInput`, `[..., C]`.
    /// - Throws: `ConvLabError` naming `maxoutBackward` when a shape or `units` is wrong.
    public static func maxoutBackward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, units: Int, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        let groupSize = try OpCheck.maxoutGroupSize(x.shape, units: units, op: "maxoutBackward")
        try OpCheck.outputGradient(dOutput.shape, expected: Array(x.shape.dropLast()) + [units], op: "maxoutBackward")
        let rows = x.count / (units * groupSize)
        var dInput = Tensor<Scalar>.zerosUnchecked(x.shape)
        for r in 0..<rows {
            for u in 0..<units {
                let first = (r * units + u) * groupSize
                var best = x.scalars[first]
                for m in 1..<groupSize { best = Swift.max(best, x.scalars[first + m]) }
                var ties = 0
                for m in 0..<groupSize where x.scalars[first + m] == best { ties += 1 }
                let share = dOutput.scalars[r * units + u] / Scalar(ties)
                for m in 0..<groupSize where x.scalars[first + m] == best {
                    dInput.scalars[first + m] += share
                }
            }
        }
        return dInput
    }
}
