import Foundation
import Testing
import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabData
@testable import ConvLabPictures
@testable import ConvLabNN
@testable import ConvLabCLI
@testable import ConvLabAnimation
@testable import ConvLabConformance
@testable import ConvLabBenchmark
@testable import ConvLabApplications

// Issue #18's thirteen findings, one regression test each (named by its number), and the
// "Also" list: inputs that parse fine and are then used must end in a ConvLabError, never a
// trap, a hang or an allocation abort. `.ci/reliability.sh` replays the same reproducers
// against the release `convlab` with a timeout and a 4 GB address-space limit.

/// A trainer small enough for the debug build: one dense layer on 4 features, Adam.
private func tinyTrainer(seed: UInt64 = 1) throws -> Trainer {
    let model = try Sequential([Dense("fc", inputs: 4, outputs: 3)])
    model.initialize(seed: seed)
    return try Trainer(model: model, optimizer: .adam(learningRate: 0.01), loss: .softmaxCrossEntropy,
                       kernels: Kernels(.reference), batchSize: 8, seed: seed)
}

private func tinyExamples(count: Int = 16) throws -> LabeledExamples {
    var generator = SeededGenerator(seed: 3)
    let inputs = (0..<(count * 4)).map { _ in Float(generator.nextUniform(-1, 1)) }
    return try LabeledExamples(inputs: Tensor(shape: [count, 4], scalars: inputs),
                               labels: (0..<count).map { $0 % 3 }, classes: 3)
}

/// A checkpoint of `tinyTrainer` after one epoch (so the Adam slots exist), edited by `edit`,
/// then encoded and decoded again as a file named `path`.
private func editedCheckpoint(_ edit: (inout Checkpoint) -> Void, path: String = "edited.ckpt") throws -> Checkpoint {
    let trainer = try tinyTrainer()
    let examples = try tinyExamples()
    try trainer.trainEpoch(examples, test: examples)
    var checkpoint = Checkpoint(modelName: "tiny", trainer: trainer)
    edit(&checkpoint)
    return try Checkpoint.decode(try checkpoint.encoded(), path: path)
}

/// The file error `body` throws, or nil (recorded as an issue) when it throws none or another.
private func fileError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    -> (path: String, offset: Int?, message: String)? {
    do {
        try body()
        Issue.record("no error was thrown", sourceLocation: sourceLocation)
    } catch let ConvLabError.file(path, offset, message) {
        return (path, offset, message)
    } catch {
        Issue.record("expected a file error, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The conformance runner on one case (a JSON object), on both kernel paths: its one failure
/// message, or nil when it computed the case.
private func conformanceFailure(_ caseJSON: String, budget: ConformanceBudget = .standard,
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
    var messages: [String?] = []
    for path in KernelPath.allCases {
        let document = try JSONValue.parse(Array("{\"cases\":[\(caseJSON)]}".utf8))
        let run = try Conformance.run(document, kernels: Kernels(path), budget: budget)
        #expect(run.results.count + run.failures.count == 1, sourceLocation: sourceLocation)
        messages.append(run.failures.first?.reason)
    }
    #expect(messages[0] == messages[1], "the two paths disagree: \(messages)", sourceLocation: sourceLocation)
    return messages[0]
}

@Suite("Issue 18: checkpoints that parse but do not fit")
struct CheckpointReliabilityTests {
    /// Findings 1 and 2: shape products that overflow `Int` are a file error naming the tensor.
    @Test(arguments: [[1 << 32, 1 << 32], [1 << 62], [Int.max, 2], [1 << 40, 0]])
    func finding1And2ShapeProductsAreChecked(shape: [Int]) throws {
        let error = fileError {
            _ = try editedCheckpoint({ $0.header.tensors[0].shape = shape })
        }
        #expect(error?.path == "edited.ckpt")
        #expect(error?.offset == 12)
        #expect(error?.message.contains("header tensors[0] 'fc/weights'") == true, "\(String(describing: error))")
        #expect(error?.message.contains("more than \(TensorShape.maximumExtent)") == true, "\(String(describing: error))")
    }

    /// Finding 3: an optimizer step of Int.max is refused when read, and `apply` never overflows.
    @Test func finding3OptimizerStepIsBounded() throws {
        let error = fileError { _ = try editedCheckpoint({ $0.header.optimizerStep = Int.max }) }
        #expect(error?.message == "header field optimizerStep: \(Int.max) is outside 0...\(Optimizer.maximumStep)")
        let trainer = try tinyTrainer()
        trainer.optimizer.step = Int.max
        let examples = try tinyExamples()
        #expect(throws: ConvLabError.argument(op: "optimizer", message: "step \(Int.max) is outside 0..<\(Optimizer.maximumStep)")) {
            try trainer.trainEpoch(examples, test: examples)
        }
    }

    /// Finding 4 (heap corruption): an Adam slot shrunk to [1] is refused before any byte is
    /// copied; the trainer keeps its weights, slots and step.
    @Test(arguments: ["optimizer/fc/weights/m", "optimizer/fc/weights/v", "optimizer/fc/biases/m"])
    func finding4SlotsAreCheckedAgainstTheirVariables(slot: String) throws {
        let checkpoint = try editedCheckpoint({ checkpoint in
            let index = checkpoint.header.tensors.firstIndex { $0.name == slot }!
            checkpoint.header.tensors[index].shape = [1]
            checkpoint.tensors[slot] = Tensor([0.5])
        })
        let trainer = try tinyTrainer(seed: 7)
        let before = trainer.model.variables.map(\.value)
        do {
            try checkpoint.restore(into: trainer, modelName: "tiny", path: "edited.ckpt")
            Issue.record("a [1] slot was restored")
        } catch let ConvLabError.argument(op, message) {
            #expect(op == "resume")
            #expect(message.hasPrefix("edited.ckpt: optimizer slot '\(slot)' is [1] but fc/"), "\(message)")
        }
        #expect(trainer.model.variables.map(\.value) == before, "nothing is copied from a bad checkpoint")
        #expect(trainer.optimizer.slots.isEmpty && trainer.optimizer.step == 0)
    }

    /// The other ways a slot can fail to restore anything: a slot the optimizer does not keep,
    /// one for no variable, and a tensor that is neither.
    @Test(arguments: [
        ("optimizer/fc/weights/zz", "keeps only m, v"),
        ("optimizer/nothing/m", "belongs to no trainable variable"),
        ("stray", "is neither a variable of tiny nor an optimizer slot"),
    ])
    func unknownTensorsAreRefused(name: String, expected: String) throws {
        let checkpoint = try editedCheckpoint({ checkpoint in
            checkpoint.header.tensors.append(Checkpoint.TensorEntry(name: name, shape: [4, 3]))
            checkpoint.tensors[name] = Tensor.zerosUnchecked([4, 3])
        })
        do {
            try checkpoint.restore(into: try tinyTrainer(), modelName: "tiny", path: "edited.ckpt")
            Issue.record("\(name) was accepted")
        } catch let ConvLabError.argument(_, message) {
            #expect(message.contains(expected), "\(message)")
        }
    }

    /// Defence in depth: a wrong-shaped slot set directly is refused by `apply`, which then
    /// updates nothing (the update loops use raw pointers over the variable's count).
    @Test func applyRefusesAWrongShapedSlot() throws {
        let trainer = try tinyTrainer()
        trainer.optimizer.slots["fc/weights/m"] = Tensor([1])
        let before = trainer.model.variables.map(\.value)
        let examples = try tinyExamples()
        #expect(throws: ConvLabError.shape(op: "optimizer", message: "slot fc/weights/m is [1] but the variable is [4,3]")) {
            try trainer.trainEpoch(examples, test: examples)
        }
        #expect(trainer.model.variables.map(\.value) == before)
        #expect(trainer.optimizer.step == 0)
    }

    /// Also: checkpoint JSON errors name their real byte offset (they all said 12), and a
    /// missing field is named.
    @Test func headerErrorsNameTheirByteAndField() throws {
        let trainer = try tinyTrainer()
        var bytes = [UInt8](try Checkpoint(modelName: "tiny", trainer: trainer).encoded())
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[12..<(12 + headerLength)], as: UTF8.self)
        let seed = try #require(header.range(of: "\"seed\":"))
        let digit = 12 + header.utf8.distance(from: header.startIndex, to: seed.upperBound)
        bytes[digit] = UInt8(ascii: "x")
        let error = fileError { _ = try Checkpoint.decode(Data(bytes), path: "bad.ckpt") }
        #expect(error?.offset == digit, "\(String(describing: error))")
        #expect(error?.message.hasPrefix("header: ") == true)

        let missing = Data(Checkpoint.magic + [2, 0, 0, 0] + Array("{}".utf8))
        let field = fileError { _ = try Checkpoint.decode(missing, path: "bad.ckpt") }
        #expect(field?.message.hasPrefix("header: field ") == true && field?.message.hasSuffix(" is missing") == true,
                "\(String(describing: field))")
    }

    @Test func historyEpochsMustCountFromOne() {
        let error = fileError {
            _ = try editedCheckpoint({ $0.header.history[0].epoch = -5 })
        }
        #expect(error?.message == "header field history[0].epoch: is -5, but the epochs of a history count 1, 2, 3, ...")
    }

    /// Also: a directory given to --resume says so.
    @Test func aDirectoryIsNotACheckpoint() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ConvLabError.file(path: directory.path, offset: nil, message: "is a directory, not a checkpoint")) {
            try Checkpoint.load(from: directory.path)
        }
    }
}

@Suite("Issue 18: plots and diverging runs")
struct PlotReliabilityTests {
    /// Finding 5: NaN, infinite and huge values are drawn clipped and labelled, never trapped on.
    @Test(arguments: [
        [1e308],
        [0.5, 1e308],
        [Double.nan],
        [0.7, .infinity, 0.6, -.infinity],
        [5.06e36, 485.8, 378.5],
        [1e15, 1e15],
    ])
    func finding5PlotsClipAndLabel(losses: [Double]) throws {
        let plot = LinePlot(title: "loss", series: [.init(name: "train loss",
                                                          points: losses.enumerated().map { (Double($0.offset + 1), $0.element) })])
        let canvas = try plot.render()
        #expect(canvas.width == 640)
        let svg = try plot.svg()
        for value in losses where !LinePlot.isPlotted(value) {
            #expect(svg.contains(">\(LinePlot.clippedLabel(value))</text>"), "\(value) not labelled")
        }
        #expect(!svg.contains("nan") && !svg.contains("inf\""), "no non-finite coordinate reaches the SVG")
    }

    @Test func ticksNeverTrap() {
        for (low, high) in [(1e308, 1e308), (-1e308, 1e308), (0.0, .infinity), (.nan, 1), (5, 1), (0, 1e-320)] {
            let ticks = LinePlot.ticks(low, high)
            #expect(ticks.count <= 102, "\(low)...\(high)")
        }
        #expect(LinePlot.ticks(0, 1).count == 6)
    }

    /// Finding 5's second half: `convlab train --model mlp --lr 1e3` reached a loss of 5e36 in
    /// its first epoch and went on; it now stops with the divergence message at the first batch
    /// past `Loss.divergenceThreshold`, before that batch's update.
    @Test func finding5HugeLearningRateStopsWithTheDivergenceMessage() throws {
        let recipe = ModelRecipe.mlp
        let trainer = try Trainer(model: try recipe.build(seed: 2017), optimizer: recipe.optimizer(learningRate: 1e3),
                                  loss: recipe.loss, kernels: Kernels(.fast), batchSize: recipe.batchSize, seed: 2017)
        let train = try spiralPoints(perClass: 100, seed: 2017), test = try spiralPoints(perClass: 50, seed: 2018)
        do {
            for _ in 0..<2 { try trainer.trainEpoch(train, test: test) }
            Issue.record("training at learning rate 1e3 went on: \(trainer.history.map(\.trainLoss))")
        } catch let ConvLabError.argument(op, message) {
            #expect(op == "train")
            #expect(message.hasPrefix("the loss became "), "\(message)")
            #expect(message.contains("(above 103.28: the true class's float32 probability is 0"), "\(message)")
            #expect(message.contains("A smaller learning rate (--lr) usually fixes this."))
        }
        #expect(abs(Double(Loss.divergenceThreshold) - 103.2789) < 1e-3)
    }
}

@Suite("Issue 18: conformance cases that parse but do not fit")
struct ConformanceReliabilityTests {
    static let x3x3 = #""x":{"shape":[1,3,3,1],"data":[1,2,3,4,5,6,7,8,9]}"#

    /// Finding 6: resize sizes of 2^32, and an empty input of 2^32 x 2^32 positions.
    @Test func finding6ResizeTargetsAreChecked() throws {
        let huge = try conformanceFailure(#"{"id":"a","op":"resize","attrs":{"size":[4294967296,4294967296]},"inputs":{"x":{"shape":[1,2,2,1],"data":[1,2,3,4]}}}"#)
        #expect(huge?.hasPrefix("resize: output: shape [1,4294967296,4294967296,1] has more than 4194304 elements") == true, "\(huge ?? "computed")")
        let empty = try conformanceFailure(#"{"id":"a","op":"resize","attrs":{"size":[2,2]},"inputs":{"x":{"shape":[4294967296,0,1,4294967296],"data":[]}}}"#)
        #expect(empty?.contains("has no elements but spans more than 4194304 positions") == true, "\(empty ?? "computed")")
    }

    /// Findings 7 and 8: pooling windows of Int.max and 2^31 are refused by the window geometry;
    /// a window of 2^31 - 1 is legal and reads only the real cells (a SAME window that covers
    /// the whole 3x3 image gives its max, or its mean, at every output), in microseconds.
    @Test func finding7And8PoolingWindowsAreBoundedAndClipped() throws {
        for ksize in ["[9223372036854775807,2]", "[2147483648,2147483647]"] {
            for op in ["max_pool", "avg_pool"] {
                let failure = try conformanceFailure(#"{"id":"a","op":"\#(op)","attrs":{"ksize":\#(ksize),"padding":"SAME"},"inputs":{\#(Self.x3x3)}}"#)
                #expect(failure?.contains("kernel size") == true && failure?.contains("is above the limit of 2147483647") == true,
                        "\(failure ?? "computed")")
            }
        }
        let x = try Tensor<Float>(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let huge = Size2(Int(Int32.max), Int(Int32.max))
        for kernels in [Kernels(.reference), Kernels(.fast)] {
            let max = try kernels.ops.maxPoolForward(x, windowSize: huge, strides: 1, padding: .same)
            #expect(max.scalars == Array(repeating: 9, count: 9))
            let mean = try kernels.ops.avgPoolForward(x, windowSize: huge, strides: 1, padding: .same)
            #expect(mean.scalars == Array(repeating: 5, count: 9))
            let dx = try kernels.ops.avgPoolBackward(x, dOutput: Tensor(shape: [1, 3, 3, 1], repeating: 9),
                                                 windowSize: huge, strides: 1, padding: .same)
            #expect(dx.scalars == Array(repeating: 9, count: 9))
        }
    }

    /// `WindowAxis.taps` against the rule it replaces, over a sweep of small geometries.
    @Test func tapsAreExactlyTheRealCells() throws {
        for input in 1...6 {
            for kernel in 1...7 {
                for stride in 1...3 {
                    for dilation in 1...3 {
                        for padding in Padding.allCases {
                            guard let axis = try? WindowAxis(input: input, kernel: kernel, stride: stride, dilation: dilation,
                                                             padding: padding) else { continue }
                            for o in 0..<axis.output {
                                let inside = (0..<kernel).filter { axis.inputPosition(output: o, tap: $0) != nil }
                                #expect(Array(axis.taps(forOutput: o)) == inside, "\(axis), output \(o)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Finding 9: a dilation of 2^31 is refused; 2^30 is legal and the fast path, whose padded
    /// copy would be 2^60 values, hands it to the reference.
    @Test func finding9DilationsAreBounded() throws {
        let failure = try conformanceFailure(#"{"id":"a","op":"conv2d","attrs":{"dilations":2147483648,"padding":"SAME"},"inputs":{\#(Self.x3x3),"w":{"shape":[2,2,1,1],"data":[1,2,3,4]}}}"#)
        #expect(failure?.contains("height dilation 2147483648 is above the limit of 2147483647") == true, "\(failure ?? "computed")")
        let x = try Tensor<Float>(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let w = try Tensor<Float>(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        let dilation = Size2(1 << 30, 1 << 30)
        let reference = try Reference.conv2DForward(x, filter: w, padding: .same, dilations: dilation)
        #expect(try Fast.conv2DForward(x, filter: w, padding: .same, dilations: dilation) == reference)
        let dy = try Tensor<Float>(shape: reference.shape, repeating: 1)
        let fast = try Fast.conv2DBackward(x, filter: w, dOutput: dy, padding: .same, dilations: dilation)
        let slow = try Reference.conv2DBackward(x, filter: w, dOutput: dy, padding: .same, dilations: dilation)
        #expect(fast.dInput == slow.dInput && fast.dFilter == slow.dFilter)
    }

    /// Finding 10: empty tensors with huge dimensions are refused when read (and by `Tensor`).
    @Test(arguments: [
        #"{"id":"a","op":"softmax","inputs":{"x":{"shape":[1099511627776,0],"data":[]}}}"#,
        #"{"id":"a","op":"log_softmax","inputs":{"x":{"shape":[1099511627776,0],"data":[]}}}"#,
        #"{"id":"a","op":"resize","attrs":{"size":[2,2]},"inputs":{"x":{"shape":[1099511627776,3,1,0],"data":[]}}}"#,
        #"{"id":"a","op":"softmax_cross_entropy_with_logits","inputs":{"labels":{"shape":[1099511627776,0],"data":[]},"logits":{"shape":[1099511627776,0],"data":[]}}}"#,
    ])
    func finding10EmptyTensorsWithHugeDimensionsAreRefused(caseJSON: String) throws {
        let failure = try conformanceFailure(caseJSON)
        #expect(failure?.contains("has no elements but spans more than 4194304 positions") == true, "\(failure ?? "computed")")
        #expect(throws: ConvLabError.self) { try Tensor<Float>(shape: [1 << 40, 0], scalars: []) }
        #expect(try Tensor<Float>(shape: [1 << 20, 0], scalars: []).count == 0)
    }

    /// Finding 11: a resize to 16384 x 16384 (4 GB in the old runner) is over the budget; so is
    /// 8192 x 8192. The budget's edge, with a small budget: 8 x 8 fits 64 values, 8 x 9 does not.
    @Test func finding11ResizeOutputsFitTheBudget() throws {
        for size in ["[16384,16384]", "[8192,8192]"] {
            let failure = try conformanceFailure(#"{"id":"a","op":"resize","attrs":{"size":\#(size)},"inputs":{"x":{"shape":[1,1,1,1],"data":[1]}}}"#)
            #expect(failure?.contains("elements, the limit (the conformance runner's budget per tensor)") == true, "\(failure ?? "computed")")
        }
        let small = ConformanceBudget(values: 64, work: 1 << 20)
        #expect(try conformanceFailure(#"{"id":"a","op":"resize","attrs":{"size":[8,8]},"inputs":{"x":{"shape":[1,1,1,1],"data":[1]}}}"#,
                                       budget: small) == nil)
        #expect(try conformanceFailure(#"{"id":"a","op":"resize","attrs":{"size":[8,9]},"inputs":{"x":{"shape":[1,1,1,1],"data":[1]}}}"#,
                                       budget: small) != nil)
    }

    /// The work budget: a window or filter far larger than the data it reads is refused before
    /// it runs (a 64x64 SAME max pool over a 64x64 image is 2^24 comparisons; a budget of 2^20
    /// refuses it and accepts the 8x8 pool).
    @Test func workIsBudgeted() throws {
        let x = #""x":{"shape":[1,64,64,1],"data":[\#((0..<4096).map { _ in "0" }.joined(separator: ","))]}"#
        let small = ConformanceBudget(values: 1 << 14, work: 1 << 20)
        let big = try conformanceFailure(#"{"id":"a","op":"max_pool","attrs":{"ksize":64,"padding":"SAME"},"inputs":{\#(x)}}"#, budget: small)
        #expect(big?.contains("at 4096 operations per value is more than the runner's budget of 1048576") == true, "\(big ?? "computed")")
        #expect(try conformanceFailure(#"{"id":"a","op":"max_pool","attrs":{"ksize":8,"padding":"SAME"},"inputs":{\#(x)}}"#, budget: small) == nil)
        // Dense: two inputs within the budget whose product is not.
        let zeros = { (count: Int) in (0..<count).map { _ in "0" }.joined(separator: ",") }
        let dense = try conformanceFailure(#"{"id":"a","op":"dense","inputs":{"x":{"shape":[200,1],"data":[\#(zeros(200))]},"w":{"shape":[1,100],"data":[\#(zeros(100))]},"b":{"shape":[100],"data":[\#(zeros(100))]}}}"#, budget: small)
        #expect(dense?.contains("output: shape [200,100] has more than 16384 elements") == true, "\(dense ?? "computed")")
    }

    /// Also: a directory given as CASES says so.
    @Test func aDirectoryIsNotACasesFile() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ConvLabError.file(path: directory.path, offset: nil, message: "is a directory, not a cases file")) {
            try Conformance.run(casesPath: directory.path, resultsPath: FileIO.join(directory.path, "r.json"), kernels: Kernels(.reference))
        }
    }
}

@Suite("Issue 18: decoders' budgets")
struct DecoderBudgetTests {
    /// A PNG of `width x height` with one IDAT of `data` (not necessarily the right size).
    static func png(width: Int, height: Int, bitDepth: UInt8 = 1, colorType: UInt8 = 0, data: [UInt8] = [0]) -> [UInt8] {
        var header = [UInt8]()
        appendBigEndian32(UInt32(width), to: &header)
        appendBigEndian32(UInt32(height), to: &header)
        header += [bitDepth, colorType, 0, 0, 0]
        var out = PNG.signature
        PNG.appendChunk("IHDR", header, to: &out)
        PNG.appendChunk("IDAT", Zlib.compress(data), to: &out)
        PNG.appendChunk("IEND", [], to: &out)
        return out
    }

    /// Finding 12: the decoders' budget is stated and checked from the header, with the file,
    /// the field's offset and the limit in the error.
    @Test(arguments: [(16385, 1, UInt8(0), "IHDR: image size 16385x1 is outside 1...16384 on a side"),
                      (16384, 16384, UInt8(6), "IHDR: a 16384x16384 image of 4 channel(s) takes 1073741824 bytes, above the 268435456-byte limit"),
                      (12000, 12000, UInt8(2), "IHDR: a 12000x12000 image of 3 channel(s) takes 432000000 bytes, above the 268435456-byte limit")])
    func finding12PNGHeadersAreBudgeted(width: Int, height: Int, colorType: UInt8, message: String) {
        let bytes = Self.png(width: width, height: height, bitDepth: 8, colorType: colorType)
        #expect(throws: ConvLabError.file(path: "big.png", offset: 16, message: message)) {
            try PNG.decode(bytes, path: "big.png")
        }
    }

    @Test func pnmHeadersAreBudgeted() {
        #expect(throws: ConvLabError.file(path: "big.pgm", offset: 3, message: "image size 20000x2 is outside 1...16384 on a side")) {
            try PNM.decode(Array("P5 20000 2 255\n".utf8), path: "big.pgm")
        }
    }

    /// Finding 12's second half: `convlab kernels` sizes its contact sheet before any pixel
    /// becomes a tensor (8192 x 8192 took 1.5 GB, then failed in Canvas naming no file).
    @Test func finding12ContactSheetIsSizedFirst() throws {
        #expect(throws: ConvLabError.self) { try kernelContactSheetSize(imageWidth: 16384, imageHeight: 16384) }
        #expect(throws: ConvLabError.self) { try kernelContactSheetSize(imageWidth: 8192, imageHeight: 8192) }
        #expect(throws: ConvLabError.self) { try kernelContactSheetSize(imageWidth: 100, imageHeight: 100, displayScale: Int.max) }
        #expect(throws: ConvLabError.self) { try kernelContactSheetSize(imageWidth: 4096, imageHeight: 4096) }
        let fits = try kernelContactSheetSize(imageWidth: 4096, imageHeight: 4096, stride: 2)
        #expect(fits.width <= Canvas.maximumSide && fits.height <= Canvas.maximumSide)
        // The sheet the function promises is the sheet that is drawn.
        let image = try Tensor<Float>(shape: [1, 5, 7, 3], repeating: 0.5)
        let sheet = try kernelContactSheet(image: image, stride: 2, displayScale: 3)
        let size = try kernelContactSheetSize(imageWidth: 7, imageHeight: 5, stride: 2, displayScale: 3)
        #expect(sheet.width == size.width && sheet.height == size.height)
    }

    /// A gzip "bomb": an IDX header, then `matches` back-references of 258 zero bytes each
    /// (fixed Huffman codes, 13 bits per match), so a few kB inflate to megabytes.
    static func idxBomb(count: Int, matches: Int) -> [UInt8] {
        var bits: [Bool] = []
        func put(_ value: Int, _ length: Int, reversed: Bool = false) {
            for i in 0..<length { bits.append((value >> (reversed ? length - 1 - i : i)) & 1 == 1) }
        }
        put(1, 1); put(1, 2)   // BFINAL, BTYPE = 01 (fixed codes)
        var header: [UInt8] = [0, 0, 8, 3]
        for size in [count, 28, 28] {
            header += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        }
        for byte in header + [0] {   // fixed literal codes: 8 bits for 0...143, 9 bits for 144...255
            if byte < 144 { put(0x30 + Int(byte), 8, reversed: true) } else { put(0x190 + Int(byte) - 144, 9, reversed: true) }
        }
        for _ in 0..<matches {
            put(0b1100_0101, 8, reversed: true)  // length symbol 285: 258 bytes
            put(0, 5, reversed: true)             // distance code 0: distance 1
        }
        put(0, 7, reversed: true)                 // end of block
        var deflate = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (i, bit) in bits.enumerated() where bit { deflate[i / 8] |= 1 << (i % 8) }
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255] + deflate + [UInt8](repeating: 0, count: 8)
    }

    /// Finding 13: an IDX bomb stops at the decompression cap, and dimensions beyond the budget
    /// are refused from the header, before any data is copied.
    @Test func finding13IDXBombsStopAtTheBudget() throws {
        let bomb = Self.idxBomb(count: 1_369_000, matches: 8_000)   // 2 MB of zeros from 13 kB
        #expect(bomb.count < 14_000)
        let error = fileError { _ = try IDXFile.parse(bomb, path: "bomb.gz", budget: 1 << 20) }
        #expect(error?.path == "bomb.gz")
        #expect(error?.message == "decompressed data exceeds the limit of \((1 << 20) + 36) bytes", "\(String(describing: error))")
        // The same header, uncompressed: the 1.07 GB its dimensions claim is over the standard budget.
        var raw: [UInt8] = [0, 0, 8, 3, 0, 0x14, 0xE3, 0xA8, 0, 0, 0, 28, 0, 0, 0, 28]
        raw += [UInt8](repeating: 0, count: 100)
        #expect(throws: ConvLabError.file(path: "bomb", offset: 12,
            message: "IDX dimensions [1369000,28,28] describe more than 134217728 bytes, ConvLab's budget for an IDX file")) {
            try IDXFile.parse(raw, path: "bomb")
        }
        // Empty but absurd: [0, 2^32 - 1, 2^32 - 1] is refused too.
        let empty: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]
        #expect(throws: ConvLabError.self) { try IDXFile.parse(empty, path: "empty") }
    }

    /// Also: a wrong-shaped IDX file is named when MNIST is loaded (train used to fail in a
    /// dense layer: "input has 3584 features ...").
    @Test func wrongShapedMNISTNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        for (split, count) in [("train", 2), ("t10k", 1)] {
            try IDXFile(dimensions: [count, 32, 112], bytes: [UInt8](repeating: 0, count: count * 32 * 112))
                .write(to: FileIO.join(directory.path, "\(split)-images-idx3-ubyte"), compressed: false)
            try IDXFile(dimensions: [count], bytes: [UInt8](repeating: 0, count: count))
                .write(to: FileIO.join(directory.path, "\(split)-labels-idx1-ubyte"), compressed: false)
        }
        #expect(throws: ConvLabError.file(path: FileIO.join(directory.path, "train-images-idx3-ubyte"), offset: 8,
                                          message: "holds 32x112 images; MNIST and Fashion-MNIST images are 28x28")) {
            try MNIST.load(directory: directory.path, validationCount: 0)
        }
    }

    @Test func readsAreBounded() throws {
        let directory = try TemporaryDirectory()
        let path = FileIO.join(directory.path, "big")
        try FileIO.writeAtomically([UInt8](repeating: 1, count: 1000), to: path)
        #expect(throws: ConvLabError.file(path: path, offset: nil, message: "holds 1000 bytes or more, above the 999-byte limit for a test")) {
            try FileIO.read(path, limit: 999, kind: "a test")
        }
        #expect(try FileIO.read(path, limit: 1000).count == 1000)
        // A device that never ends is cut off at the limit.
        if FileIO.exists("/dev/zero") {
            #expect(throws: ConvLabError.self) { try FileIO.read("/dev/zero", limit: 5 << 20) }
        }
    }
}

@Suite("Issue 18: shapes, tensors and arguments")
struct ShapeReliabilityTests {
    @Test func elementCountIsChecked() throws {
        #expect(try TensorShape.elementCount([2, 3, 4], op: "t") == 24)
        #expect(try TensorShape.elementCount([5, 0, 7], op: "t") == 0)
        #expect(try TensorShape.extent([5, 0, 7], op: "t") == 35)
        #expect(try TensorShape.elementCount([], op: "t") == 1)
        #expect(throws: ConvLabError.shape(op: "t", message: "negative dimension in shape [2,-1]")) {
            try TensorShape.elementCount([2, -1], op: "t")
        }
        #expect(throws: ConvLabError.self) { try TensorShape.elementCount([Int.max, Int.max], op: "t") }
        #expect(throws: ConvLabError.self) { try TensorShape.elementCount([TensorShape.maximumExtent, 2], op: "t") }
        #expect(try TensorShape.elementCount([TensorShape.maximumExtent, 0], op: "t") == 0)
        #expect(throws: ConvLabError.self) { try Tensor<Float>(shape: [1 << 32, 1 << 32], repeating: 0) }
        #expect(throws: ConvLabError.self) { try Tensor<Float>([1, 2]).reshaped([-1, 1 << 40, 0]) }
        #expect(throws: ConvLabError.self) { try IDXFile(dimensions: [Int(UInt32.max), Int(UInt32.max)], bytes: []) }
    }

    /// `convlab shapes` with absurd arguments: an error, never an overflow.
    @Test(arguments: [(Int.max, 3, 1, 1), (7, Int.max, 1, 1), (7, 3, Int.max, 1), (7, 3, 1, Int.max),
                      (1 << 31, 3, 1, 1), (7, 1 << 20, 1, 1 << 20), (7, 3, -1, 1), (-7, 3, 1, 1)])
    func windowParametersAreBounded(input: Int, kernel: Int, stride: Int, dilation: Int) {
        for padding in Padding.allCases {
            #expect(throws: ConvLabError.self) {
                try shapesReport(input: input, kernel: kernel, stride: stride, dilation: dilation, padding: padding)
            }
        }
    }

    @Test func theLargestWindowStillComputes() throws {
        let limit = WindowAxis.maximumSize
        let axis = try WindowAxis(input: limit, kernel: limit, stride: limit, padding: .same)
        #expect(axis.output == 1 && axis.padBefore + axis.padAfter == 0)
        #expect(try shapesReport(input: 3, kernel: limit, padding: .same).contains("output 3"))
    }

    @Test func resizeGeometryRefusesOutputsBeyondATensor() {
        #expect(throws: ConvLabError.self) {
            try ResizeGeometry(input: [1, 2, 2, 1], size: Size2(1 << 32, 1 << 32), method: .bilinear)
        }
    }
}

@Suite("Issue 18: temporary files of killed writes")
struct TemporaryFileTests {
    /// A process id that no process has (the kernel's pid_max is at most 2^22).
    static let deadPID: Int32 = Int32.max

    @Test func staleTemporariesAreRemovedByTheNextWrite() throws {
        let directory = try TemporaryDirectory()
        let path = FileIO.join(directory.path, "m.ckpt")
        let stale = ".m.ckpt.tmp-\(Self.deadPID)-123"
        let live = ".m.ckpt.tmp-1-456"               // pid 1 runs: a write in progress, left alone
        let other = ".other.ckpt.tmp-\(Self.deadPID)-7"   // another destination's: not ours to judge
        let unrelated = ".m.ckpt.tmp-notes"
        for name in [stale, live, other, unrelated] {
            #expect(FileManager.default.createFile(atPath: FileIO.join(directory.path, name), contents: Data([1, 2, 3])))
        }
        try FileIO.writeAtomically([9], to: path)
        #expect(try directory.contents() == [live, other, unrelated, "m.ckpt"].sorted())
        #expect(try FileIO.read(path) == [9])
    }

    @Test func aKilledWriterLeavesATemporaryThatTheNextWriteRemoves() throws {
        let directory = try TemporaryDirectory()
        let path = FileIO.join(directory.path, "data.bin")
        // A shell that starts a write the way FileIO names it and is killed before it renames.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "printf half > .data.bin.tmp-$$-1; kill -9 $$"]
        writer.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        try writer.run()
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)
        #expect(try directory.contents() == [".data.bin.tmp-\(writer.processIdentifier)-1"])
        try FileIO.writeAtomically([1, 2], to: path)
        #expect(try directory.contents() == ["data.bin"])
    }
}
