import Foundation
import ConvLabCore
import ConvLabData

/// One finished epoch, as `convlab train --json` prints it.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    /// The clean test accuracy: dropout off, no updates, every test example counted.
    public var testAccuracy: Double
    public var trainLoss: Double
    public var seconds: Double
    /// The loss's name, set only when several losses train side by side (`--loss both`).
    public var loss: String?
    /// The same weights scored by the trainer's other `scorings` (nil when it has none).
    public var scores: [Score]?

    /// One test accuracy measured the way a `Scoring` says.
    public struct Score: Codable, Sendable, Equatable {
        public var scoring: String
        public var accuracy: Double

        public init(scoring: String, accuracy: Double) {
            self.scoring = scoring
            self.accuracy = accuracy
        }

        /// The JSON key: `test_accuracy_2017`, `test_accuracy_dropout_on`.
        public var key: String { "test_accuracy_" + scoring.replacingOccurrences(of: "-", with: "_") }
    }

    enum CodingKeys: String, CodingKey {
        case loss
        case epoch
        case testAccuracy = "test_accuracy"
        case trainLoss = "train_loss"
        case seconds
        case scores
    }

    /// One line of JSON with the keys in the documented order:
    /// `{"epoch":1,"test_accuracy":0.9876,"train_loss":0.1234,"seconds":41.2}`, with each other
    /// score after `test_accuracy` (`"test_accuracy_2017":0.921`) and `"loss"` last when set.
    package var jsonLine: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        var text = "{\"epoch\":\(epoch),\"test_accuracy\":\(number(testAccuracy)),"
        for score in scores ?? [] { text += "\"\(score.key)\":\(number(score.accuracy))," }
        text += "\"train_loss\":\(number(trainLoss)),\"seconds\":\(number((seconds * 1000).rounded() / 1000))"
        if let loss { text += ",\"loss\":\"\(loss)\"" }
        return text + "}"
    }

    /// The accuracy under the scoring named `name` (`"clean"` is `testAccuracy`).
    public func accuracy(_ name: String) -> Double? {
        name == Scoring.clean.name ? testAccuracy : scores?.first { $0.scoring == name }?.accuracy
    }

    public init(epoch: Int, testAccuracy: Double, trainLoss: Double, seconds: Double, scores: [Score]? = nil) {
        self.epoch = epoch
        self.testAccuracy = testAccuracy
        self.trainLoss = trainLoss
        self.seconds = seconds
        self.scores = scores
    }
}

/// How the batches of an epoch are drawn from the training set.
public enum BatchOrder: String, Sendable, CaseIterable {
    /// A fresh seeded shuffle every epoch (the default).
    case shuffled
    /// File order every epoch: two libraries can then be fed the very same batches.
    case file
    /// TF 1.0's `DataSet.next_batch` (`input_data.read_data_sets`, the course's 2017 scripts):
    /// the first epoch in file order, a fresh shuffle at the start of every later epoch.
    case fileThenShuffled = "file-then-shuffled"
}

/// How the test set is scored after an epoch. `clean` is the honest measure: dropout off, no
/// updates, every example counted once. The others reproduce what the course's 2017 script
/// (`examples/07_convnet_mnist.py` of CS 20SI, February 2017) did, one choice at a time or all
/// together: its test pass ran `sess.run([optimizer, loss, logits], feed_dict={..., dropout: 0.75})`
/// on `int(10000 / 128)` = 78 batches of 128 test digits and divided the correct predictions by
/// 10,000.
public struct Scoring: Sendable, Equatable {
    /// The name `convlab train --score` takes and the JSON key ends with.
    public var name: String
    /// Dropout stays on while scoring.
    public var dropout: Bool
    /// An optimizer step on every test batch; a batch is scored on the logits of the forward pass
    /// that precedes its own step (what one `sess.run` of `[optimizer, loss, logits]` returns).
    public var trainsOnTestBatches: Bool
    /// The test batch size; nil scores in `Trainer.evaluationBatchSize` batches, which changes
    /// nothing when no step is taken and dropout is off.
    public var batchSize: Int?
    /// Only whole batches are scored (78 x 128 = 9,984 of 10,000 digits), but the correct
    /// predictions are still divided by the full count.
    package var wholeBatchesOnly: Bool

    public init(name: String, dropout: Bool = false, trainsOnTestBatches: Bool = false, batchSize: Int? = nil,
                wholeBatchesOnly: Bool = false) {
        self.name = name
        self.dropout = dropout
        self.trainsOnTestBatches = trainsOnTestBatches
        self.batchSize = batchSize
        self.wholeBatchesOnly = wholeBatchesOnly
    }

    /// Dropout off, no updates, every test example.
    public static let clean = Scoring(name: "clean")
    /// The 2017 script's first choice alone: dropout (keep 0.75) still on while scoring.
    package static let dropoutOn = Scoring(name: "dropout-on", dropout: true)
    /// Its second alone: an optimizer step on every test batch of 128 (dropout off, as its July
    /// 2017 revision fed `dropout: 1.0`), all 10,000 digits scored.
    package static let testSteps = Scoring(name: "test-steps", trainsOnTestBatches: true, batchSize: 128)
    /// Its third alone: the 78 whole batches of 128 scored, divided by 10,000.
    package static let wholeBatches = Scoring(name: "whole-batches", batchSize: 128, wholeBatchesOnly: true)
    /// All three together, as the February 2017 script scored the lecture's table.
    public static let script2017 = Scoring(name: "2017", dropout: true, trainsOnTestBatches: true, batchSize: 128,
                                           wholeBatchesOnly: true)

    public static let all: [Scoring] = [clean, dropoutOn, testSteps, wholeBatches, script2017]

    /// The scoring named `name`.
    /// - Throws: `ConvLabError.argument` listing the known names.
    public static func named(_ name: String) throws -> Scoring {
        guard let scoring = all.first(where: { $0.name == name }) else {
            throw ConvLabError.argument(op: "score",
                message: "unknown scoring '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return scoring
    }
}

/// One training step, as `Trainer.onStep` reports it.
public struct TrainingStep: Sendable {
    public var epoch: Int
    /// The optimizer's step count after the update (1 for the first step of a run).
    public var step: Int
    /// The batch's loss, computed before the update.
    public var loss: Float
    /// The indices of the batch's training examples.
    public var examples: ArraySlice<Int>
}

/// Where training is inside an epoch, for a progress bar.
package struct TrainingProgress: Sendable {
    package var epoch: Int
    package var examplesDone: Int
    package var examplesTotal: Int
    package var examplesPerSecond: Double
    /// Seconds left in this epoch at the current rate.
    package var secondsLeft: Double
    /// The mean loss of the epoch so far.
    package var loss: Double
}

/// Mini-batch training as the lectures' loops do it: for each epoch, shuffle the training set
/// (seeded), run forward, loss, backward and one optimizer update per batch, then measure the
/// accuracy on the test set in evaluation mode, and under each of `scorings`.
///
/// Every random stream is derived from `seed` and the epoch number (weights at `initialize`,
/// the shuffle and the dropout masks at each epoch, the masks of the scorings), so a run resumed
/// from a checkpoint after epoch k continues exactly as the uninterrupted run would.
public final class Trainer {
    public let model: Sequential
    public let optimizer: Optimizer
    public let loss: Loss
    public var kernels: Kernels
    public var batchSize: Int
    public let seed: UInt64
    /// The epochs finished so far (restored from a checkpoint on resume).
    public private(set) var history: [EpochRecord] = []
    /// Called every few batches (at most ~10 times a second).
    package var onProgress: ((TrainingProgress) -> Void)?
    /// Batch size for evaluation (no gradients, so larger batches are fine).
    var evaluationBatchSize = 500
    /// How each epoch's batches are drawn.
    public var batchOrder = BatchOrder.shuffled
    /// When true an epoch is `count / batchSize` whole batches and the rest of the (shuffled)
    /// examples sit it out, as the 2017 script's `int(55000 / 128)` = 429 steps per epoch; when
    /// false the last batch holds the remainder.
    public var dropsRemainder = false
    /// Scorings run after each epoch besides the clean one, each on the epoch's weights: the
    /// weights and the optimizer's state are put back afterwards, so a scoring that trains on the
    /// test batches changes nothing that follows (each row is what a run of that many epochs
    /// would print).
    public var scorings: [Scoring] = []
    /// Called after every training step (`convlab train --trace` records the dropout masks
    /// here). Not called while scoring.
    public var onStep: ((TrainingStep) throws -> Void)?
    /// A finite mean loss above this stops training as diverged (`Loss.divergenceThreshold` by
    /// default); `nil` stops only at NaN or infinity. The 2017 script's stddev-1 network starts
    /// at a loss in the tens of thousands and learns from there, in TensorFlow as here, so its
    /// recipe sets `nil`.
    package var divergenceThreshold: Float? = Loss.divergenceThreshold

    private var batch = Tensor<Float>.zerosUnchecked([0])
    private var oneHot = Tensor<Float>.zerosUnchecked([0])

    public init(model: Sequential, optimizer: Optimizer, loss: Loss, kernels: Kernels, batchSize: Int,
                seed: UInt64) throws {
        guard batchSize > 0 else {
            throw ConvLabError.argument(op: "train", message: "batch size must be positive, got \(batchSize)")
        }
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.kernels = kernels
        self.batchSize = batchSize
        self.seed = seed
    }

    /// The number of finished epochs.
    public var epochsDone: Int { history.count }

    /// A seed for stream `stream` of epoch `epoch` (SplitMix-style mixing of the run's seed).
    static func derivedSeed(_ seed: UInt64, epoch: Int, stream: UInt64) -> UInt64 {
        var generator = SeededGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return generator.next()
    }

    /// The order of epoch `epoch`'s examples under `batchOrder`.
    package func epochOrder(count: Int, epoch: Int) -> [Int] {
        switch batchOrder {
        case .shuffled: return shuffledIndices(count: count, epoch: epoch)
        case .file: return Array(0..<count)
        case .fileThenShuffled: return epoch == 1 ? Array(0..<count) : shuffledIndices(count: count, epoch: epoch)
        }
    }

    /// The seeded shuffle of epoch `epoch` (Fisher-Yates on `SeededGenerator`).
    public func shuffledIndices(count: Int, epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: Trainer.derivedSeed(seed, epoch: epoch, stream: 1))
        return LabeledImages.shuffledIndices(count, using: &generator)
    }

    /// One optimizer step on one batch; returns the batch's loss.
    /// - Throws: `ConvLabError.argument` naming the epoch and step when the loss is NaN,
    ///   infinite, or above `divergenceThreshold` (diverged: the true class's float32
    ///   probability is 0); the update is then not applied.
    public func step(inputs: Tensor<Float>, oneHot labels: Tensor<Float>, epoch: Int = 0) throws -> Float {
        try step(inputs: inputs, oneHot: labels, epoch: epoch, dropout: true).loss
    }

    /// One optimizer step with dropout on or off; returns the loss and the logits of the forward
    /// pass (computed before the update).
    func step(inputs: Tensor<Float>, oneHot labels: Tensor<Float>, epoch: Int, dropout: Bool) throws
        -> (loss: Float, logits: Tensor<Float>) {
        let context = LayerContext(kernels: kernels, mode: .training, dropout: dropout)
        let logits = try model.forward(inputs, context: context)
        let (value, dLogits) = try loss.evaluate(logits: logits, labels: labels, kernels: kernels)
        guard value.isFinite, value <= divergenceThreshold ?? .infinity else {
            let what = value.isNaN ? "NaN" : value.isInfinite ? (value > 0 ? "+infinity" : "-infinity")
                : String(format: "%.3g", Double(value)) + String(format: " (above %.2f: the true class's float32 probability is 0, so -log(softmax) would be +infinity)",
                                                                 Double(Loss.divergenceThreshold))
            throw ConvLabError.argument(op: "train",
                message: "the loss became \(what) at epoch \(epoch), step \(optimizer.step + 1) "
                    + "(\(optimizer.description)); training stopped before the weights were spoiled. "
                    + "A smaller learning rate (--lr) usually fixes this.")
        }
        try model.backwardParameters(dLogits, context: context)
        try optimizer.apply(to: model.trainableVariables)
        return (value, logits)
    }

    /// Trains one more epoch and evaluates on `test`.
    @discardableResult
    public func trainEpoch(_ train: LabeledExamples, test: LabeledExamples) throws -> EpochRecord {
        let epoch = epochsDone + 1
        let start = Date()
        model.reseedDropout(Trainer.derivedSeed(seed, epoch: epoch, stream: 2))
        let order = epochOrder(count: train.count, epoch: epoch)
        let used = dropsRemainder ? order.count / batchSize * batchSize : order.count
        guard used > 0 else {
            throw ConvLabError.argument(op: "train",
                message: "\(train.count) training examples make no whole batch of \(batchSize)")
        }
        var lossSum = 0.0
        var batches = 0
        var lastReport = start
        for first in stride(from: 0, to: used, by: batchSize) {
            let indices = order[first..<min(first + batchSize, used)]
            train.gather(indices, into: &batch, oneHot: &oneHot)
            let loss = try step(inputs: batch, oneHot: oneHot, epoch: epoch)
            lossSum += Double(loss)
            batches += 1
            try onStep?(TrainingStep(epoch: epoch, step: optimizer.step, loss: loss, examples: indices))
            let now = Date()
            if let onProgress, now.timeIntervalSince(lastReport) > 0.1 || indices.endIndex == used {
                lastReport = now
                let done = indices.endIndex
                let rate = Double(done) / max(now.timeIntervalSince(start), 1e-9)
                onProgress(TrainingProgress(epoch: epoch, examplesDone: done, examplesTotal: used,
                                            examplesPerSecond: rate, secondsLeft: Double(used - done) / rate,
                                            loss: lossSum / Double(batches)))
            }
        }
        let accuracy = try evaluate(test).accuracy
        let scores = try scorings.map { EpochRecord.Score(scoring: $0.name, accuracy: try score(test, $0, epoch: epoch)) }
        let record = EpochRecord(epoch: epoch, testAccuracy: accuracy, trainLoss: lossSum / Double(batches),
                                 seconds: Date().timeIntervalSince(start), scores: scores.isEmpty ? nil : scores)
        history.append(record)
        return record
    }

    /// The test accuracy of the current weights the way `scoring` measures it. A scoring that
    /// trains on the test batches steps the optimizer from its current state, as the script's
    /// test pass continued its training run; afterwards the weights, the optimizer's slots and
    /// its step count are put back, so the scoring leaves the trainer as it found it.
    /// - Parameters:
    ///   - examples: the test set to score.
    ///   - scoring: how to score it (clean, or one of the 2017 script's ways).
    ///   - epoch: names the dropout stream of the scoring's masks (and a loss error).
    /// - Throws: `ConvLabError.argument` for a batch size below 1 or a NaN loss on a test batch.
    public func score(_ examples: LabeledExamples, _ scoring: Scoring, epoch: Int) throws -> Double {
        if scoring == .clean { return try evaluate(examples).accuracy }
        let size = scoring.batchSize ?? evaluationBatchSize
        guard size > 0 else {
            throw ConvLabError.argument(op: "score", message: "\(scoring.name): batch size must be positive, got \(size)")
        }
        let values = model.variables.map(\.value)
        let (slots, step) = (optimizer.slots, optimizer.step)
        defer {
            for (variable, value) in zip(model.variables, values) { variable.value = value }
            (optimizer.slots, optimizer.step) = (slots, step)
        }
        model.reseedDropout(Trainer.derivedSeed(seed, epoch: epoch, stream: 3))
        var inputs = Tensor<Float>.zerosUnchecked([0])
        var labels = Tensor<Float>.zerosUnchecked([0])
        var correct = 0
        for first in stride(from: 0, to: examples.count, by: size) {
            let end = min(first + size, examples.count)
            if scoring.wholeBatchesOnly && end - first < size { break }
            examples.gather(Array(first..<end)[...], into: &inputs, oneHot: &labels)
            let logits = scoring.trainsOnTestBatches
                ? try self.step(inputs: inputs, oneHot: labels, epoch: epoch, dropout: scoring.dropout).logits
                : try model.forward(inputs, context: LayerContext(kernels: kernels, mode: .evaluation, dropout: scoring.dropout))
            correct += zip(argmaxRows(logits), examples.labels[first..<end]).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(max(examples.count, 1))
    }

    /// Accuracy (the argmax of the logits equals the label) and the predicted classes, in
    /// evaluation mode (dropout off, batch norm on its moving statistics).
    public func evaluate(_ examples: LabeledExamples) throws -> (accuracy: Double, predictions: [Int]) {
        let context = LayerContext(kernels: kernels, mode: .evaluation)
        var predictions = [Int]()
        predictions.reserveCapacity(examples.count)
        var inputs = Tensor<Float>.zerosUnchecked([0])
        var labels = Tensor<Float>.zerosUnchecked([0])
        for first in stride(from: 0, to: examples.count, by: evaluationBatchSize) {
            let indices = Array(first..<min(first + evaluationBatchSize, examples.count))[...]
            examples.gather(indices, into: &inputs, oneHot: &labels)
            let logits = try model.forward(inputs, context: context)
            predictions += argmaxRows(logits)
        }
        let correct = zip(predictions, examples.labels).filter { $0 == $1 }.count
        return (Double(correct) / Double(max(examples.count, 1)), predictions)
    }

    /// Restores the history after a checkpoint load (the next epoch is `history.count + 1`).
    package func restore(history: [EpochRecord]) { self.history = history }
}

/// The index of the largest entry of each row of `[N, C]` (the first one on ties, as `tf.argmax`).
package func argmaxRows(_ logits: Tensor<Float>) -> [Int] {
    let columns = logits.shape.last ?? 1
    guard columns > 0 else { return [] }
    let rows = logits.count / max(columns, 1)
    return (0..<rows).map { row in
        var best = 0
        for c in 1..<columns where logits.scalars[row * columns + c] > logits.scalars[row * columns + best] { best = c }
        return best
    }
}
