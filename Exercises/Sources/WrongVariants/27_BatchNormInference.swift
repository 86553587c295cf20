import ExerciseKit
import Foundation
import Solutions

/// Typical wrong answers to exercise 27.
public enum Wrong27 {
    /// Normalizes with the test batch's own statistics (training mode at test time).
    public static func usesBatchStatistics(_ x: Tensor, movingMean: [Double], movingVariance: [Double],
                                           gamma: [Double], beta: [Double], epsilon: Double) -> Tensor {
        let c = x.shape[3], m = Double(x.scalars.count / c)
        var mean = [Double](repeating: 0, count: c), variance = mean
        for k in x.scalars.indices { mean[k % c] += x.scalars[k] / m }
        for k in x.scalars.indices { variance[k % c] += (x.scalars[k] - mean[k % c]) * (x.scalars[k] - mean[k % c]) / m }
        return Solutions.batchNormInference(x, movingMean: mean, movingVariance: variance, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// The per-element formula with one mistake, applied per channel.
    static func normalize(_ x: Tensor, _ mean: [Double], _ variance: [Double], _ gamma: [Double], _ beta: [Double],
                          _ formula: (_ x: Double, _ mean: Double, _ variance: Double, _ gamma: Double, _ beta: Double) -> Double) -> Tensor {
        let c = x.shape[3]
        var y = x
        for k in x.scalars.indices { y.scalars[k] = formula(x.scalars[k], mean[k % c], variance[k % c], gamma[k % c], beta[k % c]) }
        return y
    }

    /// Epsilon outside the root.
    public static func epsilonOutsideRoot(_ x: Tensor, movingMean: [Double], movingVariance: [Double],
                                          gamma: [Double], beta: [Double], epsilon: Double) -> Tensor {
        normalize(x, movingMean, movingVariance, gamma, beta) { x, m, v, g, b in g * (x - m) / (v.squareRoot() + epsilon) + b }
    }

    /// Divides by the variance, not the standard deviation.
    public static func dividesByVariance(_ x: Tensor, movingMean: [Double], movingVariance: [Double],
                                         gamma: [Double], beta: [Double], epsilon: Double) -> Tensor {
        normalize(x, movingMean, movingVariance, gamma, beta) { x, m, v, g, b in g * (x - m) / (v + epsilon) + b }
    }

    /// Shifts before scaling: gamma * (xHat + beta).
    public static func betaInsideScale(_ x: Tensor, movingMean: [Double], movingVariance: [Double],
                                       gamma: [Double], beta: [Double], epsilon: Double) -> Tensor {
        normalize(x, movingMean, movingVariance, gamma, beta) { x, m, v, g, b in g * ((x - m) / (v + epsilon).squareRoot() + b) }
    }

    /// momentum and 1 - momentum swapped: the moving averages jump to each batch.
    public static func momentumSwapped(movingMean: inout [Double], movingVariance: inout [Double],
                                       batchMean: [Double], batchVariance: [Double], momentum: Double) {
        Solutions.updateMovingStatistics(movingMean: &movingMean, movingVariance: &movingVariance,
                                         batchMean: batchMean, batchVariance: batchVariance, momentum: 1 - momentum)
    }

    /// Updates the mean but not the variance.
    public static func varianceNotUpdated(movingMean: inout [Double], movingVariance: inout [Double],
                                          batchMean: [Double], batchVariance: [Double], momentum: Double) {
        var untouched = movingVariance
        Solutions.updateMovingStatistics(movingMean: &movingMean, movingVariance: &untouched,
                                         batchMean: batchMean, batchVariance: batchVariance, momentum: momentum)
    }
}
