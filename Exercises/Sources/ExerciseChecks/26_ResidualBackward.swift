import ExerciseKit

extension Checks {
    public typealias ResidualBackward = ([[Double]], [[Double]], [[Double]], [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]])

    /// Exercise 26: every gradient against centred differences of L = sum(y * dOutput) through
    /// an independent forward pass. Inputs are kept off the ReLU's kink (|z| >= 0.05), where
    /// the derivative is not defined and a finite difference would straddle it.
    public static func residualBackward(_ impl: ResidualBackward) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "each gradient has the shape of what it is the gradient of: dInput [N][D], dW1 [D][H], dW2 [H][D]"
        e.likelyBugs = "the skip's + dOutput in dInput (the whole point of the block); `=` where `+=` belongs (dW1 and dW2 sum over the batch); the ReLU's mask comes from z = input * w1"
        func forward(_ x: Tensor, _ w1: Tensor, _ w2: Tensor) -> Tensor {
            let (n, d, hidden) = (x.shape[0], x.shape[1], w1.shape[1])
            var y = x
            for b in 0..<n {
                let h = (0..<hidden).map { k in max(0, (0..<d).reduce(0) { $0 + x[b, $1] * w1[$1, k] }) }
                for j in 0..<d { y[b, j] += (0..<hidden).reduce(0) { $0 + h[$1] * w2[$1, j] } }
            }
            return y
        }
        func rows(_ t: Tensor) -> [[Double]] { (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { t[i, $0] } } }
        var g = CaseGenerator(seed: 26)
        func awayFromKinks(_ x: Tensor, _ w1: Tensor) -> Bool {
            for b in 0..<x.shape[0] { for k in 0..<w1.shape[1] {
                if abs((0..<x.shape[1]).reduce(0) { $0 + x[b, $1] * w1[$1, k] }) < 0.05 { return false }
            } }
            return true
        }
        let cases: [(n: Int, d: Int, h: Int, special: String?, why: String)] = [
            (1, 2, 3, nil, "one example, D = 2, H = 3"),
            (3, 3, 2, nil, "a batch of 3, D = 3, H = 2"),
            (2, 2, 2, "zeroW2", "w2 = 0: the branch adds nothing, dInput = dOutput, yet dW2 is not 0"),
            (2, 3, 2, "closedReLU", "every ReLU closed (z < 0): only the skip carries gradient"),
        ]
        for c in cases {
            var x = g.tensor([c.n, c.d]), w1 = g.tensor([c.d, c.h]), w2 = g.tensor([c.h, c.d])
            while !awayFromKinks(x, w1) { x = g.tensor([c.n, c.d]); w1 = g.tensor([c.d, c.h]) }
            if c.special == "zeroW2" { w2 = Tensor(zeros: [c.h, c.d]) }
            if c.special == "closedReLU" {
                x.scalars = x.scalars.map { abs($0) + 0.25 }
                w1.scalars = w1.scalars.map { -abs($0) - 0.25 }
            }
            let dy = g.tensor([c.n, c.d])
            func loss(_ x: Tensor, _ w1: Tensor, _ w2: Tensor) -> Double {
                zip(forward(x, w1, w2).scalars, dy.scalars).reduce(0) { $0 + $1.0 * $1.1 }
            }
            let dInput = Oracle.numericalGradient(of: { loss($0, w1, w2) }, at: x, h: 1e-6)
            let dW1 = Oracle.numericalGradient(of: { loss(x, $0, w2) }, at: w1, h: 1e-6)
            let dW2 = Oracle.numericalGradient(of: { loss(x, w1, $0) }, at: w2, h: 1e-6)
            let got = impl(rows(x), rows(w1), rows(w2), rows(dy))
            let input = "input \(show(x)), w1 \(show(w1)), w2 \(show(w2)), dOutput \(show(dy))"
            let tolerance = Tolerance(atol: 1e-7, rtol: 1e-6)
            e.close("residualBackward: dInput, \(c.why)", input: input, got: got.dInput, expected: rows(dInput), tolerance: tolerance)
            e.close("residualBackward: dW2, \(c.why)", input: input, got: got.dW2, expected: rows(dW2), tolerance: tolerance)
            e.close("residualBackward: dW1, \(c.why)", input: input, got: got.dW1, expected: rows(dW1), tolerance: tolerance)
        }
        return e.failures
    }
}
