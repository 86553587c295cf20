import ExerciseKit

extension Checks {
    /// Exercise 14: the matrix must make conv2d a matrix product: im2col(x) x filter[KH*KW*C, O]
    /// equals the oracle's conv2d, checked for random filters; plus the toy image's matrix itself.
    public static func im2col(_ impl: (Tensor, Size2, Size2, Padding) -> [[Double]]) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the matrix is [N*OH*OW][KH*KW*C]: one row per window, one column per tap"
        var g = CaseGenerator(seed: 14)
        let toy = Tensor(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        e.close("im2col: lab 11-0's 3x3 toy image, 2x2 kernel, VALID: one row per window",
                input: "input \(show(toy)), kernel [2,2], strides [1,1], padding .valid",
                got: impl(toy, Size2(2, 2), Size2(1, 1), .valid),
                expected: [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
        let cases: [(x: [Int], k: Size2, s: Size2, p: Padding, why: String)] = [
            ([1, 4, 4, 2], Size2(2, 2), Size2(1, 1), .valid, "2 channels, VALID"),
            ([2, 5, 4, 3], Size2(3, 2), Size2(2, 1), .same, "a batch of 2, 3 channels, SAME, odd pad totals"),
            ([1, 6, 6, 1], Size2(3, 3), Size2(2, 2), .same, "SAME, stride 2"),
            ([1, 7, 8, 2], Size2(2, 2), Size2(3, 3), .valid, "stride 3 larger than kernel 2"),
            ([1, 2, 2, 1], Size2(3, 3), Size2(1, 1), .same, "a 3x3 kernel on a 2x2 image, SAME: most taps read padding"),
        ]
        for c in cases {
            let x = g.tensor(c.x)
            let channels = c.x[3], outputs = 2
            let filter = g.tensor([c.k.h, c.k.w, channels, outputs])
            let y = Oracle.conv(x, filter, strides: c.s, padding: c.p)
            let got = impl(x, c.k, c.s, c.p)
            let input = "input \(show(x)), kernel \(c.k), strides \(c.s), padding .\(c.p == .same ? "same" : "valid")"
            let rowCount = y.shape[0] * y.shape[1] * y.shape[2], columnCount = c.k.h * c.k.w * channels
            guard got.count == rowCount, got.allSatisfy({ $0.count == columnCount }) else {
                e.fail("im2col: matrix shape, \(c.why)", """
                      input:    \(input)
                      expected: shape [\(rowCount),\(columnCount)] (N*OH*OW rows, KH*KW*C columns)
                      got:      shape [\(got.count),\(got.first?.count ?? 0)]\(got.allSatisfy { $0.count == got.first?.count } ? "" : " (rows of different lengths)")
                    """)
                continue
            }
            // The product with the filter reshaped to [KH*KW*C, O] (HWIO is already that order).
            var product = Tensor(zeros: y.shape)
            for r in 0..<rowCount { for o in 0..<outputs {
                product.scalars[r * outputs + o] = (0..<columnCount).reduce(0) { $0 + got[r][$1] * filter.scalars[$1 * outputs + o] }
            } }
            e.close("im2col: im2col(x) x filter must equal conv2d, \(c.why)", input: input + ", filter \(show(filter))",
                    got: product, expected: y)
        }
        return e.failures
    }
}
