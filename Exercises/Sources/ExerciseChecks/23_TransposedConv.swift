import ExerciseKit

extension Checks {
    /// Exercise 23: the size rule against conv2d's own size rule (a conv2d from the transposed
    /// output must come back to the input size, and TF's choice is the largest such size up to
    /// I * S + max(K - S, 0)); the values against the exact gradient of the oracle's conv2d with
    /// respect to its input (by linearity), which is what conv2d_transpose computes.
    public static func transposedConv(size: (Int, Int, Int, Padding) -> Int, transpose: (Tensor, Tensor, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output is [N, OH, OW, C] with OH = transposedOutputSize(H, KH, sh, padding) and C = filter.shape[2]"
        e.likelyBugs = "`=` where `+=` belongs (overlapping windows add up); a missing padding offset (row = i*sh + a - padTop, padTop from a conv2d of OH back to H)"
        let sizes: [(i: Int, k: Int, s: Int, p: Padding, why: String)] = [
            (4, 3, 1, .valid, "stride 1, VALID: I + K - 1"), (4, 3, 2, .valid, "stride 2, VALID: (I - 1) * S + K"),
            (4, 3, 2, .same, "stride 2, SAME: I * S"), (3, 2, 3, .valid, "stride 3 larger than kernel 2, VALID: I * S"),
            (1, 5, 1, .valid, "size 1, kernel 5: the kernel itself"), (5, 1, 1, .same, "a 1x1 kernel, stride 1"),
            (2, 4, 4, .valid, "kernel equal to the stride: the windows tile"),
        ]
        for c in sizes {
            // TF/Keras: I * S for SAME; I * S + max(K - S, 0) for VALID; a conv2d maps it back to I.
            let expected = c.p == .same ? c.i * c.s : c.i * c.s + max(c.k - c.s, 0)
            if Oracle.axis(input: expected, kernel: c.k, stride: c.s, padding: c.p).output != c.i {
                e.fail("oracle", "the size rule does not invert conv2d for \(c)")
            }
            e.equal("transposedOutputSize: \(c.why)", input: "inputSize \(c.i), kernelSize \(c.k), stride \(c.s), padding .\(c.p == .same ? "same" : "valid")",
                    got: size(c.i, c.k, c.s, c.p), expected: expected)
        }
        var g = CaseGenerator(seed: 23)
        let cases: [(x: [Int], w: [Int], s: Size2, p: Padding, why: String)] = [
            ([1, 2, 2, 1], [2, 2, 1, 1], Size2(1, 1), .valid, "2x2 input, 2x2 filter, stride 1, VALID: windows overlap"),
            ([1, 2, 2, 1], [3, 3, 1, 1], Size2(2, 2), .valid, "stride 2, 3x3 filter, VALID: 5x5 output, overlapping by one"),
            ([2, 3, 2, 2], [3, 3, 3, 2], Size2(2, 2), .same, "a batch, SAME, stride 2: an odd pad total"),
            ([1, 2, 3, 2], [2, 2, 1, 2], Size2(3, 3), .valid, "stride 3 larger than kernel 2: gaps of zeros"),
            ([1, 1, 1, 2], [3, 3, 1, 2], Size2(1, 1), .valid, "size 1: one cell spreads the kernel"),
            ([1, 3, 3, 2], [3, 3, 2, 2], Size2(1, 1), .same, "SAME, stride 1: the output has the input's size"),
        ]
        for c in cases {
            let x = g.tensor(c.x), w = g.tensor(c.w)
            let oh = c.p == .same ? c.x[1] * c.s.h : c.x[1] * c.s.h + max(c.w[0] - c.s.h, 0)
            let ow = c.p == .same ? c.x[2] * c.s.w : c.x[2] * c.s.w + max(c.w[1] - c.s.w, 0)
            let outputShape = [c.x[0], oh, ow, c.w[2]]
            let expected = Oracle.linearGradient(of: { Oracle.conv($0, w, strides: c.s, padding: c.p) }, at: outputShape, dOutput: x)
            e.close("conv2DTranspose: \(c.why)", input: "input \(show(x)), filter \(show(w)), strides \(c.s), padding .\(c.p == .same ? "same" : "valid")",
                    got: transpose(x, w, c.s, c.p), expected: expected)
        }
        return e.failures
    }
}
