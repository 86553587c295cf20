import ConvLab
import Foundation

/// Module 12, "Overfitting and regularization": the code `Lectures/12-overfitting.md` walks through.
enum OverfittingLecture {
    static let lecture = Lecture(
        number: 12, title: "Overfitting and regularization: dropout, L2, shifted digits, validation, early stopping",
        markdown: "12-overfitting.md", source: "Lecture12Overfitting.swift",
        snippets: [
            Snippet("dropout-mask", dropoutMask),
            Snippet("dropout-expectation", dropoutExpectation),
            Snippet("keep-prob-and-rate", keepProbAndRate),
            Snippet("dropout-at-test-time", dropoutAtTestTime),
            Snippet("split", split),
            Snippet("l2", l2),
            Snippet("shifted-digits", shiftedDigits),
            // Float training on a different CPU moves the last bits: accuracies within 0.01.
            Snippet("overfitting-quick", loose: [.absolute(0.01)], overfittingQuick),
            Snippet("overfitting-full", slow: true, loose: [.absolute(0.01)]) { $0 = try fullRun.get().text },
            Snippet("answers", loose: [.absolute(0.01, after: "3.")], answers),
        ],
        figures: [
            Figure("shifted-digits.svg", { Array(try shiftedDigitsPicture().utf8) }),
            Figure("overfitting-curves.svg", stable: false, slow: true, { Array(try fullRun.get().picture.utf8) }),
        ])

    // MARK: - Dropout

    static func dropoutMask(_ out: inout Transcript) throws {
        // @code dropout-mask
        // Eight activations of a hidden layer, through inverted dropout with lecture 7's keep 0.75
        // and the notebook's keep 0.5.
        let h = Tensor<Double>([0.5, 1.0, 2.0, 0.0, 1.5, 3.0, 0.25, 1.0])
        out.say("activations  \(h)")
        for keep in [0.75, 0.5] {
            var generator = SeededGenerator(seed: 12)
            let (output, mask) = try Reference.dropoutForward(h, keepProbability: keep, generator: &generator)
            out.say("keep \(keep, decimals: 2): mask \(mask)")
            out.say("            output \(output)")
        }
        // @end
    }

    static func dropoutExpectation(_ out: inout Transcript) throws {
        // @code dropout-expectation
        // Inverted dropout keeps each value with probability keep and scales it by 1 / keep, so
        // on average a value leaves as it came. Averaged over 100,000 masks:
        let h = Tensor<Double>([0.5, 1.0, 2.0, 3.0])
        var generator = SeededGenerator(seed: 13)
        var sum = [Double](repeating: 0, count: 4), kept = 0
        let draws = 100_000
        for _ in 0..<draws {
            let (output, mask) = try Reference.dropoutForward(h, keepProbability: 0.5, generator: &generator)
            for i in 0..<4 { sum[i] += output.scalars[i] }
            kept += mask.scalars.filter { $0 > 0 }.count
        }
        out.say("keep 0.5, mean output over \(thousands(draws)) masks: \(Tensor(sum.map { $0 / Double(draws) }))")
        out.say("fraction of values kept: \(Double(kept) / Double(4 * draws), decimals: 4)")
        // The original dropout (Srivastava et al.; CS231n's "vanilla" version) does not scale while
        // training, so its training outputs average keep * h, and it multiplies by keep at test time.
        out.say("vanilla dropout: training average \(Tensor(h.scalars.map { 0.5 * $0 })), test output keep * h \(Tensor(h.scalars.map { 0.5 * $0 }))")
        out.say("inverted dropout: training average h, test output h \(h)")
        // @end
    }

    static func keepProbAndRate(_ out: inout Transcript) throws {
        // @code keep-prob-and-rate
        // TF 1's tf.nn.dropout(x, keep_prob) takes the probability to keep; TF 2's
        // tf.nn.dropout(x, rate) and Keras' Dropout(rate) take the probability to drop.
        var table = Table("course code", "keep_prob (TF 1)", "rate (TF 2, Keras)")
        for (source, keep) in [("lecture 7: DROPOUT = 0.75", 0.75), ("the notebook: dropout = 0.5", 0.5),
                               ("at test time: keep_prob 1", 1.0)] {
            table.row("\(source)", "\(keep, decimals: 2)", "\(1 - keep, decimals: 2)")
        }
        out.say(table)
        // @end
    }

    static func dropoutAtTestTime(_ out: inout Transcript) throws {
        // @code dropout-at-test-time
        // The notebook's placement: hidden layer, ReLU, dropout (keep 0.5), then the linear
        // output layer. A small random network of that shape, and one input:
        let model = try Sequential([Dense("fc1", inputs: 6, outputs: 16, activation: .relu),
                                    Dropout("dropout", keepProbability: 0.5),
                                    Dense("fc2", inputs: 16, outputs: 3)])
        model.initialize(seed: 14)
        let x = try Tensor<Float>(shape: [1, 6], scalars: [0.9, -0.3, 0.4, 1.2, -0.8, 0.5])
        let kernels = Kernels(.reference)
        let test = try model.forward(x, context: LayerContext(kernels: kernels, mode: .evaluation))
        out.say("evaluation mode (dropout off), every time:  \(test)")
        let training = LayerContext(kernels: kernels, mode: .training)
        for pass in 1...3 {
            out.say("training mode, pass \(pass) (a new mask each time): \(try model.forward(x, context: training))")
        }
        // The average of the training-mode outputs over many masks is the evaluation output.
        var sum = [Double](repeating: 0, count: 3)
        let passes = 20_000
        for _ in 0..<passes {
            let y = try model.forward(x, context: training)
            for k in 0..<3 { sum[k] += Double(y.scalars[k]) }
        }
        out.say("mean of \(thousands(passes)) training-mode passes:        \(Tensor(sum.map { $0 / Double(passes) }))")
        // @end
    }

    // MARK: - Training, validation and test sets

    static func split(_ out: inout Transcript) throws {
        // @code split
        // input_data.read_data_sets: the first 5,000 of MNIST's 60,000 training digits become the
        // validation set, the other 55,000 the training set. ConvLab's MNIST.load does the same.
        out.say("full MNIST: \(thousands(60_000 - MNIST.defaultValidationCount)) training, "
                + "\(thousands(MNIST.defaultValidationCount)) validation, 10,000 test digits")
        // The embedded subset holds the first 10,000 training digits; the same rule with 1,000:
        let mnist = try MNIST.embedded(validationCount: 1_000)
        out.say("embedded: \(thousands(mnist.train.count)) training, \(thousands(mnist.validation.count)) validation, "
                + "\(thousands(mnist.test.count)) test digits")
        out.say(plain: "first validation labels: " + mnist.validation.labels.prefix(10).map(String.init).joined(separator: " ")
                + "; first training labels: " + mnist.train.labels.prefix(10).map(String.init).joined(separator: " "))
        // @end
    }

    // MARK: - L2

    static func l2(_ out: inout Transcript) throws {
        // @code l2
        let w = Variable(name: "fc/weights", shape: [2, 2], initializer: .zeros)
        let b = Variable(name: "fc/biases", shape: [2], initializer: .zeros)
        w.value = try Tensor(shape: [2, 2], scalars: [1, -2, 3, 0.5])
        b.value = Tensor([4, 4])
        let penalty = try L2Penalty(strength: 0.01)
        // TF 1: loss + lambda * tf.nn.l2_loss(W), with l2_loss = sum(W^2) / 2; biases are not decayed.
        out.say("lambda = 0.01: penalty = 0.01 * (1 + 4 + 9 + 0.25) / 2 = \(penalty.penalty([w, b]), decimals: 5)")
        // Keras' regularizers.L2(l2) adds l2 * sum(W^2), without the half: the same penalty needs l2 = lambda / 2.
        out.say("Keras: L2(0.005) * 14.25 = \(0.005 * 14.25, decimals: 5)")
        // The gradient gains lambda * w, and gradient descent shrinks the weight before stepping.
        w.gradient = try Tensor(shape: [2, 2], scalars: [0.5, 0.5, 0.5, 0.5])
        b.gradient = Tensor([0.5, 0.5])
        try penalty.addGradient(to: [w, b])
        out.say("gradient with the penalty: weights \(w.gradient), biases \(b.gradient)")
        try Optimizer.sgd(learningRate: 0.1).apply(to: [w, b])
        out.say("after one step at lr 0.1: \(w.value) = (1 - 0.1 * 0.01) * w - 0.1 * 0.5")
        // @end
    }

    // MARK: - Shifted digits

    static func shiftedDigits(_ out: inout Transcript) throws {
        // @code shifted-digits
        let digit = try LabeledExamples(try MNIST.embedded().test).prefix(1)
        // The same 7, as it is, moved 2 pixels up and left, and 2 pixels down and right.
        let versions = [digit, try digit.shifted(rows: -2, columns: -2), try digit.shifted(rows: 2, columns: 2)]
        let together = try LabeledExamples(inputs: Tensor(shape: [3, 28, 28, 1], scalars: versions.flatMap(\.inputs.scalars)),
                                           labels: [7, 7, 7], classes: 10)
        out.say(lines: asText(together, rows: 3...25).map { Line(stringLiteral: "  " + $0) })
        // Each epoch draws new offsets: a different shifted copy of every training digit.
        var generator = SeededGenerator(seed: 15)
        let shifted = try LabeledExamples(try MNIST.embedded().train).prefix(1_000).randomlyShifted(maxShift: 2, generator: &generator)
        out.say("1,000 training digits, each moved by up to 2 pixels: \(thousands(shifted.count)) new examples, labels unchanged")
        // @end
    }

    /// A test digit and eight random shifts of it (up to 2 pixels), as grey squares.
    static func shiftedDigitsPicture() throws -> String {
        let digit = try LabeledExamples(try MNIST.embedded().test).prefix(1)
        var generator = SeededGenerator(seed: 16)
        let copies = try LabeledExamples(inputs: Tensor(shape: [8, 28, 28, 1], scalars: Array((0..<8).map { _ in digit.inputs.scalars }.joined())),
                                         labels: Array(repeating: 7, count: 8), classes: 10)
            .randomlyShifted(maxShift: 2, generator: &generator)
        let images = [digit.inputs.scalars] + (0..<8).map { Array(copies.inputs.scalars[($0 * 784)..<(($0 + 1) * 784)]) }
        let scale = 3, tile = 28 * scale + 10, width = 9 * tile + 10, height = tile + 30
        var svg = Diagram.document(width: width, height: height, attributes: " font-family=\"sans-serif\" font-size=\"11\"")
        for (k, pixels) in images.enumerated() {
            let left = 10 + k * tile, top = 10
            svg += "<rect x=\"\(left - 1)\" y=\"\(top - 1)\" width=\"\(28 * scale + 2)\" height=\"\(28 * scale + 2)\" fill=\"none\" stroke=\"#bbb\"/>\n"
            for row in 0..<28 {
                for col in 0..<28 where pixels[row * 28 + col] > 0.05 {
                    let grey = Int(((1 - Double(pixels[row * 28 + col])) * 255).rounded())
                    svg += "<rect x=\"\(left + col * scale)\" y=\"\(top + row * scale)\" width=\"\(scale)\" height=\"\(scale)\" "
                        + "fill=\"rgb(\(grey),\(grey),\(grey))\"/>"
                }
            }
            svg += "\n<text x=\"\(left + 14 * scale)\" y=\"\(top + 28 * scale + 16)\" text-anchor=\"middle\">\(k == 0 ? "original" : "shift \(k)")</text>\n"
        }
        return svg + "</svg>\n"
    }

    // MARK: - The experiment

    /// One way of training: dropout's keep probability, an L2 penalty, random shifts.
    struct Setting: Sendable {
        let name: String
        let keep: Float
        let l2: L2Penalty?
        let maxShift: Int
    }

    /// Accuracies after one epoch.
    struct Scores: Sendable {
        let epoch: Int
        let train: Double, validation: Double, test: Double
    }

    /// The fraction of `examples` the model classifies right, in evaluation mode.
    static func accuracy(_ model: Sequential, _ examples: LabeledExamples, kernels: Kernels) throws -> Double {
        var x = try Tensor<Float>(zeros: [0]), y = try Tensor<Float>(zeros: [0])
        var correct = 0
        for first in stride(from: 0, to: examples.count, by: 500) {
            let indices = Array(first..<min(first + 500, examples.count))
            examples.gather(indices[...], into: &x, oneHot: &y)
            let logits = try model.forward(x, context: LayerContext(kernels: kernels, mode: .evaluation))
            correct += zip(argmaxRows(logits), indices.map { examples.labels[$0] }).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(examples.count)
    }

    /// A training run: the scores after every epoch, and the epoch early stopping keeps.
    struct Run: Sendable {
        let scores: [Scores]
        let kept: Scores
    }

    /// Trains a one-hidden-layer network the way `setting` says and scores it after every epoch,
    /// for all `epochs`, noting which epoch `EarlyStopping` with `patience` would have kept.
    static func fit(_ setting: Setting, train: LabeledExamples, validation: LabeledExamples, test: LabeledExamples,
                    hidden: Int, epochs: Int, learningRate: Float, patience: Int, kernels: Kernels) throws -> Run {
        var layers: [any Layer] = [Flatten("flatten"), Dense("hidden", inputs: 784, outputs: hidden, activation: .relu)]
        if setting.keep < 1 { layers.append(Dropout("dropout", keepProbability: setting.keep)) }
        layers.append(Dense("scores", inputs: hidden, outputs: 10))
        let model = try Sequential(layers)
        model.initialize(seed: 12)
        let optimizer = Optimizer.sgd(learningRate: learningRate)
        var shuffle = SeededGenerator(seed: 17), shifts = SeededGenerator(seed: 18)
        var x = try Tensor<Float>(zeros: [0]), y = try Tensor<Float>(zeros: [0])
        var scores: [Scores] = []
        var stopping = try EarlyStopping(patience: patience), stopped = false
        // @code training-step
        for epoch in 1...epochs {
            model.reseedDropout(UInt64(epoch))
            // Augmentation: a freshly shifted copy of every training digit, each epoch.
            let data = setting.maxShift > 0 ? try train.randomlyShifted(maxShift: setting.maxShift, generator: &shifts) : train
            let order = LabeledImages.shuffledIndices(data.count, using: &shuffle)
            for first in stride(from: 0, to: order.count, by: 20) {
                data.gather(order[first..<min(first + 20, order.count)], into: &x, oneHot: &y)
                let context = LayerContext(kernels: kernels, mode: .training)   // dropout on
                let logits = try model.forward(x, context: context)
                let dLogits = try Loss.softmaxCrossEntropy.evaluate(logits: logits, labels: y, kernels: kernels).dLogits
                try model.backward(dLogits, context: context)
                try setting.l2?.addGradient(to: model.trainableVariables)      // g += lambda * w
                try optimizer.apply(to: model.trainableVariables)
            }
            scores.append(Scores(epoch: epoch, train: try accuracy(model, train, kernels: kernels),
                                 validation: try accuracy(model, validation, kernels: kernels),
                                 test: try accuracy(model, test, kernels: kernels)))
            // Early stopping watches the validation accuracy; the run goes on to show what follows.
            if !stopped { stopped = stopping.record(epoch: epoch, score: scores.last!.validation, model: model) }
        }
        // @end
        return Run(scores: scores, kept: scores[stopping.best!.epoch - 1])
    }

    static func settings() throws -> [Setting] {
        // @code settings
        [Setting(name: "plain", keep: 1, l2: nil, maxShift: 0),
         Setting(name: "dropout keep 0.5", keep: 0.5, l2: nil, maxShift: 0),
         Setting(name: "L2 lambda 1e-2", keep: 1, l2: try L2Penalty(strength: 1e-2), maxShift: 0),
         Setting(name: "shifts up to 2 px", keep: 1, l2: nil, maxShift: 2)]
        // @end
    }

    /// The data of the experiment: validation = the first `validation` embedded training digits,
    /// training = the next `train`, test = the first `test` test digits.
    static func data(train: Int, validation: Int, test: Int) throws -> (train: LabeledExamples, validation: LabeledExamples, test: LabeledExamples) {
        let mnist = try MNIST.embedded(validationCount: validation)
        return (try LabeledExamples(mnist.train).prefix(train), try LabeledExamples(mnist.validation),
                try LabeledExamples(mnist.test).prefix(test))
    }

    /// The quick run the doc-test repeats: 100 training digits, a hidden layer of 32, 12 epochs.
    static let quickRun = Result { () throws -> [Scores] in
        // @code quick-run
        let (train, validation, test) = try data(train: 100, validation: 200, test: 200)
        return try fit(try settings()[0], train: train, validation: validation, test: test,
                       hidden: 32, epochs: 12, learningRate: 0.1, patience: 12, kernels: Kernels(.fast)).scores
        // @end
    }

    static func overfittingQuick(_ out: inout Transcript) throws {
        // @code overfitting-quick
        let run = try quickRun.get()   // no regularization; 100 training and 200 validation digits
        var table = Table("epoch", "training accuracy", "validation accuracy", "gap")
        for scores in run where [1, 2, 4, 8, 12].contains(scores.epoch) {
            table.row("\(scores.epoch)", "\(scores.train, decimals: 2)", "\(scores.validation, decimals: 2)",
                      "\(scores.train - scores.validation, decimals: 2)")
        }
        out.say(table)
        // @end
    }

    /// The full experiment (release build): four settings, 1,000 training digits, 60 epochs.
    static let fullRun = Result { () throws -> (text: Transcript, picture: String) in
        var out = Transcript()
        // @code full-run
        let (train, validation, test) = try data(train: 1_000, validation: 1_000, test: 2_000)
        var runs: [(Setting, Run)] = []
        for setting in try settings() {
            runs.append((setting, try fit(setting, train: train, validation: validation, test: test,
                                          hidden: 256, epochs: 60, learningRate: 0.1, patience: 10, kernels: Kernels(.fast))))
        }
        // @end
        out.say("1,000 training digits, 784 -> 256 -> 10, gradient descent at 0.1, batch 20, 60 epochs")
        var table = Table("setting", "train", "validation", "test", "early stop: epoch", "validation", "test")
        for (setting, run) in runs {
            let last = run.scores.last!, kept = run.kept
            table.row("\(setting.name)", "\(last.train, decimals: 3)", "\(last.validation, decimals: 3)", "\(last.test, decimals: 3)",
                      "\(kept.epoch)", "\(kept.validation, decimals: 3)", "\(kept.test, decimals: 3)")
        }
        out.say(table)
        let plots = runs.map { setting, run in
            LinePlot(title: setting.name, xLabel: "epoch", series: [
                .init(name: "training", points: run.scores.map { (Double($0.epoch), $0.train) }),
                .init(name: "validation", points: run.scores.map { (Double($0.epoch), $0.validation) }),
            ], xRange: 0...60, yRange: 0.7...1.1)
        }
        return (out, try LinePlot.svgDocument(plots, columns: 2, panelWidth: 340, panelHeight: 220))
    }

    // MARK: - Try it

    static func answers(_ out: inout Transcript) throws {
        // @code answers
        // 1. Activations [2, 4, 6, 8] through keep_prob 0.5, the mask keeping the first and the last.
        let h = Tensor<Double>([2, 4, 6, 8]), mask = Tensor<Double>([2, 0, 0, 2])   // 1 / keep where kept
        out.say("1. output \(Tensor(zip(h.scalars, mask.scalars).map { $0 * $1 })); in Keras, Dropout(rate=\(1 - 0.5, decimals: 1))")
        // 2. lambda 0.01 with tf.nn.l2_loss: the same penalty in Keras, and the decay of one step at lr 0.1.
        out.say("2. Keras L2(\(0.01 / 2, decimals: 3)); each step first multiplies w by \(1 - 0.1 * 0.01, decimals: 3)")
        // 3. The quick run: the epoch chosen by validation accuracy, and the one a peek at the test set would pick.
        let run = try quickRun.get()
        let byValidation = run.max { $0.validation < $1.validation }!, byTest = run.max { $0.test < $1.test }!
        out.say("3. chosen by validation: epoch \(byValidation.epoch), test \(byValidation.test, decimals: 3); "
                + "chosen by test: epoch \(byTest.epoch), test \(byTest.test, decimals: 3)")
        // @end
    }
}
