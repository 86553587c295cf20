import ExerciseKit

extension Checks {
    /// Exercise 19: the kernels against the lecture's literal weights and an independent
    /// binomial recipe (repeated averaging of neighbours); applying them against the oracle's
    /// conv2d run on each channel alone (a [KH, KW, 1, 1] filter on a one-channel copy).
    public static func blurSobel(blur: (Int) -> [[Double]], sobel: () -> [[Double]],
                                 filter: (Tensor, [[Double]], Int) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "SAME keeps ceil(H / stride) x ceil(W / stride), and every channel stays: the output has C channels"

        // The kernels. The lecture's blur and top Sobel, written out.
        e.close("binomialBlur(size: 3) is the lecture's blur", input: "size 3", got: blur(3),
                expected: [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]], tolerance: .tight)
        e.close("binomialBlur(size: 1) is the identity", input: "size 1", got: blur(1), expected: [[1]], tolerance: .tight)
        for size in [2, 5] {
            // 1-D: start from [1] and average neighbours size - 1 times (each step halves and adds).
            var row: [Double] = [1]
            for _ in 1..<size { row = (0...row.count).map { k in ((k > 0 ? row[k - 1] : 0) + (k < row.count ? row[k] : 0)) / 2 } }
            e.close("binomialBlur(size: \(size)): Pascal's row times itself, summing to 1", input: "size \(size)",
                    got: blur(size), expected: row.map { a in row.map { a * $0 } }, tolerance: .tight)
        }
        e.close("topSobel(): bright above, dark below", input: "none", got: sobel(),
                expected: [[1, 2, 1], [0, 0, 0], [-1, -2, -1]], tolerance: .exact)

        // Applying a kernel: channel by channel through the oracle.
        func expected(_ x: Tensor, _ kernel: [[Double]], _ stride: Int) -> Tensor {
            let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let f = Tensor(shape: [kernel.count, kernel[0].count, 1, 1], scalars: kernel.flatMap { $0 })
            var y: Tensor? = nil
            for k in 0..<c {
                var xk = Tensor(zeros: [n, h, w, 1])
                for b in 0..<n { for i in 0..<h { for j in 0..<w { xk[b, i, j, 0] = x[b, i, j, k] } } }
                let yk = Oracle.conv(xk, f, strides: Size2(stride, stride), padding: .same)
                if y == nil { y = Tensor(zeros: [n, yk.shape[1], yk.shape[2], c]) }
                for b in 0..<n { for i in 0..<yk.shape[1] { for j in 0..<yk.shape[2] { y![b, i, j, k] = yk[b, i, j, 0] } } }
            }
            return y!
        }
        var g = CaseGenerator(seed: 19)
        let blur3: [[Double]] = [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]]
        let sobel3: [[Double]] = [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]
        // The lecture's orange square: per channel, the blur keeps the colour at the centre.
        var orange = Tensor(zeros: [1, 5, 5, 3])
        for k in orange.scalars.indices { orange.scalars[k] = [0.8, 0.4, 0.1][k % 3] }
        // A bright band over a dark one: the top Sobel sees the horizontal edge.
        var edge = Tensor(zeros: [1, 4, 5, 2])
        for i in 0..<2 { for j in 0..<5 { edge[0, i, j, 0] = 1; edge[0, i, j, 1] = 0.5 } }
        let cases: [(x: Tensor, kernel: [[Double]], stride: Int, why: String)] = [
            (orange, blur3, 1, "the lecture's orange square (0.8, 0.4, 0.1), blur per channel: the colour survives"),
            (edge, sobel3, 1, "a bright band over a dark one, top Sobel: a horizontal edge, two channels"),
            (g.tensor([2, 4, 6, 3]), sobel3, 1, "a batch of two RGB images, top Sobel"),
            (g.tensor([1, 8, 8, 2]), blur3, 2, "stride 2 on 8x8: an odd pad total, the extra row at the bottom"),
            (g.tensor([1, 9, 7, 1]), sobel3, 4, "stride 4 larger than the kernel"),
            (g.tensor([1, 2, 3, 2]), [[1, 4, 6, 4, 1], [4, 16, 24, 16, 4], [6, 24, 36, 24, 6], [4, 16, 24, 16, 4], [1, 4, 6, 4, 1]].map { $0.map { $0 / 256 } }, 1,
             "a 5x5 blur on a 2x3 image: the kernel is larger than the image"),
            (g.tensor([1, 1, 1, 3]), sobel3, 1, "size 1: a 1x1 RGB image (only the centre tap is inside)"),
        ]
        for c in cases {
            e.close("filterPerChannel: \(c.why)", input: "image \(show(c.x)), kernel \(show(c.kernel)), stride \(c.stride)",
                    got: filter(c.x, c.kernel, c.stride), expected: expected(c.x, c.kernel, c.stride))
        }
        return e.failures
    }
}
