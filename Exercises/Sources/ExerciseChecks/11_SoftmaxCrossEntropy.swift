import ExerciseKit
import Foundation

extension Checks {
    /// Exercise 11: ordinary logits, then logits of 1000, then a class 1000 below the max; the
    /// loss by log-sum-exp, the gradient by centred differences of that loss.
    public static func softmaxCrossEntropy(_ impl: ([[Double]], [[Double]]) -> (loss: [Double], dLogits: [[Double]])) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "loss has one entry per example (row); dLogits has the logits' shape"
        e.likelyBugs = "the sign of the gradient (dLogits = softmax - labels); exp before subtracting the row's max (overflow at logits of 1000); log of a softmax that underflowed to 0 (use z - max - logSumExp)"
        var g = CaseGenerator(seed: 11)
        let random = (0..<3).map { _ in (0..<4).map { _ in g.uniform(-3, 3) } }
        let cases: [(z: [[Double]], y: [[Double]], why: String)] = [
            ([[1, 2, 3]], [[0, 0, 1]], "one example, logits [1,2,3], class 2"),
            (random, [[1, 0, 0, 0], [0, 0, 1, 0], [0.25, 0.25, 0.25, 0.25]], "3 examples, one-hot and soft labels"),
            ([[1000, 1000, 999]], [[1, 0, 0]], "logits of 1000: e^1000 overflows unless the max is subtracted"),
            ([[1000, 0], [0, -1000]], [[0, 1], [0, 1]], "a class 1000 below the max: loss 1000, not infinity"),
        ]
        for c in cases {
            let got = impl(c.z, c.y)
            let input = "logits \(show(c.z)), labels \(show(c.y))"
            let loss = zip(c.z, c.y).map { Oracle.crossEntropy(logits: $0, labels: $1) }
            e.close("softmaxCrossEntropy: loss, \(c.why)", input: input, got: got.loss, expected: loss)
            // d loss / d z by centred differences, row by row (the loss is smooth).
            let h = 1e-5
            let dLogits = zip(c.z, c.y).map { z, y in
                z.indices.map { j -> Double in
                    var plus = z, minus = z
                    plus[j] += h; minus[j] -= h
                    return (Oracle.crossEntropy(logits: plus, labels: y) - Oracle.crossEntropy(logits: minus, labels: y)) / (2 * h)
                }
            }
            e.close("softmaxCrossEntropy: dLogits, \(c.why)", input: input, got: got.dLogits, expected: dLogits,
                    tolerance: Tolerance(atol: 1e-6, rtol: 1e-5))
        }
        return e.failures
    }
}
