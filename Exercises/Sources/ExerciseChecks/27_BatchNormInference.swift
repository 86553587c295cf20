import ExerciseKit
import Foundation

extension Checks {
    public typealias BatchNormInference = (Tensor, [Double], [Double], [Double], [Double], Double) -> Tensor
    public typealias UpdateMovingStatistics = (inout [Double], inout [Double], [Double], [Double], Double) -> Void

    /// Exercise 27: inference against a per-channel affine map computed from the moving
    /// statistics (scale gamma / sqrt(var + eps), shift beta - mean * scale), on batches whose
    /// own statistics differ from the moving ones (a batch of one image, a shifted batch); the
    /// moving averages against their closed form after t steps.
    public static func batchNormInference(inference: BatchNormInference, update: UpdateMovingStatistics) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output has x's shape"
        var g = CaseGenerator(seed: 27)
        let cases: [(shape: [Int], mean: [Double], variance: [Double], gamma: [Double], beta: [Double], eps: Double, why: String)] = [
            ([1, 1, 1, 2], [0.5, -1], [4, 0.25], [1, 2], [0, 0.5], 1e-3, "a batch of ONE pixel: its own statistics would give beta; the moving ones do not"),
            ([2, 2, 2, 2], [0.1, 0.2], [1, 9], [1.5, 0.5], [-0.25, 1], 1e-3, "a batch of two 2x2 images, two channels"),
            ([1, 2, 3, 3], [3, -3, 0], [0.5, 2, 1], [1, 1, 1], [0, 0, 0], 1e-5, "three channels, inputs far from the moving mean"),
            ([1, 1, 2, 1], [1], [0], [2], [0], 0.01, "a moving variance of 0: epsilon keeps the root finite"),
        ]
        for c in cases {
            let x = g.tensor(c.shape, -3, 3)
            let channels = c.shape[3]
            let scale = (0..<channels).map { c.gamma[$0] / Foundation.sqrt(c.variance[$0] + c.eps) }
            let shift = (0..<channels).map { c.beta[$0] - c.mean[$0] * scale[$0] }
            let expected = Tensor(shape: x.shape, scalars: x.scalars.indices.map { x.scalars[$0] * scale[$0 % channels] + shift[$0 % channels] })
            e.close("batchNormInference: \(c.why)",
                    input: "x \(show(x)), movingMean \(show(c.mean)), movingVariance \(show(c.variance)), gamma \(show(c.gamma)), beta \(show(c.beta)), epsilon \(formatScalar(c.eps))",
                    got: inference(x, c.mean, c.variance, c.gamma, c.beta, c.eps), expected: expected)
        }
        let updates: [(mean: [Double], variance: [Double], batches: [([Double], [Double])], momentum: Double, why: String)] = [
            ([0, 0], [1, 1], [([2, -4], [3, 0.5])], 0.99, "one step with Keras's default momentum 0.99"),
            ([0.5], [2], [([1], [1]), ([3], [4]), ([-1], [0.5])], 0.9, "three steps, momentum 0.9"),
            ([7], [7], [([1], [2])], 0, "momentum 0: the moving statistics become the batch's"),
        ]
        for c in updates {
            var mean = c.mean, variance = c.variance
            for (batchMean, batchVariance) in c.batches { update(&mean, &variance, batchMean, batchVariance, c.momentum) }
            // After t steps: m^t * start + sum_s (1 - m) * m^(t - s) * batch_s.
            let t = c.batches.count
            func closedForm(_ start: [Double], _ values: [[Double]]) -> [Double] {
                start.indices.map { k in
                    (1...t).reduce(pow(c.momentum, Double(t)) * start[k]) { $0 + (1 - c.momentum) * pow(c.momentum, Double(t - $1)) * values[$1 - 1][k] }
                }
            }
            let input = "movingMean \(show(c.mean)), movingVariance \(show(c.variance)), batches (mean, variance) \(c.batches.map { "(\(formatScalars($0.0)), \(formatScalars($0.1)))" }.joined(separator: " then ")), momentum \(formatScalar(c.momentum))"
            e.close("updateMovingStatistics: movingMean, \(c.why)", input: input, got: mean, expected: closedForm(c.mean, c.batches.map(\.0)), tolerance: .tight)
            e.close("updateMovingStatistics: movingVariance, \(c.why)", input: input, got: variance, expected: closedForm(c.variance, c.batches.map(\.1)), tolerance: .tight)
        }
        return e.failures
    }
}
