import ExerciseKit
import Foundation

extension Checks {
    public typealias Resize = (Tensor, Size2) -> Tensor
    public typealias PSNR = (Tensor, Tensor, Double) -> Double

    /// Exercise 29: TF2's worked 2x2 -> 4x4 examples written out, then the oracle: each output
    /// pixel's centre mapped into the input (half-pixel centres) and the image sampled there
    /// (the pixel under it, or the four around it weighted by area, edges repeated); PSNR against
    /// values worked by hand.
    public static func resizePSNR(nearest: Resize, bilinear: Resize, psnr: PSNR) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output is [N, OH, OW, C]: the requested size, the same examples and channels"
        let small = Tensor(image: [[1, 2], [3, 4]])
        e.close("resizeNearest: [[1, 2], [3, 4]] to 4x4", input: "image \(show(small)), size [4,4]", got: nearest(small, Size2(4, 4)),
                expected: Tensor(shape: [1, 4, 4, 1], scalars: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]), tolerance: .exact)
        e.close("resizeBilinear: [[1, 2], [3, 4]] to 4x4", input: "image \(show(small)), size [4,4]", got: bilinear(small, Size2(4, 4)),
                expected: Tensor(shape: [1, 4, 4, 1], scalars: [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]),
                tolerance: .tight)
        var g = CaseGenerator(seed: 29)
        let cases: [(x: [Int], size: Size2, why: String)] = [
            ([1, 3, 3, 1], Size2(6, 6), "3x3 up by 2"),
            ([2, 4, 6, 2], Size2(3, 9), "a batch, two channels, shrink the rows, grow the columns"),
            ([1, 6, 6, 1], Size2(2, 2), "6x6 down to 2x2: sampling, not averaging"),
            ([1, 1, 1, 3], Size2(3, 2), "size 1: one pixel spreads everywhere"),
            ([1, 5, 4, 1], Size2(5, 4), "the same size: the identity"),
            ([1, 3, 5, 1], Size2(7, 3), "odd sizes both ways"),
        ]
        for c in cases {
            let x = g.tensor(c.x, 0, 1)
            let input = "image \(show(x)), size \(c.size)"
            e.close("resizeNearest: \(c.why)", input: input, got: nearest(x, c.size), expected: Oracle.resize(x, c.size, bilinear: false), tolerance: .exact)
            e.close("resizeBilinear: \(c.why)", input: input, got: bilinear(x, c.size), expected: Oracle.resize(x, c.size, bilinear: true), tolerance: .tight)
        }
        // PSNR by hand: an error of 0.1 everywhere is an MSE of 0.01, 20 dB at peak 1.
        let zeros = Tensor(zeros: [1, 2, 2, 1]), tenth = Tensor(shape: [1, 2, 2, 1], repeating: 0.1)
        let bytes = Tensor(shape: [1, 1, 2, 1], scalars: [100, 200]), bytesOff = Tensor(shape: [1, 1, 2, 1], scalars: [110, 190])
        let halfWrong = Tensor(shape: [1, 1, 4, 1], scalars: [0, 0, 1, 1]), halfRef = Tensor(shape: [1, 1, 4, 1], scalars: [0, 0, 0, 1])
        let psnrCases: [(a: Tensor, b: Tensor, peak: Double, expected: Double, why: String)] = [
            (tenth, zeros, 1, 20, "an error of 0.1 everywhere: MSE 0.01, 20 dB"),
            (bytesOff, bytes, 255, 10 * log10(255 * 255 / 100.0), "bytes off by 10: MSE 100 at peak 255, 28.13 dB"),
            (halfWrong, halfRef, 1, 10 * log10(4.0), "one pixel of four wrong by 1: MSE 0.25, 6.02 dB"),
            (zeros, zeros, 1, .infinity, "equal images: +infinity"),
        ]
        for c in psnrCases {
            e.close("psnr: \(c.why)", input: "image \(show(c.a)), reference \(show(c.b)), peak \(formatScalar(c.peak))",
                    got: psnr(c.a, c.b, c.peak), expected: c.expected, tolerance: .tight)
        }
        return e.failures
    }
}
