import ConvLab
import Foundation

/// Module 11, "The convnet on MNIST": the code `Lectures/11-mnist-convnet.md` walks through.
enum MNISTConvnetLecture {
    static let lecture = Lecture(
        number: 11, title: "The convnet on MNIST",
        markdown: "11-mnist-convnet.md", source: "Lecture11MNISTConvnet.swift",
        snippets: [
            Snippet("shapes", shapes),
            Snippet("digits", digits),
            Snippet("training-quick", trainingQuick),
            Snippet("training-full", slow: true, trainingFull),
            Snippet("lecture-tables", lectureTables),
            Snippet("script-2017", script2017),
            Snippet("ablation", slow: true, ablation),
        ],
        figures: [
            Figure("mnist-filters.svg", stable: false, slow: true, { Array(try fullRun.get().filters.utf8) }),
            Figure("mnist-mistakes.svg", stable: false, slow: true, { Array(try fullRun.get().mistakes.utf8) }),
        ])

    /// Layer by layer: the shape each layer outputs and the parameters it holds.
    static func shapes(_ out: inout Transcript) throws {
        // @code shapes
        for recipe in [ModelRecipe.lecture7, ModelRecipe.tutorial03] {
            let model = try recipe.build(seed: 1)
            out.say("\(recipe.name): \(recipe.source)")
            var shape = [1, 28, 28, 1]
            out.say("  \("input", left: 16) \(describeShape(shape), left: 14)")
            for layer in model.layers {
                shape = try layer.outputShape(for: shape)
                out.say("  \(layer.name, left: 16) \(describeShape(shape), left: 14) \(thousands(layer.parameterCount), width: 11) parameters")
            }
            out.say("  \("total", left: 31) \(thousands(model.parameterCount), width: 11)")
        }
        // @end
    }

    /// The embedded MNIST subset, and one digit printed as text.
    static func digits(_ out: inout Transcript) throws {
        // @code digits
        let mnist = try MNIST.embedded()
        out.say("embedded subset: \(thousands(mnist.train.count)) training and \(thousands(mnist.test.count)) test digits, "
                + "\(mnist.train.height)x\(mnist.train.width)x\(mnist.train.channels), pixels in [0, 1]")
        let counts = (0..<10).map { digit in mnist.train.labels.filter { $0 == digit }.count }
        out.say("training digits per class: \(counts.map(String.init).joined(separator: " "))")
        // The first test digit, one character per pixel: '#' above 0.5, '+' above 0.1.
        let size = mnist.test.imageSize
        let pixels = mnist.test.pixels[0..<size]
        out.say("test digit 0, label \(mnist.test.labels[0]):")
        for row in 4..<24 {
            let text = (0..<28).map { col -> Character in
                let value = pixels[pixels.startIndex + row * 28 + col]
                return value > 0.5 ? "#" : value > 0.1 ? "+" : "."
            }
            out.say(plain: "  " + String(text))
        }
        // @end
    }

    /// Turns images into the trainer's examples.
    static func examples(_ images: LabeledImages, first count: Int) throws -> LabeledExamples {
        let n = min(count, images.count)
        let size = images.imageSize
        return try LabeledExamples(
            inputs: try Tensor(shape: [n, images.height, images.width, images.channels], scalars: Array(images.pixels[0..<(n * size)])),
            labels: Array(images.labels[0..<n]), classes: images.classCount)
    }

    /// Trains `recipe` and returns its per-epoch records.
    static func train(_ recipe: ModelRecipe, loss: Loss, train: LabeledExamples, test: LabeledExamples,
                      epochs: Int, batchSize: Int, kernels: Kernels) throws -> (trainer: Trainer, history: [EpochRecord]) {
        let model = try recipe.build(seed: 2017)
        let trainer = try Trainer(model: model, optimizer: recipe.optimizer(), loss: loss, kernels: kernels,
                                  batchSize: batchSize, seed: 2017)
        for _ in 0..<epochs { try trainer.trainEpoch(train, test: test) }
        return (trainer, trainer.history)
    }

    /// A quick run the doc-test repeats: tutorial #03's CNN on the first 100 training digits.
    static func trainingQuick(_ out: inout Transcript) throws {
        // @code training-quick
        let mnist = try MNIST.embedded()
        let train = try examples(mnist.train, first: 100), test = try examples(mnist.test, first: 100)
        let run = try self.train(.tutorial03Softmax, loss: .softmaxCrossEntropy, train: train, test: test,
                                 epochs: 1, batchSize: 10, kernels: Kernels(.reference))
        for record in run.history {
            // Float training drifts in the last bits across CPUs: checked to 0.01 and 1%.
            out.say("epoch \(record.epoch), \(train.count / 10) steps of 10 digits: loss \(record.trainLoss, decimals: 3, slack: 0.01 * record.trainLoss), "
                    + "accuracy on 100 test digits \(record.testAccuracy, decimals: 3, slack: 0.01)")
        }
        // @end
    }

    /// The full run (release build): tutorial #03's CNN on the embedded 10,000 training digits,
    /// 5 epochs, with the tutorial's sigmoid cross-entropy and with the softmax one.
    static let fullRun = Result { () throws -> (text: Transcript, filters: String, mistakes: String) in
        var out = Transcript()
        let mnist = try MNIST.embedded()
        let train = try examples(mnist.train, first: mnist.train.count)
        let test = try examples(mnist.test, first: mnist.test.count)
        let recipe = ModelRecipe.tutorial03
        var softmaxTrainer: Trainer?
        var histories: [String: [EpochRecord]] = [:]
        for (name, loss) in [("sigmoid", Loss.sigmoidCrossEntropy), ("softmax", Loss.softmaxCrossEntropy)] {
            let run = try MNISTConvnetLecture.train(recipe, loss: loss, train: train, test: test, epochs: recipe.epochs,
                                     batchSize: recipe.batchSize, kernels: Kernels(.fast))
            histories[name] = run.history
            if loss == .softmaxCrossEntropy { softmaxTrainer = run.trainer }
        }
        out.say("tutorial #03's CNN, \(thousands(train.count)) training digits, batch \(recipe.batchSize), "
                + "gradient descent at \(Double(recipe.learningRate), decimals: 1), seed 2017")
        out.say(plain: "epoch | sigmoid CE: cost  accuracy | softmax CE: cost  accuracy | tutorial's cost | TF 2.21 sigmoid, 55k: cost  accuracy")
        for epoch in 1...recipe.epochs {
            let s = histories["sigmoid"]![epoch - 1], m = histories["softmax"]![epoch - 1]
            let tutorialCost: Line = recipe.lectureCost[epoch].map { "\($0, decimals: 4, width: 15)" } ?? "\("-", width: 15)"
            let tfCost: Line = recipe.tensorFlowCost[epoch].map { "\($0, decimals: 3, width: 27)" } ?? "\("-", width: 27)"
            let tfAccuracy: Line = recipe.tensorFlowAccuracy[epoch].map { "\($0, decimals: 4, width: 10)" } ?? "\("-", width: 10)"
            out.say("\(epoch, width: 5) | \(s.trainLoss, decimals: 4, width: 17, slack: 0.01 * s.trainLoss) "
                    + "\(s.testAccuracy, decimals: 4, width: 9, slack: 0.01) | \(m.trainLoss, decimals: 4, width: 17, slack: 0.01 * m.trainLoss) "
                    + "\(m.testAccuracy, decimals: 4, width: 9, slack: 0.01) | " + tutorialCost + " | " + tfCost + tfAccuracy)
        }
        out.say("after 5 epochs: the tutorial printed \(recipe.lectureAccuracy[5]!, decimals: 4); TF 2.21 with softmax CE, 55k digits: "
                + "\(ModelRecipe.tutorial03Softmax.tensorFlowAccuracy[5]!, decimals: 4)")
        // The learned first-layer filters and the test digits the softmax network gets wrong.
        let trainer = softmaxTrainer!
        let conv1 = trainer.model.variables.first { $0.name.hasPrefix("conv1") && $0.shape.count == 4 }!
        let predictions = try trainer.evaluate(test).predictions
        let wrong = (0..<test.count).filter { predictions[$0] != test.labels[$0] }
        out.say("softmax network: \(wrong.count) of \(thousands(test.count)) test digits misclassified")
        let filters = filterPicture(conv1.value)
        let mistakes = mistakePicture(test, wrong: Array(wrong.prefix(16)), predictions: predictions)
        return (out, filters, mistakes)
    }

    static func trainingFull(_ out: inout Transcript) throws {
        // @code training-full
        let run = try fullRun.get()
        out = run.text
        // @end
    }

    /// The figures the lectures printed, as the recipes record them, for comparison.
    static func lectureTables(_ out: inout Transcript) throws {
        // @code lecture-tables
        let lecture7 = ModelRecipe.lecture7
        out.say("lecture 7's network (Adam 1e-3, batch \(lecture7.batchSize)):")
        out.say(plain: "epoch   lecture's accuracy   TF 2.21 (60k digits)")
        for epoch in lecture7.lectureAccuracy.keys.sorted() {
            let tf: Line = lecture7.tensorFlowAccuracy[epoch].map { "\($0, decimals: 4, width: 21)" } ?? "\("-", width: 21)"
            out.say("\(epoch, width: 5) \(lecture7.lectureAccuracy[epoch]!, decimals: 4, width: 20) " + tf)
        }
        // @end
    }

    /// The conv1 filters `[3, 3, 1, F]` as grey squares (white = most positive).
    static func filterPicture(_ w: Tensor<Float>) -> String {
        let (kh, kw, filters) = (w.shape[0], w.shape[1], w.shape[3])
        let cell = 24.0, gap = 12.0
        let largest = max(w.scalars.map { abs($0) }.max() ?? 1, 1e-6)
        let width = Double(filters) * (Double(kw) * cell + gap) + gap, height = Double(kh) * cell + 2 * gap
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for f in 0..<filters {
            for a in 0..<kh {
                for b in 0..<kw {
                    let v = Double(w.scalars[(a * kw + b) * filters + f] / largest)  // HWIO, one input channel
                    let grey = Int(((v + 1) / 2 * 255).rounded())
                    let x = gap + Double(f) * (Double(kw) * cell + gap) + Double(b) * cell, y = gap + Double(a) * cell
                    svg += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"\(Int(cell))\" height=\"\(Int(cell))\" fill=\"rgb(\(grey),\(grey),\(grey))\"/>\n"
                }
            }
        }
        return svg + "</svg>\n"
    }

    /// Misclassified test digits, each labelled "true -> predicted".
    static func mistakePicture(_ test: LabeledExamples, wrong: [Int], predictions: [Int]) -> String {
        let scale = 2, columns = 8, tile = 28 * scale + 8, label = 14
        let rows = (wrong.count + columns - 1) / columns
        let width = columns * tile, height = rows * (tile + label)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (k, index) in wrong.enumerated() {
            let left = (k % columns) * tile + 4, top = (k / columns) * (tile + label)
            // Two grey levels, one rectangle per run of equal level in a row: a small file.
            for row in 0..<28 {
                var col = 0
                while col < 28 {
                    let v = test.inputs.scalars[index * 784 + row * 28 + col]
                    let level = v >= 0.5 ? 2 : v >= 0.2 ? 1 : 0
                    var end = col
                    while end + 1 < 28 {
                        let next = test.inputs.scalars[index * 784 + row * 28 + end + 1]
                        if (next >= 0.5 ? 2 : next >= 0.2 ? 1 : 0) != level { break }
                        end += 1
                    }
                    if level > 0 {
                        svg += "<rect x=\"\(left + col * scale)\" y=\"\(top + row * scale)\" width=\"\((end - col + 1) * scale)\" "
                            + "height=\"\(scale)\" fill=\"\(level == 2 ? "#000" : "#999")\"/>\n"
                    }
                    col = end + 1
                }
            }
            svg += "<text x=\"\(left + 28 * scale / 2)\" y=\"\(top + 28 * scale + 12)\" text-anchor=\"middle\" font-size=\"11\">\(test.labels[index]) -> \(predictions[index])</text>\n"
        }
        return svg + "</svg>\n"
    }
}

// MARK: - The lecture's own table, reproduced (issue #17)

extension MNISTConvnetLecture {
    /// What the course's 2017 script did differently, read off the recipes: its batches, its test
    /// pass, its initial weights and the loss they start from.
    static func script2017(_ out: inout Transcript) throws {
        // @code script-2017
        let script = ModelRecipe.lecture7Script2017, scoring = Scoring.script2017
        let digits = 60_000 - script.validationCount, batch = script.batchSize
        out.say("\(script.name): \(thousands(digits)) training digits, \(digits / batch) batches of \(batch) per epoch "
                + "(\(digits % batch) digits sit each epoch out)")
        let testBatches = 10_000 / scoring.batchSize!
        out.say("its test pass: \(testBatches) batches of \(scoring.batchSize!) = \(thousands(testBatches * scoring.batchSize!)) "
                + "of 10,000 test digits, dropout \(scoring.dropout ? "on" : "off"), "
                + "\(scoring.trainsOnTestBatches ? "an Adam step on every batch" : "no steps"), correct predictions / 10,000")
        // Both recipes' initial weights from seed 1: the standard deviation of each variable.
        let clean = try ModelRecipe.lecture7.build(seed: 1), old = try script.build(seed: 1)
        out.say(plain: "variable                 lecture7 sd   lecture7-2017 sd")
        for (a, b) in zip(clean.variables, old.variables) {
            out.say("\(a.name, left: 24) \(standardDeviation(a.value), decimals: 4, width: 11) "
                    + "\(standardDeviation(b.value), decimals: 4, width: 18)")
        }
        // The loss before the first step, on the first 16 test digits (dropout off).
        let test = try examples(try MNIST.embedded().test, first: 16)
        var inputs = try Tensor<Float>(shape: [1], scalars: [0]), labels = inputs
        test.gather(Array(0..<16)[...], into: &inputs, oneHot: &labels)
        for (name, model) in [("lecture7", clean), ("lecture7-2017", old)] {
            let logits = try model.forward(inputs, context: LayerContext(kernels: Kernels(.fast), mode: .evaluation))
            let (loss, _) = try Loss.softmaxCrossEntropy.evaluate(logits: logits, labels: labels, kernels: Kernels(.fast))
            out.say("\(name, left: 14) loss before training: \(loss, decimals: 1, width: 8, slack: 0.001 * Double(loss))")
        }
        // @end
    }

    /// The population standard deviation of a tensor's elements.
    static func standardDeviation(_ x: Tensor<Float>) -> Double {
        let values = x.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    /// The full MNIST for the ablation: `$CONVLAB_MNIST`, else `../shared/data/mnist`.
    /// - Throws: `ConvLabError.file` naming the directory when the IDX files are not there.
    static func fullMNIST(validationCount: Int) throws -> (train: LabeledExamples, test: LabeledExamples) {
        let directory = ProcessInfo.processInfo.environment["CONVLAB_MNIST"] ?? "../shared/data/mnist"
        guard FileIO.isDirectory(directory) else {
            throw ConvLabError.file(path: directory, offset: nil,
                message: "the ablation trains on the full MNIST: `convlab download-mnist DIR`, then CONVLAB_MNIST=DIR")
        }
        let mnist = try MNIST.load(directory: directory, validationCount: validationCount)
        return (try LabeledExamples(mnist.train), try LabeledExamples(mnist.test))
    }

    /// The ablation: the clean recipe, each of the 2017 script's choices alone, and all together,
    /// on the full MNIST, 3 epochs, seed 1. Two training runs suffice: the scorings work on copies
    /// of each epoch's weights, so one run is scored several ways.
    static func ablation(_ out: inout Transcript) throws {
        // @code ablation
        let (train, test) = try fullMNIST(validationCount: 5000)
        // The 2017 script with Glorot-uniform weights and zero biases, scored cleanly and each 2017 way ...
        let glorot = try ModelRecipe.lecture7Script2017Glorot.trainer(seed: 1, kernels: Kernels(.fast))
        glorot.scorings = [.dropoutOn, .testSteps, .wholeBatches, .script2017]
        // ... and with its own stddev-1 initialization, scored cleanly and the 2017 way.
        let script = try ModelRecipe.lecture7Script2017.trainer(seed: 1, kernels: Kernels(.fast))
        for _ in 1...3 {
            try glorot.trainEpoch(train, test: test)
            try script.trainEpoch(train, test: test)
        }
        let clean = glorot.history.map(\.testAccuracy)
        out.say(plain: "lecture 7's network, 55,000 digits, 429 batches of 128 per epoch, Adam 1e-3 (eps 1e-8), seed 1")
        out.say(plain: "                                      accuracy after epoch   change against the clean recipe")
        out.say(plain: "                                          1       2       3         1        2        3")
        for (label, trainer, scoring) in [("clean recipe (Glorot, scored cleanly)", glorot, "clean"),
                                          ("stddev-1 initialization alone", script, "clean"),
                                          ("dropout on while scoring alone", glorot, "dropout-on"),
                                          ("training on the test batches alone", glorot, "test-steps"),
                                          ("9,984 of 10,000 scored alone", glorot, "whole-batches"),
                                          ("the three scoring choices together", glorot, "2017"),
                                          ("all together: lecture7-2017", script, "2017")] {
            let scores = trainer.history.map { $0.accuracy(scoring)! }
            var line: Line = "\(label, left: 36)"
            for score in scores { line = line + " \(score, decimals: 4, width: 7, slack: 0.01)" }
            line = line + "  "
            for (score, base) in zip(scores, clean) { line = line + " \(score - base, decimals: 4, width: 8, slack: 0.01)" }
            out.say(line)
        }
        var lecture: Line = "\("the lecture's table", left: 36)"
        for epoch in 1...3 { lecture = lecture + " \(ModelRecipe.lecture7.lectureAccuracy[epoch]!, decimals: 4, width: 7)" }
        out.say(lecture)
        for (label, trainer) in [("mean training loss, Glorot", glorot), ("mean training loss, stddev 1", script)] {
            var line: Line = "\(label, left: 36)"
            for record in trainer.history {
                line = line + " \(record.trainLoss, decimals: record.trainLoss < 10 ? 4 : 0, width: 7, slack: 0.05 * record.trainLoss)"
            }
            out.say(line)
        }
        // @end
    }
}
