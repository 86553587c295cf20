import ExerciseKit

extension Checks {
    /// Exercise 06: stride 2 SAME (lab 11-0's 3x3 image), odd pad totals, dilations, VALID leftovers.
    public static func conv2DStrided(_ impl: (Tensor, Tensor, Size2, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "OH is exercise 01's size with the dilated kernel EK = (K - 1) * d + 1; VALID can give 0 rows"
        var g = CaseGenerator(seed: 6)
        let toy = Tensor(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let ones = Tensor(shape: [2, 2, 1, 1], repeating: 1)
        let cases: [(x: Tensor, w: Tensor, s: Size2, d: Size2, p: Padding, why: String)] = [
            (toy, ones, Size2(1, 1), Size2(1, 1), .same,
             "lab 11-0: 3x3 toy image, 2x2 ones, SAME -> [[12,16,9],[24,28,15],[15,17,9]] (padding at the end)"),
            (g.tensor([1, 5, 5, 1]), g.tensor([3, 3, 1, 1]), Size2(2, 2), Size2(1, 1), .valid, "stride 2, VALID"),
            (g.tensor([1, 6, 6, 2]), g.tensor([3, 3, 2, 2]), Size2(2, 2), Size2(1, 1), .same, "stride 2, SAME, an odd pad total"),
            (g.tensor([1, 7, 7, 1]), g.tensor([3, 3, 1, 1]), Size2(1, 1), Size2(2, 2), .valid, "dilation 2, VALID (effective kernel 5)"),
            (g.tensor([2, 6, 5, 2]), g.tensor([2, 3, 2, 2]), Size2(2, 1), Size2(2, 1), .same, "a batch, uneven strides and dilations, SAME"),
            (g.tensor([1, 8, 7, 1]), g.tensor([2, 2, 1, 3]), Size2(3, 2), Size2(1, 3), .valid, "VALID with cells left over"),
            (g.tensor([1, 2, 2, 1]), g.tensor([3, 3, 1, 1]), Size2(1, 1), Size2(1, 1), .same, "a 3x3 kernel on a 2x2 image, SAME: the kernel is larger than the input"),
            (g.tensor([1, 2, 3, 1]), g.tensor([3, 3, 1, 2]), Size2(1, 1), Size2(1, 1), .valid, "a 3x3 kernel on a 2x3 image, VALID: no position fits, 0 rows"),
            (g.tensor([1, 7, 8, 1]), g.tensor([2, 2, 1, 1]), Size2(3, 3), Size2(1, 1), .same, "stride 3 larger than kernel 2, SAME: cells between windows are skipped"),
            (g.tensor([1, 1, 1, 2]), g.tensor([1, 1, 2, 1]), Size2(2, 2), Size2(1, 1), .same, "size 1: a 1x1 image, stride 2"),
        ]
        for c in cases {
            e.close("conv2DStrided: \(c.why)",
                    input: "input \(show(c.x)), filter \(show(c.w)), strides \(c.s), dilations \(c.d), padding .\(c.p == .same ? "same" : "valid")",
                    got: impl(c.x, c.w, c.s, c.d, c.p),
                    expected: Oracle.conv(c.x, c.w, strides: c.s, dilations: c.d, padding: c.p))
        }
        return e.failures
    }
}
