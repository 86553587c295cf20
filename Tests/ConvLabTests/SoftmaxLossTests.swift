import ConvLab
import ConvLabTestSupport
import Testing

/// Random probability distributions along `axis` (positive, each slice sums to 1).
private func distributions(_ shape: [Int], axis: Int, seed: UInt64) throws -> Tensor<Double> {
    let raw = randomTensor(shape, seed: seed, range: 0.1...1)
    let axis = axis < 0 ? axis + shape.count : axis
    let inner = shape[(axis + 1)...].reduce(1, *), length = shape[axis]
    var scalars = raw.scalars
    for start in 0..<raw.count where (start / inner) % length == 0 {  // the first element of each slice
        var total = 0.0
        for k in 0..<length { total += scalars[start + k * inner] }
        for k in 0..<length { scalars[start + k * inner] /= total }
    }
    return try Tensor(shape: shape, scalars: scalars)
}

/// The shape without `axis`.
private func removing(_ axis: Int, from shape: [Int]) -> [Int] {
    var result = shape
    result.remove(at: axis < 0 ? axis + shape.count : axis)
    return result
}

@Suite("softmax, log-softmax and losses: values, stability, gradient checks, errors")
struct SoftmaxLossTests {
    static let axisCases: [([Int], Int)] = [([4, 5], -1), ([4, 5], 0), ([2, 3, 4], -1), ([2, 3, 4], 1),
                                            ([2, 3, 4], 0), ([2, 3, 4], -3), ([1, 2, 3, 2], 2), ([6], 0)]

    // MARK: - Values

    // softmax([1, 2, 3]) = e^k / (e + e^2 + e^3) = [0.0900306, 0.2447285, 0.6652410].
    @Test func softmaxOfOneTwoThree() throws {
        let y = try Reference.softmaxForward(Tensor<Double>([1, 2, 3]))
        let expected = Tensor<Double>([0.09003057317038046, 0.24472847105479764, 0.6652409557748219])
        let mismatch = compare(y, expected, Tolerance(atol: 1e-15, rtol: 1e-14))
        #expect(mismatch == nil, "\(mismatch?.description ?? "")")
        let logY = try Reference.logSoftmaxForward(Tensor<Double>([1, 2, 3]))
        let logMismatch = compare(logY, expected.map { Double.log($0) }, Tolerance(atol: 1e-14, rtol: 1e-14))
        #expect(logMismatch == nil, "\(logMismatch?.description ?? "")")
    }

    // Softmax along axis 0 of a [3, 2] matrix normalises each column.
    @Test func softmaxAlongAnyAxis() throws {
        let x = try Tensor<Double>([[1, 4], [2, 4], [3, 4]])
        let y = try Reference.softmaxForward(x, axis: 0)
        let column0 = try Reference.softmaxForward(Tensor<Double>([1, 2, 3]))
        #expect(compare(Tensor<Double>([y[0, 0], y[1, 0], y[2, 0]]), column0, Tolerance(atol: 1e-15)) == nil)
        #expect(abs(y[0, 1] - 1.0 / 3) < 1e-15)
        #expect(try Reference.softmaxForward(x, axis: -2) == y)
    }

    // TF's softmax_cross_entropy_with_logits: labels [0, 1, 0], logits [1, 2, 3]
    // -> -log softmax_1 = log(e + e^2 + e^3) - 2 = 1.4076059644443801.
    @Test func softmaxCrossEntropyExample() throws {
        let loss = try Reference.softmaxCrossEntropyForward(labels: try Tensor<Double>([[0, 1, 0]]),
                                                            logits: try Tensor<Double>([[1, 2, 3]]))
        #expect(loss.shape == [1])
        #expect(abs(loss.scalars[0] - 1.4076059644443801) < 1e-14)
    }

    // sigmoid CE at x = 0 is log 2 for any label; MSE of [1,2,3] vs [1,0,0] is 13/3.
    @Test func sigmoidCrossEntropyAndMSEExamples() throws {
        let loss = try Reference.sigmoidCrossEntropyForward(labels: Tensor<Double>([0, 0.3, 1]), logits: Tensor<Double>([0, 0, 0]))
        #expect(loss.scalars.allSatisfy { abs($0 - Double.log(2)) < 1e-15 })
        let mse = try Reference.meanSquaredErrorForward(prediction: Tensor<Double>([1, 2, 3]), target: Tensor<Double>([1, 0, 0]))
        #expect(mse.shape == [])
        #expect(abs(mse.scalars[0] - 13.0 / 3) < 1e-15)
        let dPrediction = try Reference.meanSquaredErrorBackward(prediction: Tensor<Double>([1, 2, 3]), target: Tensor<Double>([1, 0, 0]),
                                                                 dOutput: Tensor(scalar: 1))
        #expect(dPrediction.scalars == [0, 4.0 / 3, 2])  // 2 * (p - t) / 3
    }

    // MARK: - Large-logit stability (+-1000), in Float and Double

    @Test func largeLogitsGiveFiniteCorrectValues() throws {
        func check<S: TensorScalar>(_: S.Type) throws {
            // softmax / log-softmax of [1000, 0, -1000]: [1, 0, 0] and [0, -1000, -2000].
            let x = Tensor<S>([1000, 0, -1000])
            #expect(try Reference.softmaxForward(x).scalars == [1, 0, 0])
            #expect(try Reference.logSoftmaxForward(x).scalars == [0, -1000, -2000])
            #expect(try Reference.logSoftmaxBackward(x, dOutput: Tensor<S>([1, 1, 1])).scalars == [-2, 1, 1])

            // Softmax CE: the wrong class by 2000 costs 2000; a tie at 1000 costs log 2.
            let logits = try Tensor<S>([[1000, -1000], [1000, 1000]]), labels = try Tensor<S>([[0, 1], [0.5, 0.5]])
            let loss = try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits)
            #expect(loss.scalars[0] == 2000)
            #expect(abs(Double(loss.scalars[1]) - Double.log(2)) < 1e-6)
            let dLogits = try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: Tensor<S>([1, 1]))
            #expect(dLogits.scalars == [1, -1, 0, 0])

            // Sigmoid CE: confident and wrong costs |x|, confident and right costs 0.
            let z = Tensor<S>([0, 1, 1, 0]), xs = Tensor<S>([1000, -1000, 1000, -1000])
            #expect(try Reference.sigmoidCrossEntropyForward(labels: z, logits: xs).scalars == [1000, 1000, 0, 0])
            #expect(try Reference.sigmoidCrossEntropyBackward(labels: z, logits: xs, dOutput: Tensor<S>([1, 1, 1, 1])).scalars
                    == [1, -1, 0, 0])
        }
        try check(Float.self)
        try check(Double.self)
    }

    // MARK: - Gradient checks (Double); all smooth: expected ~1e-10, asserted <= 1e-7

    @Test func softmaxAndLogSoftmaxGradientSweep() throws {
        var worstSoftmax = 0.0, worstLog = 0.0
        for (k, (shape, axis)) in Self.axisCases.enumerated() {
            let x = randomTensor(shape, seed: UInt64(10 + k), range: -3...3)
            let dy = randomTensor(shape, seed: UInt64(20 + k))
            let soft = gradientReport(analytic: try Reference.softmaxBackward(x, dOutput: dy, axis: axis),
                                      numeric: try numericalGradient(of: { try Reference.softmaxForward($0, axis: axis) }, at: x, upstream: dy),
                                      input: x)
            let log = gradientReport(analytic: try Reference.logSoftmaxBackward(x, dOutput: dy, axis: axis),
                                     numeric: try numericalGradient(of: { try Reference.logSoftmaxForward($0, axis: axis) }, at: x, upstream: dy),
                                     input: x)
            worstSoftmax = max(worstSoftmax, soft.relativeError)
            worstLog = max(worstLog, log.relativeError)
            #expect(soft.relativeError <= 1e-7, "softmax \(describeShape(shape)) axis \(axis): \(soft)")
            #expect(log.relativeError <= 1e-7, "logSoftmax \(describeShape(shape)) axis \(axis): \(log)")
        }
        print("[gradcheck] softmaxBackward: worst relative error \(worstSoftmax)")
        print("[gradcheck] logSoftmaxBackward: worst relative error \(worstLog)")
    }

    // Softmax CE against soft labels (each slice sums to 1, as TF assumes) and against labels
    // that do not sum to 1 (where the exact gradient softmax * Σ labels - labels is needed).
    @Test func softmaxCrossEntropyGradientSweep() throws {
        var worst = 0.0
        for (k, (shape, axis)) in Self.axisCases.enumerated() {
            let logits = randomTensor(shape, seed: UInt64(30 + k), range: -3...3)
            let dy = randomTensor(removing(axis, from: shape), seed: UInt64(40 + k))
            for labels in [try distributions(shape, axis: axis, seed: UInt64(50 + k)),
                           randomTensor(shape, seed: UInt64(60 + k), range: 0...1)] {
                let report = gradientReport(
                    analytic: try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dy, axis: axis),
                    numeric: try numericalGradient(of: { try Reference.softmaxCrossEntropyForward(labels: labels, logits: $0, axis: axis) }, at: logits, upstream: dy),
                    input: logits)
                worst = max(worst, report.relativeError)
                #expect(report.relativeError <= 1e-7, "softmaxCrossEntropy \(describeShape(shape)) axis \(axis): \(report)")
            }
        }
        print("[gradcheck] softmaxCrossEntropyBackward: worst relative error \(worst)")
    }

    @Test func sigmoidCrossEntropyAndMSEGradientChecks() throws {
        var worstSigmoid = 0.0, worstMSE = 0.0
        for (k, shape) in [[5], [3, 4], [2, 3, 2, 2]].enumerated() {
            let logits = randomTensor(shape, seed: UInt64(70 + k), range: -4...4)
            let labels = randomTensor(shape, seed: UInt64(80 + k), range: 0...1)
            let dy = randomTensor(shape, seed: UInt64(90 + k))
            let sigmoid = gradientReport(
                analytic: try Reference.sigmoidCrossEntropyBackward(labels: labels, logits: logits, dOutput: dy),
                numeric: try numericalGradient(of: { try Reference.sigmoidCrossEntropyForward(labels: labels, logits: $0) }, at: logits, upstream: dy),
                input: logits)
            worstSigmoid = max(worstSigmoid, sigmoid.relativeError)
            #expect(sigmoid.relativeError <= 1e-7, "sigmoidCrossEntropy \(describeShape(shape)): \(sigmoid)")

            let target = randomTensor(shape, seed: UInt64(100 + k))
            let dLoss = Tensor<Double>(scalar: 0.7)
            let mse = gradientReport(
                analytic: try Reference.meanSquaredErrorBackward(prediction: logits, target: target, dOutput: dLoss),
                numeric: try numericalGradient(of: { try Reference.meanSquaredErrorForward(prediction: $0, target: target) }, at: logits, upstream: dLoss),
                input: logits)
            worstMSE = max(worstMSE, mse.relativeError)
            #expect(mse.relativeError <= 1e-7, "meanSquaredError \(describeShape(shape)): \(mse)")
        }
        print("[gradcheck] sigmoidCrossEntropyBackward: worst relative error \(worstSigmoid)")
        print("[gradcheck] meanSquaredErrorBackward: worst relative error \(worstMSE)")
    }

    // MARK: - Float agrees with Double

    // Logits in [-3, 3], Double evaluated at the Float-rounded inputs: within 1e-6 absolute +
    // 1e-5 relative (a sum of <= 6 exps in Float carries ~1e-7 relative error).
    @Test func floatAgreesWithDouble() throws {
        let tolerance = Tolerance(atol: 1e-6, rtol: 1e-5)
        for (k, (shape, axis)) in Self.axisCases.enumerated() {
            let xf = Tensor<Float>(randomTensor(shape, seed: UInt64(110 + k), range: -3...3))
            let dyf = Tensor<Float>(randomTensor(shape, seed: UInt64(120 + k)))
            let lf = Tensor<Float>(try distributions(shape, axis: axis, seed: UInt64(130 + k)))
            let dLossf = Tensor<Float>(randomTensor(removing(axis, from: shape), seed: UInt64(140 + k)))
            let x = Tensor<Double>(xf), dy = Tensor<Double>(dyf), l = Tensor<Double>(lf), dLoss = Tensor<Double>(dLossf)
            let pairs: [(String, Tensor<Float>, Tensor<Double>)] = [
                ("softmax", try Reference.softmaxForward(xf, axis: axis), try Reference.softmaxForward(x, axis: axis)),
                ("softmaxBackward", try Reference.softmaxBackward(xf, dOutput: dyf, axis: axis),
                 try Reference.softmaxBackward(x, dOutput: dy, axis: axis)),
                ("logSoftmax", try Reference.logSoftmaxForward(xf, axis: axis), try Reference.logSoftmaxForward(x, axis: axis)),
                ("logSoftmaxBackward", try Reference.logSoftmaxBackward(xf, dOutput: dyf, axis: axis),
                 try Reference.logSoftmaxBackward(x, dOutput: dy, axis: axis)),
                ("softmaxCrossEntropy", try Reference.softmaxCrossEntropyForward(labels: lf, logits: xf, axis: axis),
                 try Reference.softmaxCrossEntropyForward(labels: l, logits: x, axis: axis)),
                ("softmaxCrossEntropyBackward",
                 try Reference.softmaxCrossEntropyBackward(labels: lf, logits: xf, dOutput: dLossf, axis: axis),
                 try Reference.softmaxCrossEntropyBackward(labels: l, logits: x, dOutput: dLoss, axis: axis)),
                ("sigmoidCrossEntropy", try Reference.sigmoidCrossEntropyForward(labels: lf, logits: xf),
                 try Reference.sigmoidCrossEntropyForward(labels: l, logits: x)),
                ("sigmoidCrossEntropyBackward", try Reference.sigmoidCrossEntropyBackward(labels: lf, logits: xf, dOutput: dyf),
                 try Reference.sigmoidCrossEntropyBackward(labels: l, logits: x, dOutput: dy)),
                ("meanSquaredError", try Reference.meanSquaredErrorForward(prediction: xf, target: lf),
                 try Reference.meanSquaredErrorForward(prediction: x, target: l)),
                ("meanSquaredErrorBackward",
                 try Reference.meanSquaredErrorBackward(prediction: xf, target: lf, dOutput: Tensor(scalar: 1)),
                 try Reference.meanSquaredErrorBackward(prediction: x, target: l, dOutput: Tensor(scalar: 1))),
            ]
            for (name, float, double) in pairs {
                let mismatch = compare(float, double, tolerance)
                #expect(mismatch == nil, "\(name) \(describeShape(shape)) axis \(axis): \(mismatch?.description ?? "")")
            }
        }
    }

    // The Kernels switch gives the reference's results on .reference and the fast twins' on
    // .fast, which agree with them to a few ulps (FastCrossCheckOpsTests sweeps them).
    @Test(arguments: KernelPath.allCases)
    func kernelsMatchReference(path: KernelPath) throws {
        let k = Kernels(path)
        func matches(_ actual: Tensor<Float>, _ expected: Tensor<Float>) -> Bool {
            path == .reference ? actual == expected : compare(actual, expected, Tolerance(atol: 1e-6, rtol: 1e-6)) == nil
        }
        let x = Tensor<Float>(randomTensor([3, 4], seed: 1, range: -3...3)), dy = Tensor<Float>(randomTensor([3, 4], seed: 2))
        let labels = Tensor<Float>(try distributions([3, 4], axis: 1, seed: 3)), dLoss = Tensor<Float>([1, 2, 3])
        #expect(matches(try k.ops.softmaxForward(x, axis: 0), try Reference.softmaxForward(x, axis: 0)))
        #expect(matches(try k.ops.softmaxBackward(x, dOutput: dy, axis: -1), try Reference.softmaxBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.logSoftmaxForward(x, axis: -1), try Reference.logSoftmaxForward(x)))
        #expect(matches(try k.ops.logSoftmaxBackward(x, dOutput: dy, axis: -1), try Reference.logSoftmaxBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.softmaxCrossEntropyForward(labels: labels, logits: x, axis: -1),
                        try Reference.softmaxCrossEntropyForward(labels: labels, logits: x)))
        #expect(matches(try k.ops.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss, axis: -1),
                        try Reference.softmaxCrossEntropyBackward(labels: labels, logits: x, dOutput: dLoss)))
        #expect(matches(try k.ops.sigmoidCrossEntropyForward(labels: labels, logits: x),
                        try Reference.sigmoidCrossEntropyForward(labels: labels, logits: x)))
        #expect(matches(try k.ops.sigmoidCrossEntropyBackward(labels: labels, logits: x, dOutput: dy),
                        try Reference.sigmoidCrossEntropyBackward(labels: labels, logits: x, dOutput: dy)))
        #expect(matches(try k.ops.meanSquaredErrorForward(prediction: x, target: labels),
                        try Reference.meanSquaredErrorForward(prediction: x, target: labels)))
        #expect(matches(try k.ops.meanSquaredErrorBackward(prediction: x, target: labels, dOutput: Tensor(scalar: 2)),
                        try Reference.meanSquaredErrorBackward(prediction: x, target: labels, dOutput: Tensor(scalar: 2))))
    }

    // MARK: - Shape and argument errors

    @Test func badShapesThrowNamingTheOp() throws {
        let x = try Tensor<Float>(zeros: [2, 3]), transposed = try Tensor<Float>(zeros: [3, 2])
        let scalar = Tensor<Float>(scalar: 1), perExample = try Tensor<Float>(zeros: [2])
        let calls: [(String, () throws -> Tensor<Float>)] = [
            ("softmax", { try Reference.softmaxForward(x, axis: 2) }),
            ("softmax", { try Reference.softmaxForward(x, axis: -3) }),
            ("softmax", { try Reference.softmaxForward(scalar) }),
            ("softmaxBackward", { try Reference.softmaxBackward(x, dOutput: transposed) }),
            ("softmaxBackward", { try Reference.softmaxBackward(x, dOutput: x, axis: 5) }),
            ("logSoftmax", { try Reference.logSoftmaxForward(x, axis: 2) }),
            ("logSoftmax", { try Reference.logSoftmaxForward(scalar) }),
            ("logSoftmaxBackward", { try Reference.logSoftmaxBackward(x, dOutput: perExample) }),
            ("softmaxCrossEntropy", { try Reference.softmaxCrossEntropyForward(labels: transposed, logits: x) }),
            ("softmaxCrossEntropy", { try Reference.softmaxCrossEntropyForward(labels: x, logits: x, axis: 2) }),
            ("softmaxCrossEntropy", { try Reference.softmaxCrossEntropyForward(labels: scalar, logits: scalar) }),
            ("softmaxCrossEntropyBackward", { try Reference.softmaxCrossEntropyBackward(labels: x, logits: x, dOutput: x) }),
            ("softmaxCrossEntropyBackward",  // axis 0 leaves [3], not [2]
             { try Reference.softmaxCrossEntropyBackward(labels: x, logits: x, dOutput: perExample, axis: 0) }),
            ("softmaxCrossEntropyBackward",
             { try Reference.softmaxCrossEntropyBackward(labels: transposed, logits: x, dOutput: perExample) }),
            ("sigmoidCrossEntropy", { try Reference.sigmoidCrossEntropyForward(labels: transposed, logits: x) }),
            ("sigmoidCrossEntropyBackward", { try Reference.sigmoidCrossEntropyBackward(labels: x, logits: x, dOutput: perExample) }),
            ("sigmoidCrossEntropyBackward", { try Reference.sigmoidCrossEntropyBackward(labels: transposed, logits: x, dOutput: x) }),
            ("meanSquaredError", { try Reference.meanSquaredErrorForward(prediction: x, target: transposed) }),
            ("meanSquaredError", { try Reference.meanSquaredErrorForward(prediction: try Tensor(zeros: [0, 3]),
                                                                         target: try Tensor(zeros: [0, 3])) }),
            ("meanSquaredErrorBackward", { try Reference.meanSquaredErrorBackward(prediction: x, target: x, dOutput: perExample) }),
            ("meanSquaredErrorBackward", { try Reference.meanSquaredErrorBackward(prediction: x, target: transposed,
                                                                                  dOutput: Tensor(scalar: 1)) }),
            ("softmaxCrossEntropy", { try Kernels(.fast).ops.softmaxCrossEntropyForward(labels: transposed, logits: x, axis: -1) }),
        ]
        for (op, call) in calls {
            do {
                let y = try call()
                Issue.record("\(op) accepted a bad call and returned \(describeShape(y.shape))")
            } catch {
                #expect("\(error)".hasPrefix(op + ":"), "expected an error from \(op), got: \(error)")
            }
        }
    }
}
