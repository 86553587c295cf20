import ConvLab
@testable import ConvLabFast
import ConvLabTestSupport
import Testing

// The order in which the fast dense layer adds up each output. Recorded training runs (module 11,
// the README) are reproduced digit for digit only while that order stays the same, so it is
// pinned here bit for bit, whatever tiles, panels and threads the GEMM cuts the product into.

extension FastCrossCheckTests {
    /// `y[i, j] = bias[j] + p_0 + p_1 + ...`, added left to right, where `p_b` is the sum of the
    /// products over the b-th block of `Fast.gemmBlockK` inputs, accumulated from zero in input
    /// order: with one rounding per multiply-add on builds with FMA, two without.
    static func blockOrderedDense(_ x: [Float], _ w: [Float], _ bias: [Float], batch: Int, inputs: Int, outputs: Int,
                                  fused: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: batch * outputs)
        for i in 0..<batch {
            for j in 0..<outputs {
                var sum = bias[j]
                for k0 in stride(from: 0, to: inputs, by: Fast.gemmBlockK) {
                    var partial: Float = 0
                    for k in k0..<min(k0 + Fast.gemmBlockK, inputs) {
                        let (a, b) = (x[i * inputs + k], w[k * outputs + j])
                        partial = fused ? partial.addingProduct(a, b) : partial + a * b
                    }
                    sum += partial
                }
                y[i * outputs + j] = sum
            }
        }
        return y
    }

    /// Batches that the few-rows GEMM cuts into 4-row panels (2, 7, 13: one; 14 and 128: two,
    /// after 6-row ones), 300 inputs (two reduction blocks), 70 outputs (a 6-column edge panel).
    @Test(arguments: [2, 7, 13, 14, 128])
    func denseForwardAddsInBlockOrder(batch: Int) throws {
        let (inputs, outputs) = (300, 70)
        let x = fastCheckTensor([batch, inputs], seed: 41), w = fastCheckTensor([inputs, outputs], seed: 42)
        let bias = fastCheckTensor([outputs], seed: 43)
        let savedThreads = Fast.threads
        defer { Fast.threads = savedThreads }
        for avx2 in fastKernelBuilds {
            #if arch(arm64)
            let fused = true
            #else
            let fused = avx2
            #endif
            let expected = Self.blockOrderedDense(x.scalars, w.scalars, bias.scalars, batch: batch, inputs: inputs,
                                                  outputs: outputs, fused: fused)
            for threads in [1, 2] {
                Fast.threads = threads
                let y = try withFastKernelBuild(avx2: avx2) { try Fast.denseForward(x, weights: w, bias: bias) }
                let same = y.scalars == expected   // a Bool, so a failure does not print 9,000 floats
                #expect(same, "batch \(batch), \(threads) thread(s), AVX2 build: \(avx2)")
            }
        }
    }
}
