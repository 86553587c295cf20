import ConvLab
import ConvLabTestSupport
import Foundation
import Testing

// Cross-checks of the fast activations, softmax, losses, batch norm, maxout and dropout against
// their reference twins. Sizes 1, odd, prime and not divisible by 4 or 8; one shape per op over
// 65,536 elements so that the work is cut into several chunks on several threads; rows and
// classes 1 and > 1; for the exp-based ops, logits up to +-1000 as well as moderate values.
// Each case prints its max abs error and asserts it under the stated tolerance.

/// Shapes for the elementwise ops: one element, odd and prime sizes, and 90,300 elements (two chunks).
private let elementwiseShapes: [[Int]] = [[1], [7], [3, 5], [2, 3, 4, 17], [1, 300, 301]]

/// The two value ranges: moderate values, or large ones (up to +-120, with +-1000, +-100, +-30
/// and 0 written in front) where a careless `exp` overflows.
private let valueScales: [Bool] = [false, true]

/// A random tensor in [-8, 8], or in [-120, 120] starting with the extreme values when `large`.
private func opsTensor(_ shape: [Int], seed: UInt64, large: Bool) -> Tensor<Float> {
    let bound = large ? 120.0 : 8.0
    var values = Tensor<Float>(randomTensor(shape, seed: seed, range: -bound...bound)).scalars
    if large {
        let extremes: [Float] = [-1000, 1000, -100, 100, -30, 30, 0, -0.5, 0.5]
        for (k, value) in extremes.prefix(values.count).enumerated() { values[k] = value }
    }
    return try! Tensor(shape: shape, scalars: values)
}

/// Labels in [0, 1] that do not sum to 1 per row, with every other row one-hot: exercises both
/// TF's usual case and the exact derivative for unnormalized labels.
private func opsLabels(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
    var labels = Tensor<Float>(randomTensor(shape, seed: seed, range: 0...1)).scalars
    let classes = shape.last!
    for row in stride(from: 0, to: labels.count / classes, by: 2) {
        for k in 0..<classes { labels[row * classes + k] = k == (row * 7) % classes ? 1 : 0 }
    }
    return try! Tensor(shape: shape, scalars: labels)
}

/// The fast exp-based ops use four-lane Cephes polynomials, the reference libm: each is within
/// ~2 ulps of the true value, so they agree to a few ulps (rtol 1e-6 is 8 ulps), plus 1e-6
/// absolute where a gradient crosses 0.
private let libmTolerance = Tolerance(atol: 1e-6, rtol: 1e-6)

/// Every Float in [-90, 90] at steps of 0.0137 (so 0, +-0.625 and the exp range ends are
/// crossed), tiny values down to 1e-8 where tanh and expm1 must keep their relative accuracy,
/// and the ends of the Float range.
private let accuracySweep: [Float] = {
    var values = stride(from: -90.0, through: 90.0, by: 0.0137).map { Float($0) }
    for exponent in 1...8 {
        let tiny = Float(pow(10.0, -Double(exponent)))
        values += [tiny, -tiny, 3 * tiny, -3 * tiny]
    }
    return values + [0, -0.625, 0.625, 0.6249, -0.6249, 0.414, 87, -87, -87.1, -88, -103, -200, 1000, -1000]
}()

/// Batch-norm sums run over chunks of rows added at the end, not in one sequence: Float rounding
/// of sums of up to 45,000 terms (the gradients' magnitudes reach ~100).
private let batchNormTolerance = Tolerance(atol: 2e-4, rtol: 1e-3)

struct BatchNormCase: CustomTestStringConvertible, Sendable {
    let shape: [Int]
    let axes: [Int]
    /// Data like 1000 +- 1 (the case the two-pass, shifted moments exist for).
    let offset: Float
    var testDescription: String { "\(describeShape(shape)) axes \(axes) offset \(offset)" }
}

private let batchNormCases: [BatchNormCase] = {
    let shapes: [([Int], [Int])] = [
        ([1, 1, 1, 1], [0, 1, 2]),      // one element per channel: variance 0
        ([2, 3, 3, 1], [0, 1, 2]),
        ([3, 5, 7, 3], [0, 1, 2]),
        ([4, 9, 9, 17], [0, 1, 2]),
        ([2, 150, 150, 2], [0, 1, 2]),  // 45,000 rows: two chunks of partial sums
        ([13, 7], [0]),                 // [N, features]
        ([5, 6, 3], [0, 1]),
        ([2, 3, 4, 5], [0]),            // parameters [3, 4, 5]
    ]
    return shapes.flatMap { shape, axes in [0, 1000].map { BatchNormCase(shape: shape, axes: axes, offset: $0) } }
}()

@Suite("Fast activations, softmax, losses, batch norm, maxout and dropout match their reference twins")
struct FastCrossCheckOpsTests {
    // MARK: - Activations

    @Test("sigmoid, tanh, ELU, softplus and leaky ReLU, forward and backward",
          arguments: elementwiseShapes, valueScales)
    func activations(_ shape: [Int], large: Bool) throws {
        let x = opsTensor(shape, seed: 21, large: large), dy = opsTensor(shape, seed: 22, large: false)
        let label = "\(describeShape(shape)) large=\(large)"
        expectFastMatch(try Fast.sigmoidForward(x), try Reference.sigmoidForward(x), libmTolerance, label + " sigmoid")
        expectFastMatch(try Fast.sigmoidBackward(x, dOutput: dy), try Reference.sigmoidBackward(x, dOutput: dy),
                        libmTolerance, label + " sigmoid dInput")
        expectFastMatch(try Fast.tanhForward(x), try Reference.tanhForward(x), libmTolerance, label + " tanh")
        expectFastMatch(try Fast.tanhBackward(x, dOutput: dy), try Reference.tanhBackward(x, dOutput: dy),
                        libmTolerance, label + " tanh dInput")
        expectFastMatch(try Fast.eluForward(x), try Reference.eluForward(x), libmTolerance, label + " elu")
        expectFastMatch(try Fast.eluBackward(x, dOutput: dy), try Reference.eluBackward(x, dOutput: dy),
                        libmTolerance, label + " elu dInput")
        expectFastMatch(try Fast.softplusForward(x), try Reference.softplusForward(x), libmTolerance, label + " softplus")
        expectFastMatch(try Fast.softplusBackward(x, dOutput: dy), try Reference.softplusBackward(x, dOutput: dy),
                        libmTolerance, label + " softplus dInput")
        for alpha: Float in [0.2, 0.01] {
            expectFastMatch(try Fast.leakyReLUForward(x, alpha: alpha), try Reference.leakyReLUForward(x, alpha: alpha),
                            .exact, label + " leakyReLU alpha \(alpha)")
            expectFastMatch(try Fast.leakyReLUBackward(x, alpha: alpha, dOutput: dy),
                            try Reference.leakyReLUBackward(x, alpha: alpha, dOutput: dy), .exact,
                            label + " leakyReLU dInput alpha \(alpha)")
        }
    }

    @Test("the four-lane exp, expm1, log1p and tanh stay within 4 ulps of Double, across the Float range")
    func vectorMathAccuracy() throws {
        let x = try Tensor<Float>(shape: [accuracySweep.count], scalars: accuracySweep)
        let xd = Tensor<Double>(x)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        // 4 ulps relative; below 1e-37 (where the fast exp flushes to 0 and libm gives a
        // subnormal) an absolute difference.
        let tolerance = Tolerance(atol: 1e-37, rtol: 4 * Double(Float.ulpOfOne))
        let cases: [(String, Tensor<Float>, Tensor<Double>)] = [
            ("sigmoid", try Fast.sigmoidForward(x), xd.map(sigmoid)),
            ("tanh", try Fast.tanhForward(x), xd.map { Foundation.tanh($0) }),
            ("elu", try Fast.eluForward(x), xd.map { $0 > 0 ? $0 : Foundation.expm1($0) }),
            ("softplus", try Fast.softplusForward(x), xd.map { max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) }),
            ("elu'", try Fast.eluBackward(x, dOutput: Tensor(shape: x.shape, repeating: 1)),
             xd.map { $0 > 0 ? 1 : Foundation.exp($0) }),
        ]
        for (name, fast, truth) in cases {
            let mismatch = compare(fast, truth, tolerance)
            print("\(name) against Double over \(x.count) values: max abs error \(maxAbsError(fast, truth)) (\(tolerance))")
            #expect(mismatch == nil, "\(name): \(mismatch?.description ?? "")")
        }
    }

    @Test("large |x|: sigmoid saturates to 0 and 1, softplus to 0 and x, nothing is NaN")
    func activationsSaturate() throws {
        let x = try Tensor<Float>(shape: [4], scalars: [-1000, -100, 100, 1000])
        let s = try Fast.sigmoidForward(x), softplus = try Fast.softplusForward(x)
        #expect(s.scalars[0] == 0 && s.scalars[3] == 1)
        #expect(softplus.scalars[0] == 0 && softplus.scalars[3] == 1000 && softplus.scalars[2] == 100)
        let dy = try Tensor<Float>(shape: [4], repeating: 1)
        #expect(try Fast.sigmoidBackward(x, dOutput: dy).scalars.allSatisfy { $0.isFinite })
    }

    @Test("maxout forward and backward, with ties", arguments: [
        ([1, 1], 1), ([2, 6], 3), ([3, 5, 12], 4), ([2, 4, 4, 15], 5), ([1, 300, 301], 7), ([1, 300, 301], 301),
    ])
    func maxout(_ shape: [Int], units: Int) throws {
        for ties in [false, true] {
            var x = fastCheckTensor(shape, seed: 31)
            // Values rounded to {-1, 0, 1} make most groups tie for their maximum.
            if ties { x = x.map { ($0 * 1.4).rounded() } }
            let dy = fastCheckTensor(Array(shape.dropLast()) + [units], seed: 32)
            let label = "maxout \(describeShape(shape)) units \(units) ties=\(ties)"
            expectFastMatch(try Fast.maxoutForward(x, units: units), try Reference.maxoutForward(x, units: units),
                            .exact, label + " y")
            expectFastMatch(try Fast.maxoutBackward(x, units: units, dOutput: dy),
                            try Reference.maxoutBackward(x, units: units, dOutput: dy), .exact, label + " dInput")
        }
    }

    // MARK: - Softmax and losses

    @Test("softmax, log-softmax and softmax cross-entropy over the last axis, forward and backward",
          arguments: [[1, 1], [1, 10], [13, 1], [3, 7], [5, 3, 11], [128, 10], [300, 301]], valueScales)
    func softmax(_ shape: [Int], large: Bool) throws {
        let x = opsTensor(shape, seed: 41, large: large), dy = fastCheckTensor(shape, seed: 42)
        let labels = opsLabels(shape, seed: 43), dLoss = fastCheckTensor(Array(shape.dropLast()), seed: 44)
        let label = "\(describeShape(shape)) large=\(large)"
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)
        expectFastMatch(try Fast.softmaxForward(x), try Reference.softmaxForward(x), tolerance, label + " softmax")
        expectFastMatch(try Fast.softmaxBackward(x, dOutput: dy), try Reference.softmaxBackward(x, dOutput: dy),
                        tolerance, label + " softmax dInput")
        expectFastMatch(try Fast.logSoftmaxForward(x), try Reference.logSoftmaxForward(x), tolerance, label + " logSoftmax")
        expectFastMatch(try Fast.logSoftmaxBackward(x, dOutput: dy), try Reference.logSoftmaxBackward(x, dOutput: dy),
                        tolerance, label + " logSoftmax dInput")
        let loss = try Fast.softmaxCrossEntropyForward(labels: labels, logits: x)
        #expect(loss.scalars.allSatisfy { $0.isFinite })
        expectFastMatch(loss, try Reference.softmaxCrossEntropyForward(labels: labels, logits: x), tolerance,
                        label + " softmaxCE loss")
        expectFastMatch(try Fast.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss),
                        try Reference.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss),
                        tolerance, label + " softmaxCE dLogits")
    }

    @Test("softmax over another axis falls back to the reference", arguments: [(0, [3, 4]), (1, [2, 5, 3]), (-2, [4, 6])])
    func softmaxOtherAxis(_ axis: Int, shape: [Int]) throws {
        let x = opsTensor(shape, seed: 45, large: true), dy = fastCheckTensor(shape, seed: 46)
        let labels = opsLabels(shape, seed: 47)
        var reduced = shape
        reduced.remove(at: axis < 0 ? axis + shape.count : axis)
        let dLoss = fastCheckTensor(reduced, seed: 48)
        let label = "axis \(axis) \(describeShape(shape))"
        expectFastMatch(try Fast.softmaxForward(x, axis: axis), try Reference.softmaxForward(x, axis: axis), .exact, label)
        expectFastMatch(try Fast.logSoftmaxBackward(x, dOutput: dy, axis: axis),
                        try Reference.logSoftmaxBackward(x, dOutput: dy, axis: axis), .exact, label + " logSoftmax dInput")
        expectFastMatch(try Fast.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss, axis: axis),
                        try Reference.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss, axis: axis),
                        .exact, label + " softmaxCE dLogits")
    }

    @Test("sigmoid cross-entropy forward and backward", arguments: elementwiseShapes, valueScales)
    func sigmoidCrossEntropy(_ shape: [Int], large: Bool) throws {
        let x = opsTensor(shape, seed: 51, large: large), dy = fastCheckTensor(shape, seed: 52)
        let labels = Tensor<Float>(randomTensor(shape, seed: 53, range: 0...1))
        let label = "sigmoidCE \(describeShape(shape)) large=\(large)"
        let loss = try Fast.sigmoidCrossEntropyForward(labels: labels, logits: x)
        #expect(loss.scalars.allSatisfy { $0.isFinite })
        expectFastMatch(loss, try Reference.sigmoidCrossEntropyForward(labels: labels, logits: x), libmTolerance, label + " loss")
        expectFastMatch(try Fast.sigmoidCrossEntropyBackward(labels: labels, logits: x, dOutput: dy),
                        try Reference.sigmoidCrossEntropyBackward(labels: labels, logits: x, dOutput: dy),
                        libmTolerance, label + " dLogits")
    }

    @Test("mean squared error forward and backward", arguments: elementwiseShapes)
    func meanSquaredError(_ shape: [Int]) throws {
        let prediction = fastCheckTensor(shape, seed: 54), target = fastCheckTensor(shape, seed: 55)
        let dLoss = Tensor<Float>(scalar: 0.7)
        let label = "meanSquaredError \(describeShape(shape))"
        // The squares are summed by chunks of 65,536 added at the end, not in one sequence.
        expectFastMatch(try Fast.meanSquaredErrorForward(prediction: prediction, target: target),
                        try Reference.meanSquaredErrorForward(prediction: prediction, target: target),
                        Tolerance(atol: 1e-6, rtol: 1e-4), label + " loss")
        expectFastMatch(try Fast.meanSquaredErrorBackward(prediction: prediction, target: target, dOutput: dLoss),
                        try Reference.meanSquaredErrorBackward(prediction: prediction, target: target, dOutput: dLoss),
                        .exact, label + " dPrediction")
    }

    // MARK: - Batch norm

    @Test("batch norm training forward, backward and inference", arguments: batchNormCases)
    func batchNorm(_ c: BatchNormCase) throws {
        let x = fastCheckTensor(c.shape, seed: 61).map { $0 + c.offset }
        let parameterShape = Array(c.shape.dropFirst(c.axes.count))
        let gamma = fastCheckTensor(parameterShape, seed: 62).map { $0 + 1.5 }
        let beta = fastCheckTensor(parameterShape, seed: 63), dy = fastCheckTensor(c.shape, seed: 64)
        let epsilon: Float = 1e-3
        let label = "batchNorm \(c.testDescription)"

        let fast = try Fast.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: c.axes)
        let reference = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: c.axes)
        expectFastMatch(fast.output, reference.output, batchNormTolerance, label + " output")
        expectFastMatch(fast.mean, reference.mean, batchNormTolerance, label + " mean")
        expectFastMatch(fast.variance, reference.variance, batchNormTolerance, label + " variance")

        let grads = try Fast.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: epsilon, axes: c.axes)
        let expected = try Reference.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: epsilon, axes: c.axes)
        expectFastMatch(grads.dInput, expected.dInput, batchNormTolerance, label + " dInput")
        expectFastMatch(grads.dGamma, expected.dGamma, batchNormTolerance, label + " dGamma")
        expectFastMatch(grads.dBeta, expected.dBeta, batchNormTolerance, label + " dBeta")

        let movingMean = fastCheckTensor(parameterShape, seed: 65).map { $0 + c.offset }
        let movingVariance = Tensor<Float>(randomTensor(parameterShape, seed: 66, range: 0.1...2))
        expectFastMatch(try Fast.batchNormInference(x, gamma: gamma, beta: beta, mean: movingMean,
                                                    variance: movingVariance, epsilon: epsilon),
                        try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: movingMean,
                                                         variance: movingVariance, epsilon: epsilon),
                        batchNormTolerance, label + " inference")
    }

    @Test("batch norm statistics do not depend on the thread count")
    func batchNormDeterministic() throws {
        let x = fastCheckTensor([2, 150, 150, 2], seed: 67), dy = fastCheckTensor([2, 150, 150, 2], seed: 68)
        let gamma = try Tensor<Float>(shape: [2], scalars: [1.5, 0.5])
        let saved = Fast.threads
        defer { Fast.threads = saved }
        Fast.threads = 1
        let one = try Fast.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: 1e-3)
        Fast.threads = 2
        let two = try Fast.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: 1e-3)
        expectFastMatch(two.dGamma, one.dGamma, .exact, "batchNorm dGamma 1 vs 2 threads")
        expectFastMatch(two.dInput, one.dInput, .exact, "batchNorm dInput 1 vs 2 threads")
    }

    // MARK: - Dropout

    @Test("dropout draws the reference's mask and leaves the generator in the same state",
          arguments: [[1], [7], [3, 5], [1, 300, 301]], [Float(0.5), 0.9, 1])
    func dropout(_ shape: [Int], keep: Float) throws {
        let x = fastCheckTensor(shape, seed: 71), dy = fastCheckTensor(shape, seed: 72)
        var fastGenerator = SeededGenerator(seed: 73), referenceGenerator = SeededGenerator(seed: 73)
        let fast = try Fast.dropoutForward(x, keepProbability: keep, generator: &fastGenerator)
        let reference = try Reference.dropoutForward(x, keepProbability: keep, generator: &referenceGenerator)
        let label = "dropout \(describeShape(shape)) keep \(keep)"
        expectFastMatch(fast.mask, reference.mask, .exact, label + " mask")
        expectFastMatch(fast.output, reference.output, .exact, label + " output")
        #expect(fastGenerator.nextUnit() == referenceGenerator.nextUnit(), "\(label): generator states differ")
        expectFastMatch(try Fast.dropoutBackward(dOutput: dy, mask: fast.mask),
                        try Reference.dropoutBackward(dOutput: dy, mask: reference.mask), .exact, label + " dInput")
    }

    // MARK: - Errors

    @Test("the fast twins throw the reference's errors")
    func errors() throws {
        let x = try Tensor<Float>(zeros: [2, 3]), wrong = try Tensor<Float>(zeros: [3, 2])
        let scalar = Tensor<Float>(scalar: 1)
        #expect(throws: ConvLabError.self) { try Fast.sigmoidBackward(x, dOutput: wrong) }
        #expect(throws: ConvLabError.self) { try Fast.leakyReLUForward(x, alpha: .nan) }
        #expect(throws: ConvLabError.self) { try Fast.maxoutForward(x, units: 2) }
        #expect(throws: ConvLabError.self) { try Fast.softmaxForward(scalar) }
        #expect(throws: ConvLabError.self) { try Fast.softmaxForward(x, axis: 2) }
        #expect(throws: ConvLabError.self) { try Fast.softmaxBackward(x, dOutput: wrong) }
        #expect(throws: ConvLabError.self) { try Fast.softmaxCrossEntropyForward(labels: wrong, logits: x) }
        #expect(throws: ConvLabError.self) {
            try Fast.softmaxCrossEntropyBackward(labels: x, logits: x, dOutput: try Tensor<Float>(zeros: [3]))
        }
        #expect(throws: ConvLabError.self) { try Fast.sigmoidCrossEntropyForward(labels: wrong, logits: x) }
        #expect(throws: ConvLabError.self) { try Fast.meanSquaredErrorForward(prediction: x, target: wrong) }
        #expect(throws: ConvLabError.self) {
            try Fast.meanSquaredErrorBackward(prediction: x, target: x, dOutput: try Tensor<Float>(zeros: [1]))
        }
        let gamma = try Tensor<Float>(zeros: [3]), badGamma = try Tensor<Float>(zeros: [2])
        #expect(throws: ConvLabError.self) { try Fast.batchNormForward(x, gamma: badGamma, beta: badGamma, epsilon: 1e-3, axes: [0]) }
        #expect(throws: ConvLabError.self) { try Fast.batchNormForward(x, gamma: gamma, beta: gamma, epsilon: 0, axes: [0]) }
        #expect(throws: ConvLabError.self) { try Fast.batchNormForward(x, gamma: gamma, beta: gamma, epsilon: 1e-3, axes: [1]) }
        #expect(throws: ConvLabError.self) { try Fast.batchNormBackward(x, gamma: gamma, dOutput: wrong, epsilon: 1e-3, axes: [0]) }
        let negative = try Tensor<Float>(shape: [3], scalars: [1, -1, 1])
        #expect(throws: ConvLabError.self) {
            try Fast.batchNormInference(x, gamma: gamma, beta: gamma, mean: gamma, variance: negative, epsilon: 1e-3)
        }
        var generator = SeededGenerator(seed: 1)
        #expect(throws: ConvLabError.self) { try Fast.dropoutForward(x, keepProbability: 0, generator: &generator) }
        #expect(throws: ConvLabError.self) { try Fast.dropoutBackward(dOutput: x, mask: wrong) }
    }
}
