import ConvLab
import Foundation

// @code as-text
/// The rows `rows` of 28x28 digits as text, one character per pixel ('#' above 0.5, '+' above
/// 0.1), the digits side by side.
func asText(_ examples: LabeledExamples, rows: ClosedRange<Int>) -> [String] {
    rows.map { row in
        (0..<examples.count).map { image in
            String((0..<28).map { col -> Character in
                let v = examples.inputs.scalars[image * 784 + row * 28 + col]
                return v > 0.5 ? "#" : v > 0.1 ? "+" : "."
            })
        }.joined(separator: "  ")
    }
}
// @end

/// The mean of `x` and its variance: divided by n, or with `sample` by n - 1 (two or more values).
func meanAndVariance(_ x: [Double], sample: Bool = false) -> (mean: Double, variance: Double) {
    let mean = x.reduce(0, +) / Double(x.count)
    return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - (sample ? 1 : 0)))
}

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
                                                         .absolute(100, after: "softmax network:")]) { $0 = try fullRun.get().text },
            Snippet("lecture-tables", lectureTables),
            // Loss before training: Float sums of thousands of stddev-1 products, to 0.1%.
            Snippet("script-2017", loose: [.relative(0.001, after: "loss before training")], script2017),
            Snippet("reproduced", reproduced),
            Snippet("same-weights", sameWeights),
            Snippet("same-start", sameStart),
            Snippet("ablation", ablation),
            Snippet("dropout-gap", dropoutGap),
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
        out.say("test digit 0, label \(mnist.test.labels[0]):")
        out.say(lines: asText(try LabeledExamples(mnist.test).prefix(1), rows: 4...23).map { Line(stringLiteral: "  " + $0) })
        // @end
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
        let train = try LabeledExamples(mnist.train).prefix(100), test = try LabeledExamples(mnist.test).prefix(100)
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
        let train = try LabeledExamples(mnist.train), test = try LabeledExamples(mnist.test)
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
        var svg = Diagram.document(width: Int(width), height: Int(height))
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
        var svg = Diagram.document(width: width, height: height, attributes: " font-family=\"sans-serif\"")
        for (k, index) in wrong.enumerated() {
            let left = (k % columns) * tile + 4, top = (k / columns) * (tile + label)
            // Two grey levels.
            svg += Diagram.digitRuns({ test.inputs.scalars[index * 784 + $0 * 28 + $1] }, left: left, top: top, scale: scale,
                                     thresholds: [0.2, 0.5], greys: ["#999", "#000"])
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

// MARK: - The lecture's own table, reproduced

/// The output of a long run, committed in `Lectures/results/` beside the command that printed
/// it. A full-MNIST epoch of lecture 7's network takes from one to forty minutes on the machines
/// here, too long for `swift test`; the text's tables are read from these files instead, so
/// every figure in them is one a command printed, and rerunning the command regenerates it.
package struct CommittedRun: Sendable {
    /// The file's name in `Lectures/results/`.
    package let file: String
    /// The command, run from the package root, that writes the file.
    package let command: String
    /// Where the file is: `Lectures/results/` unless a test says otherwise.
    let directory: URL

    /// `Lectures/results/`, found from this source file's path.
    static let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Lectures/results")

    init(file: String, command: String, directory: URL = CommittedRun.results) {
        self.file = file
        self.command = command
        self.directory = directory
    }

    /// The run of `command`, which ends in the file it writes, `Lectures/results/FILE`.
    init(_ command: String) {
        self.init(file: String(command.split(separator: "/").last ?? ""), command: command)
    }

    package var path: String { directory.appendingPathComponent(file).path }

    /// The file's text (module 18's bench text is not JSON lines).
    /// - Throws: `ConvLabError.file` when it cannot be read as UTF-8.
    func text() throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConvLabError.file(path: path, offset: nil, message: "cannot read; rerun: \(command)")
        }
        return text
    }

    /// The file's JSON objects: one per line, or the whole file as one.
    /// - Throws: `ConvLabError.file` naming the file and the byte offset of a line that is not a
    ///   JSON object.
    func objects() throws -> [[String: Any]] {
        let text = try text(), data = Data(text.utf8)
        if let whole = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { return [whole] }
        var objects = [[String: Any]](), offset = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { offset += line.utf8.count + 1 }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ConvLabError.file(path: path, offset: offset, message: "not a JSON object")
            }
            objects.append(object)
        }
        return objects
    }

    /// The per-epoch lines of a `convlab train --json` or `tf_train_accuracy.py` run.
    func epochs() throws -> [[String: Double]] {
        try objects().map { $0.compactMapValues { ($0 as? NSNumber)?.doubleValue } }
    }
}

extension MNISTConvnetLecture {
    /// The seeds of the 2017 recipe's runs, three epochs each: ConvLab's, and TensorFlow's
    /// (drawn with `--independent-seeds`, each seed its own Philox key).
    static let seeds2017 = Array(1...10)
    static let tensorFlowSeeds2017 = Array(1...10)
    /// The runs the reproduction, the ablation and the dropout comparison read: the 2017
    /// recipe in ConvLab and in TensorFlow 2.21, one file per seed.
    static let convlab2017Runs = seeds2017.map { seed in
        CommittedRun(
            "swift run -c release convlab train --training-conv direct --model lecture7-2017 --data ../shared/data/mnist "
                + "--epochs 3 --seed \(seed) --threads 1 --json > Lectures/results/convlab-lecture7-2017-seed\(seed).jsonl")
    }
    static let tensorFlow2017Runs = tensorFlowSeeds2017.map { seed in
        CommittedRun(
            "python3 Benchmarks/tf_train_accuracy.py --model lecture7-2017 --data ../shared/data/mnist "
                + "--epochs 3 --seeds \(seed) --threads 1 --independent-seeds > Lectures/results/tf-lecture7-2017-seed\(seed).jsonl")
    }
    /// Seed 1's ConvLab run: the ablation's last two rows.
    static let convlab2017 = convlab2017Runs[0]
    static let convlabGlorot = CommittedRun(
        "swift run -c release convlab train --training-conv direct --model lecture7-2017-glorot --data ../shared/data/mnist "
            + "--epochs 1 --seed 1 --threads 1 --score dropout-on,test-steps,whole-batches,2017 --json "
            + "> Lectures/results/convlab-lecture7-2017-glorot-seed1.jsonl")
    static let sameMasks300 = CommittedRun(
        "python3 Benchmarks/tf_same_masks.py /tmp/trace-seed1 --json Lectures/results/same-masks-file-order-seed1.json")
    static let sameMasksEpoch = CommittedRun(
        "python3 Benchmarks/tf_same_masks.py /tmp/trace-full-seed1 --steps 0 --legs own "
            + "--json Lectures/results/same-masks-shuffled-epoch-seed1.json")
    /// The traces the two replays read.
    static let traceCommands = [
        "swift run -c release convlab train --training-conv direct --model lecture7 --data ../shared/data/mnist "
            + "--order file --limit 38400 --epochs 1 --seed 1 --trace /tmp/trace-seed1",
        "swift run -c release convlab train --training-conv direct --model lecture7 --data ../shared/data/mnist "
            + "--epochs 1 --seed 1 --trace /tmp/trace-full-seed1",
    ]
    /// TensorFlow's 2017 test pass from ConvLab's own weights and Adam state: seed 3 after epoch 1,
    /// many dropout draws. Two runs of ten draws were stopped after 8 and 6 and merged.
    static let sameWeights = CommittedRun(
        "python3 Benchmarks/tf_score_checkpoint.py --merge /tmp/s3-part0.json /tmp/s3-part1.json "
            + "--json Lectures/results/tf-score-checkpoint-seed3-e1.json")
    /// What wrote the checkpoint and the two partial runs `sameWeights` merges.
    static let sameWeightsCommands = [
        "swift run -c release convlab train --training-conv direct --model lecture7-2017 --data ../shared/data/mnist "
            + "--epochs 1 --seed 3 --threads 1 --json --checkpoint /tmp/seed3-e1.ckpt",
        "python3 Benchmarks/tf_score_checkpoint.py /tmp/seed3-e1.ckpt --data ../shared/data/mnist --draws 10 --first-seed 1 "
            + "--fresh-draws 0 --threads 1 --json /tmp/s3-part0.json",
        "python3 Benchmarks/tf_score_checkpoint.py /tmp/seed3-e1.ckpt --data ../shared/data/mnist --draws 10 --first-seed 11 "
            + "--fresh-draws 2 --threads 1 --json /tmp/s3-part1.json",
    ]
    /// TensorFlow trained from ConvLab's initial weights (epoch 1 of the 2017 recipe, the same
    /// batches, TensorFlow's own dropout masks), for the seeds whose ConvLab runs lie lowest.
    static let sameStartSeeds = [3, 6]
    static let sameStartRuns = sameStartSeeds.map { seed in
        CommittedRun(
            "python3 Benchmarks/tf_same_masks_2017.py /tmp/trace-2017-seed\(seed) --legs own --seed \(seed) --draws 4 "
                + "--threads 1 --json Lectures/results/tf-own-masks-2017-seed\(seed).json")
    }
    /// The traces `sameStartRuns` read.
    static let sameStartTraceCommands = sameStartSeeds.map { seed in
        "swift run -c release convlab train --training-conv direct --model lecture7-2017 --data ../shared/data/mnist "
            + "--epochs 1 --seed \(seed) --threads 1 --trace /tmp/trace-2017-seed\(seed)"
    }
    package static let committedRuns = convlab2017Runs + tensorFlow2017Runs
        + [convlabGlorot, sameMasks300, sameMasksEpoch, sameWeights] + sameStartRuns
    package static let quotedCommands = committedRuns.map(\.command) + traceCommands + sameWeightsCommands
        + sameStartTraceCommands

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
        var table = Table("variable", "lecture7 sd", "lecture7-2017 sd")
        for (a, b) in zip(clean.variables, old.variables) {
            table.row("\(a.name)", "\(standardDeviation(a.value), decimals: 4)", "\(standardDeviation(b.value), decimals: 4)")
        }
        out.say(table)
        // The loss before the first step, on the first 16 test digits (dropout off).
        let test = try LabeledExamples(try MNIST.embedded().test).prefix(16)
        var inputs = try Tensor<Float>(shape: [1], scalars: [0]), labels = inputs
        test.gather(Array(0..<16)[...], into: &inputs, oneHot: &labels)
        for (name, model) in [("lecture7", clean), ("lecture7-2017", old)] {
            let logits = try model.forward(inputs, context: LayerContext(kernels: Kernels(.fast), mode: .evaluation))
            let (loss, _) = try Loss.softmaxCrossEntropy.evaluate(logits: logits, labels: labels, kernels: Kernels(.fast))
            out.say("\(name): loss before training \(loss, decimals: 1)")
        }
        // @end
    }

    /// The population standard deviation of a tensor's elements.
    static func standardDeviation(_ x: Tensor<Float>) -> Double {
        meanAndVariance(x.scalars.map(Double.init)).variance.squareRoot()
    }

    /// The lecture's table beside the script's recipe rerun in ConvLab and in TensorFlow 2.21,
    /// every seed, each scored the 2017 way and cleanly (read from the committed runs), and
    /// whether ConvLab's runs lie within TensorFlow's spread at each epoch. The README's
    /// training section shows the same text (a test holds it to this).
    static func reproduced(_ out: inout Transcript) throws {
        // @code reproduced
        let libraries = [("ConvLab", Dictionary(uniqueKeysWithValues: zip(seeds2017, try convlab2017Runs.map { try $0.epochs() }))),
                         ("TF 2.21", Dictionary(uniqueKeysWithValues: zip(tensorFlowSeeds2017, try tensorFlow2017Runs.map { try $0.epochs() })))]
        // One value per seed at `epoch`, nil where a library has no run of that seed or its run has not reached it.
        func values(_ runs: [Int: [[String: Double]]], _ epoch: Int, _ key: String) -> [Double?] {
            seeds2017.map { seed in runs[seed]?.first { $0["epoch"] == Double(epoch) }?[key] }
        }
        let measures = [("2017 way", "test_accuracy_2017", 4), ("clean", "test_accuracy", 4), ("loss", "train_loss", 0)]
        var table = Table(["epoch", "lecture", "run"] + seeds2017.map { "seed \($0)" } + ["mean", "min", "max"])
        for epoch in 1...3 {
            var lecture: Line = "\(ModelRecipe.lecture7.lectureAccuracy[epoch]!, decimals: 4)"  // on the epoch's first row
            for (what, key, decimals) in measures {
                for (library, runs) in libraries {
                    let seeds = values(runs, epoch, key), done = seeds.compactMap { $0 }
                    let summary: [Line] = done.isEmpty ? ["-", "-", "-"]
                        : [done.reduce(0, +) / Double(done.count), done.min()!, done.max()!].map { "\($0, decimals: decimals)" }
                    table.row(["\(epoch)", lecture, "\(library) \(what)"]
                              + seeds.map { $0.map { "\($0, decimals: decimals)" } ?? "-" } + summary)
                    lecture = ""
                }
            }
        }
        out.say(table)
        // At each epoch: does each ConvLab run, scored the 2017 way, lie within TF's spread?
        for epoch in 1...3 {
            let convlab = values(libraries[0].1, epoch, "test_accuracy_2017")
            let tf = values(libraries[1].1, epoch, "test_accuracy_2017").compactMap { $0 }
            let done = convlab.compactMap { $0 }
            guard tf.count >= 2, !done.isEmpty else {
                out.say("epoch \(epoch): \(done.count) ConvLab and \(tf.count) TF runs reached it, too few to compare")
                continue
            }
            let (low, high) = (tf.min()!, tf.max()!), mean = done.reduce(0, +) / Double(done.count)
            var outside: [Line] = []
            for (seed, score) in zip(seeds2017, convlab) {
                guard let score, score < low || score > high else { continue }
                outside.append(score < low ? "seed \(seed) (\(score, decimals: 4)) lies \(low - score, decimals: 4) below it"
                                           : "seed \(seed) (\(score, decimals: 4)) lies \(score - high, decimals: 4) above it")
            }
            let verdict: Line = outside.isEmpty ? "all \(done.count) of ConvLab's runs lie within it"
                : outside.dropFirst().reduce(outside[0]) { $0 + "; " + $1 } + "; \(done.count - outside.count) of \(done.count) lie within it"
            out.say("epoch \(epoch): TF's \(tf.count) runs span \(low, decimals: 4) to \(high, decimals: 4); "
                    + "ConvLab's mean \(mean, decimals: 4) lies \(mean >= low && mean <= high ? "within" : "outside") it; " + verdict)
            // The difference of the means in units of its standard error (Welch's t, sample variances).
            guard done.count >= 2 else { continue }
            let (c, cv) = meanAndVariance(done, sample: true), (t, tv) = meanAndVariance(tf, sample: true)
            let error = (cv / Double(done.count) + tv / Double(tf.count)).squareRoot()
            out.say("epoch \(epoch): ConvLab's mean minus TF's \(c - t, decimals: 5), standard error \(error, decimals: 4), "
                    + "Welch's t \(error > 0 ? (c - t) / error : 0, decimals: 2)")
        }
        // @end
    }

    /// Is the 2017 test pass the same in both libraries? TensorFlow's, run from ConvLab's own
    /// weights and Adam state over many dropout draws, beside ConvLab's one draw of those weights.
    static func sameWeights(_ out: inout Transcript) throws {
        // @code same-weights
        let result = try sameWeights.objects()[0]
        guard let convlab = result["convlab"] as? [String: Any], let tf = result["tf_2017_restored_adam"] as? [String: Any],
              let draws = (tf["draws"] as? [[String: Any]])?.compactMap({ ($0["test_accuracy_2017"] as? NSNumber)?.doubleValue }),
              let ownScore = (convlab["test_accuracy_2017"] as? NSNumber)?.doubleValue,
              let ownClean = (convlab["test_accuracy"] as? NSNumber)?.doubleValue,
              let tfClean = (result["tf_clean_accuracy"] as? NSNumber)?.doubleValue, draws.count >= 2 else {
            throw ConvLabError.file(path: sameWeights.path, offset: nil, message: "missing fields; rerun: \(sameWeights.command)")
        }
        let (mean, variance) = meanAndVariance(draws, sample: true)
        let sd = variance.squareRoot()
        let epoch = (convlab["epoch"] as? NSNumber)?.intValue ?? 0, seed = (convlab["seed"] as? NSNumber)?.intValue ?? 0
        out.say("ConvLab's weights after epoch \(epoch) of seed \(seed), with Adam's state:")
        out.say("  clean score: ConvLab \(ownClean, decimals: 4), TF \(tfClean, decimals: 4)")
        out.say("  2017 way, ConvLab's draw: \(ownScore, decimals: 4)")
        out.say("  2017 way, TF's \(draws.count) draws: mean \(mean, decimals: 4), sd \(sd, decimals: 4), "
                + "\(draws.min()!, decimals: 4) to \(draws.max()!, decimals: 4); \(draws.filter { $0 < ownScore }.count) below ConvLab's")
        // @end
    }

    /// Where the low epoch-1 scores come from: TensorFlow trained from the starting weights of
    /// ConvLab's lowest runs, beside ConvLab's own run and TensorFlow's runs from their own starts.
    static func sameStart(_ out: inout Transcript) throws {
        // @code same-start
        func number(_ object: [String: Any]?, _ key: String) -> Double? { (object?[key] as? NSNumber)?.doubleValue }
        let tfOwnStarts = try tensorFlow2017Runs.compactMap { try $0.epochs().first?["test_accuracy_2017"] }
        var table = Table(["seed", "ConvLab clean", "ConvLab 2017 way", "TF clean", "TF 2017 way, mean", "draws", "TF range"])
        for (seed, run) in zip(sameStartSeeds, sameStartRuns) {
            let result = try run.objects()[0], tf = result["tf_own_masks_scores"] as? [String: Any]
            let convlab = try convlab2017Runs[seed - 1].epochs().first
            guard let steps = (result["steps"] as? NSNumber)?.intValue, steps == 429,
                  let ownClean = convlab?["test_accuracy"], let ownScore = convlab?["test_accuracy_2017"],
                  let clean = number(tf, "clean_accuracy"), let mean = number(tf, "mean"),
                  let low = number(tf, "min"), let high = number(tf, "max"), let draws = number(tf, "n") else {
                throw ConvLabError.file(path: run.path, offset: nil, message: "missing fields or not a whole epoch; rerun: \(run.command)")
            }
            table.row(["\(seed)", "\(ownClean, decimals: 4)", "\(ownScore, decimals: 4)", "\(clean, decimals: 4)",
                       "\(mean, decimals: 4)", "\(Int(draws))", "\(low, decimals: 4) to \(high, decimals: 4)"])
        }
        out.say("epoch 1, TensorFlow trained from ConvLab's initial weights on the same batches, with its own dropout masks:")
        out.say(table)
        out.say("TF's \(tfOwnStarts.count) runs from their own initial weights, 2017 way: "
                + "\(tfOwnStarts.min()!, decimals: 4) to \(tfOwnStarts.max()!, decimals: 4)")
        // @end
    }

    /// The ablation: the clean recipe, each of the 2017 script's choices alone, and all together.
    /// Two runs suffice: the scorings work on copies of each epoch's weights, so one run is
    /// scored several ways.
    static func ablation(_ out: inout Transcript) throws {
        // @code ablation
        let glorot = try convlabGlorot.epochs(), script = try convlab2017.epochs()
        let epochs = min(glorot.count, script.count)
        let rows: [(String, [[String: Double]], String)] = [
            ("clean recipe (Glorot, scored cleanly)", glorot, "test_accuracy"),
            ("stddev-1 initialization alone", script, "test_accuracy"),
            ("dropout on while scoring alone", glorot, "test_accuracy_dropout_on"),
            ("training on the test batches alone", glorot, "test_accuracy_test_steps"),
            ("9,984 of 10,000 scored alone", glorot, "test_accuracy_whole_batches"),
            ("the three scoring choices together", glorot, "test_accuracy_2017"),
            ("all together: lecture7-2017", script, "test_accuracy_2017"),
        ]
        var table = Table(["lecture 7's network, seed 1"] + (1...epochs).flatMap { ["epoch \($0)", "change"] })
        for (label, run, key) in rows {
            table.row(["\(label)"] + (0..<epochs).flatMap { e -> [Line] in
                let score = run[e][key]!, base = glorot[e]["test_accuracy"]!
                return ["\(score, decimals: 4)", "\(score - base, decimals: 4)"]
            })
        }
        out.say(table)
        // @end
    }

    /// The same-weights, same-batches comparison of the dropout masks: ConvLab's run, TF fed
    /// ConvLab's masks, TF with its own masks; the losses step by step and the masks' statistics.
    static func dropoutGap(_ out: inout Transcript) throws {
        // @code dropout-gap
        for (title, run) in [("300 steps in file order", sameMasks300), ("one shuffled epoch", sameMasksEpoch)] {
            let replay = try run.objects()[0]
            func losses(_ key: String) -> [Double]? {
                let values = (replay[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue }
                return values?.isEmpty == false ? values : nil  // a run the replay left out is null
            }
            let convlab = losses("convlab")!, own = losses("tf_own_masks")!, same = losses("tf_same_masks")
            func mean(_ x: [Double], _ steps: ClosedRange<Int>) -> Double {
                x[(steps.lowerBound - 1)..<steps.upperBound].reduce(0, +) / Double(steps.count)
            }
            out.say("lecture7, seed 1, \(title): \(convlab.count) steps from the same weights on the same batches")
            var headings = ["step", "ConvLab"]
            if same != nil { headings += ["TF, ConvLab's masks", "difference"] }
            var steps = Table(headings + ["TF, its own masks", "difference"])
            func row(_ label: String, _ a: Double, _ b: Double?, _ c: Double) {
                var cells: [Line] = ["\(label)", "\(a, decimals: 6)"]
                if let b { cells += ["\(b, decimals: 6)", "\(b - a, scientific: 2)"] }
                steps.row(cells + ["\(c, decimals: 6)", "\(c - a, scientific: 2)"])
            }
            for step in Set([1, 2, 3, 5, 10, 20, 50, 100, 200, 300, convlab.count]).sorted() where step <= convlab.count {
                row("\(step)", convlab[step - 1], same?[step - 1], own[step - 1])
            }
            var windows = stride(from: 1, to: convlab.count, by: 100).map { $0...min($0 + 99, convlab.count) }
            windows.append(1...convlab.count)
            for w in windows {
                row("mean \(w.lowerBound)-\(w.upperBound)", mean(convlab, w), same.map { mean($0, w) }, mean(own, w))
            }
            out.say(steps)
            let statistics = replay["mask_statistics"] as! [String: [String: Double]]
            let (c, t) = (statistics["ConvLab"]!, statistics["TF"]!)
            var masks = Table("mask statistic", "ConvLab", "TF", "independent draws at p = 0.75")
            masks.row("keep rate", "\(c["keep_rate"]!, decimals: 4)", "\(t["keep_rate"]!, decimals: 4)", "0.75")
            for (label, key, expected) in [("per-unit keep rate, sd", "per_unit_keep_rate_sd", "per_unit_expected_sd"),
                                           ("per-example keep rate, sd", "per_example_keep_rate_sd", "per_example_expected_sd"),
                                           ("unit pairs: sd of correlation", "unit_pair_corr_sd", "unit_pair_expected_sd")] {
                masks.row("\(label)", "\(c[key]!, decimals: 4)", "\(t[key]!, decimals: 4)", "sd \(c[expected]!, decimals: 4)")
            }
            for (label, key) in [("unit pairs: largest |correlation|", "unit_pair_corr_max_abs"),
                                 ("adjacent units: correlation", "adjacent_units_corr"),
                                 ("adjacent examples: correlation", "adjacent_examples_corr"),
                                 ("consecutive steps: correlation", "consecutive_steps_corr")] {
                let expected: Line = key.hasSuffix("max_abs") ? "-" : "0 +- \(c["same_draw_expected_sd"]!, decimals: 4)"
                masks.row("\(label)", "\(c[key]!, decimals: 4)", "\(t[key]!, decimals: 4)", expected)
            }
            out.say(masks)
        }
        // @end
    }
}
