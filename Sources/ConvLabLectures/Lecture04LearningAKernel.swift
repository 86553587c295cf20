import ConvLab
import Foundation

/// Module 4, "Learning a kernel": the code `Lectures/04-learning-a-kernel.md` walks through.
/// Module 3's top Sobel kernel is recovered by gradient descent from (image, filtered image)
/// pairs, with the gradient from `Reference.conv2DBackward` (derived in module 9).
enum LearningAKernelLecture {
    static let lecture = Lecture(
        number: 4, title: "Learning a kernel",
        markdown: "04-learning-a-kernel.md", source: "Lecture04LearningAKernel.swift",
        snippets: [
            Snippet("pairs", pairs),
            Snippet("loss-and-gradient", loose: [.gradientCheck], lossAtZero),
            Snippet("descent", descent),
            Snippet("curvature", curvature),
            Snippet("learning-rates", learningRates),
            Snippet("try-it", tryIt),
        ],
        figures: [
            Figure("learning-a-kernel.svg", { Array(try kernelFigure().utf8) }),
            Figure("learning-rates.svg", { Array(try learningRateFigure().utf8) }),
        ])

    // @code training-pairs
    /// Four 10x10 images of random pixels in [0, 1] and the same images filtered by module 3's
    /// top Sobel kernel (VALID, so every target pixel comes from a full 3x3 window).
    static func trainingPairs() throws -> (images: Tensor<Double>, targets: Tensor<Double>, sobel: Tensor<Double>) {
        let sobel = try Tensor<Double>(Tensor<Float>(ClassicKernel.topSobel.weights)).reshaped([3, 3, 1, 1])
        var generator = SeededGenerator(seed: 4)
        let images = try Tensor<Double>(shape: [4, 10, 10, 1], scalars: (0..<400).map { _ in generator.nextUnit() })
        let targets = try Reference.conv2DForward(images, filter: sobel, padding: .valid)
        return (images, targets, sobel)
    }
    // @end

    /// The data: what the learner sees, and how one target pixel was made.
    static func pairs(_ out: inout Transcript) throws {
        // @code pairs
        let (images, targets, sobel) = try trainingPairs()
        out.say("images \(shape: images.shape) -> targets \(shape: targets.shape)")
        out.say("\(targets.count) target pixels, \(sobel.count) unknown weights")
        // Target pixel (0, 0) of image 0 is the top-left 3x3 window times the kernel, summed.
        var sum = 0.0
        for a in 0..<3 {
            for b in 0..<3 { sum += images[0, a, b, 0] * sobel[a, b, 0, 0] }
        }
        out.say("window . sobel = \(sum, decimals: 4), targets[0, 0, 0, 0] = \(targets[0, 0, 0, 0], decimals: 4)")
        // @end
    }

    // @code loss
    /// The mean squared error of the kernel `w` over every target pixel, L = 1/(2M) Σ (ŷ - y)²,
    /// and its gradient: dL/dŷ = (ŷ - y)/M, carried back to the filter by conv2d's backward pass.
    static func lossAndGradient(_ w: Tensor<Double>, images: Tensor<Double>, targets: Tensor<Double>) throws
        -> (loss: Double, gradient: Tensor<Double>) {
        let predictions = try Reference.conv2DForward(images, filter: w, padding: .valid)
        let m = Double(targets.count)
        let errors = zip(predictions.scalars, targets.scalars).map { $0 - $1 }
        let loss = errors.map { $0 * $0 }.reduce(0, +) / (2 * m)
        let dPredictions = try Tensor<Double>(shape: targets.shape, scalars: errors.map { $0 / m })
        let dFilter = try Reference.conv2DBackward(images, filter: w, dOutput: dPredictions, padding: .valid).dFilter
        return (loss, dFilter)
    }
    // @end

    /// The loss and its gradient at w = 0, checked against centred differences.
    static func lossAtZero(_ out: inout Transcript) throws {
        // @code loss-and-gradient
        let (images, targets, sobel) = try trainingPairs()
        let zero = try Tensor<Double>(zeros: [3, 3, 1, 1])
        let (loss, gradient) = try lossAndGradient(zero, images: images, targets: targets)
        out.say("at w = 0: loss \(loss, decimals: 4), gradient:")
        try out.grid(try gradient.reshaped([3, 3]), decimals: 4)
        let numeric = try numericalGradient({ w in
            try lossAndGradient(w, images: images, targets: targets).loss
        }, at: zero)
        let error = relativeError(gradient, numeric)
        out.say("relative error against centred differences: \(error, scientific: 0)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        // The first step already points at the answer: -gradient is the Sobel kernel, smeared.
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { $0 * $1 }.reduce(0, +) }
        let g = gradient.scalars.map { -$0 }, s = sobel.scalars
        let cosine = dot(g, s) / (dot(g, g).squareRoot() * dot(s, s).squareRoot())
        out.say("cosine between -gradient and the Sobel kernel: \(cosine, decimals: 3)")
        // @end
    }

    typealias History = [(step: Int, loss: Double, kernel: Tensor<Double>)]

    // @code descent-loop
    /// Plain gradient descent from a small random kernel, recording the loss and kernel at every
    /// step.
    static func descend(images: Tensor<Double>, targets: Tensor<Double>, from start: Tensor<Double>? = nil,
                        learningRate: Double, steps: Int) throws -> History {
        var generator = SeededGenerator(seed: 40)
        var w = try start ?? Tensor<Double>(shape: [3, 3, 1, 1], scalars: (0..<9).map { _ in 0.1 * generator.nextNormal() })
        var history: History = []
        for step in 0...steps {
            let (loss, gradient) = try lossAndGradient(w, images: images, targets: targets)
            history.append((step, loss, w))
            // One step downhill: w <- w - learningRate * dL/dw.
            w = try Tensor(shape: w.shape, scalars: zip(w.scalars, gradient.scalars).map { $0 - learningRate * $1 })
        }
        return history
    }
    // @end

    /// The run at 0.5 that the text, the questions and the picture share.
    static let mainRun = Result { () throws -> History in
        let (images, targets, _) = try trainingPairs()
        return try descend(images: images, targets: targets, learningRate: 0.5, steps: 200)
    }

    /// The descent at learning rate 0.5: the loss and the distance to Sobel, step by step.
    static func descent(_ out: inout Transcript) throws {
        // @code descent
        let sobel = try trainingPairs().sobel
        let history = try mainRun.get()                  // descend(..., learningRate: 0.5, steps: 200)
        var table = Table("step", "loss", "max |w - sobel|")
        for step in [0, 1, 2, 5, 10, 20, 50, 100, 200] {
            let (loss, kernel) = (history[step].loss, history[step].kernel)
            table.row("\(step)", "\(loss, scientific: 2)", "\(try kernel.maxAbsDifference(sobel), scientific: 2)")
        }
        out.say(table)
        // The kernel after 0, 20 and 200 steps, side by side.
        var kernels = Table("step 0", "", "", "step 20", "", "", "step 200", "", "")
        for a in 0..<3 {
            kernels.row([0, 20, 200].flatMap { step in (0..<3).map { b in "\(history[step].kernel[a, b, 0, 0], decimals: 3)" } })
        }
        out.say(kernels)
        // @end
    }

    // @code hessian
    /// The 9x9 matrix that decides how fast (and whether) descent converges: H = PᵀP / M, where
    /// each row of P is one 3x3 input window. For this quadratic loss, H is the Hessian.
    static func hessian(_ images: Tensor<Double>) -> [[Double]] {
        var h = Array(repeating: Array(repeating: 0.0, count: 9), count: 9)
        let (n, rows, cols) = (images.shape[0], images.shape[1] - 2, images.shape[2] - 2)
        for k in 0..<n {
            for i in 0..<rows {
                for j in 0..<cols {
                    // The window under target pixel (i, j), as 9 numbers in the filter's order.
                    let p = (0..<9).map { images[k, i + $0 / 3, j + $0 % 3, 0] }
                    for a in 0..<9 { for b in 0..<9 { h[a][b] += p[a] * p[b] } }
                }
            }
        }
        let m = Double(n * rows * cols)
        return h.map { $0.map { $0 / m } }
    }
    // @end

    /// The largest and smallest eigenvalue of a symmetric positive semi-definite matrix, by power
    /// iteration (on `H` for the largest, on `λmax·I - H` for the smallest).
    static func extremeEigenvalues(_ h: [[Double]]) -> (largest: Double, smallest: Double) {
        let n = h.count
        func largest(_ a: [[Double]]) -> Double {
            var v = [Double](repeating: 1, count: n)
            v[0] = 2  // not orthogonal to the top eigenvector of any matrix met here
            var lambda = 0.0
            for _ in 0..<2000 {
                var av = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n { av[i] += a[i][j] * v[j] } }
                var (vav, vv, norm) = (0.0, 0.0, 0.0)
                for i in 0..<n { vav += v[i] * av[i]; vv += v[i] * v[i]; norm += av[i] * av[i] }
                lambda = vav / vv                     // the Rayleigh quotient
                norm = norm.squareRoot()
                for i in 0..<n { v[i] = av[i] / norm }
            }
            return lambda
        }
        let top = largest(h)
        let shifted = (0..<n).map { i in (0..<n).map { j in (i == j ? top : 0) - h[i][j] } }
        return (top, top - largest(shifted))
    }

    /// Why the learning rate has a limit, and where it comes from.
    static func curvature(_ out: inout Transcript) throws {
        // @code curvature
        let (images, _, sobel) = try trainingPairs()
        let h = hessian(images)
        let (largest, smallest) = extremeEigenvalues(h)
        out.say("eigenvalues of H: largest \(largest, decimals: 3), smallest \(smallest, decimals: 4), ratio \(largest / smallest, decimals: 1)")
        // The stiff direction: all nine weights moving together, which scales the window's brightness.
        let u = [Double](repeating: 1.0 / 3.0, count: 9)   // unit length
        let alongOnes = zip(u, h.map { row in zip(row, u).map { $0 * $1 }.reduce(0, +) }).map { $0 * $1 }.reduce(0, +)
        out.say("curvature along 'all weights equal': \(alongOnes, decimals: 3)")
        let start = try mainRun.get()[0].kernel        // the random start of the run above
        let startError = zip(start.scalars, sobel.scalars).map { $0 - $1 }
        out.say("the random start's error along it: \(zip(u, startError).map { $0 * $1 }.reduce(0, +), decimals: 3)")
        out.say("gradient descent is stable for learning rates below 2 / \(largest, decimals: 3) = \(2 / largest, decimals: 3)")
        for rate in [0.5, 0.8, 0.95] {
            out.say("at \(rate, decimals: 2): each step multiplies the error by \(abs(1 - rate * largest), decimals: 3) "
                    + "in the stiff direction, by \(abs(1 - rate * smallest), decimals: 3) in the slowest")
        }
        // @end
    }

    /// The same descent at several learning rates, around the limit (shared with the picture).
    static let rateRuns = Result { () throws -> [(rate: Double, history: History)] in
        let (images, targets, _) = try trainingPairs()
        return try [0.1, 0.5, 0.8, 0.95].map { rate in
            (rate, try descend(images: images, targets: targets, learningRate: rate, steps: 60))
        }
    }

    static func learningRates(_ out: inout Transcript) throws {
        // @code learning-rates
        var table = Table("rate", "loss after 1", "10", "30", "60 steps")
        for (rate, history) in try rateRuns.get() {      // descend(..., learningRate: rate, steps: 60)
            table.row(["\(rate, decimals: 2)"] + [1, 10, 30, 60].map { "\(history[$0].loss, scientific: 2)" })
        }
        out.say(table)
        // @end
    }

    static func tryIt(_ out: inout Transcript) throws {
        // @code try-it
        let (images, targets, sobel) = try trainingPairs()
        // 1. How many steps at 0.5 until every weight is within 0.01 of Sobel's?
        let close = try mainRun.get().first(where: { try $0.kernel.maxAbsDifference(sobel) < 0.01 })
        out.say("1. within 0.01 after \(close.map { String($0.step) } ?? "more than 200") steps")
        // 2. Centred images (mean 0.5 subtracted): Sobel's weights sum to 0, so the targets stay the same.
        let centred = images.map { $0 - 0.5 }
        let change = try Reference.conv2DForward(centred, filter: sobel, padding: .valid).maxAbsDifference(targets)
        let (largest, smallest) = extremeEigenvalues(hessian(centred))
        out.say("2. centred: the targets \(change < 1e-12 ? "stay the same" : "CHANGE"); "
                + "eigenvalues \(largest, decimals: 3) to \(smallest, decimals: 4) (ratio \(largest / smallest, decimals: 1)), limit \(2 / largest, decimals: 2)")
        let fast = try descend(images: centred, targets: targets, learningRate: 10, steps: 20)
        let closeCentred = try fast.first(where: { try $0.kernel.maxAbsDifference(sobel) < 0.01 })
        out.say("   at rate 10: within 0.01 after \(closeCentred.map { String($0.step) } ?? "more than 20") steps")
        // 3. Images whose rows are constant: every window is three flat rows.
        var generator = SeededGenerator(seed: 41)
        var striped = try Tensor<Double>(zeros: [4, 10, 10, 1])
        for n in 0..<4 {
            for i in 0..<10 {
                let value = generator.nextUnit()
                for j in 0..<10 { striped[n, i, j, 0] = value }
            }
        }
        let stripedTargets = try Reference.conv2DForward(striped, filter: sobel, padding: .valid)
        var start = try Tensor<Double>(zeros: [3, 3, 1, 1])
        start[0, 0, 0, 0] = 1   // a start that differs from Sobel inside the rows
        let striping = try descend(images: striped, targets: stripedTargets, from: start, learningRate: 0.4, steps: 150)
        let w = striping[150].kernel
        let rowSums = (0..<3).map { a in (0..<3).map { b in w[a, b, 0, 0] }.reduce(0, +) }
        out.say("3. stripes: loss \(striping[150].loss, scientific: 0), row sums \(Tensor(rowSums), decimals: 3), kernel:")
        try out.grid(try w.reshaped([3, 3]), decimals: 3)
        // @end
    }

    // MARK: - Pictures

    /// The kernel at several steps of the descent at 0.5, beside the Sobel kernel it approaches.
    static func kernelFigure() throws -> String {
        let sobel = try trainingPairs().sobel
        let history = try mainRun.get()
        func rows(_ t: Tensor<Double>) -> [[Double]] { (0..<3).map { a in (0..<3).map { b in t[a, b, 0, 0] } } }
        var panels = [0, 1, 2, 5, 10, 20, 50, 200].map { GridPicture.Panel(title: "step \($0)", values: rows(history[$0].kernel)) }
        panels.append(GridPicture.Panel(title: "Sobel", values: rows(sobel)))
        return GridPicture(panels: panels, palette: .diverging(limit: 2), cell: 26, columns: 9).svg()
    }

    /// log10 of the loss against the step, for each learning rate.
    static func learningRateFigure() throws -> String {
        let series = try rateRuns.get().map { rate, history in
            LinePlot.Series(name: "rate \(LectureFormat.fixed(rate, decimals: 2))",
                            points: history.map { (Double($0.step), Swift.max(-12, log10($0.loss))) })
        }
        let plot = LinePlot(title: "the same descent at four learning rates", xLabel: "step",
                            yLabel: "log10(loss)", series: series, xRange: 0...60, yRange: -4...3)
        return try LinePlot.svgDocument([plot], columns: 1, panelWidth: 520, panelHeight: 320)
    }
}
