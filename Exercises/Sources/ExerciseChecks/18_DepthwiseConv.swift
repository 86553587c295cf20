import ExerciseKit

extension Checks {
    /// Exercise 18: depthwise conv2d as C separate one-channel convolutions of the oracle, put
    /// side by side at output channels c * M + m.
    public static func depthwiseConv2D(_ impl: (Tensor, Tensor, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output is [N, OH, OW, C * M]: M outputs per input channel"
        var g = CaseGenerator(seed: 18)
        let cases: [(x: [Int], w: [Int], s: Size2, p: Padding, why: String)] = [
            ([1, 4, 4, 2], [2, 2, 2, 1], Size2(1, 1), .valid, "2 channels, multiplier 1, VALID"),
            ([1, 5, 5, 2], [3, 3, 2, 2], Size2(1, 1), .same, "2 channels, multiplier 2, SAME"),
            ([2, 6, 6, 3], [3, 2, 3, 2], Size2(2, 2), .same, "a batch, 3 channels, multiplier 2, stride 2, an odd pad total on the rows"),
            ([1, 7, 7, 2], [2, 2, 2, 1], Size2(3, 3), .valid, "stride 3 larger than kernel 2"),
            ([1, 2, 2, 2], [3, 3, 2, 1], Size2(1, 1), .same, "a 3x3 kernel on a 2x2 image, SAME: the kernel is larger than the input"),
        ]
        for c in cases {
            let x = g.tensor(c.x), w = g.tensor(c.w)
            let (channels, multiplier) = (c.x[3], c.w[3])
            var expected: Tensor? = nil
            for k in 0..<channels {
                // Channel k alone, with its own M filters.
                var xk = Tensor(zeros: [c.x[0], c.x[1], c.x[2], 1])
                for n in 0..<c.x[0] { for i in 0..<c.x[1] { for j in 0..<c.x[2] { xk[n, i, j, 0] = x[n, i, j, k] } } }
                var wk = Tensor(zeros: [c.w[0], c.w[1], 1, multiplier])
                for a in 0..<c.w[0] { for b in 0..<c.w[1] { for m in 0..<multiplier { wk[a, b, 0, m] = w[a, b, k, m] } } }
                let yk = Oracle.conv(xk, wk, strides: c.s, padding: c.p)
                if expected == nil { expected = Tensor(zeros: [yk.shape[0], yk.shape[1], yk.shape[2], channels * multiplier]) }
                for n in 0..<yk.shape[0] { for i in 0..<yk.shape[1] { for j in 0..<yk.shape[2] { for m in 0..<multiplier {
                    expected![n, i, j, k * multiplier + m] = yk[n, i, j, m]
                } } } }
            }
            e.close("depthwiseConv2D: \(c.why)",
                    input: "input \(show(x)), filter \(show(w)), strides \(c.s), padding .\(c.p == .same ? "same" : "valid")",
                    got: impl(x, w, c.s, c.p), expected: expected!)
        }
        return e.failures
    }
}
