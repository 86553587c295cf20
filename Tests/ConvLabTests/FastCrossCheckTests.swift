import ConvLab
import ConvLabTestSupport
import Testing

// Cross-checks: every fast kernel against its reference twin over a sweep of shapes (sizes 1,
// odd, prime and not divisible by the 6 x 16 tile or the SIMD width; every stride, padding and
// dilation; batch and channel counts 1 and > 1), on both micro-kernel builds the CPU can run.
// Each case prints its max abs error and asserts it under the stated tolerance.

/// Both builds of the SIMD micro-kernels this machine can run (the baseline always; AVX2 + FMA
/// when the CPU has it).
let fastKernelBuilds: [Bool] = Fast.cpuHasAVX2 ? [false, true] : [false]

/// Float sums of up to a few hundred products of values in [-1, 1], in a different order than
/// the reference: errors of a few ulps of the sum's magnitude.
let fastTolerance = Tolerance(atol: 2e-5, rtol: 1e-4)

func fastCheckTensor(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
    Tensor<Float>(randomTensor(shape, seed: seed))
}

/// Runs `body` with the fast path on the given micro-kernel build.
func withFastKernelBuild<Result>(avx2: Bool, _ body: () throws -> Result) rethrows -> Result {
    let saved = Fast.usesAVX2
    Fast.usesAVX2 = avx2
    defer { Fast.usesAVX2 = saved }
    return try body()
}

/// Asserts that `fast` matches `reference` and prints the max abs error.
func expectFastMatch(_ fast: Tensor<Float>, _ reference: Tensor<Float>, _ tolerance: Tolerance = fastTolerance,
                 _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = maxAbsError(fast, reference)
    print("\(label): max abs error \(error) (\(tolerance))")
    let mismatch = compare(fast, reference, tolerance)
    #expect(mismatch == nil, "\(label): \(mismatch?.description ?? "")", sourceLocation: sourceLocation)
}

struct FastConvCase: CustomTestStringConvertible, Sendable {
    let input: [Int]      // N, H, W, C
    let filter: [Int]     // KH, KW, C, O
    let strides: Size2
    let dilations: Size2
    let padding: Padding
    var testDescription: String {
        "\(describeShape(input)) * \(describeShape(filter)) s\(strides) d\(dilations) \(padding)"
    }
}

/// Conv shapes: 1x1 to 5x5 kernels, sizes 1/odd/prime, channels 1..19 (not multiples of 6 or 16),
/// every padding, strides 1..3 (also unequal), dilations 1..2.
let fastConvCases: [FastConvCase] = {
    var cases: [FastConvCase] = []
    let shapes: [([Int], [Int])] = [
        ([1, 1, 1, 1], [1, 1, 1, 1]),
        // lab 11-0's toy: 3x3 image, 2x2 filter. Its 4 filter taps fill less than one 6-row
        // panel of the dFilter GEMM (a copy shortcut once read past them).
        ([1, 3, 3, 1], [2, 2, 1, 1]),
        ([2, 4, 4, 1], [2, 2, 1, 3]),
        ([1, 5, 5, 1], [3, 3, 1, 1]),
        ([2, 7, 7, 3], [3, 3, 3, 5]),
        ([1, 13, 11, 17], [5, 5, 17, 19]),
        ([3, 6, 9, 2], [2, 3, 2, 16]),
        ([2, 8, 8, 16], [1, 1, 16, 33]),
        ([1, 9, 7, 13], [3, 2, 13, 7]),
    ]
    for (input, filter) in shapes {
        for padding in Padding.allCases {
            for (strides, dilations) in [(Size2(1, 1), Size2(1, 1)), (Size2(2, 2), Size2(1, 1)), (Size2(3, 1), Size2(1, 1)),
                                         (Size2(1, 1), Size2(2, 2)), (Size2(1, 1), Size2(1, 2))] {
                // Skip VALID windows that do not fit (the reference throws for them too).
                let effective = [(filter[0] - 1) * dilations.h + 1, (filter[1] - 1) * dilations.w + 1]
                if padding == .valid && (effective[0] > input[1] || effective[1] > input[2]) { continue }
                cases.append(FastConvCase(input: input, filter: filter, strides: strides, dilations: dilations, padding: padding))
            }
        }
    }
    return cases
}()

// Serialized: the cases switch the process-wide micro-kernel build, so they must not overlap.
@Suite("Fast kernels match their reference twins", .serialized)
struct FastCrossCheckTests {
    @Test("conv2d forward and backward", arguments: fastConvCases, fastKernelBuilds)
    func conv2D(_ c: FastConvCase, avx2: Bool) throws {
        let x = fastCheckTensor(c.input, seed: 1), w = fastCheckTensor(c.filter, seed: 2)
        let expected = try Reference.conv2DForward(x, filter: w, strides: c.strides, padding: c.padding, dilations: c.dilations)
        let dy = fastCheckTensor(expected.shape, seed: 3)
        let (y, grads) = try withFastKernelBuild(avx2: avx2) {
            (try Fast.conv2DForward(x, filter: w, strides: c.strides, padding: c.padding, dilations: c.dilations),
             try Fast.conv2DBackward(x, filter: w, dOutput: dy, strides: c.strides, padding: c.padding, dilations: c.dilations))
        }
        let reference = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                                     padding: c.padding, dilations: c.dilations)
        let label = "conv2d \(c.testDescription) avx2=\(avx2)"
        expectFastMatch(y, expected, fastTolerance, label + " y")
        expectFastMatch(grads.dInput, reference.dInput, fastTolerance, label + " dInput")
        expectFastMatch(grads.dFilter, reference.dFilter, fastTolerance, label + " dFilter")
    }

    @Test("conv2d fast path throws the reference's shape errors")
    func conv2DErrors() throws {
        let x = try Tensor<Float>(zeros: [1, 28, 28, 1]), w = try Tensor<Float>(zeros: [5, 5, 3, 32])
        #expect(throws: ConvLabError.self) { try Fast.conv2DForward(x, filter: w, padding: .same) }
        let good = try Tensor<Float>(zeros: [5, 5, 1, 32]), badDy = try Tensor<Float>(zeros: [1, 27, 28, 32])
        #expect(throws: ConvLabError.self) { try Fast.conv2DBackward(x, filter: good, dOutput: badDy, padding: .same) }
    }
}

struct FastPoolCase: CustomTestStringConvertible, Sendable {
    let input: [Int]
    let window: Size2
    let strides: Size2
    let padding: Padding
    var testDescription: String { "\(describeShape(input)) window \(window) s\(strides) \(padding)" }
}

/// Pool shapes: windows 1..3 (also unequal), strides 1..3, both paddings, channels 1..33.
let fastPoolCases: [FastPoolCase] = {
    var cases: [FastPoolCase] = []
    for input in [[1, 1, 1, 1], [2, 5, 7, 3], [1, 13, 11, 17], [3, 8, 8, 33]] {
        for (window, strides) in [(Size2(1, 1), Size2(1, 1)), (Size2(2, 2), Size2(2, 2)), (Size2(3, 3), Size2(2, 2)),
                                  (Size2(3, 2), Size2(1, 3)), (Size2(2, 3), Size2(3, 1))] {
            for padding in Padding.allCases {
                if padding == .valid && (window.h > input[1] || window.w > input[2]) { continue }
                cases.append(FastPoolCase(input: input, window: window, strides: strides, padding: padding))
            }
        }
    }
    return cases
}()

extension FastCrossCheckTests {
    @Test("max and average pool forward and backward", arguments: fastPoolCases)
    func pools(_ c: FastPoolCase) throws {
        // Distinct values (a permutation scaled), so the max has no ties to break differently.
        let count = c.input.reduce(1, *)
        var generator = SeededGenerator(seed: 5)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
        let x = try Tensor<Float>(shape: c.input, scalars: order.map { Float($0) / Float(count) - 0.5 })
        let label = "pool \(c.testDescription)"
        let maxY = try Reference.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
        let dy = fastCheckTensor(maxY.shape, seed: 6)
        // Max pool moves values without arithmetic: exact. Average pool sums in the same order: exact too.
        expectFastMatch(try Fast.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding),
                    maxY, .exact, label + " max y")
        expectFastMatch(try Fast.maxPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                    try Reference.maxPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                    .exact, label + " max dInput")
        expectFastMatch(try Fast.avgPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding),
                    try Reference.avgPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding),
                    .exact, label + " avg y")
        expectFastMatch(try Fast.avgPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                    try Reference.avgPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                    .exact, label + " avg dInput")
    }

    @Test("max pool ties go to the first cell of the window, as in the reference")
    func maxPoolTies() throws {
        let x = try Tensor<Float>(shape: [1, 2, 2, 2], repeating: 1)
        let dy = try Tensor<Float>(shape: [1, 1, 1, 2], scalars: [3, 4])
        let fast = try Fast.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .valid)
        #expect(fast.scalars == [3, 4, 0, 0, 0, 0, 0, 0])
        #expect(fast == (try Reference.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .valid)))
    }

    @Test("dense forward and backward", arguments: [(1, 1, 1), (1, 7, 5), (3, 17, 16), (7, 33, 19), (13, 64, 37), (2, 300, 130)],
          fastKernelBuilds)
    func dense(_ sizes: (Int, Int, Int), avx2: Bool) throws {
        let (batch, inputs, outputs) = sizes
        let x = fastCheckTensor([batch, inputs], seed: 7), w = fastCheckTensor([inputs, outputs], seed: 8)
        let b = fastCheckTensor([outputs], seed: 9), dy = fastCheckTensor([batch, outputs], seed: 10)
        let (y, grads) = try withFastKernelBuild(avx2: avx2) {
            (try Fast.denseForward(x, weights: w, bias: b), try Fast.denseBackward(x, weights: w, dOutput: dy))
        }
        let reference = try Reference.denseBackward(x, weights: w, dOutput: dy)
        let label = "dense [\(batch),\(inputs)] @ [\(inputs),\(outputs)] avx2=\(avx2)"
        // Sums of up to 300 products of values in [-1, 1]: Float rounding grows with the length.
        let tolerance = Tolerance(atol: 1e-4, rtol: 1e-4)
        expectFastMatch(y, try Reference.denseForward(x, weights: w, bias: b), tolerance, label + " y")
        expectFastMatch(grads.dInput, reference.dInput, tolerance, label + " dInput")
        expectFastMatch(grads.dWeights, reference.dWeights, tolerance, label + " dWeights")
        expectFastMatch(grads.dBias, reference.dBias, tolerance, label + " dBias")
    }

    @Test("relu and bias add, forward and backward", arguments: [[1], [7], [3, 5], [2, 3, 4, 17], [1, 300, 301]])
    func elementwise(_ shape: [Int]) throws {
        let x = fastCheckTensor(shape, seed: 11), dy = fastCheckTensor(shape, seed: 12)
        let bias = fastCheckTensor([shape.last!], seed: 13)
        let label = "elementwise \(describeShape(shape))"
        expectFastMatch(try Fast.reluForward(x), try Reference.reluForward(x), .exact, label + " relu")
        expectFastMatch(try Fast.reluBackward(x, dOutput: dy), try Reference.reluBackward(x, dOutput: dy), .exact, label + " relu dInput")
        expectFastMatch(try Fast.biasAddForward(x, bias: bias), try Reference.biasAddForward(x, bias: bias), .exact, label + " biasAdd")
        expectFastMatch(try Fast.biasReLUForward(x, bias: bias),
                        try Reference.reluForward(Reference.biasAddForward(x, bias: bias)), .exact, label + " bias + relu")
        // The conv layers' ReLU backward reads the output: the same gradient as from the input.
        let z = try Reference.biasAddForward(x, bias: bias)
        expectFastMatch(try Fast.reluBackward(try Fast.biasReLUForward(x, bias: bias), dOutput: dy),
                        try Reference.reluBackward(z, dOutput: dy), .exact, label + " relu dInput from the output")
        // The bias gradient adds rows in bands, one per thread: a different order, Float rounding.
        expectFastMatch(try Fast.biasAddBackward(dOutput: dy).dBias, try Reference.biasAddBackward(dOutput: dy).dBias,
                        Tolerance(atol: 1e-4, rtol: 1e-5), label + " dBias")
    }

    @Test("dense, pool and relu fast paths throw the reference's errors")
    func otherErrors() throws {
        let x = try Tensor<Float>(zeros: [2, 3]), w = try Tensor<Float>(zeros: [4, 5]), b = try Tensor<Float>(zeros: [5])
        #expect(throws: ConvLabError.self) { try Fast.denseForward(x, weights: w, bias: b) }
        #expect(throws: ConvLabError.self) { try Fast.reluBackward(x, dOutput: b) }
        #expect(throws: ConvLabError.self) { try Fast.biasReLUForward(x, bias: b) }
        let image = try Tensor<Float>(zeros: [1, 2, 2, 1])
        #expect(throws: ConvLabError.self) { try Fast.maxPoolForward(image, windowSize: 3, strides: 1, padding: .valid) }
    }
}
