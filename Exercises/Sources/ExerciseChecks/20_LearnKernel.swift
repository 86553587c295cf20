import ExerciseKit

extension Checks {
    public typealias LearnKernel = ([[Double]], [[Double]], Int, Double, Int) -> (kernel: [[Double]], losses: [Double])

    /// Exercise 20: the first steps against an oracle trajectory (the loss through the oracle's
    /// conv2d, its gradient by centred differences: exact for a quadratic), then the point of
    /// the lecture: a few hundred steps recover a blur and a Sobel kernel.
    public static func learnKernel(_ impl: LearnKernel) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the kernel is kernelSize x kernelSize, and there is one loss per step"
        e.likelyBugs = "`=` where `+=` belongs (a tap's gradient sums over every output); the 2 of the square and the 1/M of the mean; the loss is recorded before the step"
        var g = CaseGenerator(seed: 20)
        func matrix(_ t: Tensor) -> [[Double]] { (0..<t.shape[1]).map { i in (0..<t.shape[2]).map { t[0, i, $0, 0] } } }
        func image(_ rows: [[Double]]) -> Tensor { Tensor(image: rows) }
        func filter(_ k: [[Double]]) -> Tensor { Tensor(shape: [k.count, k.count, 1, 1], scalars: k.flatMap { $0 }) }
        func loss(_ x: [[Double]], _ t: [[Double]], _ k: [[Double]]) -> Double {
            let y = Oracle.conv(image(x), filter(k))
            let diff = zip(y.scalars, t.flatMap { $0 }).map { $0 - $1 }
            return diff.reduce(0) { $0 + $1 * $1 } / Double(diff.count)
        }
        /// The oracle's steps: numerical gradients of the loss.
        func trajectory(_ x: [[Double]], _ t: [[Double]], _ size: Int, _ lr: Double, _ steps: Int) -> ([[Double]], [Double]) {
            var k = Tensor(zeros: [size, size])
            var losses: [Double] = []
            for _ in 0..<steps {
                let rows = { (t: Tensor) in (0..<size).map { a in (0..<size).map { t[a, $0] } } }
                losses.append(loss(x, t, rows(k)))
                let grad = Oracle.numericalGradient(of: { loss(x, t, rows($0)) }, at: k, h: 1e-4)
                for q in k.scalars.indices { k.scalars[q] -= lr * grad.scalars[q] }
            }
            return ((0..<size).map { a in (0..<size).map { k[a, $0] } }, losses)
        }
        let blur: [[Double]] = [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]]
        let sobel: [[Double]] = [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]

        // Short runs against the oracle's trajectory.
        let x4 = matrix(g.tensor([1, 4, 4, 1], 0, 1)), x5 = matrix(g.tensor([1, 5, 5, 1], -1, 1)), x3 = matrix(g.tensor([1, 3, 3, 1], 0, 2))
        let short: [(x: [[Double]], k: [[Double]], lr: Double, steps: Int, why: String)] = [
            (x4, [[1, 0], [0, -1]], 0.1, 1, "one step from zeros: k = -learningRate * dL/dk at 0"),
            (x5, blur, 0.2, 3, "three steps towards a blur"),
            (x3, [[2]], 0.1, 2, "kernel size 1: the hidden kernel is a scale factor"),
            (x3, sobel, 0.05, 2, "a kernel as large as the image: one output, M = 1"),
            (x4, [[1, 0], [0, -1]], 0.1, 0, "zero steps: the kernel of zeros and no losses"),
        ]
        for c in short {
            let target = matrix(Oracle.conv(image(c.x), filter(c.k)))
            let (kernel, losses) = trajectory(c.x, target, c.k.count, c.lr, c.steps)
            let got = impl(c.x, target, c.k.count, c.lr, c.steps)
            let input = "image \(show(c.x)), target \(show(target)), kernelSize \(c.k.count), learningRate \(formatScalar(c.lr)), steps \(c.steps)"
            e.close("learnKernel: the losses before each step, \(c.why)", input: input, got: got.losses, expected: losses, tolerance: Tolerance(atol: 1e-8, rtol: 1e-6))
            e.close("learnKernel: the kernel, \(c.why)", input: input, got: got.kernel,
                    expected: c.steps == 0 ? [[Double]](repeating: [Double](repeating: 0, count: c.k.count), count: c.k.count) : kernel,
                    tolerance: Tolerance(atol: 1e-8, rtol: 1e-6))
        }
        // Recovery: the hidden kernel comes back.
        let x10 = matrix(g.tensor([1, 10, 10, 1], 0, 1))
        for (hidden, name, lr) in [(blur, "the lecture's blur", 0.3), (sobel, "the top Sobel", 0.3)] {
            let target = matrix(Oracle.conv(image(x10), filter(hidden)))
            let got = impl(x10, target, 3, lr, 400)
            let input = "a 10x10 image \(show(x10)), target = conv2D(image, \(name)), kernelSize 3, learningRate \(formatScalar(lr)), steps 400"
            e.close("learnKernel: 400 steps recover \(name)", input: input, got: got.kernel, expected: hidden, tolerance: Tolerance(atol: 1e-3, rtol: 0))
            if got.losses.count == 400, !(got.losses[399] < got.losses[0] * 1e-4) {
                e.fail("learnKernel: the loss falls while learning \(name)", "  input:    \(input)\n  expected: the last loss below 1e-4 x the first (\(formatScalar(got.losses[0])))\n  got:      \(formatScalar(got.losses[399]))" + e.notes())
            }
        }
        return e.failures
    }
}
