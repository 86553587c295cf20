import ConvLab
import ConvLabTestSupport
import Testing

/// An elementwise activation as (name, forward, backward) in Double and Float, for sweeps.
struct ActivationOp: CustomStringConvertible, Sendable {
    var name: String
    /// True for ReLU-like ops with a kink at 0: gradient bound 1e-5 instead of 1e-7.
    var hasKink: Bool
    var forward: @Sendable (Tensor<Double>) throws -> Tensor<Double>
    var backward: @Sendable (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    var forwardFloat: @Sendable (Tensor<Float>) throws -> Tensor<Float>
    var backwardFloat: @Sendable (Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>
    var description: String { name }

    static let all: [ActivationOp] = [
        ActivationOp(name: "relu", hasKink: true,
                     forward: { try Reference.reluForward($0) },
                     backward: { try Reference.reluBackward($0, dOutput: $1) },
                     forwardFloat: { try Reference.reluForward($0) },
                     backwardFloat: { try Reference.reluBackward($0, dOutput: $1) }),
        ActivationOp(name: "leakyReLU", hasKink: true,
                     forward: { try Reference.leakyReLUForward($0, alpha: 0.2) },
                     backward: { try Reference.leakyReLUBackward($0, alpha: 0.2, dOutput: $1) },
                     forwardFloat: { try Reference.leakyReLUForward($0, alpha: 0.2) },
                     backwardFloat: { try Reference.leakyReLUBackward($0, alpha: 0.2, dOutput: $1) }),
        ActivationOp(name: "elu", hasKink: true,
                     forward: { try Reference.eluForward($0) },
                     backward: { try Reference.eluBackward($0, dOutput: $1) },
                     forwardFloat: { try Reference.eluForward($0) },
                     backwardFloat: { try Reference.eluBackward($0, dOutput: $1) }),
        ActivationOp(name: "sigmoid", hasKink: false,
                     forward: { try Reference.sigmoidForward($0) },
                     backward: { try Reference.sigmoidBackward($0, dOutput: $1) },
                     forwardFloat: { try Reference.sigmoidForward($0) },
                     backwardFloat: { try Reference.sigmoidBackward($0, dOutput: $1) }),
        ActivationOp(name: "tanh", hasKink: false,
                     forward: { try Reference.tanhForward($0) },
                     backward: { try Reference.tanhBackward($0, dOutput: $1) },
                     forwardFloat: { try Reference.tanhForward($0) },
                     backwardFloat: { try Reference.tanhBackward($0, dOutput: $1) }),
        ActivationOp(name: "softplus", hasKink: false,
                     forward: { try Reference.softplusForward($0) },
                     backward: { try Reference.softplusBackward($0, dOutput: $1) },
                     forwardFloat: { try Reference.softplusForward($0) },
                     backwardFloat: { try Reference.softplusBackward($0, dOutput: $1) }),
    ]
}

/// Values in [-3, -0.05] and [0.05, 3]: both sides of every kink, never within a step of it.
private func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    randomTensor(shape, seed: seed, range: -1...1).map { u in (u < 0 ? -1 : 1) * (0.05 + 2.95 * abs(u)) }
}

/// Shuffled distinct values 0.05 apart, so no maxout group ties or swaps its maximum under h.
private func distinctValues(_ shape: [Int], seed: UInt64) throws -> Tensor<Double> {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Double($0 - count / 2) * 0.05 + 0.02 }
    var generator = SeededGenerator(seed: seed)
    values.shuffle(using: &generator)
    return try Tensor(shape: shape, scalars: values)
}

@Suite("activations and maxout: values, kinks, gradient checks, stability, errors")
struct ActivationTests {
    // MARK: - Values and TF's derivative at the kinks

    // FORMAT.md's relu example: x = [-1.5, 0, 2], dy = [0.5, -1, 2] -> y = [0, 0, 2], dx = [0, 0, 2]
    // (the derivative at exactly 0 is 0, as TF).
    @Test func reluExampleAndKink() throws {
        let x = Tensor<Double>([-1.5, 0, 2]), dy = Tensor<Double>([0.5, -1, 2])
        #expect(try Reference.reluForward(x).scalars == [0, 0, 2])
        #expect(try Reference.reluBackward(x, dOutput: dy).scalars == [0, 0, 2])
    }

    // Leaky ReLU: alpha * x below 0, and the derivative at exactly 0 is alpha (TF).
    @Test func leakyReLUValuesAndKink() throws {
        let x = Tensor<Double>([-2, 0, 3]), dy = Tensor<Double>([1, 1, 1])
        #expect(try Reference.leakyReLUForward(x, alpha: 0.25).scalars == [-0.5, 0, 3])
        #expect(try Reference.leakyReLUBackward(x, alpha: 0.25, dOutput: dy).scalars == [0.25, 0.25, 1])
        #expect(try Reference.leakyReLUForward(x).scalars == [-0.4, 0, 3])  // TF's default alpha 0.2
    }

    // ELU: exp(x) - 1 below 0; the derivative at exactly 0 is 1 (TF), exp(x) below.
    @Test func eluValuesAndKink() throws {
        let x = Tensor<Double>([-1, 0, 2]), dy = Tensor<Double>([2, 2, 2])
        let y = try Reference.eluForward(x)
        #expect(abs(y.scalars[0] - (Double.exp(-1) - 1)) < 1e-15)
        #expect(y.scalars[1] == 0 && y.scalars[2] == 2)
        let dx = try Reference.eluBackward(x, dOutput: dy)
        #expect(abs(dx.scalars[0] - 2 * Double.exp(-1)) < 1e-15)
        #expect(dx.scalars[1] == 2 && dx.scalars[2] == 2)
    }

    // sigmoid(0) = 1/2, sigmoid'(0) = 1/4; tanh'(0) = 1; softplus(0) = log 2, softplus'(0) = 1/2.
    @Test func smoothActivationsAtZero() throws {
        let zero = Tensor<Double>([0]), one = Tensor<Double>([1])
        #expect(try Reference.sigmoidForward(zero).scalars == [0.5])
        #expect(try Reference.sigmoidBackward(zero, dOutput: one).scalars == [0.25])
        #expect(try Reference.tanhBackward(zero, dOutput: one).scalars == [1])
        #expect(abs(try Reference.softplusForward(zero).scalars[0] - Double.log(2)) < 1e-15)
        #expect(try Reference.softplusBackward(zero, dOutput: one).scalars == [0.5])
    }

    // Logits of +-1000: no exp overflows, and the limits are exact in both precisions.
    @Test func largeInputsStayFinite() throws {
        let x = Tensor<Double>([-1000, -30, 30, 1000])
        let sigmoid = try Reference.sigmoidForward(x)
        #expect(sigmoid.scalars[0] == 0 && sigmoid.scalars[3] == 1)
        #expect(abs(sigmoid.scalars[1] - 9.357622968839e-14) < 1e-24)
        let softplus = try Reference.softplusForward(x)
        #expect(softplus.scalars[0] == 0 && softplus.scalars[3] == 1000)
        #expect(abs(softplus.scalars[2] - 30) < 1e-12)
        let xf = Tensor<Float>(x)
        for op in ActivationOp.all {
            let y = try op.forwardFloat(xf), dx = try op.backwardFloat(xf, Tensor<Float>(shape: [4], repeating: 1))
            #expect(y.scalars.allSatisfy { $0.isFinite }, "\(op) forward at +-1000: \(y)")
            #expect(dx.scalars.allSatisfy { $0.isFinite }, "\(op) backward at +-1000: \(dx)")
        }
        let softplusFloat = try Reference.softplusForward(xf)
        #expect(softplusFloat.scalars[0] == 0 && softplusFloat.scalars[3] == 1000)
        #expect(try Reference.sigmoidForward(xf).scalars[3] == 1)
    }

    // MARK: - Gradient checks (Double)

    // Expected: ~1e-11 for the piecewise-linear ReLUs (exact slopes), ~1e-10 for the smooth
    // ops (h^2 truncation); asserted <= 1e-5 where a kink exists and <= 1e-7 for smooth ops.
    @Test(arguments: ActivationOp.all)
    func gradientCheck(op: ActivationOp) throws {
        var worst = 0.0
        for (k, shape) in [[7], [2, 3, 4], [2, 3, 2, 3]].enumerated() {
            let x = awayFromZero(shape, seed: UInt64(10 + k))
            let dy = randomTensor(shape, seed: UInt64(20 + k))
            let analytic = try op.backward(x, dy)
            let numeric = try numericalGradient(of: op.forward, at: x, upstream: dy)
            let report = gradientReport(analytic: analytic, numeric: numeric, input: x)
            worst = max(worst, report.relativeError)
            #expect(report.relativeError <= (op.hasKink ? 1e-5 : 1e-7), "\(op) \(describeShape(shape)): \(report)")
        }
        print("[gradcheck] \(op.name)Backward: worst relative error \(worst)")
    }

    // Float agrees with Double on [-3, 3] within 1e-6 absolute + 1e-5 relative (Float's
    // expf/tanhf are accurate to a few ulps, ~1e-7 relative).
    @Test(arguments: ActivationOp.all)
    func floatAgreesWithDouble(op: ActivationOp) throws {
        let x = awayFromZero([3, 5, 2], seed: 31), dy = randomTensor([3, 5, 2], seed: 32)
        let xf = Tensor<Float>(x), dyf = Tensor<Float>(dy)
        let tolerance = Tolerance(atol: 1e-6, rtol: 1e-5)
        // Compare against Double evaluated at the Float-rounded inputs, so only the arithmetic differs.
        let xr = Tensor<Double>(xf), dyr = Tensor<Double>(dyf)
        let forward = compare(try op.forwardFloat(xf), try op.forward(xr), tolerance)
        let backward = compare(try op.backwardFloat(xf, dyf), try op.backward(xr, dyr), tolerance)
        #expect(forward == nil, "\(op) forward: \(forward?.description ?? "")")
        #expect(backward == nil, "\(op) backward: \(backward?.description ?? "")")
    }

    // The Kernels switch gives the reference's results on .reference and the fast twins' on
    // .fast, which agree with them to a few ulps (FastCrossCheckOpsTests sweeps them).
    @Test(arguments: KernelPath.allCases)
    func kernelsMatchReference(path: KernelPath) throws {
        let k = Kernels(path)
        func matches(_ actual: Tensor<Float>, _ expected: Tensor<Float>) -> Bool {
            path == .reference ? actual == expected : compare(actual, expected, Tolerance(atol: 1e-6, rtol: 1e-6)) == nil
        }
        let x = Tensor<Float>(awayFromZero([2, 6], seed: 41)), dy = Tensor<Float>(randomTensor([2, 6], seed: 42))
        #expect(matches(try k.ops.reluForward(x), try Reference.reluForward(x)))
        #expect(matches(try k.ops.reluBackward(x, dOutput: dy), try Reference.reluBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.leakyReLUForward(x, alpha: 0.1), try Reference.leakyReLUForward(x, alpha: 0.1)))
        #expect(matches(try k.ops.leakyReLUBackward(x, alpha: 0.1, dOutput: dy),
                        try Reference.leakyReLUBackward(x, alpha: 0.1, dOutput: dy)))
        #expect(matches(try k.ops.eluForward(x), try Reference.eluForward(x)))
        #expect(matches(try k.ops.eluBackward(x, dOutput: dy), try Reference.eluBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.sigmoidForward(x), try Reference.sigmoidForward(x)))
        #expect(matches(try k.ops.sigmoidBackward(x, dOutput: dy), try Reference.sigmoidBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.tanhForward(x), try Reference.tanhForward(x)))
        #expect(matches(try k.ops.tanhBackward(x, dOutput: dy), try Reference.tanhBackward(x, dOutput: dy)))
        #expect(matches(try k.ops.softplusForward(x), try Reference.softplusForward(x)))
        #expect(matches(try k.ops.softplusBackward(x, dOutput: dy), try Reference.softplusBackward(x, dOutput: dy)))
        let dyMaxout = Tensor<Float>(randomTensor([2, 3], seed: 43))
        #expect(matches(try k.ops.maxoutForward(x, units: 3), try Reference.maxoutForward(x, units: 3)))
        #expect(matches(try k.ops.maxoutBackward(x, units: 3, dOutput: dyMaxout),
                        try Reference.maxoutBackward(x, units: 3, dOutput: dyMaxout)))
    }

    // MARK: - Maxout

    // TF contrib maxout groups consecutive channels: [1, 5, 3, 2] with 2 units is
    // max(1, 5), max(3, 2) = [5, 3]; 1 unit is the overall max; 4 units is the identity.
    @Test func maxoutGroupsConsecutiveChannels() throws {
        let x = try Tensor<Double>([[1, 5, 3, 2], [-1, -2, 8, 9]])
        #expect(try Reference.maxoutForward(x, units: 2).description == "[[5, 3], [-1, 9]]")
        #expect(try Reference.maxoutForward(x, units: 1).description == "[[5], [9]]")
        #expect(try Reference.maxoutForward(x, units: 4) == x)
        let image = try Tensor<Double>(shape: [1, 1, 2, 6], scalars: [0, 1, 2, 3, 4, 5, 6, 11, 10, 9, 8, 7])
        #expect(try Reference.maxoutForward(image, units: 3).scalars == [1, 3, 5, 11, 10, 8])
    }

    // Ties share the gradient equally, as TF's reduce_max gradient does.
    @Test func maxoutTiesShareTheGradient() throws {
        let x = try Tensor<Double>([[3, 3, 1, 2]])
        let dy = try Tensor<Double>([[1, 4]])
        #expect(try Reference.maxoutBackward(x, units: 2, dOutput: dy).scalars == [0.5, 0.5, 0, 4])
    }

    // Maxout is piecewise linear: expected ~1e-11; asserted <= 1e-5 (a kink op).
    @Test func maxoutGradientCheck() throws {
        var worst = 0.0
        for (k, (shape, units)) in [([4, 6], 2), ([4, 6], 3), ([2, 3, 2, 8], 4), ([5], 1), ([3, 4], 4)].enumerated() {
            let x = try distinctValues(shape, seed: UInt64(50 + k))
            let y = try Reference.maxoutForward(x, units: units)
            let dy = randomTensor(y.shape, seed: UInt64(60 + k))
            let analytic = try Reference.maxoutBackward(x, units: units, dOutput: dy)
            let numeric = try numericalGradient(of: { try Reference.maxoutForward($0, units: units) }, at: x, upstream: dy)
            let report = gradientReport(analytic: analytic, numeric: numeric, input: x)
            worst = max(worst, report.relativeError)
            #expect(report.relativeError <= 1e-5, "maxout \(describeShape(shape)) units \(units): \(report)")
        }
        print("[gradcheck] maxoutBackward: worst relative error \(worst)")

        let x = try distinctValues([3, 8], seed: 70), dy = randomTensor([3, 2], seed: 71)
        let float = try Reference.maxoutBackward(Tensor<Float>(x), units: 2, dOutput: Tensor<Float>(dy))
        let double = try Reference.maxoutBackward(x, units: 2, dOutput: dy)
        let mismatch = compare(float, double, Tolerance(atol: 1e-6, rtol: 1e-6))
        #expect(mismatch == nil, "maxout Float vs Double: \(mismatch?.description ?? "")")
    }

    // MARK: - Shape and argument errors

    @Test func badShapesThrowNamingTheOp() throws {
        let x = try Tensor<Float>(zeros: [2, 3]), wrong = try Tensor<Float>(zeros: [3, 2])
        let scalar = Tensor<Float>(scalar: 1)
        let calls: [(String, () throws -> Tensor<Float>)] = [
            ("reluBackward", { try Reference.reluBackward(x, dOutput: wrong) }),
            ("leakyReLUBackward", { try Reference.leakyReLUBackward(x, alpha: 0.2, dOutput: wrong) }),
            ("leakyReLUBackward", { try Reference.leakyReLUBackward(x, alpha: .infinity, dOutput: x) }),
            ("leakyReLU", { try Reference.leakyReLUForward(x, alpha: .nan) }),
            ("eluBackward", { try Reference.eluBackward(x, dOutput: wrong) }),
            ("sigmoidBackward", { try Reference.sigmoidBackward(x, dOutput: wrong) }),
            ("tanhBackward", { try Reference.tanhBackward(x, dOutput: try Tensor(zeros: [6])) }),
            ("softplusBackward", { try Reference.softplusBackward(x, dOutput: scalar) }),
            ("maxout", { try Reference.maxoutForward(x, units: 2) }),       // 3 channels, 2 units
            ("maxout", { try Reference.maxoutForward(x, units: 0) }),
            ("maxout", { try Reference.maxoutForward(x, units: -1) }),
            ("maxout", { try Reference.maxoutForward(scalar, units: 1) }),
            ("maxout", { try Reference.maxoutForward(try Tensor(zeros: [2, 0]), units: 1) }),
            ("maxoutBackward", { try Reference.maxoutBackward(x, units: 3, dOutput: wrong) }),
            ("maxoutBackward", { try Reference.maxoutBackward(x, units: 4, dOutput: x) }),
            ("reluBackward", { try Kernels(.fast).ops.reluBackward(x, dOutput: wrong) }),
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
