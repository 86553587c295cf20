import ConvLab
import Foundation

let trainCommand = CLICommand(
    name: "train", summary: "train a lecture network, each epoch beside the lecture's and TensorFlow's figures",
    options: [
        .value("model", "NAME", ModelRecipe.all.map(\.name).joined(separator: ", ") + " (default lecture7)"),
        .value("data", "DIR", "MNIST IDX files (train-images-idx3-ubyte[.gz], ...); default: the embedded subset"),
        .value("epochs", "N", "epochs to train (default: the recipe's)"),
        .value("batch", "B", "batch size (default: the recipe's)"),
        .value("lr", "X", "learning rate (default: the recipe's)"),
        .value("seed", "S", "the seed of the weights, shuffles and dropout masks (default 2017)"),
        .value("threads", "T", "threads for the fast kernels (default: the active cores)"),
        .value("path", "reference|fast", "the kernels (default fast)"),
        .value("training-conv", "winograd|direct", "how conv2d layers convolve in training: Winograd's algorithm where "
               + "it applies (default), or the direct product, as in the runs recorded before it (bit for bit)"),
        .value("loss", "softmax|sigmoid|both", "the recipe's loss by default; both: one copy per loss, side by side"),
        .value("limit", "N", "train on the first N training examples only"),
        .flag("json", "one JSON object per epoch on stdout (the table goes to stderr)"),
        .flag("profile", "print the seconds each layer spent forward and backward"),
        .value("checkpoint", "FILE", "save after every epoch (atomically)"),
        .value("resume", "FILE", "continue from a saved checkpoint"),
        .value("order", "ORDER", BatchOrder.allCases.map(\.rawValue).joined(separator: ", ")
               + " (file-then-shuffled: TF 1.0's next_batch); default: the recipe's"),
        .value("score", "LIST", "comma-separated scorings besides the clean one, after every epoch on a copy of the weights: "
               + "none, " + Scoring.all.dropFirst().map(\.name).joined(separator: ", ") + "; default: the recipe's"),
        .value("trace", "DIR", "write DIR/initial.ckpt (the weights before the first step), DIR/steps.jsonl (every step's "
               + "loss) and DIR/masks.bits (every dropout mask, 1 bit per unit), for Benchmarks/tf_same_masks.py"),
    ],
    output: .folder,
    notes: "  The loss and accuracy curves (and the MLP's decision boundary) go to the --out folder.",
    run: runTrain)

/// The options of `convlab train`.
struct TrainOptions {
    var model: String
    var data: String?
    var epochs: Int?
    var batch: Int?
    var learningRate: Float?
    var seed: UInt64
    var path: KernelPath
    var trainingConvolution: TrainingConvolution?   // nil: the kernels' default
    var loss: Loss?
    var bothLosses = false
    var profile: Bool
    var threads: Int?
    var limit: Int?
    var json: Bool
    var out: String
    var checkpoint: String?
    var resume: String?
    var order: BatchOrder?
    var scorings: [Scoring]?
    var trace: String?

    init(_ arguments: CLIArguments) throws {
        model = arguments.string("model") ?? "lecture7"
        data = arguments.string("data")
        epochs = try arguments.number("epochs")
        batch = try arguments.number("batch")
        learningRate = try arguments.number("lr")
        seed = try arguments.number("seed") ?? 2017
        path = try arguments.kernelPath()
        trainingConvolution = try arguments.string("training-conv").map(TrainingConvolution.init(parsing:))
        if let text = arguments.string("loss") {
            if text == "both" { bothLosses = true } else { loss = try Loss(parsing: text) }
        }
        limit = try arguments.optionalInteger("limit")
        json = arguments.flag("json")
        profile = arguments.flag("profile")
        threads = try arguments.optionalInteger("threads", maximum: Fast.maximumThreads)
        out = arguments.outputDirectory
        checkpoint = arguments.string("checkpoint")
        resume = arguments.string("resume")
        if let text = arguments.string("order") {
            guard let parsed = BatchOrder(rawValue: text) else {
                throw arguments.error("--order '\(text)': use \(BatchOrder.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            order = parsed
        }
        if let text = arguments.string("score") {
            scorings = text == "none" ? [] : try text.split(separator: ",").map { try Scoring.named(String($0)) }
                .filter { $0 != .clean }
        }
        trace = arguments.string("trace")
        if let epochs, epochs < 1 { throw arguments.error("--epochs must be at least 1") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw arguments.error("--lr must be positive and finite, got \(learningRate)")
        }
        if let batch, batch < 1 { throw arguments.error("--batch must be at least 1, got \(batch)") }
        if bothLosses && (checkpoint != nil || resume != nil) {
            throw arguments.error("--loss both does not save or resume checkpoints")
        }
        if bothLosses && trace != nil { throw arguments.error("--loss both does not trace") }
    }
}

/// `convlab train`: trains one of the lectures' networks and prints the per-epoch table beside
/// the lecture's own figures. With `--loss both`, two copies of the network (same seed, same
/// shuffles) train side by side, one per loss.
func runTrain(_ arguments: CLIArguments) throws {
    let options = try TrainOptions(arguments)
    let recipe = try ModelRecipe.named(options.model)
    if let threads = options.threads { Fast.threads = threads }
    let losses = options.bothLosses ? [recipe.loss] + Loss.allCases.filter { $0 != recipe.loss }
                                    : [options.loss ?? recipe.loss]
    let epochs = options.epochs ?? recipe.epochs
    // With --json, stdout carries only the JSON lines; everything for people goes to stderr.
    let say: (String) -> Void = options.json ? { standardError($0 + "\n") } : { standardOutput($0 + "\n") }

    // Every argument is checked before the data is read.
    let runs = try losses.map { loss in
        var kernels = Kernels(options.path)
        if let choice = options.trainingConvolution { kernels.trainingConvolution = choice }
        let run = try recipe.trainer(seed: options.seed, kernels: kernels, loss: loss,
                                     batchSize: options.batch, learningRate: options.learningRate)
        if let order = options.order { run.batchOrder = order }
        if let scorings = options.scorings { run.scorings = scorings }
        return run
    }
    // A batch's activations and their gradients (the notebook's ActivationMemory estimate) must
    // fit the training budget: `--batch 100000` is an error, not an exhausted machine.
    let shapes = try runs[0].model.summaryRows(inputShape: [1] + recipe.exampleShape).map(\.outputShape)
    let perExample = ActivationMemory(layerOutputs: [recipe.exampleShape] + shapes.map { Array($0.dropFirst()) }).bytesWithGradients
    guard runs[0].batchSize <= trainingMemoryBudget / max(perExample, 1) else {
        throw arguments.error("--batch \(runs[0].batchSize): \(recipe.name)'s activations and gradients take \(perExample) bytes per example, "
            + "so at most \(trainingMemoryBudget / max(perExample, 1)) examples fit the \(trainingMemoryBudget)-byte budget of a batch")
    }

    var (train, test) = try loadExamples(recipe: recipe, options: options, say: say)
    if let limit = options.limit { train = train.prefix(limit) }

    if let resume = options.resume {
        try Checkpoint.load(from: resume).restore(into: runs[0], modelName: recipe.name, path: resume)
        say("resumed from \(resume) after epoch \(runs[0].epochsDone)")
    }

    say("\(recipe.name): \(recipe.source)")
    say(try runs[0].model.summary(inputShape: [runs[0].batchSize] + recipe.exampleShape))
    say("\(runs[0].optimizer.description); batch \(runs[0].batchSize); "
        + losses.map { "\($0.rawValue) cross-entropy" }.joined(separator: " and ") + "; "
        + "\(train.count) training / \(test.count) test examples; seed \(options.seed)")
    say("kernels: \(options.path)" + (options.path == .fast ? " (\(Fast.configurationDescription))" : "")
        + "; conv2d in training: \(runs[0].kernels.trainingConvolution)")
    let trainer = runs[0]
    if trainer.batchOrder != .shuffled || trainer.dropsRemainder {
        say("batches: \(trainer.batchOrder.rawValue) order"
            + (trainer.dropsRemainder ? ", \(train.count / trainer.batchSize) whole batches per epoch" : ""))
    }
    let trace = try options.trace.map { try TrainingTrace(directory: $0, trainer: trainer, modelName: recipe.name) }
    let table = EpochTable(recipe: recipe, losses: losses, scorings: trainer.scorings)
    if recipe.exampleShape != [2] && (options.data == nil || options.limit != nil) {
        say("(the lecture's and TF's figures come from the full training set; this run uses \(train.count) digits)")
    }
    say(table.header)

    for run in runs { run.model.recordsTimings = options.profile }
    let showBar = !options.json && isatty(STDERR_FILENO) == 1
    if showBar {
        for run in runs { run.onProgress = { standardError("\r" + progressBar($0, epochs: epochs)) } }
    }
    while runs[0].epochsDone < epochs {
        var records = [EpochRecord]()
        for run in runs {
            var record = try run.trainEpoch(train, test: test)
            if runs.count > 1 { record.loss = run.loss.rawValue }
            records.append(record)
        }
        if showBar { standardError("\r\u{1B}[K") }
        say(table.row(records))
        if options.json {
            for record in records {
                standardOutput(record.jsonLine + "\n")
            }
        }
        if let checkpoint = options.checkpoint {
            try Checkpoint(modelName: recipe.name, trainer: runs[0]).save(to: checkpoint)
        }
        try trace?.write()
    }
    if let trace { say("trace: \(trace.steps) steps in \(trace.directory)") }
    if options.profile { say(runs[0].model.timingReport()) }
    try writePictures(recipe: recipe, runs: runs, train: train, options: options, say: say)
}

/// The most bytes one batch's activations and gradients may take by `ActivationMemory`'s
/// estimate (512 MiB; the kernels' scratch buffers come on top): lecture 7's 424,144 bytes per
/// example allow a batch of 1,265 (its default of 128 takes 54 MB).
let trainingMemoryBudget = 1 << 29

/// Training and test examples for a recipe: the spiral points for the MLP, MNIST otherwise.
func loadExamples(recipe: ModelRecipe, options: TrainOptions, say: (String) -> Void) throws
    -> (train: LabeledExamples, test: LabeledExamples) {
    if recipe.exampleShape == [2] {
        return (try spiralPoints(perClass: 100, seed: options.seed), try spiralPoints(perClass: 50, seed: options.seed &+ 1))
    }
    let mnist = try loadMNIST(options.data, validationCount: recipe.validationCount, orDownloaded: false)
    say("data: MNIST, \(mnist.source)")
    return (try LabeledExamples(mnist.train), try LabeledExamples(mnist.test))
}

/// The per-epoch table, with the lecture's and TensorFlow's figures beside ours where they exist
/// (they belong to the recipe's own loss, so they show only in that loss's columns). Scorings
/// other than the clean one get a column each after the clean accuracy; the lecture's and
/// TensorFlow's figures then compare with the first of them.
struct EpochTable {
    let recipe: ModelRecipe
    let losses: [Loss]
    var scorings: [Scoring] = []

    /// The figures for `loss`: the recipe's own, or its sibling trained with that loss
    /// (`tutorial03` + softmax -> `tutorial03-softmax`).
    func reference(_ loss: Loss) -> ModelRecipe? {
        loss == recipe.loss ? recipe : ModelRecipe.all.first { $0.name == recipe.name + "-" + loss.rawValue }
    }

    /// Tutorial #03 printed its training cost; show it when that loss is trained.
    var showsCost: Bool { losses.contains(recipe.loss) && !recipe.lectureCost.isEmpty }

    /// `2017 way` for the script's scoring, the scoring's name otherwise.
    static func title(_ scoring: Scoring) -> String { scoring == .script2017 ? "2017 way" : scoring.name }

    var header: String {
        var text = "epoch"
        for loss in losses {
            let tag = losses.count > 1 ? " (\(loss.rawValue))" : ""
            text += "  test acc\(tag)"
            for scoring in scorings { text += "  " + EpochTable.title(scoring) }
            if reference(loss) != nil { text += "  lecture  TF 2.21" }
            text += "  train loss\(tag)"
        }
        if showsCost { text += "  lecture cost  TF cost" }
        return text + "  seconds"
    }

    func row(_ records: [EpochRecord]) -> String {
        func figure(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "     -" }
        let epoch = records[0].epoch
        var text = String(format: "%5d", epoch)
        for (loss, r) in zip(losses, records) {
            let tag = losses.count > 1 ? loss.rawValue.count + 3 : 0
            text += String(repeating: " ", count: 4 + tag) + String(format: "%.4f", r.testAccuracy)
            for scoring in scorings {
                let width = max(EpochTable.title(scoring).count, 6)
                text += "  " + String(repeating: " ", count: width - 6) + figure(r.accuracy(scoring.name))
            }
            if let figures = reference(loss) {
                text += "   " + figure(figures.lectureAccuracy[epoch]) + "   " + figure(figures.tensorFlowAccuracy[epoch])
            }
            let loss = String(format: "%.4f", r.trainLoss)
            text += String(repeating: " ", count: max(12 + tag - loss.count, 1)) + loss
        }
        if showsCost {
            text += "        " + figure(recipe.lectureCost[epoch]) + "   " + figure(recipe.tensorFlowCost[epoch])
        }
        return text + String(format: "  %7.1f", records.reduce(0) { $0 + $1.seconds })
    }
}

/// `epoch 1/3 [#########.........] 21,504/60,000  1,480 img/s  ETA 0:26  loss 0.2314`
func progressBar(_ p: TrainingProgress, epochs: Int) -> String {
    let width = 24
    let filled = p.examplesTotal > 0 ? width * p.examplesDone / p.examplesTotal : width
    let eta = Int(p.secondsLeft.isFinite ? min(max(p.secondsLeft, 0), 1e9).rounded() : 0)
    return "epoch \(p.epoch)/\(epochs) [" + String(repeating: "#", count: filled)
        + String(repeating: ".", count: width - filled) + "] "
        + "\(thousands(p.examplesDone))/\(thousands(p.examplesTotal))  "
        + "\(thousands(Int(p.examplesPerSecond))) img/s  ETA \(eta / 60):" + String(format: "%02d", eta % 60)
        + String(format: "  loss %.4f", p.loss)
}

/// Loss and accuracy curves (SVG) and, for the MLP, its decision boundary.
func writePictures(recipe: ModelRecipe, runs: [Trainer], train: LabeledExamples, options: TrainOptions,
                   say: (String) -> Void) throws {
    try FileIO.createDirectory(options.out)
    func name(_ run: Trainer) -> String { runs.count > 1 ? " (\(run.loss.rawValue))" : "" }
    let lossPlot = LinePlot(title: "\(recipe.name): training loss", xLabel: "epoch", yLabel: "mean loss",
                            series: runs.map { run in
                                .init(name: "train loss" + name(run),
                                      points: run.history.map { (Double($0.epoch), $0.trainLoss) })
                            })
    var accuracySeries: [LinePlot.Series] = runs.map { run in
        .init(name: "ConvLab" + name(run), points: run.history.map { (Double($0.epoch), $0.testAccuracy) })
    }
    let last = runs[0].history.last?.epoch ?? 0
    let lecture = recipe.lectureAccuracy.filter { $0.key <= last }.sorted { $0.key < $1.key }
    if !lecture.isEmpty { accuracySeries.append(.init(name: "lecture", points: lecture.map { (Double($0.key), $0.value) })) }
    let tf = recipe.tensorFlowAccuracy.filter { $0.key <= last }.sorted { $0.key < $1.key }
    if !tf.isEmpty { accuracySeries.append(.init(name: "TF 2.21", points: tf.map { (Double($0.key), $0.value) })) }
    let accuracyPlot = LinePlot(title: "\(recipe.name): test accuracy", xLabel: "epoch", yLabel: "accuracy",
                                series: accuracySeries)
    var written = [String]()
    for (name, plot) in [("loss", lossPlot), ("accuracy", accuracyPlot)] {
        let path = "\(options.out)/\(recipe.name)-\(name)"
        try FileIO.writeAtomically(try plot.svg(), to: path + ".svg")
        try writePicture(try plot.render(), to: path + ".png")
        written += [path + ".svg", path + ".png"]
    }
    if recipe.exampleShape == [2] {
        let trainer = runs[0]
        let boundary = try DecisionBoundary(xRange: -1.2...1.2, yRange: -1.2...1.2, resolution: 120) { points in
            let logits = try trainer.model.forward(points, context: LayerContext(kernels: trainer.kernels, mode: .evaluation))
            return argmaxRows(logits)
        }
        let path = "\(options.out)/\(recipe.name)-decision-boundary.svg"
        let accuracy = trainer.history.last.map { String(format: "%.3f", $0.testAccuracy) } ?? "-"
        try FileIO.writeAtomically(boundary.svg(examples: train, title: "MLP 2-64-64-4, test accuracy \(accuracy)"),
                                   to: path)
        written.append(path)
    }
    say("pictures: " + written.joined(separator: ", "))
}
