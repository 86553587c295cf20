import ExerciseKit
import Foundation

extension Checks {
    public typealias BatchNormForward = (Tensor, [Double], [Double], Double) -> (output: Tensor, mean: [Double], variance: [Double])
    public typealias BatchNormBackward = (Tensor, [Double], Tensor, Double) -> (dInput: Tensor, dGamma: [Double], dBeta: [Double])

    /// Exercise 16: the forward pass against a direct computation, then the backward pass
    /// against centred differences of L = sum(forward(x) * dOutput) in x, gamma and beta.
    public static func batchNorm(forward: BatchNormForward, backward: BatchNormBackward) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output and dInput have x's shape; mean, variance, dGamma and dBeta one entry per channel C"
        e.likelyBugs = "dInput has three terms, not one (the mean and the variance depend on every x of the channel); `=` where `+=` belongs in the per-channel sums; the variance divides by M, not M - 1"
        var g = CaseGenerator(seed: 16)
        func reference(_ x: Tensor, _ gamma: [Double], _ beta: [Double], _ eps: Double) -> (Tensor, [Double], [Double]) {
            let c = x.shape[3]
            var mean = [Double](), variance = [Double]()
            for ch in 0..<c {
                let values = stride(from: ch, to: x.scalars.count, by: c).map { x.scalars[$0] }
                let mu = values.reduce(0, +) / Double(values.count)
                mean.append(mu)
                variance.append(values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(values.count))
            }
            var y = x
            for k in x.scalars.indices {
                y.scalars[k] = gamma[k % c] * (x.scalars[k] - mean[k % c]) / Foundation.sqrt(variance[k % c] + eps) + beta[k % c]
            }
            return (y, mean, variance)
        }
        let cases: [(shape: [Int], eps: Double, why: String)] = [
            ([4, 1, 1, 1], 1e-3, "4 examples of 1x1x1: x = [1, 2, 3, 4]"),
            ([2, 3, 2, 2], 1e-3, "a batch of 2, 3x2 images, 2 channels"),
            ([3, 2, 2, 3], 1e-5, "3 channels with different scales"),
        ]
        for (index, c) in cases.enumerated() {
            var x = index == 0 ? Tensor(shape: c.shape, scalars: [1, 2, 3, 4]) : g.tensor(c.shape)
            if index == 2 { for k in x.scalars.indices { x.scalars[k] = x.scalars[k] * Double(1 + k % 3 * 4) + Double(k % 3) } }
            let channels = c.shape[3]
            let gamma = (0..<channels).map { _ in g.uniform(0.5, 2) }, beta = (0..<channels).map { _ in g.uniform(-1, 1) }
            let input = "x \(show(x)), gamma \(show(gamma)), beta \(show(beta)), epsilon \(formatScalar(c.eps))"
            let expected = reference(x, gamma, beta, c.eps)
            let got = forward(x, gamma, beta, c.eps)
            e.close("batchNormForward: mean, \(c.why)", input: input, got: got.mean, expected: expected.1)
            e.close("batchNormForward: variance (biased, divide by M), \(c.why)", input: input, got: got.variance, expected: expected.2)
            e.close("batchNormForward: output, \(c.why)", input: input, got: got.output, expected: expected.0)

            let dy = g.tensor(c.shape)
            func loss(_ x: Tensor, _ gamma: [Double], _ beta: [Double]) -> Double {
                zip(reference(x, gamma, beta, c.eps).0.scalars, dy.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let dInput = Oracle.numericalGradient(of: { loss($0, gamma, beta) }, at: x)
            let dGamma = Oracle.numericalGradient(of: { loss(x, $0.scalars, beta) }, at: Tensor(shape: [channels], scalars: gamma))
            let dBeta = Oracle.numericalGradient(of: { loss(x, gamma, $0.scalars) }, at: Tensor(shape: [channels], scalars: beta))
            let back = backward(x, gamma, dy, c.eps)
            let tolerance = Tolerance(atol: 1e-6, rtol: 1e-5)
            let backInput = input + ", dOutput \(show(dy))"
            e.close("batchNormBackward: dBeta, \(c.why)", input: backInput, got: back.dBeta, expected: dBeta.scalars, tolerance: tolerance)
            e.close("batchNormBackward: dGamma, \(c.why)", input: backInput, got: back.dGamma, expected: dGamma.scalars, tolerance: tolerance)
            e.close("batchNormBackward: dInput (through the mean and variance too), \(c.why)", input: backInput,
                    got: back.dInput, expected: dInput, tolerance: tolerance)
        }
        return e.failures
    }
}
