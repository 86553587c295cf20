import ExerciseKit
import Foundation

// Exercise 27 · Batch norm in inference mode   (lecture module 14, Lectures/14-batch-norm-and-adam.md)
// Check: swift run exercises        Hint: swift run exercises hint 27

/// Batch norm at test time: no batch statistics (a test batch may hold one image), but the
/// moving averages collected during training, per channel c of an NHWC tensor:
///
///   y = gamma[c] * (x - movingMean[c]) / sqrt(movingVariance[c] + epsilon) + beta[c]
///
/// - Parameters: x [N, H, W, C]; movingMean, movingVariance, gamma, beta [C]; epsilon > 0
/// - Returns: y [N, H, W, C]
public func batchNormInference(_ x: Tensor, movingMean: [Double], movingVariance: [Double],
                               gamma: [Double], beta: [Double], epsilon: Double) -> Tensor {
    // TODO: the same normalization as training, with the moving statistics.
    return Tensor(zeros: [0])
}

/// One training step's update of the moving statistics, as Keras's BatchNormalization with its
/// `momentum` (default 0.99): an exponential moving average of the batch statistics.
///
///   movingMean[c]     = momentum * movingMean[c]     + (1 - momentum) * batchMean[c]
///   movingVariance[c] = momentum * movingVariance[c] + (1 - momentum) * batchVariance[c]
public func updateMovingStatistics(movingMean: inout [Double], movingVariance: inout [Double],
                                   batchMean: [Double], batchVariance: [Double], momentum: Double) {
    // TODO: two moving averages, one per channel.
}
