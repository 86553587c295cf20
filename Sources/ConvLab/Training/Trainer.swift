import Foundation

/// One finished epoch, as `convlab train --json` prints it.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    public var testAccuracy: Double
    public var trainLoss: Double
    public var seconds: Double
    /// The loss's name, set only when several losses train side by side (`--loss both`).
    public var loss: String?

    enum CodingKeys: String, CodingKey {
        case loss
        case epoch
        case testAccuracy = "test_accuracy"
        case trainLoss = "train_loss"
        case seconds
    }

    /// One line of JSON with the keys in the documented order:
    /// `{"epoch":1,"test_accuracy":0.9876,"train_loss":0.1234,"seconds":41.2}` (plus `"loss"` when set).
    public var jsonLine: String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        var text = "{\"epoch\":\(epoch),\"test_accuracy\":\(number(testAccuracy)),\"train_loss\":\(number(trainLoss)),"
            + "\"seconds\":\(number((seconds * 1000).rounded() / 1000))"
        if let loss { text += ",\"loss\":\"\(loss)\"" }
        return text + "}"
    }

    public init(epoch: Int, testAccuracy: Double, trainLoss: Double, seconds: Double) {
        self.epoch = epoch
        self.testAccuracy = testAccuracy
        self.trainLoss = trainLoss
        self.seconds = seconds
    }
}

/// Where training is inside an epoch, for a progress bar.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var examplesDone: Int
    public var examplesTotal: Int
    public var examplesPerSecond: Double
    /// Seconds left in this epoch at the current rate.
    public var secondsLeft: Double
    /// The mean loss of the epoch so far.
    public var loss: Double
}

/// Mini-batch training as the lectures' loops do it: for each epoch, shuffle the training set
/// (seeded), run forward, loss, backward and one optimizer update per batch, then measure the
/// accuracy on the test set in evaluation mode.
///
/// Every random stream is derived from `seed` and the epoch number (weights at `initialize`,
/// the shuffle and the dropout masks at each epoch), so a run resumed from a checkpoint after
/// epoch k continues exactly as the uninterrupted run would.
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
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Batch size for evaluation (no gradients, so larger batches are fine).
    public var evaluationBatchSize = 500

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

    /// The seeded shuffle of epoch `epoch` (Fisher-Yates on `SeededGenerator`).
    public func shuffledIndices(count: Int, epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: Trainer.derivedSeed(seed, epoch: epoch, stream: 1))
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, generator.nextInt(below: i + 1))
            }
        }
        return order
    }

    /// One optimizer step on one batch; returns the batch's loss.
    /// - Throws: `ConvLabError.argument` naming the epoch and step when the loss is NaN,
    ///   infinite, or above `Loss.divergenceThreshold` (diverged: the true class's float32
    ///   probability is 0); the update is then not applied.
    public func step(inputs: Tensor<Float>, oneHot labels: Tensor<Float>, epoch: Int = 0) throws -> Float {
        let context = LayerContext(kernels: kernels, mode: .training)
        let logits = try model.forward(inputs, context: context)
        let (value, dLogits) = try loss.evaluate(logits: logits, labels: labels, kernels: kernels)
        guard value.isFinite, value <= Loss.divergenceThreshold else {
            let what = value.isNaN ? "NaN" : value.isInfinite ? (value > 0 ? "+infinity" : "-infinity")
                : String(format: "%.3g", Double(value)) + String(format: " (above %.2f: the true class's float32 probability is 0, so -log(softmax) would be +infinity)",
                                                                 Double(Loss.divergenceThreshold))
            throw ConvLabError.argument(op: "train",
                message: "the loss became \(what) at epoch \(epoch), step \(optimizer.step + 1) "
                    + "(\(optimizer.description)); training stopped before the weights were spoiled. "
                    + "A smaller learning rate (--lr) usually fixes this.")
        }
        try model.backward(dLogits, context: context)
        try optimizer.apply(to: model.trainableVariables)
        return value
    }

    /// Trains one more epoch and evaluates on `test`.
    @discardableResult
    public func trainEpoch(_ train: LabeledExamples, test: LabeledExamples) throws -> EpochRecord {
        let epoch = epochsDone + 1
        let start = Date()
        model.reseedDropout(Trainer.derivedSeed(seed, epoch: epoch, stream: 2))
        let order = shuffledIndices(count: train.count, epoch: epoch)
        var lossSum = 0.0
        var batches = 0
        var lastReport = start
        for first in stride(from: 0, to: order.count, by: batchSize) {
            let indices = order[first..<min(first + batchSize, order.count)]
            train.gather(indices, into: &batch, oneHot: &oneHot)
            lossSum += Double(try step(inputs: batch, oneHot: oneHot, epoch: epoch))
            batches += 1
            let now = Date()
            if let onProgress, now.timeIntervalSince(lastReport) > 0.1 || indices.endIndex == order.count {
                lastReport = now
                let done = indices.endIndex
                let rate = Double(done) / max(now.timeIntervalSince(start), 1e-9)
                onProgress(TrainingProgress(epoch: epoch, examplesDone: done, examplesTotal: order.count,
                                            examplesPerSecond: rate, secondsLeft: Double(order.count - done) / rate,
                                            loss: lossSum / Double(batches)))
            }
        }
        let accuracy = try evaluate(test).accuracy
        let record = EpochRecord(epoch: epoch, testAccuracy: accuracy, trainLoss: lossSum / Double(max(batches, 1)),
                                 seconds: Date().timeIntervalSince(start))
        history.append(record)
        return record
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
    public func restore(history: [EpochRecord]) { self.history = history }
}

/// The index of the largest entry of each row of `[N, C]` (the first one on ties, as `tf.argmax`).
public func argmaxRows(_ logits: Tensor<Float>) -> [Int] {
    let columns = logits.shape.last ?? 1
    guard columns > 0 else { return [] }
    let rows = logits.count / max(columns, 1)
    return (0..<rows).map { row in
        var best = 0
        for c in 1..<columns where logits.scalars[row * columns + c] > logits.scalars[row * columns + best] { best = c }
        return best
    }
}
