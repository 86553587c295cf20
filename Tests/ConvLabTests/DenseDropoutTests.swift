import ConvLab
import ConvLabTestSupport
import Testing

@Suite("dense, bias add and dropout: worked examples, gradient checks, errors")
struct DenseDropoutTests {
    // MARK: - Dense

    // lab 11-0: "y0 = x0*w00 + x1*w01 + x2*w02 + x3*w03", "y1 = x0*w10 + x1*w11 + x2*w12 + x3*w13".
    // The lab indexes w[output][input]; ConvLab stores weights [In, Out], so w_oi is weights[i, o].
    @Test func labDenseFormula() throws {
        let x = try Tensor<Double>([[1, 2, 3, 4]])
        let w = [[1.0, 0, -1, 2],    // w00 w01 w02 w03
                 [0.5, 0.5, 0.5, 0.5]]  // w10 w11 w12 w13
        let weights = try Tensor<Double>((0..<4).map { i in [w[0][i], w[1][i]] })
        let y = try Reference.denseForward(x, weights: weights, bias: Tensor([0, 0]))
        // y0 = 1*1 + 2*0 + 3*(-1) + 4*2 = 6; y1 = 0.5 * (1 + 2 + 3 + 4) = 5
        #expect(y.description == "[[6, 5]]")
        let withBias = try Reference.denseForward(x, weights: weights, bias: Tensor([10, -5]))
        #expect(withBias.description == "[[16, 0]]")
    }

    // Dense is linear in each argument: expected ~1e-10; asserted <= 1e-7.
    @Test func denseGradientChecks() throws {
        var worst = (input: 0.0, weights: 0.0, bias: 0.0)
        for (k, (batch, inputs, outputs)) in [(1, 1, 1), (3, 4, 2), (2, 5, 7), (4, 3, 3)].enumerated() {
            let seed = UInt64(10 * k)
            let x = randomTensor([batch, inputs], seed: seed + 1)
            let w = randomTensor([inputs, outputs], seed: seed + 2)
            let b = randomTensor([outputs], seed: seed + 3)
            let dy = randomTensor([batch, outputs], seed: seed + 4)
            let grads = try Reference.denseBackward(x, weights: w, dOutput: dy)
            let dInput = gradientReport(analytic: grads.dInput,
                                        numeric: try numericalGradient(of: { try Reference.denseForward($0, weights: w, bias: b) }, at: x, upstream: dy),
                                        input: x)
            let dWeights = gradientReport(analytic: grads.dWeights,
                                          numeric: try numericalGradient(of: { try Reference.denseForward(x, weights: $0, bias: b) }, at: w, upstream: dy),
                                          input: w)
            let dBias = gradientReport(analytic: grads.dBias,
                                       numeric: try numericalGradient(of: { try Reference.denseForward(x, weights: w, bias: $0) }, at: b, upstream: dy),
                                       input: b)
            worst = (max(worst.input, dInput.relativeError), max(worst.weights, dWeights.relativeError),
                     max(worst.bias, dBias.relativeError))
            let shapes = "[\(batch),\(inputs)] @ [\(inputs),\(outputs)]"
            #expect(dInput.relativeError <= 1e-7, "dense dInput \(shapes): \(dInput)")
            #expect(dWeights.relativeError <= 1e-7, "dense dWeights \(shapes): \(dWeights)")
            #expect(dBias.relativeError <= 1e-7, "dense dBias \(shapes): \(dBias)")
        }
        print("[gradcheck] denseBackward: worst relative error dInput \(worst.input), dWeights \(worst.weights), dBias \(worst.bias)")
    }

    // A transposed weight gradient (dWeights = dy^T @ x, shaped [Out, In] and read as [In, Out])
    // must fail the same check wherever In != Out or the matrix is not symmetric.
    @Test func transposedWeightGradientFails() throws {
        let x = randomTensor([3, 4], seed: 91), w = randomTensor([4, 4], seed: 92)
        let b = randomTensor([4], seed: 93), dy = randomTensor([3, 4], seed: 94)
        let right = try Reference.denseBackward(x, weights: w, dOutput: dy).dWeights
        var transposed = right
        for i in 0..<4 { for o in 0..<4 { transposed[i, o] = right[o, i] } }
        let numeric = try numericalGradient(of: { try Reference.denseForward(x, weights: $0, bias: b) }, at: w, upstream: dy)
        #expect(gradientReport(analytic: right, numeric: numeric, input: w).relativeError <= 1e-7)
        #expect(gradientReport(analytic: transposed, numeric: numeric, input: w).relativeError > 1e-2)
    }

    // MARK: - Bias add

    @Test func biasAddBroadcastsOverLeadingAxes() throws {
        let x = try Tensor<Double>(shape: [1, 2, 2, 3], repeating: 1)
        let y = try Reference.biasAddForward(x, bias: Tensor([1, 2, 3]))
        #expect(y.scalars == [2, 3, 4, 2, 3, 4, 2, 3, 4, 2, 3, 4])
        let grads = try Reference.biasAddBackward(dOutput: y)
        #expect(grads.dInput == y)
        #expect(grads.dBias.scalars == [8, 12, 16])
    }

    // Bias add is linear: expected ~1e-10; asserted <= 1e-7.
    @Test func biasAddGradientChecks() throws {
        var worst = (input: 0.0, bias: 0.0)
        for (k, shape) in [[5], [3, 4], [2, 3, 2, 3]].enumerated() {
            let x = randomTensor(shape, seed: UInt64(100 + k))
            let b = randomTensor([shape.last!], seed: UInt64(110 + k))
            let dy = randomTensor(shape, seed: UInt64(120 + k))
            let grads = try Reference.biasAddBackward(dOutput: dy)
            let dInput = gradientReport(analytic: grads.dInput,
                                        numeric: try numericalGradient(of: { try Reference.biasAddForward($0, bias: b) }, at: x, upstream: dy),
                                        input: x)
            let dBias = gradientReport(analytic: grads.dBias,
                                       numeric: try numericalGradient(of: { try Reference.biasAddForward(x, bias: $0) }, at: b, upstream: dy),
                                       input: b)
            worst = (max(worst.input, dInput.relativeError), max(worst.bias, dBias.relativeError))
            #expect(dInput.relativeError <= 1e-7, "biasAdd dInput \(describeShape(shape)): \(dInput)")
            #expect(dBias.relativeError <= 1e-7, "biasAdd dBias \(describeShape(shape)): \(dBias)")
        }
        print("[gradcheck] biasAddBackward: worst relative error dInput \(worst.input), dBias \(worst.bias)")
    }

    // MARK: - Dropout

    // The mask holds 0 or 1/keep, the output is x * mask, about `keep` of the elements survive,
    // and the same seed gives the same mask.
    @Test func dropoutIsInvertedAndSeeded() throws {
        let x = try Tensor<Double>(shape: [100, 100], repeating: 2)
        var generator = SeededGenerator(seed: 42)
        let (output, mask) = try Reference.dropoutForward(x, keepProbability: 0.8, generator: &generator)
        #expect(mask.scalars.allSatisfy { $0 == 0 || $0 == 1 / 0.8 })
        for k in 0..<x.count { #expect(output.scalars[k] == 2 * mask.scalars[k]) }
        let kept = Double(mask.scalars.filter { $0 != 0 }.count) / Double(x.count)
        // 10,000 Bernoulli(0.8) draws: standard deviation 0.004, so +-0.02 is five sigma.
        #expect(abs(kept - 0.8) < 0.02, "kept fraction \(kept)")
        // Inverted dropout preserves the mean: 2 * kept / 0.8 is within 2.5% of 2.
        #expect(abs(output.sum() / Double(x.count) - 2) < 0.05)

        var again = SeededGenerator(seed: 42)
        #expect(try Reference.dropoutForward(x, keepProbability: 0.8, generator: &again).mask == mask)
        var other = SeededGenerator(seed: 43)
        #expect(try Reference.dropoutForward(x, keepProbability: 0.8, generator: &other).mask != mask)

        // The generator moved on: a second call draws a different mask.
        #expect(try Reference.dropoutForward(x, keepProbability: 0.8, generator: &generator).mask != mask)

        // keep = 1 keeps everything unscaled.
        var all = SeededGenerator(seed: 1)
        let identity = try Reference.dropoutForward(x, keepProbability: 1, generator: &all)
        #expect(identity.output == x)
    }

    // Float and Double draw the same mask from the same seed (keep 0.5 is exact in both).
    @Test func dropoutFloatMatchesDouble() throws {
        let x = randomTensor([4, 6, 5], seed: 5)
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        let double = try Reference.dropoutForward(x, keepProbability: 0.5, generator: &g1)
        let float = try Reference.dropoutForward(Tensor<Float>(x), keepProbability: 0.5, generator: &g2)
        #expect(float.mask.scalars.map(Double.init) == double.mask.scalars)
        #expect(compare(float.output, double.output, Tolerance(atol: 1e-6, rtol: 1e-6)) == nil)
    }

    // The backward pass reuses the forward mask: with the generator re-seeded for every probe,
    // the forward is the fixed linear map x -> x * mask, and its numerical gradient must equal
    // dropoutBackward(dy, mask). Linear: expected ~1e-10; asserted <= 1e-7.
    @Test func dropoutGradientCheckUsesTheSameMask() throws {
        var worst = 0.0
        for (k, keep) in [0.5, 0.8, 1.0].enumerated() {
            let x = randomTensor([3, 4, 5], seed: UInt64(200 + k)), dy = randomTensor([3, 4, 5], seed: UInt64(210 + k))
            let seed = UInt64(220 + k)
            func forward(_ input: Tensor<Double>) throws -> Tensor<Double> {
                var generator = SeededGenerator(seed: seed)
                return try Reference.dropoutForward(input, keepProbability: keep, generator: &generator).output
            }
            var generator = SeededGenerator(seed: seed)
            let mask = try Reference.dropoutForward(x, keepProbability: keep, generator: &generator).mask
            let report = gradientReport(analytic: try Reference.dropoutBackward(dOutput: dy, mask: mask),
                                        numeric: try numericalGradient(of: forward, at: x, upstream: dy), input: x)
            worst = max(worst, report.relativeError)
            #expect(report.relativeError <= 1e-7, "dropout keep \(keep): \(report)")

            // A fresh mask (another seed) is not the gradient of this forward pass.
            if keep < 1 {
                var otherGenerator = SeededGenerator(seed: seed + 1000)
                let otherMask = try Reference.dropoutForward(x, keepProbability: keep, generator: &otherGenerator).mask
                let wrong = gradientReport(analytic: try Reference.dropoutBackward(dOutput: dy, mask: otherMask),
                                           numeric: try numericalGradient(of: forward, at: x, upstream: dy), input: x)
                #expect(wrong.relativeError > 1e-2)
            }
        }
        print("[gradcheck] dropoutBackward: worst relative error \(worst)")
    }

    // MARK: - Float agrees with Double; Kernels reach the reference

    // Dense sums up to 7 products of values in [-1, 1]: Float within 1e-5 absolute.
    @Test func denseAndBiasAddFloatAgreeWithDouble() throws {
        let x = randomTensor([4, 7], seed: 300), w = randomTensor([7, 5], seed: 301)
        let b = randomTensor([5], seed: 302), dy = randomTensor([4, 5], seed: 303)
        let xf = Tensor<Float>(x), wf = Tensor<Float>(w), bf = Tensor<Float>(b), dyf = Tensor<Float>(dy)
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)
        let xr = Tensor<Double>(xf), wr = Tensor<Double>(wf), br = Tensor<Double>(bf), dyr = Tensor<Double>(dyf)
        let gf = try Reference.denseBackward(xf, weights: wf, dOutput: dyf)
        let gd = try Reference.denseBackward(xr, weights: wr, dOutput: dyr)
        let pairs: [(String, Tensor<Float>, Tensor<Double>)] = [
            ("dense", try Reference.denseForward(xf, weights: wf, bias: bf), try Reference.denseForward(xr, weights: wr, bias: br)),
            ("dense dInput", gf.dInput, gd.dInput), ("dense dWeights", gf.dWeights, gd.dWeights),
            ("dense dBias", gf.dBias, gd.dBias),
            ("biasAdd", try Reference.biasAddForward(dyf, bias: bf), try Reference.biasAddForward(dyr, bias: br)),
            ("biasAdd dBias", try Reference.biasAddBackward(dOutput: dyf).dBias, try Reference.biasAddBackward(dOutput: dyr).dBias),
        ]
        for (name, float, double) in pairs {
            let mismatch = compare(float, double, tolerance)
            #expect(mismatch == nil, "\(name): \(mismatch?.description ?? "")")
        }
    }

    @Test(arguments: KernelPath.allCases)
    func kernelsMatchReference(path: KernelPath) throws {
        let k = Kernels(path)
        let x = Tensor<Float>(randomTensor([2, 3], seed: 1)), w = Tensor<Float>(randomTensor([3, 4], seed: 2))
        let b = Tensor<Float>(randomTensor([4], seed: 3)), dy = Tensor<Float>(randomTensor([2, 4], seed: 4))
        // The reference path is the reference itself (bit for bit); the fast GEMM sums in another
        // order, so it agrees to Float rounding: 3-term dot products of values in [-1, 1].
        let tolerance = path == .reference ? Tolerance.exact : Tolerance(atol: 1e-6, rtol: 1e-6)
        let pairs: [(String, Tensor<Float>, Tensor<Float>)] = try {
            let kg = try k.ops.denseBackward(x, weights: w, dOutput: dy), rg = try Reference.denseBackward(x, weights: w, dOutput: dy)
            return [("dense", try k.ops.denseForward(x, weights: w, bias: b), try Reference.denseForward(x, weights: w, bias: b)),
                    ("dInput", kg.dInput, rg.dInput), ("dWeights", kg.dWeights, rg.dWeights), ("dBias", kg.dBias, rg.dBias)]
        }()
        for (name, got, want) in pairs {
            let mismatch = compare(got, want, tolerance)
            #expect(mismatch == nil, "\(name) on the \(path) path: \(mismatch?.description ?? "")")
        }
        #expect(try k.ops.biasAddForward(dy, bias: b) == Reference.biasAddForward(dy, bias: b))
        #expect(try k.ops.biasAddBackward(dOutput: dy).dBias == Reference.biasAddBackward(dOutput: dy).dBias)
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let kd = try k.ops.dropoutForward(dy, keepProbability: 0.6, generator: &g1)
        let rd = try Reference.dropoutForward(dy, keepProbability: 0.6, generator: &g2)
        #expect(kd.output == rd.output && kd.mask == rd.mask)
        #expect(try k.ops.dropoutBackward(dOutput: dy, mask: kd.mask) == Reference.dropoutBackward(dOutput: dy, mask: rd.mask))
    }

    // MARK: - Shape and argument errors

    @Test func badShapesThrowNamingTheOp() throws {
        let x = try Tensor<Float>(zeros: [2, 3]), w = try Tensor<Float>(zeros: [3, 4]), b = try Tensor<Float>(zeros: [4])
        let image = try Tensor<Float>(zeros: [2, 2, 2, 3]), scalar = Tensor<Float>(scalar: 1)
        var generator = SeededGenerator(seed: 0)
        let calls: [(String, () throws -> Any)] = [
            ("dense", { try Reference.denseForward(image, weights: w, bias: b) }),          // rank 4 input
            ("dense", { try Reference.denseForward(x, weights: try Tensor(zeros: [4, 4]), bias: b) }),  // In mismatch
            ("dense", { try Reference.denseForward(x, weights: try Tensor(zeros: [3, 4, 1]), bias: b) }),
            ("dense", { try Reference.denseForward(x, weights: w, bias: try Tensor(zeros: [3])) }),
            ("dense", { try Reference.denseForward(x, weights: w, bias: try Tensor(zeros: [1, 4])) }),
            ("denseBackward", { try Reference.denseBackward(x, weights: w, dOutput: try Tensor(zeros: [2, 3])) }),
            ("denseBackward", { try Reference.denseBackward(x, weights: try Tensor(zeros: [2, 4]), dOutput: try Tensor(zeros: [2, 4])) }),
            ("denseBackward", { try Reference.denseBackward(scalar, weights: w, dOutput: try Tensor(zeros: [2, 4])) }),
            ("biasAdd", { try Reference.biasAddForward(image, bias: b) }),
            ("biasAdd", { try Reference.biasAddForward(scalar, bias: b) }),
            ("biasAdd", { try Reference.biasAddForward(x, bias: try Tensor(zeros: [1, 3])) }),
            ("biasAddBackward", { try Reference.biasAddBackward(dOutput: scalar) }),
            ("dropout", { try Reference.dropoutForward(x, keepProbability: 0, generator: &generator) }),
            ("dropout", { try Reference.dropoutForward(x, keepProbability: -0.5, generator: &generator) }),
            ("dropout", { try Reference.dropoutForward(x, keepProbability: 1.5, generator: &generator) }),
            ("dropout", { try Reference.dropoutForward(x, keepProbability: .nan, generator: &generator) }),
            ("dropoutBackward", { try Reference.dropoutBackward(dOutput: x, mask: try Tensor(zeros: [3, 2])) }),
            ("dense", { try Kernels(.fast).ops.denseForward(image, weights: w, bias: b) }),
            ("dropout", { try Kernels(.fast).ops.dropoutForward(x, keepProbability: 2, generator: &generator) }),
        ]
        for (op, call) in calls {
            do {
                _ = try call()
                Issue.record("\(op) accepted a bad call")
            } catch {
                #expect("\(error)".hasPrefix(op + ":"), "expected an error from \(op), got: \(error)")
            }
        }
    }
}
