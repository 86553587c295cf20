import ConvLab
import Foundation

/// Module 8, "Dense layers, softmax and cross-entropy": the code `Lectures/08-dense-softmax.md`
/// walks through.
enum DenseSoftmaxLecture {
    static let lecture = Lecture(
        number: 8, title: "Dense layers, softmax and cross-entropy",
        markdown: "08-dense-softmax.md", source: "Lecture08DenseSoftmax.swift",
        snippets: [
            Snippet("dense", dense),
            Snippet("softmax", softmax),
            Snippet("stability", stability),
            Snippet("sigmoid-versus-softmax", sigmoidVersusSoftmax),
            Snippet("initialization", initialization),
            // Float training differs in the last bits between CPUs: these figures are checked to
            // within 1% (loss) and 0.01 (accuracy) rather than to the last digit.
            Snippet("mlp", loose: [.relative(0.01, after: "loss"), .absolute(0.01, after: "accuracy")], mlp),
            Snippet("answers", answers),
        ],
        figures: [Figure("mlp-boundary.svg", stable: false, { Array(try mlpResult.get().picture.utf8) })])

    /// Lab 11-0's dense layer: every output is a weighted sum of every input.
    static func dense(_ out: inout Transcript) throws {
        // @code dense
        let x = try Tensor<Double>([[1, 2, 3, 4]])                     // [N, In] = [1, 4]
        // TF layout [In, Out]: column o holds output o's weights (the lab's w_o0 ... w_o3).
        let w = try Tensor<Double>([[1, 0],
                                    [0, 1],
                                    [1, 0],
                                    [0, -1]])
        let b = Tensor<Double>([0.5, 0])
        let y = try Reference.denseForward(x, weights: w, bias: b)
        for o in 0..<2 {
            let terms = (0..<4).map { i in "\(Int(x[0, i]))·\(Int(w[i, o]))" }.joined(separator: " + ")
            out.say("y\(o) = \(terms) + \(b.scalars[o], decimals: 1) = \(y[0, o], decimals: 1)")
        }
        out.say("parameters: (4 + 1) x 2 = \(denseParameterCount(inputs: 4, outputs: 2))")
        // Lecture 7's fully connected layers, for scale.
        out.say("lecture 7, 7*7*64 -> 1024: \(thousands(denseParameterCount(inputs: 7 * 7 * 64, outputs: 1024)))")
        out.say("lecture 7, 1024 -> 10: \(thousands(denseParameterCount(inputs: 1024, outputs: 10)))")
        // @end
    }

    /// Softmax turns scores into probabilities; cross-entropy scores the probability of the
    /// right class.
    static func softmax(_ out: inout Transcript) throws {
        // @code softmax
        let logits = try Tensor<Double>([[2.0, 1.0, 0.1]])
        let labels = try Tensor<Double>([[1, 0, 0]])              // one-hot: class 0 is right
        let p = try Reference.softmaxForward(logits)
        out.say("logits      \(logits)")
        out.say("softmax     \(p)")
        out.say("sum         \(p.sum(), decimals: 4)")
        let loss = try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits)
        out.say("cross-entropy -log p[0] = \(loss.scalars[0], decimals: 4) (by hand: \(-Foundation.log(p.scalars[0]), decimals: 4))")
        // The gradient with respect to the logits is simply p - y.
        let dLogits = try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits,
                                                                dOutput: Tensor([1]))
        out.say("dLoss/dlogits \(dLogits)  (= softmax - one-hot)")
        // Adding a constant to every logit changes nothing.
        out.say("softmax(logits + 100) \(try Reference.softmaxForward(logits.map { $0 + 100 }))")
        // @end
    }

    /// Softmax and cross-entropy at logits of 1000: the textbook formula overflows.
    static func stability(_ out: inout Transcript) throws {
        // @code stability
        let big: [Double] = [1000, 999, 998]
        // The formula as written: e^z / sum(e^z). e^1000 is beyond Double's range (about 1.8e308).
        let exps = big.map { Foundation.exp($0) }
        let naive = exps.map { $0 / exps.reduce(0, +) }
        // (NaN prints as "nan": whether inf/inf sets NaN's sign bit depends on the CPU.)
        out.say("e^1000 = \(exps[0]); naive softmax = [\(naive.map { $0.isNaN ? "nan" : "\($0)" }.joined(separator: ", "))]")
        // ConvLab subtracts the largest logit first: e^(z - max) never overflows.
        let logits = try Tensor<Double>([big])
        out.say("ConvLab softmax = \(try Reference.softmaxForward(logits))")
        let labels = try Tensor<Double>([[0, 0, 1]])
        let loss = try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits)
        out.say("cross-entropy for class 2 = \(loss.scalars[0], decimals: 4) (= log(1 + e^-1 + e^-2) + 2)")
        // In Float the limit is much closer: e^89 already overflows.
        out.say("Float: e^88 = \(Float.exp(88), scientific: 3), e^89 = \(Float.exp(89))")
        let floatLoss = try Reference.softmaxCrossEntropyForward(
            labels: try Tensor<Float>([[0, 0, 1]]), logits: try Tensor<Float>([[1000, 999, 998]]))
        out.say("Float cross-entropy at logits 1000: \(floatLoss.scalars[0], decimals: 4)")
        // @end
    }

    /// Tutorial #03 trains its 10-class MNIST CNN with a *sigmoid* cross-entropy.
    static func sigmoidVersusSoftmax(_ out: inout Transcript) throws {
        // @code sigmoid-versus-softmax
        let logits = try Tensor<Double>([[3.0, 1.0, 0.0, -1.0]])
        let labels = try Tensor<Double>([[1, 0, 0, 0]])
        let softmaxLoss = try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits)
        let sigmoidLoss = try Reference.sigmoidCrossEntropyForward(labels: labels, logits: logits)
        out.say("softmax CE: \(softmaxLoss.scalars[0], decimals: 4) (one number per example)")
        out.say("sigmoid CE: \(sigmoidLoss) (one yes/no loss per class)")
        out.say("sigmoid CE averaged over classes, as tf.reduce_mean does: \(sigmoidLoss.sum() / 4, decimals: 4)")
        let dSoftmax = try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: Tensor([1]))
        let dSigmoid = try Reference.sigmoidCrossEntropyBackward(labels: labels, logits: logits,
                                                                 dOutput: try Tensor(shape: [1, 4], repeating: 1))
        out.say("softmax gradient \(dSoftmax), sum \(dSoftmax.sum(), decimals: 4)")
        out.say("sigmoid gradient \(dSigmoid), sum \(dSigmoid.sum(), decimals: 4)")
        // The sigmoids of the logits are not a distribution over the four classes.
        let s = try Reference.sigmoidForward(logits)
        out.say("sigmoid(logits) \(s), sum \(s.sum(), decimals: 4)")
        // @end
    }

    /// How the scale of the first weights decides whether a deep stack's activations vanish,
    /// explode or stay put: 8 dense layers of 128 units with ReLU, on 32 random inputs.
    static func initialization(_ out: inout Transcript) throws {
        // @code initialization
        let schemes: [(name: String, initializer: Initializer)] = [
            ("normal 0.01", .randomNormal(stddev: 0.01)), ("normal 1", .randomNormal(stddev: 1)),
            ("Glorot", .glorotNormal), ("He", .heNormal),
        ]
        var generator = SeededGenerator(seed: 6)
        let input = try Tensor<Double>(shape: [32, 128], scalars: (0..<(32 * 128)).map { _ in generator.nextNormal() })
        var table = Table(["layer"] + (1...8).map(String.init))
        for (name, initializer) in schemes {
            var h = input
            var row: [Line] = ["\(name)"]
            for _ in 1...8 {
                let w = Tensor<Double>(initializer.make(shape: [128, 128], generator: &generator))
                h = try Reference.reluForward(try Reference.denseForward(h, weights: w, bias: try Tensor(zeros: [128])))
                let mean = h.sum() / Double(h.count)
                let std = (h.scalars.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(h.count)).squareRoot()
                row.append("\(std, scientific: 1)")
            }
            table.row(row)
        }
        out.say(table)
        out.say("Glorot stddev for 128 -> 128: sqrt(2 / 256) = \((2.0 / 256).squareRoot(), decimals: 4); He: sqrt(2 / 128) = \((2.0 / 128).squareRoot(), decimals: 4)")
        // Truncated normals redraw values beyond 2 standard deviations, which shrinks the variance:
        // a unit normal cut at +-2 has variance 1 - 4 phi(2) / (Phi(2) - Phi(-2)).
        let density = Foundation.exp(-2.0) / (2 * Double.pi).squareRoot(), mass = erf(2 / 2.0.squareRoot())
        let kept = 1 - 4 * density / mass
        out.say("a unit normal truncated at +-2: variance \(kept, decimals: 4), stddev \(kept.squareRoot(), decimals: 4)")
        out.say("variance of the draws, widened first: TF1 contrib (stddev x sqrt(1.3)) \(1.3 * kept, decimals: 4); "
                + "Keras (stddev / \(kept.squareRoot(), decimals: 4)) exactly 1")
        // @end
    }

    /// Epochs of the MLP run: small enough for the doc-test in a debug build (a few seconds).
    static let mlpEpochs = 40

    /// Tutorial #03's MLP (2 -> 64 -> 64 -> 4, ReLU) on four spiral arms, trained with the
    /// library's Trainer; the points and the decision boundary make the picture. The run is
    /// shared by the snippet and the picture.
    static let mlpResult = Result { () throws -> (picture: String, history: [EpochRecord], parameters: Int, points: Int) in
        let train = try spiralPoints(perClass: 25, seed: 1)
        let recipe = ModelRecipe.mlp
        let model = try recipe.build(seed: 3)
        let trainer = try Trainer(model: model, optimizer: recipe.optimizer(), loss: recipe.loss,
                                  kernels: Kernels(.reference), batchSize: 20, seed: 3)
        for _ in 0..<mlpEpochs { try trainer.trainEpoch(train, test: train) }
        // Classify the centre of every cell of a 41 x 41 grid over [-1, 1]^2: the decision regions.
        let regions = try DecisionBoundary(xRange: -1...1, yRange: -1...1, resolution: 41) { points in
            argmaxRows(try model.forward(points, context: LayerContext(kernels: trainer.kernels, mode: .evaluation)))
        }
        let picture = regions.svg(size: 400, examples: train, title: "MLP 2-64-64-4 after \(mlpEpochs) epochs: regions and training points")
        return (picture, trainer.history, model.parameterCount, train.count)
    }

    static func mlp(_ out: inout Transcript) throws {
        // @code mlp
        let run = try mlpResult.get()
        out.say("MLP 2 -> 64 -> 64 -> 4 (ReLU): \(run.parameters) parameters; \(run.points) training points, 4 classes, batch 20")
        var table = Table("epoch", "loss", "training accuracy")
        for record in run.history where record.epoch == 1 || record.epoch % 10 == 0 {
            table.row("\(record.epoch)", "\(record.trainLoss, decimals: 3)", "\(record.testAccuracy, decimals: 3)")
        }
        out.say(table)
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let logits = try Tensor<Double>(zeros: [1, 10])
        var label = try Tensor<Double>(zeros: [1, 10])
        label[0, 3] = 1
        let loss = try Reference.softmaxCrossEntropyForward(labels: label, logits: logits)
        out.say("1. equal logits, 10 classes: \(loss.scalars[0], decimals: 4) = log 10 = \(Foundation.log(10.0), decimals: 4)")
        out.say("2. dense 784 -> 100: \(thousands(denseParameterCount(inputs: 784, outputs: 100))) parameters")
        let fanIn = 3 * 3 * 32
        out.say("3. fan in \(fanIn): He stddev sqrt(2 / \(fanIn)) = \((2 / Double(fanIn)).squareRoot(), decimals: 4)")
        // @end
    }
}
