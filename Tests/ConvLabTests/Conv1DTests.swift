import ConvLab
import ConvLabTestSupport
import Testing

@Suite("conv1d: lab 11-0 example, agreement with conv2d, gradient checks, shape errors")
struct Conv1DTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: [Int]      // [N, W, C]
        var kernel: Int
        var stride = 1
        var padding: Padding
        var dilation = 1
        var testDescription: String { "x\(describeShape(input)) k\(kernel) s\(stride) d\(dilation) \(padding)" }

        static let sweep: [Case] = {
            var cases: [Case] = []
            for stride in 1...3 {
                for padding in Padding.allCases {
                    for kernel in [2, 3] { cases.append(Case(input: [2, 9, 2], kernel: kernel, stride: stride, padding: padding)) }
                }
            }
            for padding in Padding.allCases {
                cases.append(Case(input: [2, 9, 3], kernel: 3, padding: padding, dilation: 2))
                cases.append(Case(input: [1, 4, 1], kernel: 4, stride: 2, padding: padding))
            }
            return cases
        }()
    }

    // lab 11-0, "1-D Convolution Layer": y0 = x0*w0 + x1*w1 + x2*w2, then the filter slides by one:
    // y1 = x1*w0 + x2*w1 + x3*w2. With x = 1...5 and w = (1, 10, 100) each output spells its window
    // backwards in decimal digits: VALID [321, 432, 543]; SAME adds a zero on each side.
    @Test func labOneDimensionalExample() throws {
        let x = try Tensor<Double>(shape: [1, 5, 1], scalars: [1, 2, 3, 4, 5])
        let w = try Tensor<Double>(shape: [3, 1, 1], scalars: [1, 10, 100])
        let valid = try Reference.conv1DForward(x, filter: w, padding: .valid)
        #expect(valid.shape == [1, 3, 1])
        // y0 = x0*w0 + x1*w1 + x2*w2 and y1 = x1*w0 + x2*w1 + x3*w2, spelled out:
        let (x0, x1, x2, x3): (Double, Double, Double, Double) = (1, 2, 3, 4)
        let (w0, w1, w2): (Double, Double, Double) = (1, 10, 100)
        let y0: Double = x0 * w0 + x1 * w1 + x2 * w2
        let y1: Double = x1 * w0 + x2 * w1 + x3 * w2
        #expect(valid.scalars[0] == y0 && valid.scalars[1] == y1)
        #expect(valid.scalars == [321, 432, 543])
        let same = try Reference.conv1DForward(x, filter: w, padding: .same)
        #expect(same.scalars == [210, 321, 432, 543, 54])
        let strided = try Reference.conv1DForward(x, filter: w, stride: 2, padding: .valid)
        #expect(strided.scalars == [321, 543])
    }

    // tf.nn.conv1d is a conv2d of height 1: [N,W,C] -> [N,1,W,C], [K,C,O] -> [1,K,C,O]. The two
    // reference loops must agree exactly (same products, same order).
    @Test(arguments: Case.sweep)
    func matchesConv2DOfHeightOne(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 41)
        let w = randomTensor([c.kernel, c.input[2], 3], seed: 42)
        let y = try Reference.conv1DForward(x, filter: w, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let y2 = try Reference.conv2DForward(x.reshaped([c.input[0], 1, c.input[1], c.input[2]]),
                                             filter: w.reshaped([1] + w.shape), strides: Size2(1, c.stride),
                                             padding: c.padding, dilations: Size2(1, c.dilation))
        #expect(compare(y, try y2.reshaped(y.shape), .exact) == nil)
    }

    // Gradient checks (linear op: expect ~1e-10, assert <= 1e-7).
    @Test(arguments: Case.sweep)
    func gradients(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 43)
        let w = randomTensor([c.kernel, c.input[2], 3], seed: 44)
        let forward = { (x: Tensor<Double>, w: Tensor<Double>) in
            try Reference.conv1DForward(x, filter: w, stride: c.stride, padding: c.padding, dilation: c.dilation)
        }
        let dy = randomTensor(try forward(x, w).shape, seed: 45)
        let grads = try Reference.conv1DBackward(x, filter: w, dOutput: dy, stride: c.stride, padding: c.padding,
                                                 dilation: c.dilation)
        expectGradient("conv1d dInput \(c.testDescription)", analytic: grads.dInput,
                       numeric: try numericalGradient(of: { try forward($0, w) }, at: x, upstream: dy), input: x)
        expectGradient("conv1d dFilter \(c.testDescription)", analytic: grads.dFilter,
                       numeric: try numericalGradient(of: { try forward(x, $0) }, at: w, upstream: dy), input: w)
    }

    // Float vs Double on the same values: atol 1e-5 + rtol 1e-5 (at most 9 products per output).
    @Test(arguments: Case.sweep)
    func floatMatchesDouble(_ c: Case) throws {
        let x = Tensor<Float>(randomTensor(c.input, seed: 46))
        let w = Tensor<Float>(randomTensor([c.kernel, c.input[2], 2], seed: 47))
        let kernels = Kernels(.reference)
        let y = try kernels.ops.conv1DForward(x, filter: w, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let yDouble = try Reference.conv1DForward(Tensor<Double>(x), filter: Tensor<Double>(w), stride: c.stride,
                                                  padding: c.padding, dilation: c.dilation)
        let dy = Tensor<Float>(randomTensor(y.shape, seed: 48))
        let g = try kernels.ops.conv1DBackward(x, filter: w, dOutput: dy, stride: c.stride, padding: c.padding,
                                           dilation: c.dilation)
        let gDouble = try Reference.conv1DBackward(Tensor<Double>(x), filter: Tensor<Double>(w),
                                                   dOutput: Tensor<Double>(dy), stride: c.stride,
                                                   padding: c.padding, dilation: c.dilation)
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)
        #expect(compare(y, yDouble, tolerance) == nil)
        #expect(compare(g.dInput, gDouble.dInput, tolerance) == nil)
        #expect(compare(g.dFilter, gDouble.dFilter, tolerance) == nil)
    }

    @Test func shapeErrors() throws {
        let x = try Tensor<Float>(zeros: [2, 10, 1])
        let message = expectShapeError(op: "conv1d") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [3, 4, 8]), padding: .same)
        }
        #expect(message == "conv1d: filter has 4 input channels but input has 1 ([2,10,1] * [3,4,8])")
        expectShapeError(op: "conv1d", containing: "rank 3") {
            _ = try Reference.conv1DForward(try Tensor<Float>(zeros: [10, 1]),
                                            filter: try Tensor<Float>(zeros: [3, 1, 8]), padding: .same)
        }
        expectShapeError(op: "conv1d", containing: "rank 3") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [3, 1, 1, 8]), padding: .same)
        }
        expectShapeError(op: "conv1d", containing: "VALID window") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [11, 1, 1]), padding: .valid)
        }
        expectShapeError(op: "conv1d", containing: "dilation") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [3, 1, 1]), padding: .same, dilation: 0)
        }
        expectShapeError(op: "conv1d", containing: "only with stride 1") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [3, 1, 1]), stride: 2,
                                            padding: .same, dilation: 2)
        }
        expectShapeError(op: "conv1d", containing: ">= 1") {
            _ = try Reference.conv1DForward(x, filter: try Tensor<Float>(zeros: [3, 1, 0]), padding: .same)
        }
        expectShapeError(op: "conv1DBackward", containing: "dOutput is [2,9,1]") {
            _ = try Reference.conv1DBackward(x, filter: try Tensor<Float>(zeros: [3, 1, 1]),
                                             dOutput: try Tensor<Float>(zeros: [2, 9, 1]), padding: .same)
        }
    }
}
