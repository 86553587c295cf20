import ConvLab

/// Module 13, "Training deeper networks": the code `Lectures/13-deeper-networks.md` walks through.
enum DeeperNetworksLecture {
    static let lecture = Lecture(
        number: 13, title: "Training deeper networks: optimizers, preprocessing, batch norm, residual blocks",
        markdown: "13-deeper-networks.md", source: "Lecture13DeeperNetworks.swift",
        snippets: [
            // Fifty Float steps: FMA on another CPU moves the last bits.
            Snippet("ravine", loose: [.absolute(2e-6, after: "x"), .absolute(2e-6, after: "y"), .relative(1e-5, after: "f")], ravine),
            // Float training: losses to 1%, accuracies to 0.01.
            Snippet("optimizers", loose: [.relative(0.01), .absolute(0.01, after: "accuracy")], optimizers),
            // Sums of 7.8 million Float pixels: the summation order moves the fifth decimal.
            Snippet("preprocessing", loose: [.absolute(1e-5, after: "pixels")], preprocessing),
            Snippet("mean-image", meanImageSnippet),
            Snippet("batch-norm", loose: [.gradientCheck], batchNorm),
            Snippet("residual", residual),
            Snippet("answers", answers),
        ],
        figures: [
            Figure("optimizers.svg", stable: false, { Array(try optimizerRuns.get().picture.utf8) }),
            Figure("mean-image.svg", { Array(try meanImageFigure().utf8) }),
            Figure("batch-norm.svg", { Array(try batchNormFigure().utf8) }),
            Figure("residual-block.svg", { Array(residualFigure().utf8) }),
        ])

    /// The four update rules tutorial #03 lists, with TF's defaults.
    static let rules: [(name: String, make: @Sendable (Float) -> Optimizer)] = [
        ("SGD", { Optimizer.sgd(learningRate: $0) }),
        ("momentum 0.9", { Optimizer.momentum(learningRate: $0, momentum: 0.9) }),
        ("RMSProp", { Optimizer.rmsProp(learningRate: $0) }),
        ("Adam", { Optimizer.adam(learningRate: $0) }),
    ]

    /// Each rule on a long, narrow valley: f(x, y) = x^2 / 2 + 25 y^2, from (-4, 1).
    static func ravine(_ out: inout Transcript) throws {
        // @code ravine
        out.say("f(x, y) = 0.5 x^2 + 25 y^2, start (-4, 1); where each rule stands after 50 steps:")
        var table = Table("rule", "lr", "x", "y", "f", "way to x = 0")
        for (name, learningRate) in [("SGD", 0.03), ("momentum 0.9", 0.03), ("RMSProp", 0.1), ("Adam", 0.1)] as [(String, Float)] {
            let optimizer = rules.first { $0.name == name }!.make(learningRate)
            let point = Variable(name: "point", shape: [2], initializer: .zeros)
            point.value = Tensor([-4, 1])
            for _ in 1...50 {
                let (x, y) = (point.value.scalars[0], point.value.scalars[1])
                point.gradient = Tensor([x, 50 * y])              // the gradient (x, 50 y)
                try optimizer.apply(to: [point])
            }
            let (x, y) = (Double(point.value.scalars[0]), Double(point.value.scalars[1]))
            let f = 0.5 * x * x + 25 * y * y
            let covered = (x + 4) / 4            // of the way from x = -4 to the minimum at x = 0
            table.row("\(name)", "\(Double(learningRate), decimals: 2)", "\(x, decimals: 4)", "\(y, decimals: 4)", "\(f, scientific: 2)",
                      "\(100 * covered, decimals: 0)%")
        }
        out.say(table)
        // @end
    }

    /// One small network, trained four times: loss per epoch for each optimizer.
    static let optimizerRuns = Result { () throws -> (histories: [(String, [EpochRecord])], picture: String) in
        let points = try spiralPoints(perClass: 25, seed: 1)
        var histories: [(String, [EpochRecord])] = []
        for (name, learningRate) in [("SGD", 0.1), ("momentum 0.9", 0.1), ("RMSProp", 0.01), ("Adam", 0.01)] as [(String, Float)] {
            let model = try Sequential([
                Dense("h1", inputs: 2, outputs: 16, activation: .relu, weightInitializer: .heNormal),
                Dense("h2", inputs: 16, outputs: 16, activation: .relu, weightInitializer: .heNormal),
                Dense("out", inputs: 16, outputs: 4),
            ])
            model.initialize(seed: 5)
            let trainer = try Trainer(model: model, optimizer: rules.first { $0.name == name }!.make(learningRate),
                                      loss: .softmaxCrossEntropy, kernels: Kernels(.reference), batchSize: 10, seed: 5)
            for _ in 0..<30 { try trainer.trainEpoch(points, test: points) }
            histories.append((name, trainer.history))
        }
        let plot = LinePlot(title: "training loss per epoch (2-16-16-4 MLP, spiral points)", xLabel: "epoch",
                            series: histories.map { name, history in
                                .init(name: name, points: history.map { (Double($0.epoch), $0.trainLoss) })
                            }, xRange: 0...30, yRange: 0...1.5)
        return (histories, try LinePlot.svgDocument([plot], columns: 1, panelWidth: 480, panelHeight: 300))
    }

    static func optimizers(_ out: inout Transcript) throws {
        // @code optimizers
        let runs = try optimizerRuns.get()
        let epochs = [1, 5, 10, 20, 30]
        var table = Table(["loss at epoch"] + epochs.map(String.init) + ["accuracy"])
        for (name, history) in runs.histories {
            let losses: [Line] = epochs.map { "\(history[$0 - 1].trainLoss, decimals: 3)" }
            table.row(["\(name)"] + losses + ["\(history.last!.testAccuracy, decimals: 2)"])
        }
        out.say(table)
        // @end
    }

    /// Zero mean and unit variance, per feature: tutorial #03's preprocessing, on MNIST pixels.
    static func preprocessing(_ out: inout Transcript) throws {
        // @code preprocessing
        let mnist = try MNIST.embedded()
        let (mean, std) = mnist.train.pixelStatistics()
        out.say("MNIST training pixels: mean \(mean, decimals: 4), std \(std, decimals: 4)")
        // The statistics come from the training set and are applied to both sets.
        let test = try mnist.test.standardized(mean: mean, std: std)
        let (testMean, testStd) = test.pixelStatistics()
        out.say("test pixels after (x - train mean) / train std: mean \(testMean, decimals: 4), std \(testStd, decimals: 4)")
        // Tutorial #03's X_test line uses the test set's own statistics instead.
        let (ownMean, ownStd) = mnist.test.pixelStatistics()
        out.say("test pixels' own statistics (what the tutorial's X_test line uses): mean \(ownMean, decimals: 4), std \(ownStd, decimals: 4)")
        // Per-feature standardization of 2-D points, as the tutorial's X_train lines do.
        let points = try spiralPoints(perClass: 25, seed: 1)
        let x = Tensor<Double>(points.inputs)
        for feature in 0..<2 {
            let column = (0..<points.count).map { x[$0, feature] }
            let (m, v) = meanAndVariance(column)
            out.say("spiral feature \(feature): mean \(m, decimals: 4) std \(v.squareRoot(), decimals: 4) -> (x - mean) / std")
        }
        // @end
    }

    /// Batch normalization: per-channel batch statistics, then gamma and beta.
    static func batchNorm(_ out: inout Transcript) throws {
        // @code batch-norm
        var generator = SeededGenerator(seed: 13)
        let x = try skewedBatch(&generator)
        let gamma = Tensor<Double>([1, 1]), beta = Tensor<Double>([0, 0])
        let (y, mean, variance) = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3)
        out.say("batch mean \(mean), batch variance \(variance)")
        for c in 0..<2 {
            let values = stride(from: c, to: y.count, by: 2).map { y.scalars[$0] }
            let (m, v) = meanAndVariance(values)
            out.say("channel \(c) after batch norm: mean \(abs(m) < 1e-12 ? "0 (below 1e-12)" : "\(m)"), variance \(v, decimals: 4)")
        }
        // gamma and beta then set any scale and offset the network wants: here 3 and 0.5.
        let scaled = try Reference.batchNormForward(x, gamma: Tensor([3, 3]), beta: Tensor([0.5, 0.5]), epsilon: 1e-3).output
        let channel0 = stride(from: 0, to: scaled.count, by: 2).map { scaled.scalars[$0] }
        out.say("with gamma 3, beta 0.5: channel 0 mean \(channel0.reduce(0, +) / 36, decimals: 4)")
        // The backward pass against centred differences (module 9).
        let dOut = try Tensor<Double>(shape: x.shape, scalars: (0..<72).map { _ in generator.nextNormal() })
        let analytic = try Reference.batchNormBackward(x, gamma: gamma, dOutput: dOut, epsilon: 1e-3).dInput
        let numeric = try numericalGradient({ x in
            let y = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3).output
            return zip(y.scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
        }, at: x)
        let error = relativeError(analytic, numeric)
        out.say("dInput relative error \(error, scientific: 0)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        // @end
    }

    // @code skewed-batch
    /// A batch of 4 images, 3x3, 2 channels: channel 0 around 5 (spread 2), channel 1 around -1
    /// (spread 0.1): two channels on very different scales.
    static func skewedBatch(_ generator: inout SeededGenerator) throws -> Tensor<Double> {
        try Tensor<Double>(shape: [4, 3, 3, 2], scalars: (0..<72).map { i in
            i % 2 == 0 ? 5 + 2 * generator.nextNormal() : -1 + 0.1 * generator.nextNormal()
        })
    }
    // @end

    /// The mean image of the embedded training digits, one mean per pixel position (the
    /// autoencoder's trivial baseline computes the same).
    static func mnistMeanImage() throws -> [Double] {
        try ConvAutoencoder.meanImage(try MNIST.embedded().train.imagesTensor).scalars.map(Double.init)
    }

    /// Tutorial #03's two ways to zero-centre images: subtract the mean image (one mean per pixel
    /// position) or the mean colour (one mean per channel; ImageNet's "mean RGB").
    static func meanImageSnippet(_ out: inout Transcript) throws {
        // @code mean-image
        let meanImage = try mnistMeanImage()                    // 28 x 28 = 784 means
        let meanValue = meanImage.reduce(0, +) / Double(meanImage.count)  // MNIST has one channel: one mean
        let darkest = meanImage.firstIndex(of: meanImage.max()!)!
        out.say("option 1, the mean image: \(meanImage.count) numbers, from \(meanImage.min()!, decimals: 4) "
                + "to \(meanImage.max()!, decimals: 4) (row \(darkest / 28), column \(darkest % 28))")
        out.say("option 2, the mean value: 1 number, \(meanValue, decimals: 4)")
        // A corner pixel is 0 in every digit. What each option turns it into:
        out.say("corner pixel after subtracting the mean image: \(0 - meanImage[0], decimals: 4); "
                + "after subtracting the mean value: \(0 - meanValue, decimals: 4)")
        // Stored statistics for ImageNet's 224x224 colour images under each option.
        out.say("ImageNet 224x224x3: mean image \(thousands(224 * 224 * 3)) numbers, mean RGB 3")
        // @end
    }

    /// The mean image beside the one mean value, in grey (white 0, black the largest mean).
    static func meanImageFigure() throws -> String {
        let meanImage = try mnistMeanImage()
        let meanValue = meanImage.reduce(0, +) / Double(meanImage.count)
        let largest = meanImage.max()!
        let cell = 6.0, left = 50.0, top = 44.0, gap = 80.0
        var d = Diagram(width: 2 * 28 * cell + gap + 2 * left, height: 28 * cell + top + 34)
        func grey(_ v: Double) -> String {
            let g = Int((255 * (1 - v / largest)).rounded())
            return "rgb(\(g),\(g),\(g))"
        }
        d.text("option 1: the mean image (784 means)", x: left + 14 * cell, y: 22)
        d.grid(rows: 28, columns: 28, x: left, y: top, cell: cell, fill: { grey(meanImage[$0 * 28 + $1]) },
               label: { _, _ in nil }, stroke: "none")
        let right = left + 28 * cell + gap
        d.text("option 2: one mean value", x: right + 14 * cell, y: 22)
        d.text("white: 0 (never inked); black: \(String(format: "%.2f", largest)), the most inked position",
               x: left + 28 * cell + gap / 2, y: top + 28 * cell + 24, size: 11)
        d.rect(x: right, y: top, width: 28 * cell, height: 28 * cell, fill: grey(meanValue), stroke: "none")
        d.rect(x: left, y: top, width: 28 * cell, height: 28 * cell, stroke: "#999")
        d.rect(x: right, y: top, width: 28 * cell, height: 28 * cell, stroke: "#999")
        return d.svg
    }

    /// Each channel's values before and after batch normalization, as dots on a line.
    static func batchNormFigure() throws -> String {
        var generator = SeededGenerator(seed: 13)
        let x = try skewedBatch(&generator)
        let y = try Reference.batchNormForward(x, gamma: Tensor([1, 1]), beta: Tensor([0, 0]), epsilon: 1e-3).output
        let colours = ["#b2182b", "#2166ac"]
        var d = Diagram(width: 560, height: 210)
        func axis(_ title: String, values: Tensor<Double>, range: ClosedRange<Double>, top: Double) {
            let (left, right) = (40.0, 520.0)
            func px(_ v: Double) -> Double { left + (v - range.lowerBound) / (range.upperBound - range.lowerBound) * (right - left) }
            d.text(title, x: left, y: top - 28, size: 12, anchor: "start")
            d.line(from: (left, top), to: (right, top), stroke: "#666")
            var tick = range.lowerBound
            while tick <= range.upperBound + 1e-9 {
                d.line(from: (px(tick), top - 3), to: (px(tick), top + 3), stroke: "#666")
                d.text(String(Int(tick)), x: px(tick), y: top + 16, size: 10)
                tick += 1
            }
            for i in 0..<values.count {
                let c = i % 2
                d.rect(x: px(values.scalars[i]) - 2, y: top - 12 - Double(c) * 8, width: 4, height: 4,
                       fill: colours[c], stroke: colours[c])
            }
        }
        axis("before: channel 0 (red) around 5, channel 1 (blue) around -1", values: x, range: -3...11, top: 70)
        axis("after batch norm (gamma 1, beta 0): both channels mean 0, variance just under 1", values: y, range: -3...3, top: 170)
        return d.svg
    }

    /// Tutorial #03's residual block: the branch F and the skip, forward and backward.
    static func residualFigure() -> String {
        var d = Diagram(width: 760, height: 170)
        let labels = ["BN", "ReLU", "conv 3x3", "BN", "ReLU", "conv 3x3"]
        let (top, height, width, gap) = (70.0, 34.0, 74.0, 16.0)
        d.text("x", x: 20, y: top + height / 2 + 4, size: 14, bold: true)
        var x = 40.0
        d.arrow(from: (28, top + height / 2), to: (x, top + height / 2))
        for (k, label) in labels.enumerated() {
            d.box(label, x: x, y: top, width: width, height: height, fill: k % 3 == 2 ? "#fde0c5" : "#deebf7")
            x += width
            d.arrow(from: (x, top + height / 2), to: (x + gap, top + height / 2))
            x += gap
        }
        // The sum node and the output.
        let sum = (x + 14, top + height / 2)
        d.text("+", x: sum.0, y: sum.1 + 6, size: 18, bold: true)
        d.rect(x: sum.0 - 12, y: sum.1 - 12, width: 24, height: 24, fill: "none")
        d.arrow(from: (sum.0 + 12, sum.1), to: (sum.0 + 40, sum.1))
        d.text("y = x + F(x)", x: sum.0 + 44, y: sum.1 + 4, size: 13, anchor: "start")
        // The skip: from x over the branch into the sum.
        d.line(from: (32, top + height / 2), to: (32, 30))
        d.line(from: (32, 30), to: (sum.0, 30))
        d.arrow(from: (sum.0, 30), to: (sum.0, sum.1 - 12))
        d.text("skip: s = x (identity)", x: 330, y: 24, size: 12)
        d.text("F(x): the branch, same shape in and out (SAME padding, as many filters as channels)",
               x: 330, y: top + height + 24, size: 12)
        d.text("backward: dInput = dOutput (through the skip) + J_Fᵀ·dOutput (through F)",
               x: 330, y: top + height + 46, size: 12)
        return d.svg
    }

    /// Tutorial #03's residual block: y = x + F(x).
    static func residual(_ out: inout Transcript) throws {
        // @code residual
        let big = ResidualBlock("res", channels: 256)
        out.say("tutorial #03's block, 256 channels: \(thousands(big.parameterCount)) trainable parameters "
                + "(two [3,3,256,256] convs with biases, two batch norms' gamma and beta)")
        // A small block: 4 channels on a 6x6 image.
        let block = ResidualBlock("res", channels: 4)
        let model = try Sequential([block])
        model.initialize(seed: 14)
        var generator = SeededGenerator(seed: 15)
        let x = try Tensor<Float>(shape: [2, 6, 6, 4], scalars: (0..<288).map { _ in Float(generator.nextNormal()) })
        let context = LayerContext(kernels: Kernels(.reference), mode: .training)
        let y = try block.forward(x, context: context)
        out.say("input \(shape: x.shape) -> output \(shape: y.shape): the block keeps the shape, so x + F(x) is defined")
        // With the last conv's weights and biases at zero, F(x) = 0: the block is the identity,
        // and the gradient passes straight through the skip.
        block.conv2.weights.value = try Tensor(zeros: block.conv2.weights.shape)
        block.conv2.biases.value = try Tensor(zeros: block.conv2.biases.shape)
        let identity = try block.forward(x, context: context)
        let dOut = try Tensor<Float>(shape: y.shape, repeating: 1)
        let dInput = try block.backward(dOut, context: context)
        out.say("F = 0: max |y - x| = \(try identity.maxAbsDifference(x), decimals: 1), max |dInput - dOutput| = \(try dInput.maxAbsDifference(dOut), decimals: 1)")
        // The skip guarantees a path, not a size: dInput = dOutput + J_F^T dOutput, and the two
        // terms can cancel. A branch F(x) = -x (a dense layer with weights -I) on one input:
        let v = try Tensor<Double>([[1, 2, 3, 4]])
        let minusI = try Tensor<Double>(shape: [4, 4], scalars: (0..<16).map { $0 % 5 == 0 ? -1 : 0 })
        let branch = try Reference.denseForward(v, weights: minusI, bias: try Tensor(zeros: [4]))
        let dY = try Tensor<Double>(shape: [1, 4], repeating: 1)
        let throughBranch = try Reference.denseBackward(v, weights: minusI, dOutput: dY).dInput
        let sum = try Tensor<Double>(shape: [1, 4], scalars: zip(v.scalars, branch.scalars).map { $0 + $1 })
        let dV = try Tensor<Double>(shape: [1, 4], scalars: zip(dY.scalars, throughBranch.scalars).map { $0 + $1 })
        out.say("F(x) = -x: y = x + F(x) = \(sum), dInput = dOutput + J_F^T dOutput = \(dV)")
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        for gradient in [Float(0.5), 50] {
            let w = Variable(name: "w", shape: [1], initializer: .zeros)
            w.gradient = Tensor([gradient])
            try Optimizer.adam(learningRate: 0.001).apply(to: [w])
            out.say("1. Adam's first step, gradient \(gradient, decimals: 1): w moves by \(-w.value.scalars[0], decimals: 6)")
        }
        let v = Variable(name: "v", shape: [1], initializer: .zeros)
        let momentum = Optimizer.momentum(learningRate: 0.01, momentum: 0.9)
        var before = v.value.scalars[0]
        var step: Float = 0
        for _ in 1...200 {
            v.gradient = Tensor([1])
            try momentum.apply(to: [v])
            step = before - v.value.scalars[0]
            before = v.value.scalars[0]
        }
        out.say("2. momentum 0.9, gradient 1, lr 0.01: step 200 is \(step, decimals: 4), plain SGD's \(Float(0.01), decimals: 4)")
        var generator = SeededGenerator(seed: 13)
        let variance = try Reference.batchNormForward(try skewedBatch(&generator), gamma: Tensor([1, 1]), beta: Tensor([0, 0]),
                                                      epsilon: 1e-3).variance.scalars[1]
        out.say("3. channel 1: variance / (variance + epsilon) = \(variance, decimals: 6) / \(variance + 1e-3, decimals: 6) "
                + "= \(variance / (variance + 1e-3), decimals: 4)")
        // @end
    }
}
