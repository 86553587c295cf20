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
            // Float training drifts in the last bits across CPUs: losses are checked to 1%,
            // accuracies to 0.01.
            Snippet("training-quick", loose: [.relative(0.01, after: "loss"), .absolute(0.01, after: "accuracy")], trainingQuick),
            Snippet("training-full", slow: true, loose: [.relative(0.01, after: "CE: cost"), .absolute(0.01, after: "accuracy"),
                                                         .absolute(100, after: "softmax network:")],
                    trainingFull),
            Snippet("lecture-tables", lectureTables),
            Snippet("answers", answers),
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
            var table = Table("layer", "output", "parameters")
            table.row("input", "\(shape: shape)")
            for layer in model.layers {
                shape = try layer.outputShape(for: shape)
                table.row("\(layer.name)", "\(shape: shape)", "\(thousands(layer.parameterCount))")
            }
            table.row("total", "", "\(thousands(model.parameterCount))")
            out.say(table)
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
            out.say("epoch \(record.epoch), \(train.count / 10) steps of 10 digits: loss \(record.trainLoss, decimals: 3), "
                    + "accuracy on 100 test digits \(record.testAccuracy, decimals: 3)")
        }
        // The accuracy by hand: the predicted class is the argmax of each test digit's logits.
        let logits = try run.trainer.model.forward(test.inputs, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation))
        let predictions = (0..<test.count).map { n in (0..<10).max { logits[n, $0] < logits[n, $1] }! }
        let correct = zip(predictions, test.labels).filter { $0 == $1 }.count
        let accuracy = Double(correct) / Double(test.count)
        out.say("argmax accuracy by hand \(accuracy, decimals: 3); the same as the trainer's: \(accuracy == run.history.last!.testAccuracy)")
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
        var table = Table("epoch", "|", "sigmoid CE: cost", "accuracy", "|", "softmax CE: cost", "accuracy", "|", "tutorial's cost",
                          "|", "TF 2.21 sigmoid, 55k: cost", "accuracy")
        for epoch in 1...recipe.epochs {
            let s = histories["sigmoid"]![epoch - 1], m = histories["softmax"]![epoch - 1]
            // Recorded figures print as plain text, compared exactly (only the run's own are loose).
            let tutorialCost = recipe.lectureCost[epoch].map { LectureFormat.fixed($0, decimals: 4) } ?? "-"
            let tfCost = recipe.tensorFlowCost[epoch].map { LectureFormat.fixed($0, decimals: 3) } ?? "-"
            let tfAccuracy = recipe.tensorFlowAccuracy[epoch].map { LectureFormat.fixed($0, decimals: 4) } ?? "-"
            table.row("\(epoch)", "|", "\(s.trainLoss, decimals: 4)", "\(s.testAccuracy, decimals: 4)", "|", "\(m.trainLoss, decimals: 4)",
                      "\(m.testAccuracy, decimals: 4)", "|", "\(tutorialCost)", "|", "\(tfCost)", "\(tfAccuracy)")
        }
        out.say(table)
        out.say("after 5 epochs: the tutorial printed \(recipe.lectureAccuracy[5]!, decimals: 4); TF 2.21 with softmax CE, 55k digits: "
                + "\(ModelRecipe.tutorial03Softmax.tensorFlowAccuracy[5]!, decimals: 4)")
        // The learned first-layer filters and the test digits the softmax network gets wrong.
        let trainer = softmaxTrainer!
        let conv1 = trainer.model.variables.first { $0.name.hasPrefix("conv1") && $0.shape.count == 4 }!
        let predictions = try trainer.evaluate(test).predictions
        let wrong = (0..<test.count).filter { predictions[$0] != test.labels[$0] }
        // A count from Float training, as loose as the accuracy (0.01 of 10,000 digits).
        out.say("softmax network: \(Double(wrong.count), decimals: 0) of \(thousands(test.count)) test digits misclassified")
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
        var table = Table("epoch", "lecture's accuracy", "TF 2.21 (60k digits)")
        for epoch in lecture7.lectureAccuracy.keys.sorted() {
            let tf: Line = lecture7.tensorFlowAccuracy[epoch].map { "\($0, decimals: 4)" } ?? "-"
            table.row("\(epoch)", "\(lecture7.lectureAccuracy[epoch]!, decimals: 4)", tf)
        }
        out.say(table)
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

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let model = try ModelRecipe.lecture7.build(seed: 1)
        let fc = model.layers.first { $0.name == "fc" }!
        out.say("1. fc: \(thousands(fc.parameterCount)) of \(thousands(model.parameterCount)) parameters, "
                + "\(100 * Double(fc.parameterCount) / Double(model.parameterCount), decimals: 1)%")
        out.say("2. batch 128: \(55_000 / 128) full batches and one of \(55_000 % 128) digits; the tutorial at batch 100: \(55_000 / 100)")
        let logits = try Tensor<Double>([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.5, 1.0, 0.2]])
        let labels = [0, 2, 1]
        let predictions = (0..<3).map { r in (0..<3).max { logits[r, $0] < logits[r, $1] }! }
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        out.say("3. predictions \(predictions), labels \(labels): \(correct) of 3 correct, accuracy \(Double(correct) / 3, decimals: 4)")
        // @end
    }
}
