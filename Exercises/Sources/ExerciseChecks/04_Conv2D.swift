import ExerciseKit

extension Checks {
    /// Exercise 04: the lab's toy image, an asymmetric filter, a non-square image and filter.
    public static func conv2D(_ impl: ([[Double]], [[Double]]) -> [[Double]]) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output is [H - KH + 1][W - KW + 1]: check both loop bounds"
        var g = CaseGenerator(seed: 4)
        func rows(_ t: Tensor) -> [[Double]] {
            (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { j in t[i, j] } }
        }
        let cases: [(x: [[Double]], w: [[Double]], why: String)] = [
            ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 1], [1, 1]],
             "lab 11-0: 3x3 toy image, 2x2 ones filter, VALID -> [[12,16],[24,28]]"),
            ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [0, -1]], "an asymmetric 2x2 filter"),
            (rows(g.tensor([4, 6])), [[1, 0, -1], [2, 0, -2]], "a 4x6 image and a 2x3 filter"),
            (rows(g.tensor([5, 3])), rows(g.tensor([2, 2])), "a 5x3 image (taller than wide)"),
            ([[2, -1, 3], [1, 0, 4]], [[1, 2, 3], [4, 5, 6]], "a filter as large as the image: one output"),
            ([[5]], [[-2]], "size 1: a 1x1 image and a 1x1 filter"),
        ]
        for c in cases {
            let x = Tensor(image: c.x), w = Tensor(shape: [c.w.count, c.w[0].count, 1, 1], scalars: c.w.flatMap { $0 })
            let y = Oracle.conv(x, w)
            let expected = (0..<y.shape[1]).map { i in (0..<y.shape[2]).map { j in y[0, i, j, 0] } }
            e.close("conv2D: \(c.why)", input: "image \(show(c.x)), filter \(show(c.w))",
                    got: impl(c.x, c.w), expected: expected)
        }
        return e.failures
    }
}
