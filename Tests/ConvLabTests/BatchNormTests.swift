import ConvLab
import ConvLabTestSupport
import Testing

@Suite("batch norm: training statistics, large-mean data, gradients, inference, moving averages")
struct BatchNormTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var shape: [Int]
        var axes: [Int]
        var epsilon: Double
        var offset: Double = 0   // added to x: large-mean data
        var testDescription: String { "x\(describeShape(shape)) axes \(axes) eps \(epsilon) mean ~\(offset)" }

        var parameterShape: [Int] { Array(shape.dropFirst(axes.count)) }

        static let sweep: [Case] = [
            Case(shape: [2, 3, 4, 3], axes: [0, 1, 2], epsilon: 1e-3),     // tutorial #03's epsilon, NHWC
            Case(shape: [1, 3, 3, 2], axes: [0, 1, 2], epsilon: 1e-3),     // batch 1: statistics over H, W
            Case(shape: [6, 4], axes: [0], epsilon: 1e-5),                 // dense features
            Case(shape: [2, 3, 2, 2], axes: [0, 1], epsilon: 1e-3),        // parameters of shape [2, 2]
            Case(shape: [3, 2, 2, 2], axes: [0, 1, 2, 3], epsilon: 1e-3),  // one scalar mean/variance
            Case(shape: [4, 2, 2, 2], axes: [0, 1, 2], epsilon: 1e-3, offset: 1000),
        ]
    }

    // Hand-computed: one channel holding 1, 2, 3, 4: mean 2.5, biased variance
    // ((-1.5)² + (-0.5)² + 0.5² + 1.5²) / 4 = 1.25 (not the unbiased 5/3). With epsilon 2.75,
    // sqrt(var + eps) = 2, so with gamma 2 and beta 1: y = 2 (x - 2.5) / 2 + 1 = x - 1.5.
    @Test func handComputedChannel() throws {
        let x = try Tensor<Double>(shape: [4, 1, 1, 1], scalars: [1, 2, 3, 4])
        let result = try Reference.batchNormForward(x, gamma: Tensor([2]), beta: Tensor([1]), epsilon: 2.75)
        #expect(result.mean.scalars == [2.5])
        #expect(result.variance.scalars == [1.25])
        #expect(result.output.scalars == [-0.5, 0.5, 1.5, 2.5])
    }

    // Each channel of the output has mean beta and (biased) variance gamma² var / (var + eps).
    @Test(arguments: Case.sweep)
    func outputHasTheRequestedMoments(_ c: Case) throws {
        let x = randomTensor(c.shape, seed: 71, range: -2...3).map { $0 + c.offset }
        let gamma = randomTensor(c.parameterShape, seed: 72, range: 0.5...2)
        let beta = randomTensor(c.parameterShape, seed: 73)
        let result = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: c.epsilon, axes: c.axes)
        let again = try Reference.batchNormForward(result.output, gamma: try Tensor(shape: c.parameterShape, repeating: 1),
                                                   beta: try Tensor(zeros: c.parameterShape), epsilon: c.epsilon,
                                                   axes: c.axes)
        #expect(compare(again.mean, beta, Tolerance(atol: 1e-9)) == nil)
        let expectedVariance = try Tensor(shape: c.parameterShape, scalars: (0..<gamma.count).map { p in
            gamma.scalars[p] * gamma.scalars[p] * result.variance.scalars[p] / (result.variance.scalars[p] + c.epsilon)
        })
        #expect(compare(again.variance, expectedVariance, Tolerance(atol: 1e-9, rtol: 1e-9)) == nil)
    }

    // Large-mean data in Float (FORMAT.md: "large-mean data for batch_norm ... two-pass variance"):
    // x = 1000 + U(-1, 1). The two-pass variance stays within 1e-4 relative of the Double result
    // while the one-pass E[x²] - E[x]² in Float, shown here for contrast, is off by more than 1%:
    // x² ~ 1e6 has a Float rounding step of 0.06, a fifth of the variance itself.
    @Test func largeMeanVarianceIsStableInFloat() throws {
        let xDouble = randomTensor([16, 2, 2, 3], seed: 74).map { $0 + 1000 }
        let x = Tensor<Float>(xDouble)
        let gamma = try Tensor<Float>(shape: [3], repeating: 1), beta = try Tensor<Float>(zeros: [3])
        let result = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3)
        let exact = try Reference.batchNormForward(Tensor<Double>(x), gamma: Tensor<Double>(gamma),
                                                   beta: Tensor<Double>(beta), epsilon: 1e-3)
        #expect(compare(result.variance, exact.variance, Tolerance(atol: 0, rtol: 1e-4)) == nil)
        #expect(compare(result.mean, exact.mean, Tolerance(atol: 0, rtol: 1e-6)) == nil)
        // FORMAT.md's tolerance: abs 1e-4 + rel 1e-4.
        #expect(compare(result.output, exact.output, Tolerance(atol: 1e-4, rtol: 1e-4)) == nil)

        var worstOnePass = 0.0
        for channel in 0..<3 {
            var sum: Float = 0, sumOfSquares: Float = 0
            for e in stride(from: channel, to: x.count, by: 3) {
                sum += x.scalars[e]
                sumOfSquares += x.scalars[e] * x.scalars[e]
            }
            let m = Float(x.count / 3)
            let onePass = Double(sumOfSquares / m - (sum / m) * (sum / m))
            worstOnePass = max(worstOnePass, abs(onePass - exact.variance.scalars[channel]) / exact.variance.scalars[channel])
        }
        print("batch_norm large-mean variance, Float: one-pass relative error \(worstOnePass)")
        #expect(worstOnePass > 1e-2)
    }

    // Gradient checks: dx (through mean and variance), dgamma, dbeta. The op is smooth; expect
    // ~1e-9 relative (dx sums to zero per channel, so some entries are small), assert <= 1e-7.
    // For the mean-1000 case the step is the power of two 2^-17 so that x ± h is exact (with
    // h = 1e-5 the rounded step alone costs ~1.6e-7).
    @Test(arguments: Case.sweep)
    func gradients(_ c: Case) throws {
        let x = randomTensor(c.shape, seed: 75, range: -2...3).map { $0 + c.offset }
        let gamma = randomTensor(c.parameterShape, seed: 76, range: 0.5...2)
        let beta = randomTensor(c.parameterShape, seed: 77)
        let dy = randomTensor(c.shape, seed: 78)
        let forward = { (x: Tensor<Double>, gamma: Tensor<Double>, beta: Tensor<Double>) in
            try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: c.epsilon, axes: c.axes).output
        }
        let grads = try Reference.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: c.epsilon, axes: c.axes)
        expectGradient("batch_norm dInput \(c.testDescription)", analytic: grads.dInput,
                       numeric: try numericalGradient(of: { try forward($0, gamma, beta) }, at: x, upstream: dy,
                                                      h: c.offset == 0 ? 1e-5 : 0x1p-17),
                       input: x)
        expectGradient("batch_norm dGamma \(c.testDescription)", analytic: grads.dGamma,
                       numeric: try numericalGradient(of: { try forward(x, $0, beta) }, at: gamma, upstream: dy),
                       input: gamma)
        expectGradient("batch_norm dBeta \(c.testDescription)", analytic: grads.dBeta,
                       numeric: try numericalGradient(of: { try forward(x, gamma, $0) }, at: beta, upstream: dy),
                       input: beta)
    }

    // A backward pass that treats the batch mean and variance as constants (dx = dy * gamma /
    // sqrt(var + eps), the inference-mode derivative) must fail the training-mode check.
    @Test func ignoringTheStatisticsFails() throws {
        let c = Case.sweep[0]
        let x = randomTensor(c.shape, seed: 79)
        let gamma = randomTensor(c.parameterShape, seed: 80, range: 0.5...2)
        let dy = randomTensor(c.shape, seed: 81)
        let stats = try Reference.batchNormForward(x, gamma: gamma, beta: Tensor(zeros: c.parameterShape),
                                                   epsilon: c.epsilon)
        var wrong = dy
        wrong.withUnsafeMutableBufferPointer { buffer in
            for e in 0..<buffer.count {
                let p = e % gamma.count
                buffer[e] *= gamma.scalars[p] / (stats.variance.scalars[p] + c.epsilon).squareRoot()
            }
        }
        let numeric = try numericalGradient(of: {
            try Reference.batchNormForward($0, gamma: gamma, beta: Tensor(zeros: c.parameterShape), epsilon: c.epsilon).output
        }, at: x, upstream: dy)
        let report = gradientReport(analytic: wrong, numeric: numeric, input: x)
        print("gradcheck batch_norm dInput ignoring mean/variance (wrong): \(report.relativeError)")
        #expect(report.relativeError > GradientBound.clearlyWrong)
    }

    // Inference with the batch's own statistics reproduces the training output; with other
    // statistics it is the plain affine map of its formula.
    @Test func inferenceUsesTheGivenStatistics() throws {
        let x = randomTensor([3, 2, 2, 4], seed: 82)
        let gamma = randomTensor([4], seed: 83, range: 0.5...2), beta = randomTensor([4], seed: 84)
        let training = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3)
        let inference = try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: training.mean,
                                                         variance: training.variance, epsilon: 1e-3)
        #expect(compare(inference, training.output, Tolerance(atol: 1e-12)) == nil)

        // mean 1, variance 3, epsilon 1: y = gamma * (x - 1) / 2 + beta, element by element.
        let ones = try Tensor<Double>(shape: [4], repeating: 1), threes = try Tensor<Double>(shape: [4], repeating: 3)
        let y = try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: ones, variance: threes, epsilon: 1)
        var expectedScalars = [Double]()
        for e in 0..<x.count {
            let g: Double = gamma.scalars[e % 4], b: Double = beta.scalars[e % 4]
            expectedScalars.append(g * (x.scalars[e] - 1) / 2 + b)
        }
        let expected = try Tensor<Double>(shape: x.shape, scalars: expectedScalars)
        #expect(compare(y, expected, Tolerance(atol: 1e-15)) == nil)
    }

    // Float vs Double, forward (output, mean, variance) and backward, atol 1e-4 + rtol 1e-4
    // (FORMAT.md's tolerance; the large-mean case is the one that needs it).
    @Test(arguments: Case.sweep)
    func floatMatchesDouble(_ c: Case) throws {
        let x = Tensor<Float>(randomTensor(c.shape, seed: 85, range: -2...3).map { $0 + c.offset })
        let gamma = Tensor<Float>(randomTensor(c.parameterShape, seed: 86, range: 0.5...2))
        let beta = Tensor<Float>(randomTensor(c.parameterShape, seed: 87))
        let dy = Tensor<Float>(randomTensor(c.shape, seed: 88))
        let kernels = Kernels(.reference)
        let f = try kernels.ops.batchNormForward(x, gamma: gamma, beta: beta, epsilon: Float(c.epsilon), axes: c.axes)
        let d = try Reference.batchNormForward(Tensor<Double>(x), gamma: Tensor<Double>(gamma), beta: Tensor<Double>(beta),
                                               epsilon: c.epsilon, axes: c.axes)
        let tolerance = Tolerance(atol: 1e-4, rtol: 1e-4)
        #expect(compare(f.output, d.output, tolerance) == nil)
        #expect(compare(f.mean, d.mean, tolerance) == nil)
        #expect(compare(f.variance, d.variance, tolerance) == nil)
        let gf = try kernels.ops.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: Float(c.epsilon), axes: c.axes)
        let gd = try Reference.batchNormBackward(Tensor<Double>(x), gamma: Tensor<Double>(gamma), dOutput: Tensor<Double>(dy),
                                                 epsilon: c.epsilon, axes: c.axes)
        #expect(compare(gf.dInput, gd.dInput, tolerance) == nil)
        #expect(compare(gf.dGamma, gd.dGamma, tolerance) == nil)
        #expect(compare(gf.dBeta, gd.dBeta, tolerance) == nil)
        let yf = try kernels.ops.batchNormInference(x, gamma: gamma, beta: beta, mean: f.mean, variance: f.variance,
                                                epsilon: Float(c.epsilon))
        #expect(compare(yf, d.output, tolerance) == nil)
    }

    // TF's assign_moving_average, decay 0.5, from 0, fed 4 then 8:
    //   zero_debias=False: 0.5*0 + 0.5*4 = 2, then 0.5*2 + 0.5*8 = 5.
    //   zero_debias=True:  biased 2 / (1 - 0.5) = 4, then biased 5 / (1 - 0.25) = 20/3.
    @Test func movingAveragesByHand() throws {
        var plain = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.5, zeroDebias: false)
        var debiased = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.5, zeroDebias: true)
        for (value, plainWant, debiasedWant) in [(4.0, 2.0, 4.0), (8.0, 5.0, 20.0 / 3)] {
            try plain.update(batchMean: Tensor([value]), batchVariance: Tensor([2 * value]))
            try debiased.update(batchMean: Tensor([value]), batchVariance: Tensor([2 * value]))
            #expect(plain.mean.scalars == [plainWant] && plain.variance.scalars == [2 * plainWant])
            #expect(abs(debiased.mean.scalars[0] - debiasedWant) <= 1e-15)
            #expect(abs(debiased.variance.scalars[0] - 2 * debiasedWant) <= 1e-14)
        }
        #expect(debiased.step == 2)
    }

    // tutorial #03: decay 0.999, zero_debias=True, both averages initialised to 0. Fed the same
    // statistics c for t steps, the debiased average is c from the first step, while the plain
    // one is only c (1 - 0.999^t), under 1% of c after 10 steps.
    @Test func tutorialDecayWithAndWithoutDebias() throws {
        var debiased = try BatchNormMovingAverages<Float>(shape: [2])
        var plain = try BatchNormMovingAverages<Float>(shape: [2], decay: 0.999, zeroDebias: false)
        let mean = Tensor<Float>([3, -2]), variance = Tensor<Float>([0.5, 4])
        for _ in 0..<10 {
            try debiased.update(batchMean: mean, batchVariance: variance)
            try plain.update(batchMean: mean, batchVariance: variance)
            #expect(compare(debiased.mean, mean, Tolerance(atol: 0, rtol: 1e-4)) == nil)
            #expect(compare(debiased.variance, variance, Tolerance(atol: 0, rtol: 1e-4)) == nil)
        }
        let factor = 1 - Double.pow(0.999, 10)
        #expect(compare(plain.mean, mean.map { $0 * Float(factor) }, Tolerance(atol: 0, rtol: 1e-4)) == nil)
        #expect(factor < 0.01)
    }

    @Test func shapeErrors() throws {
        let x = try Tensor<Float>(zeros: [2, 4, 4, 3])
        let c3 = try Tensor<Float>(zeros: [3]), c4 = try Tensor<Float>(zeros: [4])
        let message = expectShapeError(op: "batchNorm") {
            _ = try Reference.batchNormForward(x, gamma: c4, beta: c3, epsilon: 1e-3)
        }
        #expect(message == "batchNorm: gamma is [4] but x [2,4,4,3] needs [3]")
        expectShapeError(op: "batchNorm", containing: "beta is [4]") {
            _ = try Reference.batchNormForward(x, gamma: c3, beta: c4, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNorm", containing: "leading axes") {
            _ = try Reference.batchNormForward(x, gamma: c3, beta: c3, epsilon: 1e-3, axes: [0, 2])
        }
        expectShapeError(op: "batchNorm", containing: "leading axes") {
            _ = try Reference.batchNormForward(try Tensor<Float>(zeros: [5, 3]), gamma: c3, beta: c3, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNorm", containing: "leading axes") {
            _ = try Reference.batchNormForward(x, gamma: c3, beta: c3, epsilon: 1e-3, axes: [])
        }
        expectShapeError(op: "batchNorm", containing: "no elements") {
            _ = try Reference.batchNormForward(try Tensor<Float>(zeros: [0, 4, 4, 3]), gamma: c3, beta: c3, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNorm", containing: "epsilon") {
            _ = try Reference.batchNormForward(x, gamma: c3, beta: c3, epsilon: 0)
        }
        expectShapeError(op: "batchNormBackward", containing: "dOutput is [2,4,4,4]") {
            _ = try Reference.batchNormBackward(x, gamma: c3, dOutput: try Tensor<Float>(zeros: [2, 4, 4, 4]), epsilon: 1e-3)
        }
        expectShapeError(op: "batchNormBackward", containing: "gamma is [4]") {
            _ = try Reference.batchNormBackward(x, gamma: c4, dOutput: x, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNormInference", containing: "trailing axes") {
            _ = try Reference.batchNormInference(x, gamma: c4, beta: c4, mean: c4, variance: c4, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNormInference", containing: "variance is [4]") {
            _ = try Reference.batchNormInference(x, gamma: c3, beta: c3, mean: c3, variance: c4, epsilon: 1e-3)
        }
        expectShapeError(op: "batchNormInference", containing: "not positive") {
            _ = try Reference.batchNormInference(x, gamma: c3, beta: c3, mean: c3, variance: Tensor([-1, 0, 0]),
                                                 epsilon: 1e-3)
        }
        expectShapeError(op: "batchNormMovingAverages", containing: "decay") {
            _ = try BatchNormMovingAverages<Float>(shape: [3], decay: 1)
        }
        var averages = try BatchNormMovingAverages<Float>(shape: [3])
        expectShapeError(op: "batchNormMovingAverages", containing: "batchVariance is [4]") {
            try averages.update(batchMean: c3, batchVariance: c4)
        }
    }
}
