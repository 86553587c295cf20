import ConvLab
import ConvLabTestSupport
import Testing

@Suite("resize: TF2 half-pixel formulas by hand, adjoint backward, gradient checks, shape errors")
struct ResizeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: [Int]
        var size: Size2
        var method: ResizeMethod
        var testDescription: String { "\(method) \(describeShape(input)) -> \(size)" }

        /// Up, down, mixed, odd ratios, 1-pixel images and outputs, for every method.
        static let sweep: [Case] = ResizeMethod.allCases.flatMap { method in
            [Case(input: [2, 3, 4, 2], size: [7, 9], method: method),
             Case(input: [1, 7, 5, 1], size: [3, 2], method: method),
             Case(input: [1, 4, 6, 3], size: [9, 4], method: method),
             Case(input: [2, 1, 3, 1], size: [4, 1], method: method),
             Case(input: [1, 5, 5, 2], size: [5, 5], method: method)]
        }
    }

    /// `[[a, b], [c, d]]` as a `[1, 2, 2, 1]` image.
    func image(_ rows: [[Double]]) throws -> Tensor<Double> { try Tensor(image: rows) }

    // FORMAT.md bilinear, 2 -> 4 per axis: scale 0.5, positions (o + 0.5) * 0.5 - 0.5 =
    // -0.25, 0.25, 0.75, 1.25, so the weights on (v0, v1) are (1, 0), (0.75, 0.25), (0.25, 0.75),
    // (0, 1) (the ends clamp). On [[1, 2], [3, 4]] = 1 + col + 2 row the result is
    // 1 + p[j] + 2 p[i] with p = (0, 0.25, 0.75, 1).
    @Test func bilinearTwoToFourByHand() throws {
        let taps = ResizeGeometry.taps(input: 2, output: 4, method: .bilinear)
        let weightOnFirst = taps.map { $0.filter { $0.source == 0 }.reduce(0) { $0 + $1.weight } }
        #expect(weightOnFirst == [1, 0.75, 0.25, 0])
        let y = try Reference.resizeForward(image([[1, 2], [3, 4]]), size: 4, method: .bilinear)
        #expect(try y.reshaped([4, 4]).description
            == "[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]")
    }

    // FORMAT.md bicubic (Keys, a = -0.5), 2 -> 4 per axis, with k(0.25) = 111/128,
    // k(0.75) = 29/128, k(1.25) = -9/128, k(1.75) = -3/128:
    //   o = 0: pos -0.25, f = -1, t = 0.75: taps -2, -1 dropped; k(0.25) on v0, k(1.25) on v1,
    //          renormalised by 102/128: (37/34, -3/34).
    //   o = 1: pos 0.25, f = 0, t = 0.25: taps -1, 2 dropped; (111, 29)/140.
    //   o = 2: (29, 111)/140;  o = 3: (-3/34, 37/34).
    // (Edge clamping instead of dropping would give o = 0 the weights (137, -9)/128.)
    @Test func bicubicTwoToFourByHand() throws {
        let taps = ResizeGeometry.taps(input: 2, output: 4, method: .bicubic)
        let expected: [[Double]] = [[37.0 / 34, -3.0 / 34], [111.0 / 140, 29.0 / 140],
                                    [29.0 / 140, 111.0 / 140], [-3.0 / 34, 37.0 / 34]]
        for (o, want) in expected.enumerated() {
            #expect(taps[o].map(\.source) == [0, 1])
            #expect(abs(taps[o][0].weight - want[0]) <= 1e-7 && abs(taps[o][1].weight - want[1]) <= 1e-7, "output \(o)")
        }
        // On the linear image 1 + col + 2 row the weights (summing to 1) give 1 + p[j] + 2 p[i],
        // with p the weighted source index: (-3/34, 29/140, 111/140, 37/34).
        let p: [Double] = [-3.0 / 34, 29.0 / 140, 111.0 / 140, 37.0 / 34]
        let y = try Reference.resizeForward(image([[1, 2], [3, 4]]), size: 4, method: .bicubic)
        var values = [Double]()
        for i in 0..<4 { for j in 0..<4 { values.append(1 + p[j] + 2 * p[i]) } }
        let want = try Tensor<Double>(shape: [1, 4, 4, 1], scalars: values)
        #expect(compare(y, want, Tolerance(atol: 1e-6)) == nil)
    }

    // FORMAT.md nearest, 7 -> 28: scale 1/4, source floor((o + 0.5) / 4) = o / 4, so each pixel
    // becomes an exact 4x4 block (e.g. an MNIST-sized upsample of a 7x7 feature map).
    @Test func nearestSevenToTwentyEightReplicatesBlocks() throws {
        let x = randomTensor([2, 7, 7, 3], seed: 91)
        let y = try Reference.resizeForward(x, size: 28, method: .nearest)
        #expect(y.shape == [2, 28, 28, 3])
        for n in 0..<2 { for i in 0..<28 { for j in 0..<28 { for c in 0..<3 {
            #expect(y[n, i, j, c] == x[n, i / 4, j / 4, c])
        } } } }
    }

    // Shrinking samples, it does not average: nearest 4 -> 2 reads floor((o + 0.5) * 2) = 1, 3;
    // bilinear 6 -> 2 lands exactly on pos (o + 0.5) * 3 - 0.5 = 1, 4 and returns v1, v4
    // (an area average would have given the means of 0...2 and 3...5).
    @Test func shrinkingSamplesWithoutAveraging() throws {
        let row = try Tensor<Double>(shape: [1, 1, 6, 1], scalars: [10, 11, 12, 13, 14, 15])
        #expect(try Reference.resizeForward(row, size: [1, 2], method: .bilinear).scalars == [11, 14])
        let four = try Tensor<Double>(shape: [1, 1, 4, 1], scalars: [10, 11, 12, 13])
        #expect(try Reference.resizeForward(four, size: [1, 2], method: .nearest).scalars == [11, 13])
        // bilinear 4 -> 2: pos 0.5 and 2.5, the midpoints.
        #expect(try Reference.resizeForward(four, size: [1, 2], method: .bilinear).scalars == [10.5, 12.5])
    }

    // The weights of every output sum to 1 (bicubic by renormalisation), so a constant image stays
    // constant at any size, and the backward pass conserves the total gradient.
    @Test(arguments: Case.sweep)
    func constantImageStaysConstant(_ c: Case) throws {
        let x = try Tensor<Double>(shape: c.input, repeating: 0.3)
        let y = try Reference.resizeForward(x, size: c.size, method: c.method)
        #expect(compare(y, try Tensor<Double>(shape: y.shape, repeating: 0.3), Tolerance(atol: 1e-12)) == nil)
        let dy = randomTensor(y.shape, seed: 92)
        let dx = try Reference.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method)
        #expect(abs(dx.sum() - dy.sum()) <= 1e-12)
    }

    // The backward pass is the adjoint: <resize(x), dy> = <x, resizeBackward(dy)> for any x, dy.
    @Test(arguments: Case.sweep)
    func backwardIsTheAdjoint(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 93)
        let y = try Reference.resizeForward(x, size: c.size, method: c.method)
        let dy = randomTensor(y.shape, seed: 94)
        let dx = try Reference.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method)
        let left = zip(y.scalars, dy.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        let right = zip(x.scalars, dx.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(left - right) <= 1e-12 * max(1, abs(left)))
    }

    // Gradient check against centred differences. Linear in x: expect ~1e-10, assert <= 1e-7.
    @Test(arguments: Case.sweep)
    func gradients(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 95)
        let dy = randomTensor(try Reference.resizeForward(x, size: c.size, method: c.method).shape, seed: 96)
        let dx = try Reference.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method)
        expectGradient("resize dInput \(c.testDescription)", analytic: dx,
                       numeric: try numericalGradient(of: { try Reference.resizeForward($0, size: c.size, method: c.method) },
                                                      at: x, upstream: dy), input: x)
    }

    // A scatter that forgets the column weights (a common slip when writing an adjoint by hand)
    // must fail the same check: bilinear 3x4 -> 7x9.
    @Test func backwardWithoutColumnWeightsFails() throws {
        let shape = [1, 3, 4, 1], size = Size2(7, 9)
        let x = randomTensor(shape, seed: 97)
        let dy = randomTensor([1, 7, 9, 1], seed: 98)
        let g = try ResizeGeometry(input: shape, size: size, method: .bilinear)
        var wrong = try Tensor<Double>(zeros: shape)
        wrong.withUnsafeMutableBufferPointer { dx in
            for i in 0..<7 { for j in 0..<9 { for r in g.rowTaps[i] { for s in g.colTaps[j] {
                dx[g.inputIndex(0, r.source, s.source, 0)] += r.weight * dy.scalars[g.outputIndex(0, i, j, 0)]
            } } } }
        }
        let numeric = try numericalGradient(of: { try Reference.resizeForward($0, size: size, method: .bilinear) },
                                            at: x, upstream: dy)
        let report = gradientReport(analytic: wrong, numeric: numeric, input: x)
        print("gradcheck resize dInput without column weights (wrong): \(report.relativeError)")
        #expect(report.relativeError > GradientBound.clearlyWrong)
    }

    // Float vs Double: the weights are the same Doubles; only accumulation differs. atol 1e-6 + rtol 1e-6.
    @Test(arguments: Case.sweep)
    func floatMatchesDouble(_ c: Case) throws {
        let x = Tensor<Float>(randomTensor(c.input, seed: 99))
        let y = try Kernels(.reference).ops.resizeForward(x, size: c.size, method: c.method)
        let yDouble = try Reference.resizeForward(Tensor<Double>(x), size: c.size, method: c.method)
        #expect(compare(y, yDouble, Tolerance(atol: 1e-6, rtol: 1e-6)) == nil)
        let dy = Tensor<Float>(randomTensor(y.shape, seed: 100))
        let dx = try Kernels(.reference).ops.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method)
        let dxDouble = try Reference.resizeBackward(inputShape: c.input, dOutput: Tensor<Double>(dy), method: c.method)
        #expect(compare(dx, dxDouble, Tolerance(atol: 1e-6, rtol: 1e-6)) == nil)
    }

    @Test func methodParsing() throws {
        #expect(try ResizeMethod(parsing: "Bicubic") == .bicubic)
        expectShapeError(op: "resize", containing: "'area'") { _ = try ResizeMethod(parsing: "area") }
    }

    @Test func shapeErrors() throws {
        let x = try Tensor<Float>(zeros: [1, 4, 4, 3])
        let message = expectShapeError(op: "resize") {
            _ = try Reference.resizeForward(try Tensor<Float>(zeros: [4, 4, 3]), size: 8, method: .bilinear)
        }
        #expect(message == "resize: input must be rank 4 [N,H,W,C], got [4,4,3]")
        expectShapeError(op: "resize", containing: "size [0,8] must be >= 1") {
            _ = try Reference.resizeForward(x, size: [0, 8], method: .nearest)
        }
        expectShapeError(op: "resize", containing: "needs H >= 1") {
            _ = try Reference.resizeForward(try Tensor<Float>(zeros: [1, 0, 4, 3]), size: 8, method: .bicubic)
        }
        expectShapeError(op: "resizeBackward", containing: "the N and C of inputShape [1,4,4,3]") {
            _ = try Reference.resizeBackward(inputShape: [1, 4, 4, 3], dOutput: try Tensor<Float>(zeros: [1, 8, 8, 2]),
                                             method: .bilinear)
        }
        expectShapeError(op: "resizeBackward", containing: "must be [N,OH,OW,C]") {
            _ = try Reference.resizeBackward(inputShape: [1, 4, 4, 3], dOutput: try Tensor<Float>(zeros: [8, 8, 3]),
                                             method: .bilinear)
        }
        expectShapeError(op: "resizeBackward", containing: "needs H >= 1") {
            _ = try Reference.resizeBackward(inputShape: [1, 0, 4, 3], dOutput: try Tensor<Float>(zeros: [1, 8, 8, 3]),
                                             method: .nearest)
        }
    }
}
