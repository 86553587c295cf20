import ConvLab
import ConvLabTestSupport
import Testing

@Suite("explicit padding: TF's [[0,0],[top,bottom],[left,right],[0,0]] in conv2d, depthwise, max pool")
struct ExplicitPaddingTests {
    /// `x` with `pads` rows/columns of `fill` around each image, built by hand (no WindowAxis).
    func paddedByHand(_ x: Tensor<Double>, _ pads: ExplicitPadding, fill: Double = 0) throws -> Tensor<Double> {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ph = h + pads.top + pads.bottom, pw = w + pads.left + pads.right
        var scalars = [Double](repeating: fill, count: n * ph * pw * c)
        for b in 0..<n {
            for i in 0..<h {
                for j in 0..<w {
                    for k in 0..<c {
                        scalars[((b * ph + i + pads.top) * pw + j + pads.left) * c + k] = x[b, i, j, k]
                    }
                }
            }
        }
        return try Tensor(shape: [n, ph, pw, c], scalars: scalars)
    }

    // tf.nn.depthwise_conv2d's docstring: x = [[1,2],[3,4],[5,6]] (1x3x2x1), kernel
    // [[1,2],[3,4]] reshaped (2,1,1,2), padding [[0,0],[1,0],[1,0],[0,0]] gives
    // [[[0,0],[3,4],[6,8]], [[0,0],[10,14],[14,20]], [[0,0],[18,26],[22,32]]].
    @Test func tfDepthwiseDocExample() throws {
        let x = try Tensor<Double>(shape: [1, 3, 2, 1], scalars: [1, 2, 3, 4, 5, 6])
        let kernel = try Tensor<Double>(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        let pads = Padding.explicit(ExplicitPadding(top: 1, bottom: 0, left: 1, right: 0))
        let y = try Reference.depthwiseConv2DForward(x, filter: kernel, padding: pads)
        let expected = try Tensor<Double>(shape: [1, 3, 3, 2],
            scalars: [0, 0, 3, 4, 6, 8, 0, 0, 10, 14, 14, 20, 0, 0, 18, 26, 22, 32])
        #expect(compare(y, expected, .exact) == nil)
        let fast = try Kernels(.fast).ops.depthwiseConv2DForward(Tensor<Float>(x), filter: Tensor<Float>(kernel), strides: 1,
                                                                padding: pads, dilations: 1)
        #expect(compare(fast, expected, .exact) == nil)
    }

    /// Asymmetric pads, some larger than any SAME pad, odd sizes, strides 1-3 and dilation 2.
    static let cases: [(input: [Int], kernel: Size2, strides: Size2, dilations: Size2, pads: ExplicitPadding)] = [
        ([1, 5, 5, 1], 3, 1, 1, ExplicitPadding(top: 1, bottom: 1, left: 1, right: 1)),
        ([1, 5, 7, 2], 3, 2, 1, ExplicitPadding(top: 2, bottom: 0, left: 0, right: 3)),
        ([2, 7, 6, 2], [2, 3], [3, 2], 1, ExplicitPadding(top: 0, bottom: 1, left: 2, right: 1)),
        ([1, 6, 5, 1], 3, 1, 2, ExplicitPadding(top: 1, bottom: 3, left: 2, right: 0)),
        ([1, 3, 3, 1], 2, 1, 1, ExplicitPadding(top: 0, bottom: 0, left: 0, right: 0)),
    ]

    /// conv2d and depthwise with explicit pads equal VALID on the input zero-padded by hand; the
    /// fast path (which hands explicit pads to the reference) gives the same numbers.
    @Test(arguments: 0..<cases.count)
    func convolutionsEqualValidOnAHandPaddedInput(index: Int) throws {
        let c = Self.cases[index]
        let x = randomTensor(c.input, seed: UInt64(10 + index))
        let w = randomTensor([c.kernel.h, c.kernel.w, c.input[3], 2], seed: UInt64(20 + index))
        let padded = try paddedByHand(x, c.pads)
        for depthwise in [false, true] {
            let y = depthwise
                ? try Reference.depthwiseConv2DForward(x, filter: w, strides: c.strides, padding: .explicit(c.pads), dilations: c.dilations)
                : try Reference.conv2DForward(x, filter: w, strides: c.strides, padding: .explicit(c.pads), dilations: c.dilations)
            let expected = depthwise
                ? try Reference.depthwiseConv2DForward(padded, filter: w, strides: c.strides, padding: .valid, dilations: c.dilations)
                : try Reference.conv2DForward(padded, filter: w, strides: c.strides, padding: .valid, dilations: c.dilations)
            #expect(compare(y, expected, Tolerance(atol: 1e-12)) == nil, "depthwise \(depthwise)")
            let fast = depthwise
                ? try Kernels(.fast).ops.depthwiseConv2DForward(Tensor<Float>(x), filter: Tensor<Float>(w), strides: c.strides,
                                                            padding: .explicit(c.pads), dilations: c.dilations)
                : try Kernels(.fast).ops.conv2DForward(Tensor<Float>(x), filter: Tensor<Float>(w), strides: c.strides,
                                                   padding: .explicit(c.pads), dilations: c.dilations)
            #expect(compare(fast, expected, Tolerance(atol: 1e-5)) == nil, "fast, depthwise \(depthwise)")
        }
    }

    /// The pads SAME chooses, given by hand, reproduce SAME (conv2d and max pool).
    @Test(arguments: [(5, 3, 1), (5, 3, 2), (6, 3, 2), (7, 2, 3), (4, 1, 2)])
    func samePadsGivenByHandReproduceSame(size: Int, kernel: Int, stride: Int) throws {
        let axis = try WindowAxis(input: size, kernel: kernel, stride: stride, padding: .same)
        let pads = Padding.explicit(ExplicitPadding(top: axis.padBefore, bottom: axis.padAfter,
                                                    left: axis.padBefore, right: axis.padAfter))
        let x = randomTensor([1, size, size, 2], seed: UInt64(size * 10 + stride))
        let w = randomTensor([kernel, kernel, 2, 3], seed: 3)
        let same = try Reference.conv2DForward(x, filter: w, strides: Size2(stride, stride), padding: .same)
        let explicit = try Reference.conv2DForward(x, filter: w, strides: Size2(stride, stride), padding: pads)
        #expect(compare(explicit, same, .exact) == nil)
        let pooled = try Reference.maxPoolForward(x, windowSize: Size2(kernel, kernel), strides: Size2(stride, stride), padding: pads)
        #expect(compare(pooled, try Reference.maxPoolForward(x, windowSize: Size2(kernel, kernel), strides: Size2(stride, stride),
                                                             padding: .same), .exact) == nil)
    }

    /// Max pool ignores padded cells, as if they were -infinity (TF pads the input with -inf).
    @Test func maxPoolTreatsPadsAsMinusInfinity() throws {
        let x = randomTensor([1, 5, 6, 2], seed: 41, range: -3 ... -1)  // all negative: a zero pad would win
        let pads = ExplicitPadding(top: 1, bottom: 2, left: 0, right: 2)
        let y = try Reference.maxPoolForward(x, windowSize: 3, strides: 2, padding: .explicit(pads))
        let expected = try Reference.maxPoolForward(try paddedByHand(x, pads, fill: -.infinity), windowSize: 3, strides: 2,
                                                    padding: .valid)
        #expect(compare(y, expected, .exact) == nil)
        let fast = try Kernels(.fast).ops.maxPoolForward(Tensor<Float>(x), windowSize: 3, strides: 2, padding: .explicit(pads))
        #expect(compare(fast, expected, Tolerance(atol: 1e-6)) == nil)
    }

    /// The backward passes use the same geometry: a Double gradient check with explicit pads.
    @Test func conv2DAndMaxPoolGradientsWithExplicitPads() throws {
        let pads = Padding.explicit(ExplicitPadding(top: 2, bottom: 0, left: 1, right: 2))
        let x = randomTensor([1, 5, 4, 2], seed: 51), w = randomTensor([3, 2, 2, 2], seed: 52)
        let y = try Reference.conv2DForward(x, filter: w, strides: [2, 1], padding: pads)
        let dy = randomTensor(y.shape, seed: 53)
        let analytic = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: [2, 1], padding: pads)
        let dx = try numericalGradient(of: { try Reference.conv2DForward($0, filter: w, strides: [2, 1], padding: pads) },
                                       at: x, upstream: dy)
        let dw = try numericalGradient(of: { try Reference.conv2DForward(x, filter: $0, strides: [2, 1], padding: pads) },
                                       at: w, upstream: dy)
        expectGradient("conv2d explicit dInput", analytic: analytic.dInput, numeric: dx, input: x)
        expectGradient("conv2d explicit dFilter", analytic: analytic.dFilter, numeric: dw, input: w)

        // Distinct values spaced 0.1 apart keep every window's maximum away from a tie.
        let spaced = try Tensor<Double>(shape: [1, 4, 5, 1], scalars: (0..<20).map { Double(($0 * 7) % 20) / 10 })
        let poolPads = Padding.explicit(ExplicitPadding(top: 1, bottom: 1, left: 0, right: 1))
        let pooled = try Reference.maxPoolForward(spaced, windowSize: 2, strides: 2, padding: poolPads)
        let dPool = randomTensor(pooled.shape, seed: 54)
        let poolAnalytic = try Reference.maxPoolBackward(spaced, dOutput: dPool, windowSize: 2, strides: 2, padding: poolPads)
        let poolNumeric = try numericalGradient(of: { try Reference.maxPoolForward($0, windowSize: 2, strides: 2, padding: poolPads) },
                                                at: spaced, upstream: dPool)
        expectGradient("max pool explicit", analytic: poolAnalytic, numeric: poolNumeric, input: spaced)
    }

    /// TF's rules: max pool pads smaller than the window; avg pool, conv1d and separable conv
    /// take SAME/VALID only; pads are non-negative and the window must fit the padded input.
    @Test func tfRulesAreEnforced() throws {
        let x = try Tensor<Double>(zeros: [1, 4, 4, 1])
        let pads = { (t: Int, b: Int, l: Int, r: Int) in Padding.explicit(ExplicitPadding(top: t, bottom: b, left: l, right: r)) }
        expectShapeError(op: "maxPool", containing: "smaller than the window") {
            _ = try Reference.maxPoolForward(x, windowSize: 2, strides: 1, padding: pads(0, 2, 0, 0))
        }
        expectShapeError(op: "maxPool", containing: "smaller than the window") {
            _ = try Fast.maxPoolForward(Tensor<Float>(x), windowSize: [3, 2], strides: 1, padding: pads(0, 0, 2, 0))
        }
        #expect(throws: Never.self) { _ = try Reference.maxPoolForward(x, windowSize: 2, strides: 1, padding: pads(1, 1, 1, 1)) }
        expectShapeError(op: "avgPool", containing: "tf.nn.avg_pool2d") {
            _ = try Reference.avgPoolForward(x, windowSize: 2, strides: 1, padding: pads(1, 1, 1, 1))
        }
        expectShapeError(op: "avgPoolBackward", containing: "tf.nn.avg_pool2d") {
            _ = try Fast.avgPoolBackward(Tensor<Float>(x), dOutput: Tensor<Float>(x), windowSize: 2, strides: 1, padding: pads(1, 1, 1, 1))
        }
        expectShapeError(op: "conv1d", containing: "tf.nn.conv1d") {
            _ = try Reference.conv1DForward(try Tensor<Double>(zeros: [1, 4, 1]), filter: try Tensor<Double>(zeros: [2, 1, 1]),
                                            padding: pads(0, 0, 1, 1))
        }
        expectShapeError(op: "separableConv2D", containing: "tf.nn.separable_conv2d") {
            _ = try Reference.separableConv2DForward(x, depthwiseFilter: try Tensor<Double>(zeros: [2, 2, 1, 1]),
                                                     pointwiseFilter: try Tensor<Double>(zeros: [1, 1, 1, 1]), padding: pads(1, 1, 1, 1))
        }
        expectShapeError(op: "conv2d", containing: "pads 0 and -1") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Double>(zeros: [2, 2, 1, 1]), padding: pads(0, -1, 0, 0))
        }
        expectShapeError(op: "conv2d", containing: "does not fit") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Double>(zeros: [6, 2, 1, 1]), padding: pads(1, 0, 0, 0))
        }
        expectShapeError(op: "window", containing: "must be at most the limit of 2147483647") {
            _ = try WindowAxis(input: 4, kernel: 2, stride: 1, padBefore: Int.max, padAfter: 1)
        }
        expectShapeError(op: "shapes", containing: "four sides") {
            _ = try shapesReport(input: 5, kernel: 3, padding: pads(1, 1, 1, 1))
        }
    }

    /// The output size is floor((I + before + after - E) / S) + 1 on each axis.
    @Test func outputSizeFormula() throws {
        let axis = try WindowAxis(input: 7, kernel: 3, stride: 2, dilation: 1, padBefore: 2, padAfter: 0)
        #expect(axis.output == 4)  // floor((7 + 2 - 3) / 2) + 1
        #expect(axis.inputPosition(output: 0, tap: 0) == nil && axis.inputPosition(output: 0, tap: 2) == 0)
        let dilated = try WindowAxis(input: 5, kernel: 3, stride: 1, dilation: 2, padBefore: 1, padAfter: 3)
        #expect(dilated.output == 5)  // floor((5 + 4 - 5) / 1) + 1
    }

    /// `--padding` text: SAME/VALID, P, PH,PW, T,B,L,R; TF's list form as the description.
    @Test func parsing() throws {
        #expect(try Padding(parsing: "same") == .same && Padding(parsing: "VALID") == .valid)
        #expect(try Padding(parsing: "2") == .explicit(ExplicitPadding(top: 2, bottom: 2, left: 2, right: 2)))
        #expect(try Padding(parsing: "1,0") == .explicit(ExplicitPadding(top: 1, bottom: 1, left: 0, right: 0)))
        #expect(try Padding(parsing: "0, 1, 2, 3") == .explicit(ExplicitPadding(top: 0, bottom: 1, left: 2, right: 3)))
        #expect(try Padding(parsing: "0,1,2,3").description == "[[0,0],[0,1],[2,3],[0,0]]")
        for bad in ["FULL", "1,2,3", "-1", "1,,2", ""] {
            expectShapeError(op: "padding") { _ = try Padding(parsing: bad) }
        }
        #expect(Padding.allCases == [.same, .valid])
    }
}
