import ConvLab
import ConvLabTestSupport
import Foundation
import Testing

/// The trainer's options for reproducing the course's 2017 script: batch orders, whole batches
/// only, scorings run on a copy of the weights, and the step trace.
@Suite("Trainer: batch orders, the 2017 script's scorings, traces")
struct TrainerScoringTests {
    /// The examples each step saw, from a model-free view: the order the trainer hands out.
    @Test(arguments: [BatchOrder.shuffled, .file, .fileThenShuffled])
    func batchOrders(order: BatchOrder) throws {
        let trainer = try makeTrainer(seed: 3)
        trainer.batchOrder = order
        let first = trainer.epochOrder(count: 50, epoch: 1), second = trainer.epochOrder(count: 50, epoch: 2)
        let identity = Array(0..<50)
        #expect(first.sorted() == identity && second.sorted() == identity, "every epoch is a permutation")
        #expect((first == identity) == (order != .shuffled), "\(order): epoch 1 in file order only when asked")
        #expect((second == identity) == (order == .file), "\(order): epoch 2 shuffled unless file order")
        #expect(first != second || order == .file)
    }

    @Test(arguments: [(false, 7), (true, 6)])
    func wholeBatchesOnlyLeavesTheRemainderOut(drops: Bool, steps: Int) throws {
        let train = try quadrantImages(count: 100, seed: 1), test = try quadrantImages(count: 8, seed: 2)
        let trainer = try makeTrainer()  // batch 16: 100 = 6 x 16 + 4
        trainer.dropsRemainder = drops
        var seen = [Int]()
        var examples = [Int]()
        trainer.onStep = { step in
            #expect(step.loss.isFinite && step.epoch == 1)
            seen.append(step.step)
            examples += step.examples
        }
        try trainer.trainEpoch(train, test: test)
        #expect(seen == Array(1...steps))
        #expect(trainer.optimizer.step == steps)
        #expect(examples == Array(trainer.shuffledIndices(count: 100, epoch: 1).prefix(steps * 16)))
    }

    @Test func noWholeBatchIsAnError() throws {
        let trainer = try makeTrainer()
        trainer.dropsRemainder = true
        let train = try quadrantImages(count: 10, seed: 1)
        #expect(throws: ConvLabError.argument(op: "train", message: "10 training examples make no whole batch of 16")) {
            try trainer.trainEpoch(train, test: train)
        }
    }

    /// A scoring that trains on the test batches must not leak into the training run: the same
    /// seed with and without scorings gives the same weights, losses and clean accuracies.
    @Test func scoringsLeaveTheTrainingRunUntouched() throws {
        let train = try quadrantImages(count: 64, seed: 1), test = try quadrantImages(count: 40, seed: 2)
        let plain = try makeTrainer(seed: 4), scored = try makeTrainer(seed: 4)
        scored.scorings = [.script2017, .testSteps, .dropoutOn, .wholeBatches]
        for _ in 0..<2 {
            let a = try plain.trainEpoch(train, test: test), b = try scored.trainEpoch(train, test: test)
            #expect(a.trainLoss == b.trainLoss && a.testAccuracy == b.testAccuracy)
            #expect(a.scores == nil)
            #expect(b.scores?.map(\.scoring) == ["2017", "test-steps", "dropout-on", "whole-batches"])
        }
        #expect(plain.model.variables.map(\.value) == scored.model.variables.map(\.value))
        #expect(plain.optimizer.step == scored.optimizer.step)
        #expect(plain.optimizer.slots == scored.optimizer.slots)
    }

    /// `test-steps` by hand: batch k is scored with the weights after k - 1 steps on the earlier
    /// test batches, on the logits of the forward pass before its own step.
    @Test func testStepsScoresEachBatchBeforeItsOwnStep() throws {
        let train = try quadrantImages(count: 32, seed: 1), test = try quadrantImages(count: 40, seed: 2)
        let trainer = try makeTrainer(seed: 6, learningRate: 0.2)
        trainer.dropsRemainder = true
        try trainer.trainEpoch(train, test: test)
        let scoring = Scoring(name: "test-steps", trainsOnTestBatches: true, batchSize: 16)
        let scored = try trainer.score(test, scoring, epoch: 1)

        // The same by hand on a twin trainer: evaluate a batch, then step on it (dropout off).
        let twin = try makeTrainer(seed: 6, learningRate: 0.2)
        twin.dropsRemainder = true
        try twin.trainEpoch(train, test: test)
        var correct = 0
        for first in stride(from: 0, to: 40, by: 16) {
            let part = try LabeledExamples(
                inputs: Tensor(shape: [min(16, 40 - first), 4, 4, 1],
                               scalars: Array(test.inputs.scalars[(first * 16)..<(min(first + 16, 40) * 16)])),
                labels: Array(test.labels[first..<min(first + 16, 40)]), classes: 4)
            let predictions = try twin.evaluate(part).predictions
            correct += zip(predictions, part.labels).filter { $0 == $1 }.count
            var inputs = try Tensor<Float>(shape: [1], scalars: [0]), oneHot = try Tensor<Float>(shape: [1], scalars: [0])
            part.gather(Array(0..<part.count)[...], into: &inputs, oneHot: &oneHot)
            _ = try stepWithoutDropout(twin, inputs, oneHot)
        }
        #expect(scored == Double(correct) / 40)
        // The scored weights moved in the twin but not in the trainer.
        #expect(twin.model.variables.map(\.value) != trainer.model.variables.map(\.value))
        // And the step really matters: scoring with the weights frozen gives another count here.
        let frozen = try trainer.evaluate(test).accuracy
        #expect(frozen != scored, "a learning rate of 0.2 moves the predictions between batches")
    }

    /// One training step with dropout off, written out from the public pieces.
    /// The 2017 script's stddev-1 network starts at a finite loss in the tens of thousands and
    /// learns from there (TensorFlow's `softmax_cross_entropy_with_logits` is finite too), so its
    /// recipe trains past `Loss.divergenceThreshold`; the other recipes keep the limit, and with
    /// it the same first step stops before its update.
    @Test func theStddevOneRecipeTrainsPastTheDivergenceLimit() throws {
        #expect(ModelRecipe.lecture7Script2017.divergenceThreshold == nil)
        #expect(ModelRecipe.lecture7Script2017Glorot.divergenceThreshold == Loss.divergenceThreshold)
        #expect(ModelRecipe.lecture7.divergenceThreshold == Loss.divergenceThreshold)
        let inputs = try Tensor<Float>(shape: [2, 28, 28, 1], scalars: (0..<(2 * 784)).map { Float($0 % 251) / 251 })
        let oneHot = try Tensor<Float>(shape: [2, 10], scalars: (0..<20).map { $0 == 3 || $0 == 17 ? 1 : 0 })
        let script = try ModelRecipe.lecture7Script2017.trainer(seed: 1, kernels: Kernels(.fast))
        let loss = try script.step(inputs: inputs, oneHot: oneHot, epoch: 1)
        #expect(loss.isFinite && loss > 100 * Loss.divergenceThreshold, "\(loss)")
        #expect(script.optimizer.step == 1)
        let limited = try ModelRecipe.lecture7Script2017.trainer(seed: 1, kernels: Kernels(.fast))
        limited.divergenceThreshold = Loss.divergenceThreshold
        #expect(throws: ConvLabError.self) { try limited.step(inputs: inputs, oneHot: oneHot, epoch: 1) }
        #expect(limited.optimizer.step == 0)
    }

    private func stepWithoutDropout(_ trainer: Trainer, _ inputs: Tensor<Float>, _ oneHot: Tensor<Float>) throws -> Float {
        let model = trainer.model
        let context = LayerContext(kernels: trainer.kernels, mode: .training, dropout: false)
        let logits = try model.forward(inputs, context: context)
        let (value, dLogits) = try trainer.loss.evaluate(logits: logits, labels: oneHot, kernels: trainer.kernels)
        try model.backward(dLogits, context: context)
        try trainer.optimizer.apply(to: model.trainableVariables)
        return value
    }

    /// 78 whole batches of 128 out of 10,000 is 9,984; here 2 whole batches of 16 out of 40:
    /// the last 8 examples are never counted, but the divisor stays 40.
    @Test func wholeBatchesDivideByTheFullCount() throws {
        let test = try quadrantImages(count: 40, seed: 2)
        let trainer = try makeTrainer(seed: 2)
        let predictions = try trainer.evaluate(test).predictions
        let firstThirtyTwo = zip(predictions.prefix(32), test.labels.prefix(32)).filter { $0 == $1 }.count
        let scoring = Scoring(name: "whole-batches", batchSize: 16, wholeBatchesOnly: true)
        #expect(try trainer.score(test, scoring, epoch: 1) == Double(firstThirtyTwo) / 40)
        #expect(try trainer.score(test, .clean, epoch: 1) == (try trainer.evaluate(test).accuracy))
    }

    /// Dropout at scoring time: with keep 0.8 in the model the scores move off the clean one
    /// and differ between epochs' mask streams; a context flag turns dropout on in evaluation.
    @Test func dropoutOnScoresWithMasks() throws {
        let test = try quadrantImages(count: 200, seed: 2)
        let trainer = try makeTrainer(seed: 2)
        let clean = try trainer.score(test, .clean, epoch: 1)
        let masked = try (1...4).map { try trainer.score(test, .dropoutOn, epoch: $0) }
        #expect(masked.contains { $0 != clean }, "clean \(clean), with dropout \(masked)")
        #expect(Set(masked).count > 1, "a new mask stream per epoch: \(masked)")
        #expect(try trainer.score(test, .dropoutOn, epoch: 3) == masked[2], "the same epoch, the same masks")

        let dropout = Dropout("d", keepProbability: 0.5, seed: 1)
        let ones = try Tensor<Float>(shape: [1, 64], scalars: Array(repeating: 1, count: 64))
        let off = try dropout.forward(ones, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation))
        let on = try dropout.forward(ones, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation, dropout: true))
        let training = try dropout.forward(ones, context: LayerContext(kernels: Kernels(.reference), mode: .training, dropout: false))
        #expect(off == ones && training == ones)
        #expect(Set(on.scalars) == [0, 2])
    }

    @Test func scoringNamesAndJSONKeys() throws {
        #expect(try Scoring.named("2017") == .script2017)
        #expect(throws: ConvLabError.self) { try Scoring.named("dropout") }
        let record = EpochRecord(epoch: 1, testAccuracy: 0.9527, trainLoss: 2345.5, seconds: 3,
                                 scores: [.init(scoring: "2017", accuracy: 0.921), .init(scoring: "dropout-on", accuracy: 0.95)])
        #expect(record.jsonLine == "{\"epoch\":1,\"test_accuracy\":0.9527,\"test_accuracy_2017\":0.921,"
                + "\"test_accuracy_dropout_on\":0.95,\"train_loss\":2345.5,\"seconds\":3.0}")
        #expect(record.accuracy("clean") == 0.9527 && record.accuracy("2017") == 0.921 && record.accuracy("test-steps") == nil)
        // A checkpoint written before scorings existed still reads.
        let old = try JSONDecoder().decode(EpochRecord.self,
                                           from: Data("{\"epoch\":1,\"test_accuracy\":0.5,\"train_loss\":1,\"seconds\":2}".utf8))
        #expect(old.scores == nil)
        let roundTrip = try JSONDecoder().decode(EpochRecord.self, from: try JSONEncoder().encode(record))
        #expect(roundTrip == record)
    }

    /// The recipe that reproduces the script: its initializers, optimizer, data rule and scoring.
    @Test func lecture7Script2017Recipe() throws {
        let recipe = try ModelRecipe.named("lecture7-2017")
        #expect(recipe.validationCount == 5000 && recipe.batchSize == 128 && recipe.dropsRemainder)
        #expect(recipe.batchOrder == .fileThenShuffled && recipe.scorings == [.script2017])
        #expect(recipe.rule == .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        #expect(recipe.lectureAccuracy[1] == 0.9111)
        let model = try recipe.build(seed: 1)
        for variable in model.variables {
            let values = variable.value.scalars.map(Double.init)
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            if variable.name.hasSuffix("weights") {
                // A unit normal truncated at 2 sigma has sd 0.8796.
                #expect(abs(sd - 0.8796) < 0.05 && values.allSatisfy { abs($0) <= 2 }, "\(variable.name): sd \(sd)")
            } else if values.count >= 32 {
                #expect(abs(sd - 1) < 0.3, "\(variable.name): sd \(sd)")
                if values.count >= 1024 { #expect(values.contains { abs($0) > 2 }, "\(variable.name): not truncated") }
            }
            #expect(values.contains { $0 != 0 }, "\(variable.name) is drawn, the fc bias included")
        }
        let trainer = try recipe.trainer(seed: 1, kernels: Kernels(.reference))
        #expect(trainer.scorings == [.script2017] && trainer.dropsRemainder && trainer.batchOrder == .fileThenShuffled)
        let glorot = try ModelRecipe.named("lecture7-2017-glorot").build(seed: 1)
        #expect(glorot.variables.filter { $0.name.hasSuffix("biases") }.allSatisfy { $0.value.scalars.allSatisfy { $0 == 0 } })
    }

    /// The trace: the initial weights, one line per step, and the masks bit for bit.
    @Test func traceRecordsWeightsLossesAndMasks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-trace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let train = try quadrantImages(count: 40, seed: 1)
        let trainer = try makeTrainer(seed: 8)
        let initial = trainer.model.variables.map(\.value)
        let trace = try TrainingTrace(directory: folder, trainer: trainer, modelName: "small")
        var masks = [[Float]](), losses = [Float]()
        let record = trainer.onStep!
        trainer.onStep = { step in
            try record(step)
            losses.append(step.loss)
            masks.append(trainer.model.layers.compactMap { $0 as? Dropout }.first!.mask!.scalars)
        }
        try trainer.trainEpoch(train, test: train)
        try trace.write()
        #expect(trace.steps == 3)

        let checkpoint = try Checkpoint.load(from: folder + "/initial.ckpt")
        #expect(trainer.model.variables.map { checkpoint.tensors[$0.name]! } == initial)
        let lines = try String(contentsOfFile: folder + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let order = trainer.shuffledIndices(count: 40, epoch: 1)
        #expect(lines[2] == "{\"step\":3,\"epoch\":1,\"loss\":\(losses[2]),\"masks\":[[8,8]],"
                + "\"examples\":[\(order[32...].map(String.init).joined(separator: ","))]}")
        #expect(lines[0].hasPrefix("{\"step\":1,\"epoch\":1,\"loss\":\(losses[0]),\"masks\":[[16,8]],\"examples\":[\(order[0])"))
        let bytes = try FileIO.read(folder + "/masks.bits")
        let kept = masks.joined().map { $0 != 0 }
        #expect(bytes.count == (kept.count + 7) / 8)
        let unpacked = (0..<kept.count).map { bytes[$0 / 8] & (0x80 >> UInt8($0 % 8)) != 0 }
        #expect(unpacked == kept)
        #expect(kept.contains(false) && kept.contains(true))
    }
}
