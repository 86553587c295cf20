import Foundation
import ConvLabCore
import ConvLabData

/// The networks of the lectures, by name, with the hyperparameters their code used.
public struct ModelRecipe: Sendable {
    /// The name `convlab train --model` takes.
    public let name: String
    /// One line on where the network comes from.
    public let source: String
    /// The shape of one example, `[28, 28, 1]`.
    public let exampleShape: [Int]
    /// How many of MNIST's 60,000 training digits are held out for validation (so the rest train):
    /// 0 for lecture 7 (the TF comparison trained on all 60,000), 5,000 for the tutorial and the
    /// notebook (`input_data.read_data_sets`' 55,000 / 5,000 split).
    public let validationCount: Int
    public let loss: Loss
    public let batchSize: Int
    public let learningRate: Float
    public let epochs: Int
    /// The optimizer rule the lecture used.
    public let rule: Optimizer.Rule
    /// The lecture's own figures: test accuracy after the given epoch (empty when it has none).
    public let lectureAccuracy: [Int: Double]
    /// TensorFlow 2.21 measured on this machine with the same network (issue #7's figures).
    public let tensorFlowAccuracy: [Int: Double]
    /// The training cost the lecture printed per epoch, where it did.
    public let lectureCost: [Int: Double]
    /// TensorFlow 2.21's training cost per epoch on this machine, where measured.
    public let tensorFlowCost: [Int: Double]
    /// How each epoch's batches are drawn (`Trainer.batchOrder`).
    public var batchOrder = BatchOrder.shuffled
    /// Whether an epoch leaves out the examples that do not fill a whole batch (`Trainer.dropsRemainder`).
    public var dropsRemainder = false
    /// Scorings run after every epoch besides the clean one (`Trainer.scorings`); the lecture's
    /// and TensorFlow's figures compare with the first of them when there is one.
    public var scorings: [Scoring] = []
    /// A finite loss above this stops training as diverged (`Trainer.divergenceThreshold`).
    package var divergenceThreshold: Float? = Loss.divergenceThreshold
    /// Makes the layers (uninitialized).
    let layers: @Sendable () -> [any Layer]

    /// The network, freshly initialized from `seed`.
    public func build(seed: UInt64) throws -> Sequential {
        let model = try Sequential(layers())
        model.initialize(seed: seed)
        return model
    }

    public func optimizer(learningRate: Float? = nil) -> Optimizer {
        Optimizer(rule, learningRate: learningRate ?? self.learningRate)
    }

    /// A trainer for this recipe: the network initialized from `seed`, its optimizer, its batch
    /// order, remainder rule and scorings; `loss`, `batchSize` and `learningRate` override the
    /// recipe's.
    public func trainer(seed: UInt64, kernels: Kernels, loss: Loss? = nil, batchSize: Int? = nil,
                        learningRate: Float? = nil) throws -> Trainer {
        let trainer = try Trainer(model: try build(seed: seed), optimizer: optimizer(learningRate: learningRate),
                                  loss: loss ?? self.loss, kernels: kernels, batchSize: batchSize ?? self.batchSize, seed: seed)
        trainer.batchOrder = batchOrder
        trainer.dropsRemainder = dropsRemainder
        trainer.scorings = scorings
        trainer.divergenceThreshold = divergenceThreshold
        return trainer
    }

    /// The recipe for `name`.
    /// - Throws: `ConvLabError.argument` listing the known names.
    public static func named(_ name: String) throws -> ModelRecipe {
        guard let recipe = all.first(where: { $0.name == name.lowercased() }) else {
            throw ConvLabError.argument(op: "model",
                message: "unknown model '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return recipe
    }

    public static let all: [ModelRecipe] = [lecture7, lecture7Script2017, lecture7Script2017Glorot, tutorial03,
                                            tutorial03Softmax, notebook, mlp]

    /// CS 20SI lecture 7's convnet: conv 5x5x32 + ReLU, 2x2 max pool, conv 5x5x64 + ReLU, 2x2 max
    /// pool, dense 1024 + ReLU, dropout (keep 0.75), dense 10; Adam 1e-3, batch 128.
    /// Weights Glorot uniform and biases zero (the `tf.get_variable` / Keras defaults, which the
    /// TF 2.21 comparison run used; the note's snippet draws biases from `random_normal`).
    public static let lecture7 = ModelRecipe(
        name: "lecture7", source: "CS 20SI lecture 7: the MNIST convnet", exampleShape: [28, 28, 1],
        validationCount: 0, loss: .softmaxCrossEntropy, batchSize: 128, learningRate: 1e-3, epochs: 3, rule: .adamDefaults,
        lectureAccuracy: [1: 0.9111, 2: 0.9401, 3: 0.9494, 5: 0.9549, 10: 0.9692, 25: 0.9736, 40: 0.9793, 50: 0.9804],
        tensorFlowAccuracy: [1: 0.9876, 2: 0.9901, 3: 0.9917], lectureCost: [:], tensorFlowCost: [:]
    ) {
        lecture7Layers(keep: 0.75)
    }

    /// Lecture 7's layers (5x5x32 and 5x5x64 SAME convs with ReLU, 2x2 pools, dense 1024 with
    /// ReLU, dropout, dense 10), which `lecture7`, its 2017 variants and `notebook` share.
    static func lecture7Layers(weights: Initializer = .glorotUniform, biases: Initializer = .zeros, keep: Float,
                               dense: (String, String) = ("fc", "softmax_linear")) -> [any Layer] {
        [Conv2D("conv1", kernel: 5, inputChannels: 1, filters: 32, activation: .relu,
                weightInitializer: weights, biasInitializer: biases),
         MaxPool2D("pool1"),
         Conv2D("conv2", kernel: 5, inputChannels: 32, filters: 64, activation: .relu,
                weightInitializer: weights, biasInitializer: biases),
         MaxPool2D("pool2"),
         Flatten("flatten"),
         Dense(dense.0, inputs: 7 * 7 * 64, outputs: 1024, activation: .relu,
               weightInitializer: weights, biasInitializer: biases),
         Dropout("dropout", keepProbability: keep),
         Dense(dense.1, inputs: 1024, outputs: 10, weightInitializer: weights, biasInitializer: biases)]
    }

    /// Lecture 7's network as the course's own script trained and scored it:
    /// `examples/07_convnet_mnist.py` of chiphuyen/stanford-tensorflow-tutorials as committed
    /// for the lecture on 3 February 2017 (e1d204d), run with TensorFlow 1.0's `input_data`.
    /// - every weight from `tf.truncated_normal_initializer()` and every bias, the fc layer's
    ///   included, from `tf.random_normal_initializer()`: both stddev 1.0, their defaults;
    /// - 2x2 SAME max pools, dropout keep 0.75, `tf.train.AdamOptimizer(0.001)` (epsilon 1e-8);
    /// - `read_data_sets`' 55,000 training digits (the first 5,000 of the file are its
    ///   validation set), `int(55000 / 128)` = 429 batches of 128 per epoch; TF 1.0's
    ///   `next_batch` serves the first epoch in file order and reshuffles at each later one;
    /// - scored the script's way (`Scoring.script2017`), and cleanly beside it.
    ///
    /// The script trains for `N_EPOCHS` and then scores once; row k of the table is a run of
    /// k epochs, so each scoring works on a copy and the training run goes on untouched.
    public static let lecture7Script2017 = lecture7Script(
        name: "lecture7-2017", source: "CS 20SI lecture 7 as its 2017 script ran: stddev-1 initialization, scored with dropout on while training on the test batches",
        weights: .truncatedNormal(stddev: 1), biases: .randomNormal(stddev: 1), scorings: [.script2017],
        divergenceThreshold: nil)  // its loss starts at tens of thousands, finite, and falls

    /// The 2017 script with Glorot-uniform weights and zero biases (the `lecture7` recipe's),
    /// everything else as `lecture7-2017`: the clean baseline of module 11's ablation.
    package static let lecture7Script2017Glorot = lecture7Script(
        name: "lecture7-2017-glorot", source: "lecture7-2017 with Glorot-uniform weights and zero biases",
        weights: .glorotUniform, biases: .zeros, scorings: [.script2017])

    static func lecture7Script(name: String, source: String, weights: Initializer, biases: Initializer,
                               scorings: [Scoring], divergenceThreshold: Float? = Loss.divergenceThreshold) -> ModelRecipe {
        ModelRecipe(
            name: name, source: source, exampleShape: [28, 28, 1], validationCount: 5000, loss: .softmaxCrossEntropy,
            batchSize: 128, learningRate: 1e-3, epochs: 3, rule: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8),
            lectureAccuracy: lecture7.lectureAccuracy, tensorFlowAccuracy: [:], lectureCost: [:], tensorFlowCost: [:],
            batchOrder: .fileThenShuffled, dropsRemainder: true, scorings: scorings,
            divergenceThreshold: divergenceThreshold
        ) {
            lecture7Layers(weights: weights, biases: biases, keep: 0.75)
        }
    }

    static func tutorial03Layers() -> [any Layer] {
        [Conv2D("conv1", kernel: 3, inputChannels: 1, filters: 4, activation: .relu),
         MaxPool2D("pool1"),
         Conv2D("conv2", kernel: 3, inputChannels: 4, filters: 8, activation: .relu),
         MaxPool2D("pool2"),
         Flatten("flatten"),
         Dense("fc1", inputs: 7 * 7 * 8, outputs: 10)]
    }

    /// TensorFlow tutorial #03's small CNN: conv 3x3x4 + ReLU, pool, conv 3x3x8 + ReLU, pool,
    /// dense 392 -> 10; plain gradient descent, lr 0.1, batch 100, and the tutorial's
    /// sigmoid cross-entropy (a 10-class softmax problem scored as ten yes/no questions).
    public static let tutorial03 = ModelRecipe(
        name: "tutorial03", source: "TensorFlow tutorial #03: the MNIST CNN, sigmoid cross-entropy",
        exampleShape: [28, 28, 1], validationCount: 5000, loss: .sigmoidCrossEntropy, batchSize: 100, learningRate: 0.1, epochs: 5,
        rule: .sgd, lectureAccuracy: [5: 0.9415], tensorFlowAccuracy: [5: 0.9551],
        lectureCost: [1: 0.2101, 2: 0.0881, 3: 0.0723, 4: 0.0620, 5: 0.0547],
        tensorFlowCost: [1: 0.241, 2: 0.091, 3: 0.069, 4: 0.056, 5: 0.048],
        layers: tutorial03Layers)

    /// The same CNN trained with softmax cross-entropy, the loss a 10-class problem calls for.
    public static let tutorial03Softmax = ModelRecipe(
        name: "tutorial03-softmax", source: "TensorFlow tutorial #03's CNN with softmax cross-entropy",
        exampleShape: [28, 28, 1], validationCount: 5000, loss: .softmaxCrossEntropy, batchSize: 100, learningRate: 0.1, epochs: 5,
        rule: .sgd, lectureAccuracy: [:], tensorFlowAccuracy: [5: 0.9736], lectureCost: [:], tensorFlowCost: [:],
        layers: tutorial03Layers)

    /// The notebook's convnet: lecture 7's shape with truncated normal (0.1) weights, 0.1 biases,
    /// dropout keep 0.5, Adam 1e-4, batch 50.
    public static let notebook = ModelRecipe(
        name: "notebook", source: "the convnet notebook (weight_variable / bias_variable, dropout 0.5)",
        exampleShape: [28, 28, 1], validationCount: 5000, loss: .softmaxCrossEntropy, batchSize: 50, learningRate: 1e-4, epochs: 3,
        rule: .adamDefaults, lectureAccuracy: [:], tensorFlowAccuracy: [:], lectureCost: [:], tensorFlowCost: [:]
    ) {
        lecture7Layers(weights: .truncatedNormal(stddev: 0.1), biases: .constant(0.1), keep: 0.5, dense: ("fc1", "fc2"))
    }

    /// Tutorial #03's MLP on 2-D points in 4 classes: 2 -> 64 -> 64 -> 4 with ReLU (scopes `ih`,
    /// `hh`, `hl` as in its code), softmax cross-entropy, gradient descent.
    public static let mlp = ModelRecipe(
        name: "mlp", source: "TensorFlow tutorial #03: the MLP on a 2-D 4-class toy set", exampleShape: [2], validationCount: 0,
        loss: .softmaxCrossEntropy, batchSize: 50, learningRate: 0.1, epochs: 100, rule: .sgd,
        lectureAccuracy: [:], tensorFlowAccuracy: [:], lectureCost: [:], tensorFlowCost: [:]
    ) {
        [Dense("ih", inputs: 2, outputs: 64, activation: .relu, weightInitializer: .heNormal),
         Dense("hh", inputs: 64, outputs: 64, activation: .relu, weightInitializer: .heNormal),
         Dense("hl", inputs: 64, outputs: 4)]
    }
}

/// Tutorial #03's kind of toy problem: four spiral arms in the plane, one class per arm, which no
/// straight line separates (so the MLP must learn a non-linear boundary).
///
/// Arm `k` at parameter `r` in [0.05, 1]: angle `k * pi/2 + 3r + noise`, radius `r`; points lie in [-1, 1]^2.
public func spiralPoints(perClass: Int, classes: Int = 4, noise: Double = 0.15, seed: UInt64) throws -> LabeledExamples {
    var generator = SeededGenerator(seed: seed)
    var points = [Float]()
    var labels = [Int]()
    for k in 0..<classes {
        for i in 0..<perClass {
            let r = 0.05 + 0.95 * Double(i) / Double(max(perClass - 1, 1))
            let angle = Double(k) * 2 * Double.pi / Double(classes) + 3 * r + noise * generator.nextNormal()
            points += [Float(r * cos(angle)), Float(r * sin(angle))]
            labels.append(k)
        }
    }
    return try LabeledExamples(inputs: Tensor(shape: [classes * perClass, 2], scalars: points),
                               labels: labels, classes: classes)
}
