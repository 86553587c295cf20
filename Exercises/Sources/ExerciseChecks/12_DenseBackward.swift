import ExerciseKit

extension Checks {
    /// Exercise 12: dense backward; the expected gradients by linearity of the forward pass.
    public static func denseBackward(_ impl: ([[Double]], [[Double]], [[Double]])
        -> (dInput: [[Double]], dWeights: [[Double]], dBias: [Double])) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "each gradient has the shape of what it is the gradient of: dInput [N][In], dWeights [In][Out], dBias [Out]"
        e.likelyBugs = "`=` where `+=` belongs (dWeights and dBias sum over the batch: every example uses the same weights); dInput multiplies by W transposed (sum over o of dOutput[n][o] * W[i][o])"
        var g = CaseGenerator(seed: 12)
        func rows(_ t: Tensor) -> [[Double]] { (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { t[i, $0] } } }
        let cases: [(n: Int, inCount: Int, outCount: Int, why: String)] = [
            (1, 2, 2, "one example, 2 -> 2"),
            (3, 4, 2, "a batch of 3, 4 -> 2"),
            (2, 3, 5, "a batch of 2, 3 -> 5 (more outputs than inputs)"),
        ]
        for c in cases {
            let x = g.tensor([c.n, c.inCount]), w = g.tensor([c.inCount, c.outCount])
            let b = g.tensor([c.outCount]), dy = g.tensor([c.n, c.outCount])
            func forward(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
                var y = Tensor(zeros: [c.n, c.outCount])
                for n in 0..<c.n { for o in 0..<c.outCount {
                    y[n, o] = b[o] + (0..<c.inCount).reduce(0) { $0 + x[n, $1] * w[$1, o] }
                } }
                return y
            }
            // Each gradient: the forward pass as a linear function of one argument, others zero
            // (the bias term drops out of dInput and dWeights because it is constant in them).
            let zeroB = Tensor(zeros: [c.outCount])
            let dInput = Oracle.linearGradient(of: { forward($0, w, zeroB) }, at: x.shape, dOutput: dy)
            let dWeights = Oracle.linearGradient(of: { forward(x, $0, zeroB) }, at: w.shape, dOutput: dy)
            let dBias = Oracle.linearGradient(of: { forward(Tensor(zeros: x.shape), w, $0) }, at: b.shape, dOutput: dy)
            let got = impl(rows(x), rows(w), rows(dy))
            let input = "input \(show(x)), weights \(show(w)), dOutput \(show(dy))"
            e.close("denseBackward: dInput, \(c.why)", input: input, got: got.dInput, expected: rows(dInput))
            e.close("denseBackward: dWeights, \(c.why)", input: input, got: got.dWeights, expected: rows(dWeights))
            e.close("denseBackward: dBias, \(c.why)", input: input, got: got.dBias, expected: dBias.scalars)
        }
        return e.failures
    }
}
