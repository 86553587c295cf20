import ConvLab

/// Module 13, "Training deeper networks": the code `Lectures/13-deeper-networks.md` walks through.
enum DeeperNetworksLecture {
    static let lecture = Lecture(
        number: 13, title: "Training deeper networks: optimizers, preprocessing, batch norm, residual blocks",
        markdown: "13-deeper-networks.md", source: "Lecture13DeeperNetworks.swift",
        snippets: [
            Snippet("ravine", ravine),
            Snippet("optimizers", optimizers),
            Snippet("preprocessing", preprocessing),
            Snippet("batch-norm", batchNorm),
            Snippet("residual", residual),
        ],
        figures: [Figure("optimizers.svg", stable: false, { Array(try optimizerRuns.get().picture.utf8) })])

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
        out.say("f(x, y) = 0.5 x^2 + 25 y^2, start (-4, 1), 50 steps")
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
            out.say("\(name, left: 13) lr \(Double(learningRate), decimals: 2): after 50 steps (x, y) = "
                    + "(\(x, decimals: 4, slack: 2e-6), \(y, decimals: 4, slack: 2e-6)), f = \(f, scientific: 2, slack: 1e-5 * max(f, 1e-9))")
        }
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
        out.say(plain: leftAligned("epoch", 14) + [1, 5, 10, 20, 30].map { rightAligned($0, 8) }.joined() + "   accuracy")
        for (name, history) in runs.histories {
            var line: Line = "\(name, left: 14)"
            for epoch in [1, 5, 10, 20, 30] {
                let loss = history[epoch - 1].trainLoss
                line = line + "\(loss, decimals: 3, width: 8, slack: 0.01 * loss)"   // Float training: to 1%
            }
            out.say(line + "   \(history.last!.testAccuracy, decimals: 2, slack: 0.01)")
        }
        // @end
    }

    /// Zero mean and unit variance, per feature: tutorial #03's preprocessing, on MNIST pixels.
    static func preprocessing(_ out: inout Transcript) throws {
        // @code preprocessing
        let mnist = try MNIST.embedded()
        let (mean, std) = mnist.train.pixelStatistics()
        out.say("MNIST training pixels: mean \(mean, decimals: 4, slack: 1e-5), std \(std, decimals: 4, slack: 1e-5)")
        // The statistics come from the training set and are applied to both sets.
        let test = try mnist.test.standardized(mean: mean, std: std)
        let (testMean, testStd) = test.pixelStatistics()
        out.say("test pixels after (x - train mean) / train std: mean \(testMean, decimals: 4, slack: 1e-5), std \(testStd, decimals: 4, slack: 1e-5)")
        // Per-feature standardization of 2-D points, as the tutorial's X_train lines do.
        let points = try spiralPoints(perClass: 25, seed: 1)
        let x = Tensor<Double>(points.inputs)
        for feature in 0..<2 {
            let column = (0..<points.count).map { x[$0, feature] }
            let m = column.reduce(0, +) / Double(column.count)
            let s = (column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(column.count)).squareRoot()
            out.say("spiral feature \(feature): mean \(m, decimals: 4) std \(s, decimals: 4) -> (x - mean) / std")
        }
        // @end
    }

    /// Batch normalization: per-channel batch statistics, then gamma and beta.
    static func batchNorm(_ out: inout Transcript) throws {
        // @code batch-norm
        var generator = SeededGenerator(seed: 13)
        // A batch of 4 images, 3x3, 2 channels: channel 0 around 5 (spread 2), channel 1 around -1 (spread 0.1).
        let x = try Tensor<Double>(shape: [4, 3, 3, 2], scalars: (0..<72).map { i in
            i % 2 == 0 ? 5 + 2 * generator.nextNormal() : -1 + 0.1 * generator.nextNormal()
        })
        let gamma = Tensor<Double>([1, 1]), beta = Tensor<Double>([0, 0])
        let (y, mean, variance) = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3)
        out.say("batch mean \(mean), batch variance \(variance)")
        for c in 0..<2 {
            let values = stride(from: c, to: y.count, by: 2).map { y.scalars[$0] }
            let m = values.reduce(0, +) / Double(values.count)
            let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
            out.say("channel \(c) after batch norm: mean \(abs(m) < 1e-12 ? "0 (below 1e-12)" : "\(m)"), variance \(v, decimals: 4)")
        }
        // gamma and beta then set any scale and offset the network wants: here 3 and 0.5.
        let scaled = try Reference.batchNormForward(x, gamma: Tensor([3, 3]), beta: Tensor([0.5, 0.5]), epsilon: 1e-3).output
        let channel0 = stride(from: 0, to: scaled.count, by: 2).map { scaled.scalars[$0] }
        out.say("with gamma 3, beta 0.5: channel 0 mean \(channel0.reduce(0, +) / 36, decimals: 4)")
        // The backward pass against centred differences (module 9).
        let dOut = try Tensor<Double>(shape: x.shape, scalars: (0..<72).map { _ in generator.nextNormal() })
        let analytic = try Reference.batchNormBackward(x, gamma: gamma, dOutput: dOut, epsilon: 1e-3).dInput
        let numeric = try BackpropLecture.numericalGradient({ x in
            let y = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3).output
            return zip(y.scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
        }, at: x)
        let error = BackpropLecture.relativeError(analytic, numeric)
        out.say("dInput relative error \(error, scientific: 0, slack: 1e-7)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        // @end
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
        // @end
    }
}
