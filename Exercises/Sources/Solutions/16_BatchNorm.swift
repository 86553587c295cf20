import ExerciseKit
import Foundation

// Exercise 16 · Batch normalization, forward and backward   (lecture module 14, Lectures/14-batch-norm-and-adam.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let c = x.shape[3]
    let (mean, variance) = channelMoments(x)
    var output = x
    for k in x.scalars.indices {
        let ch = k % c
        output.scalars[k] = gamma[ch] * (x.scalars[k] - mean[ch]) / (variance[ch] + epsilon).squareRoot() + beta[ch]
    }
    return (output: output, mean: mean, variance: variance)
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
    let c = x.shape[3], count = Double(x.scalars.count / c)
    let (mean, variance) = channelMoments(x)
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    var dGamma = [Double](repeating: 0, count: c)
    var dBeta = [Double](repeating: 0, count: c)
    for k in x.scalars.indices {
        let ch = k % c
        let xHat = (x.scalars[k] - mean[ch]) * invStd[ch]
        dBeta[ch] += dOutput.scalars[k]
        dGamma[ch] += dOutput.scalars[k] * xHat
    }
    var dInput = x
    for k in x.scalars.indices {
        let ch = k % c
        let xHat = (x.scalars[k] - mean[ch]) * invStd[ch]
        dInput.scalars[k] = gamma[ch] * invStd[ch] / count * (count * dOutput.scalars[k] - dBeta[ch] - xHat * dGamma[ch])
    }
    return (dInput: dInput, dGamma: dGamma, dBeta: dBeta)
}

/// Per-channel mean and biased variance over n, i, j (two passes).
func channelMoments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
    let c = x.shape[3], count = Double(x.scalars.count / c)
    var mean = [Double](repeating: 0, count: c)
    var variance = [Double](repeating: 0, count: c)
    for (k, value) in x.scalars.enumerated() { mean[k % c] += value }
    mean = mean.map { $0 / count }
    for (k, value) in x.scalars.enumerated() { variance[k % c] += (value - mean[k % c]) * (value - mean[k % c]) }
    variance = variance.map { $0 / count }
    return (mean, variance)
}
