import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabNN
import ConvLabSIMD
import ConvLabTestSupport
import Testing

/// Winograd's minimal filtering (Fast+Winograd.swift): its matrices and where it applies. Its
/// sums are cross-checked against the reference by `FastCrossCheckTests` (op `conv2d_inference`,
/// and the two tests at the end of this file).
@Suite("Winograd convolution")
struct WinogradTests {
    /// `y_i = sum_k d_(i+k) g_k` through the algorithm's matrices, in Double.
    static func correlate(_ t: WinogradTransform, _ d: [Double], _ g: [Double]) -> [Double] {
        let alpha = t.alpha, r = t.kernel, m = t.outputTile
        let bt = t.inputMatrix.map(Double.init), gm = t.filterMatrix.map(Double.init), at = t.outputMatrix.map(Double.init)
        let products = (0..<alpha).map { j in
            (0..<r).reduce(0.0) { $0 + gm[j * r + $1] * g[$1] } * (0..<alpha).reduce(0.0) { $0 + bt[j * alpha + $1] * d[$1] }
        }
        return (0..<m).map { i in (0..<alpha).reduce(0.0) { $0 + at[i * alpha + $1] * products[$1] } }
    }

    /// F(m, r) in one dimension equals the direct correlation, for the two algorithms ConvLab uses
    /// (F(4, 5) and F(4, 3)) and others of the same construction (points 1/2 and -1/2 join at alpha 7).
    /// The only error left is `G`'s rounding to Float.
    @Test(arguments: [(2, 5), (4, 3), (2, 3), (3, 3), (5, 3), (4, 5)])
    func matricesComputeTheCorrelation(m: Int, r: Int) {
        let t = WinogradTransform(outputTile: m, kernel: r)
        var generator = SeededGenerator(seed: UInt64(10 * m + r))
        for _ in 0..<20 {
            let d = (0..<t.alpha).map { _ in Double.random(in: -1...1, using: &generator) }
            let g = (0..<r).map { _ in Double.random(in: -1...1, using: &generator) }
            let direct = (0..<m).map { i in (0..<r).reduce(0.0) { $0 + d[i + $1] * g[$1] } }
            let winograd = Self.correlate(t, d, g)
            for i in 0..<m { #expect(abs(winograd[i] - direct[i]) < 1e-5, "F(\(m), \(r)) output \(i)") }
        }
    }

    /// The SIMD transforms hard-code `B^T` and `A^T` as additions; they must be the matrices the
    /// Cook-Toom construction gives (the one `G` is built for). On 6 x 6 tiles `B^T` is all
    /// integers, so the input transform rounds only in its sums; F(4x4, 3x3)'s is Lavin and Gray's
    /// (their wincnn's, for the points 0, 1, -1, 2, -2) up to the sign of two rows.
    @Test func theKernelsConstantsAreTheConstructedMatrices() {
        let f4x3 = WinogradTransform.forKernel3, f4x5 = WinogradTransform.forKernel5
        #expect(f4x3.alpha == 6 && f4x5.alpha == 8)
        #expect(f4x3.inputMatrix == winograd6InputMatrix)
        #expect(f4x3.outputMatrix == winograd6OutputMatrix)
        #expect(f4x5.inputMatrix == winograd8InputMatrix)
        #expect(f4x5.outputMatrix == winograd8OutputMatrix)
        let lavin: [[Float]] = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                                [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
        for (j, row) in lavin.enumerated() {
            let ours = Array(winograd6InputMatrix[(6 * j)..<(6 * j + 6)])
            #expect(ours == row || ours == row.map { -$0 }, "row \(j)")
        }
    }

    @Test func itAppliesToSquare3x3And5x5FiltersAtStride1Only() {
        func plan(_ k: Size2, strides: Size2 = 1, dilations: Size2 = 1, c: Int = 32, o: Int = 64) -> Int? {
            WinogradTransform.plan(kernel: k, strides: strides, dilations: dilations, inChannels: c, outChannels: o)?.outputTile
        }
        #expect(plan(5) == 4)
        #expect(plan(3) == 4)
        #expect(plan(5, strides: 2) == nil)
        #expect(plan(5, strides: Size2(1, 2)) == nil)
        #expect(plan(3, dilations: 2) == nil)
        #expect(plan(1) == nil)
        #expect(plan(7) == nil)
        #expect(plan(Size2(3, 5)) == nil)
        #expect(plan(5, c: 1) == nil)     // lecture 7's conv1
        #expect(plan(5, c: 7) == nil)
        #expect(plan(5, o: 4) == nil)
    }
}

// Bit-for-bit comparisons of fast-path results: in the serialized cross-check suite, whose other
// tests switch the process-wide micro-kernel build (the AVX2 and baseline builds round differently).
extension FastCrossCheckTests {
    /// Where it applies, the inference conv is a different sum from `conv2DForward` (a different
    /// rounding, so the Winograd route really ran); where it does not, it is `conv2DForward`, bit
    /// for bit. Both within the cross-check's tolerance of the reference.
    @Test("conv2DInference is Winograd where it applies, conv2DForward elsewhere", arguments: fastKernelBuilds)
    func evaluationConvIsWinogradWhereItApplies(avx2: Bool) throws {
        try withFastKernelBuild(avx2: avx2) {
            let x = fastCheckTensor([2, 9, 10, 16], seed: 1)
            for (w, applies) in [(fastCheckTensor([5, 5, 16, 24], seed: 2), true), (fastCheckTensor([3, 3, 16, 8], seed: 3), true),
                                 (fastCheckTensor([5, 5, 16, 4], seed: 4), false), (fastCheckTensor([2, 2, 16, 8], seed: 5), false)] {
                let inference = try Fast.conv2DInference(x, filter: w, padding: .same)
                let direct = try Fast.conv2DForward(x, filter: w, padding: .same)
                #expect((inference.scalars != direct.scalars) == applies, "filter \(w.shape)")
                expectFastMatch(inference, try Reference.conv2DForward(x, filter: w, padding: .same),
                                Tolerance(atol: 1e-4, rtol: 1e-4), "winograd \(w.shape)")
            }
        }
    }

    /// A `Conv2D` layer runs `conv2DInference` in evaluation and in training by default, and
    /// `conv2DForward` in training when its kernels ask for the direct product.
    @Test("a Conv2D layer trains with conv2DInference unless told .direct")
    func aLayerChoosesItsTrainingConvolution() throws {
        let layer = Conv2D("conv", kernel: 5, inputChannels: 16, filters: 24)
        layer.weights.value = fastCheckTensor([5, 5, 16, 24], seed: 9)
        layer.biases.value = fastCheckTensor([24], seed: 10)
        let x = fastCheckTensor([1, 8, 8, 16], seed: 6)
        let w = layer.weights.value, bias = layer.biases.value
        let winograd = try Fast.biasAddForward(try Fast.conv2DInference(x, filter: w, padding: .same), bias: bias)
        let directProduct = try Fast.biasAddForward(try Fast.conv2DForward(x, filter: w, padding: .same), bias: bias)
        let differ = winograd.scalars != directProduct.scalars
        #expect(differ, "Winograd's sums should round differently from the direct product's")
        let direct = Kernels(.fast, trainingConvolution: .direct)
        for (kernels, mode, expected) in [(Kernels(.fast), Mode.evaluation, winograd), (Kernels(.fast), .training, winograd),
                                          (direct, .evaluation, winograd), (direct, .training, directProduct)] {
            let y = try layer.forward(x, context: LayerContext(kernels: kernels, mode: mode))
            let same = y.scalars == expected.scalars   // a Bool, so a failure does not print 1,536 floats
            #expect(same, "\(kernels.trainingConvolution), \(mode)")
        }
    }
}
