import ExerciseKit
import Foundation

extension Checks {
    public typealias MomentumStep = (inout [Double], [Double], inout [Double], Double, Double) -> Void
    public typealias RMSPropStep = (inout [Double], [Double], inout [Double], Double, Double, Double) -> Void

    /// Exercise 25: several steps from a given state. The oracle for momentum is the unrolled
    /// sum (after t steps the velocity is sum over s of momentum^(t-s) * g_s, and the parameters
    /// have moved by learningRate times the sum of the velocities); for RMSProp, the mean square
    /// as an explicit weighted sum of the squared gradients and the start value.
    public static func momentumRMSProp(momentum: MomentumStep, rmsProp: RMSPropStep) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the parameters and the state keep one entry per parameter"
        let momentumCases: [(p: [Double], v: [Double], gs: [[Double]], lr: Double, m: Double, why: String)] = [
            ([1, -2], [0, 0], [[0.5, -1]], 0.1, 0.9, "one step from rest: plain gradient descent"),
            ([1, -2], [0, 0], [[0.5, -1], [0.5, -1], [0.5, -1]], 0.1, 0.9, "three steps of the same gradient: the velocity builds up"),
            ([0.5], [2], [[0], [0]], 0.1, 0.5, "a zero gradient with velocity left: the parameter still moves"),
            ([3, 1, -1], [0.1, 0, -0.2], [[1, -2, 0.5], [-1, 0.5, 0.25]], 0.05, 0, "momentum 0: gradient descent"),
        ]
        for c in momentumCases {
            var p = c.p, v = c.v
            for g in c.gs { momentum(&p, g, &v, c.lr, c.m) }
            var expectedV = c.v, moved = [Double](repeating: 0, count: c.p.count)
            for k in c.p.indices {
                var sumOfVelocities = 0.0
                for t in 1...c.gs.count {
                    // v_t = m^t v_0 + sum_{s=1..t} m^(t-s) g_s
                    var velocity = pow(c.m, Double(t)) * c.v[k]
                    for s in 1...t { velocity += pow(c.m, Double(t - s)) * c.gs[s - 1][k] }
                    sumOfVelocities += velocity
                    if t == c.gs.count { expectedV[k] = velocity }
                }
                moved[k] = c.lr * sumOfVelocities
            }
            let input = "parameters \(show(c.p)), velocity \(show(c.v)), gradients per step \(c.gs.map { formatScalars($0) }.joined(separator: " then ")), learningRate \(formatScalar(c.lr)), momentum \(formatScalar(c.m))"
            e.close("momentumStep: the velocity, \(c.why)", input: input, got: v, expected: expectedV, tolerance: .tight)
            e.close("momentumStep: the parameters, \(c.why)", input: input, got: p, expected: zip(c.p, moved).map { $0 - $1 }, tolerance: .tight)
        }
        let rmsCases: [(p: [Double], ms: [Double], gs: [[Double]], lr: Double, decay: Double, eps: Double, why: String)] = [
            ([1, -2], [1, 1], [[0.5, -1]], 0.01, 0.9, 1e-10, "one step from TF's start (mean square 1)"),
            ([1, -2], [0, 0], [[0.5, -1], [0.25, 2]], 0.01, 0.9, 1e-10, "two steps from Keras's start (0): the first step is lr / sqrt(0.1)"),
            ([0, 0], [0, 0], [[1e-3, -2e-3]], 0.1, 0.9, 0.01, "tiny gradients and a large epsilon: epsilon goes inside the root"),
            ([2], [0.5], [[0], [3]], 0.1, 0.99, 1e-8, "a zero gradient: no step, but the mean square decays"),
        ]
        for c in rmsCases {
            var p = c.p, ms = c.ms
            for g in c.gs { rmsProp(&p, g, &ms, c.lr, c.decay, c.eps) }
            var expectedP = c.p, expectedMs = c.ms
            for k in c.p.indices {
                for t in 1...c.gs.count {
                    // ms_t = decay^t ms_0 + sum_{s=1..t} (1 - decay) decay^(t-s) g_s^2
                    var meanSquare = pow(c.decay, Double(t)) * c.ms[k]
                    for s in 1...t { meanSquare += (1 - c.decay) * pow(c.decay, Double(t - s)) * c.gs[s - 1][k] * c.gs[s - 1][k] }
                    expectedP[k] -= c.lr * c.gs[t - 1][k] / Foundation.sqrt(meanSquare + c.eps)
                    expectedMs[k] = meanSquare
                }
            }
            let input = "parameters \(show(c.p)), meanSquare \(show(c.ms)), gradients per step \(c.gs.map { formatScalars($0) }.joined(separator: " then ")), learningRate \(formatScalar(c.lr)), decay \(formatScalar(c.decay)), epsilon \(formatScalar(c.eps))"
            e.close("rmsPropStep: the mean square, \(c.why)", input: input, got: ms, expected: expectedMs, tolerance: .tight)
            e.close("rmsPropStep: the parameters, \(c.why)", input: input, got: p, expected: expectedP, tolerance: Tolerance(atol: 1e-12, rtol: 1e-9))
        }
        return e.failures
    }
}
