import ConvLab
import ConvLabTestSupport
import Foundation
import Testing

/// A tiny separable problem (shared with TrainerScoringTests): 4x4 one-channel noise images whose class is the brighter 2x2 quadrant.
func quadrantImages(count: Int, seed: UInt64) throws -> LabeledExamples {
    var generator = SeededGenerator(seed: seed)
    var pixels = [Float]()
    var labels = [Int]()
    for _ in 0..<count {
        var image = (0..<16).map { _ in Float(generator.nextUniform(0, 0.3)) }
        let label = generator.nextInt(below: 4)
        for row in (label / 2) * 2..<(label / 2) * 2 + 2 {
            for col in (label % 2) * 2..<(label % 2) * 2 + 2 { image[row * 4 + col] += 0.7 }
        }
        pixels += image
        labels.append(label)
    }
    return try LabeledExamples(inputs: Tensor(shape: [count, 4, 4, 1], scalars: pixels), labels: labels, classes: 4)
}

func smallModel() throws -> Sequential {
    try Sequential([
        Conv2D("conv1", kernel: 3, inputChannels: 1, filters: 4, activation: .relu),
        MaxPool2D("pool1"),
        Flatten(),
        Dense("fc", inputs: 16, outputs: 8, activation: .relu),
        Dropout("dropout", keepProbability: 0.8),
        Dense("out", inputs: 8, outputs: 4),
    ])
}

func makeTrainer(seed: UInt64 = 1, learningRate: Float = 0.01) throws -> Trainer {
    let model = try smallModel()
    model.initialize(seed: seed)
    return try Trainer(model: model, optimizer: .adam(learningRate: learningRate), loss: .softmaxCrossEntropy,
                       kernels: Kernels(.reference), batchSize: 16, seed: seed)
}

@Suite("Trainer: loss falls, NaN stops, checkpoints resume exactly")
struct TrainerTests {
    @Test func lossDecreasesOnAFewBatches() throws {
        let train = try quadrantImages(count: 96, seed: 1), test = try quadrantImages(count: 32, seed: 2)
        let trainer = try makeTrainer()
        let first = try trainer.trainEpoch(train, test: test)
        var last = first
        for _ in 0..<9 { last = try trainer.trainEpoch(train, test: test) }
        #expect(last.trainLoss < 0.5 * first.trainLoss, "loss \(first.trainLoss) -> \(last.trainLoss)")
        #expect(last.testAccuracy > 0.9, "accuracy \(last.testAccuracy)")
        #expect(trainer.history.map(\.epoch) == Array(1...10))
    }

    @Test func sigmoidCrossEntropyAlsoTrains() throws {
        let train = try quadrantImages(count: 96, seed: 1), test = try quadrantImages(count: 32, seed: 2)
        let model = try smallModel()
        model.initialize(seed: 1)
        let trainer = try Trainer(model: model, optimizer: .adam(learningRate: 0.01), loss: .sigmoidCrossEntropy,
                                  kernels: Kernels(.reference), batchSize: 16, seed: 1)
        let first = try trainer.trainEpoch(train, test: test).trainLoss
        for _ in 0..<4 { try trainer.trainEpoch(train, test: test) }
        #expect(trainer.history.last!.trainLoss < 0.8 * first)
    }

    @Test func nanLossStopsWithAClearMessage() throws {
        let train = try quadrantImages(count: 32, seed: 1)
        let trainer = try makeTrainer()
        // An infinite output bias makes a logit infinite, and softmax cross-entropy then NaN
        // (inf - inf), as a learning rate that blows the weights up does.
        trainer.model.variables.last!.value.withUnsafeMutableBufferPointer { $0[0] = .infinity }
        let before = trainer.model.variables.map(\.value)
        do {
            try trainer.trainEpoch(train, test: train)
            Issue.record("training went on with an infinite weight")
        } catch let error as ConvLabError {
            #expect(error.description.contains("the loss became NaN at epoch 1, step 1"), "\(error)")
            #expect(error.description.contains("--lr"))
        }
        #expect(trainer.model.variables.map(\.value) == before, "no update after a NaN loss")
    }

    @Test func sameSeedSameRun() throws {
        let train = try quadrantImages(count: 48, seed: 1), test = try quadrantImages(count: 16, seed: 2)
        let a = try makeTrainer(seed: 9), b = try makeTrainer(seed: 9)
        for _ in 0..<2 {
            let ra = try a.trainEpoch(train, test: test), rb = try b.trainEpoch(train, test: test)
            #expect(ra.trainLoss == rb.trainLoss && ra.testAccuracy == rb.testAccuracy)
        }
        #expect(a.model.variables.map(\.value) == b.model.variables.map(\.value))
    }

    @Test func checkpointRoundTripAndExactResume() throws {
        let train = try quadrantImages(count: 48, seed: 1), test = try quadrantImages(count: 16, seed: 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("small.ckpt").path

        // Uninterrupted: 3 epochs.
        let straight = try makeTrainer(seed: 5)
        for _ in 0..<3 { try straight.trainEpoch(train, test: test) }

        // Interrupted after epoch 2, saved, loaded into a fresh trainer, one more epoch.
        let first = try makeTrainer(seed: 5)
        for _ in 0..<2 { try first.trainEpoch(train, test: test) }
        try Checkpoint(modelName: "small", trainer: first).save(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["small.ckpt"], "no temp file left")

        let resumed = try makeTrainer(seed: 5)
        try Checkpoint.load(from: path).restore(into: resumed, modelName: "small", path: path)
        #expect(resumed.model.variables.map(\.value) == first.model.variables.map(\.value))
        #expect(resumed.optimizer.step == first.optimizer.step)
        #expect(resumed.epochsDone == 2)
        try resumed.trainEpoch(train, test: test)
        #expect(resumed.model.variables.map(\.value) == straight.model.variables.map(\.value))
        #expect(resumed.history.map(\.testAccuracy) == straight.history.map(\.testAccuracy))

        #expect(throws: ConvLabError.self) {
            try Checkpoint.load(from: path).restore(into: try makeTrainer(), modelName: "lecture7", path: path)
        }
    }

    @Test func truncatedCheckpointNamesFileAndOffset() throws {
        let trainer = try makeTrainer()
        let bytes = try Checkpoint(modelName: "small", trainer: trainer).encoded()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-trunc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConvLabError.file(path: path, offset: bytes.count - 10,
            message: "truncated: out/biases [4] needs 16 bytes from offset \(bytes.count - 16)")) {
            try Checkpoint.load(from: path)
        }
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConvLabError.file(path: path, offset: 0, message: "not a ConvLab checkpoint (no CONVLAB1 magic)")) {
            try Checkpoint.load(from: path)
        }
    }

    @Test func epochRecordJSONLineHasTheDocumentedKeysInOrder() throws {
        let line = EpochRecord(epoch: 2, testAccuracy: 0.9901, trainLoss: 0.03125, seconds: 41.25).jsonLine
        #expect(line == "{\"epoch\":2,\"test_accuracy\":0.9901,\"train_loss\":0.03125,\"seconds\":41.25}")
        let decoded = try JSONDecoder().decode(EpochRecord.self, from: Data(line.utf8))
        #expect(decoded == EpochRecord(epoch: 2, testAccuracy: 0.9901, trainLoss: 0.03125, seconds: 41.25))
    }

    @Test func epochRecordJSONUsesTheDocumentedKeys() throws {
        let json = String(decoding: try JSONEncoder().encode(EpochRecord(epoch: 1, testAccuracy: 0.5, trainLoss: 0.25, seconds: 2)),
                          as: UTF8.self)
        for key in ["\"epoch\":1", "\"test_accuracy\":0.5", "\"train_loss\":0.25", "\"seconds\":2"] {
            #expect(json.contains(key), "\(json)")
        }
    }
}
