import ExerciseKit
import Foundation

// Exercise 16 · Batch normalization, forward and backward   (lecture module 14, Lectures/14-batch-norm-and-adam.md)
// Check: swift run exercises        Hint: swift run exercises hint 16

/// Batch norm in training mode over the batch and both spatial axes, one statistic per channel c
/// (`tf.nn.batch_normalization` with `tf.nn.moments(x, axes: [0, 1, 2])`). With M = N * H * W:
///
///   mean[c]     = (1/M) sum over n, i, j of x[n, i, j, c]
///   variance[c] = (1/M) sum of (x - mean[c])^2          (biased: divide by M, not M - 1)
///   xHat        = (x - mean[c]) / sqrt(variance[c] + epsilon)
///   y           = gamma[c] * xHat + beta[c]
///
/// - Parameters: x [N, H, W, C]; gamma, beta [C]; epsilon > 0
/// - Returns: output [N, H, W, C], mean [C], variance [C]
public func batchNormForward(_ x: Tensor, gamma: [Double], beta: [Double], epsilon: Double)
    -> (output: Tensor, mean: [Double], variance: [Double]) {
    // TODO: two passes per channel (mean, then variance), then normalize, scale and shift.
    return (output: Tensor(zeros: [0]), mean: [], variance: [])
}

/// The backward pass. The mean and variance depend on every x of the channel, so dInput has
/// three terms, not one. With invStd = 1 / sqrt(variance[c] + epsilon) and sums over n, i, j:
///
///   dBeta[c]  = sum dOutput
///   dGamma[c] = sum dOutput * xHat
///   dInput    = gamma[c] * invStd / M * (M * dOutput - dBeta[c] - xHat * dGamma[c])
///
/// - Parameters: x [N, H, W, C] (the forward input), gamma [C], dOutput [N, H, W, C], epsilon
/// - Returns: dInput [N, H, W, C], dGamma [C], dBeta [C]
public func batchNormBackward(_ x: Tensor, gamma: [Double], dOutput: Tensor, epsilon: Double)
    -> (dInput: Tensor, dGamma: [Double], dBeta: [Double]) {
    // TODO: recompute mean, variance and xHat; then dBeta, dGamma, and dInput from them.
    return (dInput: Tensor(zeros: [0]), dGamma: [], dBeta: [])
}
