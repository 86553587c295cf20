import ExerciseKit
import Foundation

extension Checks {
    public typealias TrainingStep = (inout TinyConvNet, Tensor, [Int], Double) -> Double

    /// Exercise 17: the loss before the step and every updated parameter, against an independent
    /// forward pass and centred-difference gradients of its mean loss. Biases are offset by half
    /// a grid step so no ReLU input sits at its kink.
    public static func trainingStep(_ impl: TrainingStep) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "every parameter keeps its shape"
        e.likelyBugs = "the 1/N of the mean loss (divide dLogits by N); `=` where `+=` belongs in dFilterBias (sum dz over n, i, j); the ReLU's mask comes from z > 0"
        var g = CaseGenerator(seed: 17)
        let (n, size, filters, classes) = (3, 5, 2, 3)
        let out = size - 2
        let images = g.tensor([n, size, size, 1], 0, 1)
        let labels = [2, 0, 1]
        let start = TinyConvNet(
            filter: g.tensor([3, 3, 1, filters], -0.5, 0.5),
            filterBias: (0..<filters).map { _ in g.uniform(-0.1, 0.1) + 1.0 / 8192 },
            weights: (0..<(out * out * filters)).map { _ in (0..<classes).map { _ in g.uniform(-0.5, 0.5) } },
            bias: (0..<classes).map { _ in g.uniform(-0.1, 0.1) })
        let learningRate = 0.5

        // The model as one flat parameter vector, for finite differences.
        func flatten(_ m: TinyConvNet) -> [Double] { m.filter.scalars + m.filterBias + m.weights.flatMap { $0 } + m.bias }
        func unflatten(_ p: [Double]) -> TinyConvNet {
            var m = start, k = 0
            func take(_ count: Int) -> [Double] { defer { k += count }; return Array(p[k..<(k + count)]) }
            m.filter.scalars = take(m.filter.scalars.count)
            m.filterBias = take(filters)
            m.weights = (0..<(out * out * filters)).map { _ in take(classes) }
            m.bias = take(classes)
            return m
        }
        func meanLoss(_ m: TinyConvNet) -> Double {
            let z = Oracle.conv(images, m.filter)
            var total = 0.0
            for b in 0..<n {
                var features: [Double] = []
                for i in 0..<out { for j in 0..<out { for f in 0..<filters { features.append(max(0, z[b, i, j, f] + m.filterBias[f])) } } }
                let logits = (0..<classes).map { o in m.bias[o] + features.indices.reduce(0) { $0 + features[$1] * m.weights[$1][o] } }
                total += Oracle.crossEntropy(logits: logits, labels: (0..<classes).map { $0 == labels[b] ? 1 : 0 })
            }
            return total / Double(n)
        }
        let p0 = flatten(start)
        let gradient = Oracle.numericalGradient(of: { meanLoss(unflatten($0.scalars)) },
                                                at: Tensor(shape: [p0.count], scalars: p0), h: 1e-6)
        let expected = unflatten(zip(p0, gradient.scalars).map { $0 - learningRate * $1 })

        var model = start
        let loss = impl(&model, images, labels, learningRate)
        let input = "images \(show(images)), labels \(labels), learningRate \(formatScalar(learningRate)), filter \(show(start.filter)), filterBias \(show(start.filterBias)), weights [\(out * out * filters)][\(classes)], bias \(show(start.bias))"
        let tolerance = Tolerance(atol: 1e-7, rtol: 1e-6)
        e.close("trainingStep: the mean loss before the update", input: input, got: loss, expected: meanLoss(start), tolerance: tolerance)
        e.close("trainingStep: bias after the step", input: input, got: model.bias, expected: expected.bias, tolerance: tolerance)
        e.close("trainingStep: weights after the step", input: input, got: model.weights, expected: expected.weights, tolerance: tolerance)
        e.close("trainingStep: filterBias after the step", input: input, got: model.filterBias, expected: expected.filterBias, tolerance: tolerance)
        e.close("trainingStep: filter after the step", input: input, got: model.filter, expected: expected.filter, tolerance: tolerance)
        return e.failures
    }
}
