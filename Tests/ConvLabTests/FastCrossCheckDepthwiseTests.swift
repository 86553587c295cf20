import ConvLab
import ConvLabTestSupport
import Testing

// Cross-checks of the fast depthwise, separable and 1-D convolutions against their reference
// twins, on both micro-kernel builds the CPU can run. Sizes 1, 5, 7 (also non-square); channels
// 1, 3, 7, 13, 17 (below, between and above the 4- and 8-lane vector widths, so every channel
// block and the scalar tail run); multipliers 1 and 2; batch 1 and 2; strides 1..3 (also
// unequal), dilations 1..2 (with stride 1, as TF requires), SAME and VALID. Each case prints its
// max abs error and asserts it under `fastTolerance` (Float sums of at most a few hundred
// products of values in [-1, 1], summed in another order than the reference).

struct FastDepthwiseCase: CustomTestStringConvertible, Sendable {
    let input: [Int]      // N, H, W, C
    let filter: [Int]     // KH, KW, C, M
    let strides: Size2
    let dilations: Size2
    let padding: Padding
    var testDescription: String {
        "\(describeShape(input)) * \(describeShape(filter)) s\(strides) d\(dilations) \(padding)"
    }
}

/// Every stride and dilation pairing the sweep runs (dilation > 1 only with stride 1).
let fastDepthwiseWindows: [(strides: Size2, dilations: Size2)] = [
    (Size2(1, 1), Size2(1, 1)), (Size2(2, 2), Size2(1, 1)), (Size2(3, 3), Size2(1, 1)),
    (Size2(2, 3), Size2(1, 1)), (Size2(1, 1), Size2(2, 2)), (Size2(1, 1), Size2(1, 2)),
]

let fastDepthwiseCases: [FastDepthwiseCase] = {
    let shapes: [([Int], [Int])] = [
        ([1, 1, 1, 1], [1, 1, 1, 1]),
        ([1, 1, 1, 3], [3, 3, 3, 2]),     // a 1x1 image: SAME windows are all border
        ([2, 5, 5, 3], [3, 3, 3, 1]),
        ([1, 7, 7, 17], [3, 3, 17, 1]),
        ([2, 7, 5, 7], [2, 3, 7, 2]),
        ([1, 5, 7, 17], [3, 3, 17, 2]),
        ([2, 7, 7, 1], [3, 3, 1, 2]),
        ([1, 7, 7, 13], [5, 5, 13, 1]),
        ([2, 5, 5, 17], [1, 1, 17, 1]),
    ]
    var cases: [FastDepthwiseCase] = []
    for (input, filter) in shapes {
        for padding in Padding.allCases {
            for (strides, dilations) in fastDepthwiseWindows {
                // Skip VALID windows that do not fit (the reference throws for them too).
                let effective = [(filter[0] - 1) * dilations.h + 1, (filter[1] - 1) * dilations.w + 1]
                if padding == .valid && (effective[0] > input[1] || effective[1] > input[2]) { continue }
                cases.append(FastDepthwiseCase(input: input, filter: filter, strides: strides,
                                               dilations: dilations, padding: padding))
            }
        }
    }
    return cases
}()

struct FastConv1DCase: CustomTestStringConvertible, Sendable {
    let input: [Int]      // N, W, C
    let filter: [Int]     // K, C, O
    let stride: Int
    let dilation: Int
    let padding: Padding
    var testDescription: String {
        "\(describeShape(input)) * \(describeShape(filter)) s\(stride) d\(dilation) \(padding)"
    }
}

let fastConv1DCases: [FastConv1DCase] = {
    let shapes: [([Int], [Int])] = [
        ([1, 1, 1], [1, 1, 1]),
        ([1, 7, 1], [3, 1, 1]),           // lab 11-0: one filter w0, w1, w2 sliding along a sequence
        ([2, 5, 3], [2, 3, 5]),
        ([1, 7, 17], [3, 17, 7]),
        ([2, 13, 13], [5, 13, 17]),
    ]
    var cases: [FastConv1DCase] = []
    for (input, filter) in shapes {
        for padding in Padding.allCases {
            for (stride, dilation) in [(1, 1), (2, 1), (3, 1), (1, 2)] {
                if padding == .valid && (filter[0] - 1) * dilation + 1 > input[1] { continue }
                cases.append(FastConv1DCase(input: input, filter: filter, stride: stride,
                                            dilation: dilation, padding: padding))
            }
        }
    }
    return cases
}()

/// Asserts that both paths throw, and the same `ConvLabError`.
func expectSameError(_ label: String, reference: () throws -> Void, fast: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    func caught(_ body: () throws -> Void) -> ConvLabError? {
        do { try body() } catch { return error as? ConvLabError }
        return nil
    }
    let expected = caught(reference), actual = caught(fast)
    #expect(expected != nil, "\(label): the reference did not throw", sourceLocation: sourceLocation)
    #expect(actual == expected, "\(label): fast threw \(String(describing: actual)), reference \(String(describing: expected))",
            sourceLocation: sourceLocation)
}

// Serialized: the cases switch the process-wide micro-kernel build, so they must not overlap.
@Suite("Fast depthwise, separable and 1-D convs match their reference twins", .serialized)
struct FastCrossCheckDepthwiseTests {
    @Test("depthwise conv2d forward and backward", arguments: fastDepthwiseCases, fastKernelBuilds)
    func depthwise(_ c: FastDepthwiseCase, avx2: Bool) throws {
        let x = fastCheckTensor(c.input, seed: 11), w = fastCheckTensor(c.filter, seed: 12)
        let expected = try Reference.depthwiseConv2DForward(x, filter: w, strides: c.strides,
                                                            padding: c.padding, dilations: c.dilations)
        let dy = fastCheckTensor(expected.shape, seed: 13)
        let reference = try Reference.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                                              padding: c.padding, dilations: c.dilations)
        let (y, grads) = try withFastKernelBuild(avx2: avx2) {
            (try Fast.depthwiseConv2DForward(x, filter: w, strides: c.strides, padding: c.padding, dilations: c.dilations),
             try Fast.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                              padding: c.padding, dilations: c.dilations))
        }
        let label = "depthwise \(c.testDescription) avx2=\(avx2)"
        expectFastMatch(y, expected, fastTolerance, label + " y")
        expectFastMatch(grads.dInput, reference.dInput, fastTolerance, label + " dInput")
        expectFastMatch(grads.dFilter, reference.dFilter, fastTolerance, label + " dFilter")
    }

    @Test("depthwise dFilter does not depend on the thread count", arguments: [1, 2, 3])
    func depthwiseThreads(_ threads: Int) throws {
        // dFilter is summed in one buffer per worker: 2 images x 4 output rows split over 1, 2
        // and 3 workers (unevenly over 3) must all agree with the reference.
        let x = fastCheckTensor([2, 7, 5, 17], seed: 14), w = fastCheckTensor([3, 3, 17, 2], seed: 15)
        let dy = fastCheckTensor([2, 4, 3, 34], seed: 16)
        let reference = try Reference.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: 2, padding: .same)
        let saved = Fast.threads
        Fast.threads = threads
        defer { Fast.threads = saved }
        let grads = try Fast.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: 2, padding: .same)
        expectFastMatch(grads.dInput, reference.dInput, fastTolerance, "depthwise \(threads) threads dInput")
        expectFastMatch(grads.dFilter, reference.dFilter, fastTolerance, "depthwise \(threads) threads dFilter")
    }

    @Test("separable conv2d forward and backward", arguments: fastDepthwiseCases.filter { $0.input[3] != 13 }, [1, 5])
    func separable(_ c: FastDepthwiseCase, outputs: Int) throws {
        let x = fastCheckTensor(c.input, seed: 21), dw = fastCheckTensor(c.filter, seed: 22)
        let pw = fastCheckTensor([1, 1, c.filter[2] * c.filter[3], outputs], seed: 23)
        let expected = try Reference.separableConv2DForward(x, depthwiseFilter: dw, pointwiseFilter: pw,
                                                            strides: c.strides, padding: c.padding, dilations: c.dilations)
        let dy = fastCheckTensor(expected.shape, seed: 24)
        let reference = try Reference.separableConv2DBackward(x, depthwiseFilter: dw, pointwiseFilter: pw, dOutput: dy,
                                                              strides: c.strides, padding: c.padding, dilations: c.dilations)
        let y = try Fast.separableConv2DForward(x, depthwiseFilter: dw, pointwiseFilter: pw,
                                                strides: c.strides, padding: c.padding, dilations: c.dilations)
        let grads = try Fast.separableConv2DBackward(x, depthwiseFilter: dw, pointwiseFilter: pw, dOutput: dy,
                                                     strides: c.strides, padding: c.padding, dilations: c.dilations)
        // Two chained sums (taps, then C*M channels): allow twice the single-op tolerance.
        let tolerance = Tolerance(atol: 4e-5, rtol: 2e-4)
        let label = "separable \(c.testDescription) O=\(outputs)"
        expectFastMatch(y, expected, tolerance, label + " y")
        expectFastMatch(grads.dInput, reference.dInput, tolerance, label + " dInput")
        expectFastMatch(grads.dDepthwiseFilter, reference.dDepthwiseFilter, tolerance, label + " dDepthwiseFilter")
        expectFastMatch(grads.dPointwiseFilter, reference.dPointwiseFilter, tolerance, label + " dPointwiseFilter")
    }

    @Test("conv1d forward and backward", arguments: fastConv1DCases)
    func conv1D(_ c: FastConv1DCase) throws {
        let x = fastCheckTensor(c.input, seed: 31), w = fastCheckTensor(c.filter, seed: 32)
        let expected = try Reference.conv1DForward(x, filter: w, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let dy = fastCheckTensor(expected.shape, seed: 33)
        let reference = try Reference.conv1DBackward(x, filter: w, dOutput: dy, stride: c.stride,
                                                     padding: c.padding, dilation: c.dilation)
        let y = try Fast.conv1DForward(x, filter: w, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let grads = try Fast.conv1DBackward(x, filter: w, dOutput: dy, stride: c.stride,
                                            padding: c.padding, dilation: c.dilation)
        let label = "conv1d \(c.testDescription)"
        #expect(y.shape == expected.shape)
        expectFastMatch(y, expected, fastTolerance, label + " y")
        expectFastMatch(grads.dInput, reference.dInput, fastTolerance, label + " dInput")
        expectFastMatch(grads.dFilter, reference.dFilter, fastTolerance, label + " dFilter")
    }

    @Test("conv1d of the ramp 1..7 with filter [1, 0, -1], VALID, through Kernels(.fast)")
    func conv1DRamp() throws {
        // Lab 11-0's sliding window y0 = x0*w0 + x1*w1 + x2*w2, y1 = x1*w0 + x2*w1 + x3*w2, ...
        // with w = [1, 0, -1]: y_i = x_i - x_{i+2} = -2 for every window of the ramp.
        let x = try Tensor<Float>(shape: [1, 7, 1], scalars: [1, 2, 3, 4, 5, 6, 7])
        let w = try Tensor<Float>(shape: [3, 1, 1], scalars: [1, 0, -1])
        let y = try Kernels(.fast).conv1DForward(x, filter: w, padding: .valid)
        #expect(y.shape == [1, 5, 1])
        #expect(y.scalars == [-2, -2, -2, -2, -2])
    }

    @Test("the fast twins throw the reference's errors")
    func errors() throws {
        let x = try Tensor<Float>(zeros: [1, 5, 5, 3])
        let wrongChannels = try Tensor<Float>(zeros: [3, 3, 2, 1]), w = try Tensor<Float>(zeros: [3, 3, 3, 2])
        let tooBig = try Tensor<Float>(zeros: [7, 7, 3, 1])
        expectSameError("depthwise channels",
            reference: { _ = try Reference.depthwiseConv2DForward(x, filter: wrongChannels, padding: .same) },
            fast: { _ = try Fast.depthwiseConv2DForward(x, filter: wrongChannels, padding: .same) })
        expectSameError("depthwise VALID window",
            reference: { _ = try Reference.depthwiseConv2DForward(x, filter: tooBig, padding: .valid) },
            fast: { _ = try Fast.depthwiseConv2DForward(x, filter: tooBig, padding: .valid) })
        expectSameError("depthwise stride with dilation",
            reference: { _ = try Reference.depthwiseConv2DForward(x, filter: w, strides: 2, padding: .same, dilations: 2) },
            fast: { _ = try Fast.depthwiseConv2DForward(x, filter: w, strides: 2, padding: .same, dilations: 2) })
        let badDy = try Tensor<Float>(zeros: [1, 5, 5, 3])
        expectSameError("depthwise dOutput",
            reference: { _ = try Reference.depthwiseConv2DBackward(x, filter: w, dOutput: badDy, padding: .same) },
            fast: { _ = try Fast.depthwiseConv2DBackward(x, filter: w, dOutput: badDy, padding: .same) })

        let pointwise = try Tensor<Float>(zeros: [1, 1, 6, 4]), wrongPointwise = try Tensor<Float>(zeros: [1, 1, 3, 4])
        expectSameError("separable pointwise channels",
            reference: { _ = try Reference.separableConv2DForward(x, depthwiseFilter: w, pointwiseFilter: wrongPointwise, padding: .same) },
            fast: { _ = try Fast.separableConv2DForward(x, depthwiseFilter: w, pointwiseFilter: wrongPointwise, padding: .same) })
        expectSameError("separable dOutput",
            reference: { _ = try Reference.separableConv2DBackward(x, depthwiseFilter: w, pointwiseFilter: pointwise,
                                                                   dOutput: badDy, padding: .same) },
            fast: { _ = try Fast.separableConv2DBackward(x, depthwiseFilter: w, pointwiseFilter: pointwise,
                                                         dOutput: badDy, padding: .same) })

        let sequence = try Tensor<Float>(zeros: [2, 7, 3])
        let wrongFilter = try Tensor<Float>(zeros: [3, 2, 4]), filter = try Tensor<Float>(zeros: [3, 3, 4])
        expectSameError("conv1d channels",
            reference: { _ = try Reference.conv1DForward(sequence, filter: wrongFilter, padding: .same) },
            fast: { _ = try Fast.conv1DForward(sequence, filter: wrongFilter, padding: .same) })
        expectSameError("conv1d rank",
            reference: { _ = try Reference.conv1DForward(x, filter: filter, padding: .same) },
            fast: { _ = try Fast.conv1DForward(x, filter: filter, padding: .same) })
        expectSameError("conv1d stride with dilation",
            reference: { _ = try Reference.conv1DForward(sequence, filter: filter, stride: 2, padding: .same, dilation: 2) },
            fast: { _ = try Fast.conv1DForward(sequence, filter: filter, stride: 2, padding: .same, dilation: 2) })
        let badSequenceDy = try Tensor<Float>(zeros: [2, 6, 4])
        expectSameError("conv1d dOutput",
            reference: { _ = try Reference.conv1DBackward(sequence, filter: filter, dOutput: badSequenceDy, padding: .same) },
            fast: { _ = try Fast.conv1DBackward(sequence, filter: filter, dOutput: badSequenceDy, padding: .same) })
    }
}
