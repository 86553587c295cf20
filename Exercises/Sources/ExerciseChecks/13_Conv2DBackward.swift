import ExerciseKit

extension Checks {
    /// Exercise 13: conv2d backward, expected gradients by linearity of the oracle's forward pass
    /// (exact, and independent of any backward code).
    public static func conv2DBackward(_ impl: (Tensor, Tensor, Tensor, Size2, Padding) -> (dInput: Tensor, dFilter: Tensor)) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "dInput has the input's shape, dFilter the filter's: start both from zeros"
        e.likelyBugs = "`=` where `+=` belongs (an input cell and a filter tap are used by many output cells: add every contribution); a missing padding offset (row = i*sh + a - padTop, padTop from exercise 02 with OH from dOutput)"
        var g = CaseGenerator(seed: 13)
        let cases: [(x: [Int], w: [Int], s: Size2, p: Padding, why: String)] = [
            ([1, 3, 3, 1], [2, 2, 1, 1], Size2(1, 1), .valid, "lab 11-0's shapes: 3x3 image, 2x2 filter, VALID"),
            ([2, 4, 4, 2], [3, 3, 2, 2], Size2(1, 1), .same, "a batch of 2, SAME, stride 1"),
            ([1, 5, 6, 1], [3, 2, 1, 2], Size2(2, 2), .same, "SAME, stride 2, odd pad totals"),
            ([2, 5, 5, 2], [2, 2, 2, 1], Size2(2, 1), .valid, "VALID, uneven strides"),
            ([1, 7, 7, 1], [2, 2, 1, 2], Size2(3, 3), .same, "stride 3 larger than kernel 2, SAME: some cells get no gradient"),
            ([1, 2, 2, 2], [3, 3, 2, 1], Size2(1, 1), .same, "a 3x3 kernel on a 2x2 image, SAME: the kernel is larger than the input"),
        ]
        for c in cases {
            let x = g.tensor(c.x), w = g.tensor(c.w)
            let y = Oracle.conv(x, w, strides: c.s, padding: c.p)
            let dy = g.tensor(y.shape)
            let dInput = Oracle.linearGradient(of: { Oracle.conv($0, w, strides: c.s, padding: c.p) }, at: x.shape, dOutput: dy)
            let dFilter = Oracle.linearGradient(of: { Oracle.conv(x, $0, strides: c.s, padding: c.p) }, at: w.shape, dOutput: dy)
            let got = impl(x, w, dy, c.s, c.p)
            let input = "input \(show(x)), filter \(show(w)), dOutput \(show(dy)), strides \(c.s), padding .\(c.p == .same ? "same" : "valid")"
            e.close("conv2DBackward: dInput, \(c.why)", input: input, got: got.dInput, expected: dInput)
            e.close("conv2DBackward: dFilter, \(c.why)", input: input, got: got.dFilter, expected: dFilter)
        }
        return e.failures
    }
}
