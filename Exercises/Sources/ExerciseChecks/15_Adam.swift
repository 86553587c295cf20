import ExerciseKit
import Foundation

extension Checks {
    public typealias AdamStep = (inout [Double], [Double], inout AdamState, Double, Double, Double, Double) -> Void

    /// Exercise 15: three Adam steps from a fresh state; the first step moves every parameter by
    /// about the learning rate (the lecture's point about bias correction); tiny gradients show
    /// where epsilon goes.
    public static func adamStep(_ impl: AdamStep) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "m, v and the parameters keep one entry per parameter"
        let cases: [(p: [Double], gs: [[Double]], lr: Double, eps: Double, why: String)] = [
            ([1, -2, 0.5], [[0.1, -0.3, 2]], 0.001, 1e-7, "one step from a fresh state: each parameter moves by ~learning rate"),
            ([1, -2, 0.5], [[0.1, -0.3, 2], [0.2, 0.1, -1], [-0.5, 0.4, 0.25]], 0.01, 1e-7, "three steps"),
            ([0, 0], [[1e-6, -2e-6], [1e-6, 1e-6]], 0.1, 1e-8, "tiny gradients: epsilon goes outside the square root"),
        ]
        for c in cases {
            var p = c.p, state = AdamState(count: c.p.count)
            var expectedP = c.p, m = [Double](repeating: 0, count: c.p.count), v = m
            for (t, g) in c.gs.enumerated() {
                impl(&p, g, &state, c.lr, 0.9, 0.999, c.eps)
                for k in expectedP.indices {
                    m[k] = 0.9 * m[k] + 0.1 * g[k]
                    v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
                    let step = Double(t + 1)
                    expectedP[k] -= c.lr * (m[k] / (1 - pow(0.9, step))) / ((v[k] / (1 - pow(0.999, step))).squareRoot() + c.eps)
                }
            }
            let input = "parameters \(show(c.p)), gradients per step \(c.gs.map { formatScalars($0) }.joined(separator: " then ")), learningRate \(formatScalar(c.lr)), beta1 0.9, beta2 0.999, epsilon \(formatScalar(c.eps))"
            e.equal("adamStep: state.step after \(c.gs.count) step(s)", input: input, got: state.step, expected: c.gs.count)
            e.close("adamStep: state.m, \(c.why)", input: input, got: state.m, expected: m, tolerance: .tight)
            e.close("adamStep: state.v, \(c.why)", input: input, got: state.v, expected: v, tolerance: .tight)
            e.close("adamStep: parameters, \(c.why)", input: input, got: p, expected: expectedP, tolerance: Tolerance(atol: 1e-12, rtol: 1e-9))
        }
        return e.failures
    }
}
