import ConvLab
import Foundation

/// Module 14, "Batch norm and Adam, derived": the code `Lectures/14-batch-norm-and-adam.md` walks through.
enum BatchNormAdamLecture {
    static let lecture = Lecture(
        number: 14, title: "Batch norm and Adam, derived",
        markdown: "14-batch-norm-and-adam.md", source: "Lecture14BatchNormAdam.swift",
        snippets: [
            Snippet("forward", forward),
            // The sums that are zero in exact arithmetic print as "below 1e-12", not as numbers.
            Snippet("backward", loose: [.gradientCheck], backward),
            Snippet("moving-averages", movingAverages),
            Snippet("train-versus-inference", trainVersusInference),
            Snippet("bias-correction", biasCorrection),
            // Float steps: the last bits move with the CPU.
            Snippet("convlab-adam", loose: [.relative(1e-5, after: "step")], convLabAdam),
            Snippet("epsilon", epsilon),
            Snippet("answers", answers),
        ],
        figures: [Figure("adam-bias-correction.svg", { Array(try biasCorrectionPicture().utf8) }),
                  Figure("batch-norm-moving-mean.svg", { Array(try movingMeanPicture().utf8) })])

    // MARK: - Batch norm forward

    /// A batch of 4 images, 2x2, 2 channels: channel 0 around 3 (spread 2), channel 1 around -1.
    static func batch() throws -> Tensor<Double> {
        var generator = SeededGenerator(seed: 14)
        return try Tensor(shape: [4, 2, 2, 2], scalars: (0..<32).map { i in
            i % 2 == 0 ? 3 + 2 * generator.nextNormal() : -1 + 0.5 * generator.nextNormal()
        })
    }

    /// The values of channel `c` of an NHWC tensor, in order.
    static func channel(_ x: Tensor<Double>, _ c: Int) -> [Double] {
        let channels = x.shape.last!
        return stride(from: c, to: x.count, by: channels).map { x.scalars[$0] }
    }

    /// Batch norm's forward pass for one channel's `m` values, one line per intermediate (the
    /// names of llm.c's layernorm tutorial), keeping what the backward pass needs.
    struct ChannelForward {
        let x: [Double], gamma: Double, beta: Double, epsilon: Double
        let mean: Double, xshift: [Double], variance: Double, rstd: Double, norm: [Double], out: [Double]

        // @code forward-pass
        init(_ x: [Double], gamma: Double, beta: Double, epsilon: Double) {
            let m = Double(x.count)
            let mean = x.reduce(0, +) / m                        // the batch mean
            let xshift = x.map { $0 - mean }                     // x - mean
            let variance = xshift.map { $0 * $0 }.reduce(0, +) / m  // biased: divided by m
            let rstd = 1 / (variance + epsilon).squareRoot()     // 1 / sqrt(var + eps)
            let norm = xshift.map { $0 * rstd }                  // zero mean, unit variance
            let out = norm.map { gamma * $0 + beta }             // scale and shift
            (self.x, self.gamma, self.beta, self.epsilon) = (x, gamma, beta, epsilon)
            (self.mean, self.xshift, self.variance, self.rstd, self.norm, self.out) = (mean, xshift, variance, rstd, norm, out)
        }
        // @end
    }

    static func forward(_ out: inout Transcript) throws {
        // @code forward
        let x = try batch()
        let (gamma, beta, epsilon) = (Tensor<Double>([1.5, 1.5]), Tensor<Double>([0.5, 0.5]), 1e-3)
        let c0 = ChannelForward(channel(x, 0), gamma: 1.5, beta: 0.5, epsilon: epsilon)
        out.say("channel 0, m = \(c0.x.count) values (4 images x 2 x 2): mean \(c0.mean, decimals: 4), "
                + "variance \(c0.variance, decimals: 4), rstd \(c0.rstd, decimals: 4)")
        out.say("first four x    \(Tensor(Array(c0.x.prefix(4))))")
        out.say("first four norm \(Tensor(Array(c0.norm.prefix(4))))")
        out.say("first four out  \(Tensor(Array(c0.out.prefix(4))))")
        // The library's reference computes the same, for both channels at once.
        let reference = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon).output
        let difference = zip(channel(reference, 0), c0.out).map { abs($0 - $1) }.max()!
        out.say("max |Reference.batchNormForward - out| over channel 0: \(difference < 1e-12 ? "below 1e-12" : "\(difference)")")
        // @end
    }

    // MARK: - Batch norm backward

    /// The backward pass of `ChannelForward`, one chain-rule step per line, for an upstream
    /// gradient `dout`.
    // @code backward-steps
    static func backwardSteps(_ f: ChannelForward, dout: [Double]) -> (dx: [Double], dgamma: Double, dbeta: Double) {
        let m = Double(f.x.count)
        let dbeta = dout.reduce(0, +)                                   // out = gamma * norm + beta
        let dgamma = zip(dout, f.norm).map { $0 * $1 }.reduce(0, +)
        let dnorm = dout.map { $0 * f.gamma }
        // norm = xshift * rstd: xshift gets dnorm * rstd; rstd, shared by all, gets a sum.
        var dxshift = dnorm.map { $0 * f.rstd }
        let drstd = zip(dnorm, f.xshift).map { $0 * $1 }.reduce(0, +)
        // rstd = (variance + eps)^(-1/2): d rstd / d variance = -1/2 (variance + eps)^(-3/2) = -1/2 rstd^3.
        let dvariance = drstd * (-0.5) * f.rstd * f.rstd * f.rstd
        // variance = sum(xshift^2) / m: every xshift gets 2 xshift / m of it.
        for i in dxshift.indices { dxshift[i] += dvariance * 2 * f.xshift[i] / m }
        // xshift = x - mean: x gets dxshift directly; mean, shared by all, gets minus their sum.
        let dmean = -dxshift.reduce(0, +)
        // mean = sum(x) / m: every x gets dmean / m.
        let dx = dxshift.map { $0 + dmean / m }
        return (dx, dgamma, dbeta)
    }
    // @end

    /// The same gradient after the algebra: llm.c's layernorm formula, with the means taken over
    /// the batch and spatial axes instead of over the channels.
    // @code backward-compact
    static func backwardCompact(_ f: ChannelForward, dout: [Double]) -> [Double] {
        let m = Double(f.x.count)
        let dnorm = dout.map { $0 * f.gamma }
        let dnormMean = dnorm.reduce(0, +) / m
        let dnormNormMean = zip(dnorm, f.norm).map { $0 * $1 }.reduce(0, +) / m
        return zip(dnorm, f.norm).map { dn, n in f.rstd * (dn - dnormMean - n * dnormNormMean) }
    }
    // @end

    static func backward(_ out: inout Transcript) throws {
        // @code backward
        let x = try batch()
        let epsilon = 1e-3
        var generator = SeededGenerator(seed: 15)
        let dout = try Tensor<Double>(shape: x.shape, scalars: (0..<x.count).map { _ in generator.nextNormal() })
        let f = ChannelForward(channel(x, 0), gamma: 1.5, beta: 0.5, epsilon: epsilon)
        let steps = backwardSteps(f, dout: channel(dout, 0))
        let compact = backwardCompact(f, dout: channel(dout, 0))
        // The library's reference (both channels) and centred differences of sum(out * dout).
        let gamma = Tensor<Double>([1.5, 1.5]), beta = Tensor<Double>([0.5, 0.5])
        let library = try Reference.batchNormBackward(x, gamma: gamma, dOutput: dout, epsilon: epsilon)
        let numeric = try numericalGradient({ x in
            let y = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon).output
            return zip(y.scalars, dout.scalars).map { $0 * $1 }.reduce(0, +)
        }, at: x)
        func largest(_ a: [Double], _ b: [Double]) -> String {
            let d = zip(a, b).map { abs($0 - $1) }.max()!
            return d < 1e-12 ? "below 1e-12" : "\(d)"
        }
        out.say("dx, channel 0, first four: \(Tensor(Array(steps.dx.prefix(4))))")
        out.say("max |steps - compact|: \(largest(steps.dx, compact))")
        out.say("max |steps - Reference.batchNormBackward|: \(largest(steps.dx, channel(library.dInput, 0)))")
        out.say("dgamma \(steps.dgamma, decimals: 4) (library \(library.dGamma.scalars[0], decimals: 4)), "
                + "dbeta \(steps.dbeta, decimals: 4) (library \(library.dBeta.scalars[0], decimals: 4))")
        let error = relativeError(library.dInput, numeric)
        out.say("against centred differences: relative error \(error, scientific: 0)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        // dx has no component along the constant direction: its sum vanishes.
        let sum = steps.dx.reduce(0, +)
        out.say("sum(dx) \(abs(sum) < 1e-12 ? "below 1e-12" : "\(sum)")")
        // Along norm it has a small one, which epsilon leaves: eps / (var + eps) * rstd * sum(dnorm * norm).
        let alongNorm = zip(steps.dx, f.norm).map { $0 * $1 }.reduce(0, +)
        let dnormNorm = zip(channel(dout, 0), f.norm).map { $0 * f.gamma * $1 }.reduce(0, +)
        out.say("sum(dx * norm) \(alongNorm, scientific: 4); predicted \(epsilon / (f.variance + epsilon) * f.rstd * dnormNorm, scientific: 4)")
        // @end
    }

    // MARK: - Moving averages

    /// Batches of 32 values of one channel, mean 3 and standard deviation 2: the statistics the
    /// moving averages should find.
    static func channelBatches(_ count: Int) -> [(mean: Double, variance: Double)] {
        var generator = SeededGenerator(seed: 16)
        return (0..<count).map { _ in
            meanAndVariance((0..<32).map { _ in 3 + 2 * generator.nextNormal() })
        }
    }

    /// The moving mean and variance after each batch under three rules: tutorial #03's
    /// (decay 0.999, zero-debiased), the same average without the debiasing, and Keras'
    /// `BatchNormalization` (momentum 0.99, moving variance starting at 1).
    static func movingRuns(_ steps: Int) throws -> [(name: String, trace: [(mean: Double, variance: Double)])] {
        let batches = channelBatches(steps)
        var tutorial = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.999, zeroDebias: true)
        var plain = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.999, zeroDebias: false)
        var keras = (mean: 0.0, variance: 1.0)
        var traces: [[(mean: Double, variance: Double)]] = [[], [], []]
        for batch in batches {
            try tutorial.update(batchMean: Tensor([batch.mean]), batchVariance: Tensor([batch.variance]))
            try plain.update(batchMean: Tensor([batch.mean]), batchVariance: Tensor([batch.variance]))
            keras.mean = keras.mean * 0.99 + batch.mean * (1 - 0.99)
            keras.variance = keras.variance * 0.99 + batch.variance * (1 - 0.99)
            traces[0].append((tutorial.mean.scalars[0], tutorial.variance.scalars[0]))
            traces[1].append((plain.mean.scalars[0], plain.variance.scalars[0]))
            traces[2].append(keras)
        }
        return [("tutorial: decay 0.999, zero_debias", traces[0]), ("decay 0.999, no debiasing", traces[1]),
                ("Keras: momentum 0.99, variance from 1", traces[2])]
    }

    static func movingAverages(_ out: inout Transcript) throws {
        // @code moving-averages
        let runs = try movingRuns(1000)
        let steps = [1, 10, 100, 1000]
        var table = Table(["moving mean / variance after step"] + steps.map(String.init))
        for run in runs {
            table.row(["\(run.name)"] + steps.map { "\(run.trace[$0 - 1].mean, decimals: 2) / \(run.trace[$0 - 1].variance, decimals: 2)" })
        }
        out.say(table)
        // What a value of 5 becomes at inference after 100 steps, under each rule
        // (gamma 1, beta 0, epsilon 1e-3): with the true statistics it would be (5 - 3) / 2 = 1.
        for run in runs {
            let (mean, variance) = run.trace[99]
            out.say("\(run.name): 5 -> \((5 - mean) / (variance + 1e-3).squareRoot(), decimals: 2)")
        }
        // ConvLab's BatchNorm layer keeps the tutorial's rule: 100 training steps on the same batches.
        let layer = BatchNorm("bn", channels: 1)
        var generator = SeededGenerator(seed: 16)
        let training = LayerContext(kernels: Kernels(.reference), mode: .training)
        for _ in 0..<100 {
            let values = (0..<32).map { _ in Float(3 + 2 * generator.nextNormal()) }
            _ = try layer.forward(try Tensor(shape: [32, 1, 1, 1], scalars: values), context: training)
        }
        let (mean, variance) = try layer.movingStatistics()
        out.say("ConvLab's BatchNorm after 100 steps: moving mean \(mean.scalars[0], decimals: 2), variance \(variance.scalars[0], decimals: 2)")
        // @end
    }

    /// The moving mean under the three rules over the first 1000 steps.
    static func movingMeanPicture() throws -> String {
        let runs = try movingRuns(1000)
        let plot = LinePlot(title: "moving mean of a channel whose batches have mean 3", xLabel: "training step",
                            series: runs.map { run in
                                .init(name: run.name, points: run.trace.enumerated().map { (Double($0.offset + 1), $0.element.mean) })
                            } + [.init(name: "true mean", points: [(0, 3), (1000, 3)], dashed: true)],
                            xRange: 0...1000, yRange: 0...4)
        return try LinePlot.svgDocument([plot], columns: 1, panelWidth: 560, panelHeight: 300)
    }

    // MARK: - Training versus inference

    static func trainVersusInference(_ out: inout Transcript) throws {
        // @code train-versus-inference
        // One example, x = 5, in two different batches of four (one channel).
        let batches: [[Double]] = [[5, 1, 2, 3], [5, 7, 8, 9]]
        let gamma = Tensor<Double>([1]), beta = Tensor<Double>([0])
        for values in batches {
            let x = try Tensor<Double>(shape: [4, 1, 1, 1], scalars: values)
            let training = try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: 1e-3)
            let inference = try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: Tensor([3]),
                                                             variance: Tensor([4]), epsilon: 1e-3)
            out.say("batch \(Tensor(values)): training mode 5 -> \(training.output.scalars[0], decimals: 4) "
                    + "(batch mean \(training.mean.scalars[0], decimals: 2)), inference mode 5 -> \(inference.scalars[0], decimals: 4)")
        }
        // Ioffe and Szegedy (section 3.1, Algorithm 2) set the inference variance to m / (m - 1)
        // times the average batch variance. A conv layer's m is N·H·W (their section 3.2): the
        // last m is a batch of 32 maps of 28x28.
        for m in [4, 32, 256, 32 * 28 * 28] {
            out.say("m = \(m): m / (m - 1) = \(Double(m) / Double(m - 1), decimals: 4)")
        }
        // @end
    }

    // MARK: - Adam

    /// Adam on one coordinate with a constant gradient, Algorithm 1 of Kingma and Ba: the step
    /// `lr * mHat / (sqrt(vHat) + eps)` with and without each bias correction, in units of `lr`.
    // @code adam-steps
    static func adamSteps(gradient g: Double, steps: Int, beta1: Double = 0.9, beta2: Double = 0.999,
                          epsilon: Double = 1e-8) -> [(both: Double, neither: Double, mOnly: Double, vOnly: Double)] {
        var m = 0.0, v = 0.0
        var result: [(both: Double, neither: Double, mOnly: Double, vOnly: Double)] = []
        for t in 1...steps {
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            let mHat = m / (1 - Foundation.pow(beta1, Double(t)))     // the corrected first moment
            let vHat = v / (1 - Foundation.pow(beta2, Double(t)))     // the corrected second moment
            result.append((both: mHat / (vHat.squareRoot() + epsilon), neither: m / (v.squareRoot() + epsilon),
                           mOnly: mHat / (v.squareRoot() + epsilon), vOnly: m / (vHat.squareRoot() + epsilon)))
        }
        return result
    }
    // @end

    static func biasCorrection(_ out: inout Transcript) throws {
        // @code bias-correction
        let steps = adamSteps(gradient: 0.5, steps: 1000)
        var table = Table("step t", "both corrected", "neither", "m only", "v only")
        for t in [1, 2, 3, 5, 10, 12, 100, 1000] {
            let s = steps[t - 1]
            table.row("\(t)", "\(s.both, decimals: 3)", "\(s.neither, decimals: 3)", "\(s.mOnly, decimals: 3)", "\(s.vOnly, decimals: 3)")
        }
        out.say("Adam's step in units of the learning rate, constant gradient 0.5:")
        out.say(table)
        let peak = steps.enumerated().max { $0.element.neither < $1.element.neither }!
        out.say("without correction the step peaks at t = \(peak.offset + 1): \(peak.element.neither, decimals: 3) x lr")
        // @end
    }

    static func biasCorrectionPicture() throws -> String {
        let steps = adamSteps(gradient: 0.5, steps: 300)
        func series(_ name: String, _ value: ((both: Double, neither: Double, mOnly: Double, vOnly: Double)) -> Double,
                    dashed: Bool = false) -> LinePlot.Series {
            .init(name: name, points: steps.enumerated().map { (Double($0.offset + 1), value($0.element)) }, dashed: dashed)
        }
        let plot = LinePlot(title: "Adam's first steps, constant gradient (beta1 0.9, beta2 0.999)", xLabel: "step t",
                            yLabel: "step / lr",
                            series: [series("both moments corrected", { $0.both }), series("no correction", { $0.neither }),
                                     series("only v corrected", { $0.vOnly }, dashed: true)],
                            xRange: 0...300, yRange: 0...9)
        return try LinePlot.svgDocument([plot], columns: 1, panelWidth: 560, panelHeight: 300)
    }

    static func convLabAdam(_ out: inout Transcript) throws {
        // @code convlab-adam
        // ConvLab's Optimizer.adam (TF's form): the first steps of a weight with gradient 0.5.
        let optimizer = Optimizer.adam(learningRate: 0.001)
        let w = Variable(name: "w", shape: [1], initializer: .zeros)
        w.value = Tensor([1])
        for t in 1...3 {
            let before = w.value.scalars[0]
            w.gradient = Tensor([0.5])
            try optimizer.apply(to: [w])
            out.say("t = \(t): step \(Double(before - w.value.scalars[0]), decimals: 6)")
        }
        // @end
    }

    static func epsilon(_ out: inout Transcript) throws {
        // @code epsilon
        // TF and Keras divide by sqrt(v) + epsilon-hat after folding the corrections into lr_t;
        // that is Algorithm 1 with epsilon = epsilon-hat / sqrt(1 - beta2^t).
        var table = Table("step t", "TF1 1e-8 acts as", "Keras 1e-7 acts as")
        for t in [1, 10, 100, 1000, 10_000] {
            let scale = (1 - Foundation.pow(0.999, Double(t))).squareRoot()
            table.row("\(t)", "\(1e-8 / scale, scientific: 2)", "\(1e-7 / scale, scientific: 2)")
        }
        out.say(table)
        // The first step for a gradient of 1e-8, in units of lr, under each library's default.
        let g = 1e-8
        let rules: [(name: String, epsilon: Double)] = [
            ("Algorithm 1 / PyTorch, epsilon 1e-8", 1e-8),
            ("TF1 AdamOptimizer, epsilon-hat 1e-8", 1e-8 / (1 - 0.999).squareRoot()),
            ("Keras Adam, epsilon-hat 1e-7", 1e-7 / (1 - 0.999).squareRoot()),
        ]
        for rule in rules {
            out.say("\(rule.name): first step \(adamSteps(gradient: g, steps: 1, epsilon: rule.epsilon)[0].both, decimals: 4) x lr")
        }
        // @end
    }

    // MARK: - Try it

    static func answers(_ out: inout Transcript) throws {
        // @code answers
        // 1. Moving mean after 50 steps of batches with mean exactly 3, decay 0.999.
        var debiased = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.999, zeroDebias: true)
        var plain = try BatchNormMovingAverages<Double>(shape: [1], decay: 0.999, zeroDebias: false)
        for _ in 0..<50 {
            try debiased.update(batchMean: Tensor([3]), batchVariance: Tensor([4]))
            try plain.update(batchMean: Tensor([3]), batchVariance: Tensor([4]))
        }
        out.say("1. zero_debias \(debiased.mean.scalars[0], decimals: 4), without \(plain.mean.scalars[0], decimals: 4)")
        // 2. Batch norm in training mode with one value per channel (a dense layer's batch of one).
        let one = try Tensor<Double>(shape: [1, 1, 1, 3], scalars: [7, -2, 0.5])
        let (gamma, beta) = (Tensor<Double>([2, 2, 2]), Tensor<Double>([0.1, 0.2, 0.3]))
        let y = try Reference.batchNormForward(one, gamma: gamma, beta: beta, epsilon: 1e-3).output
        let dx = try Reference.batchNormBackward(one, gamma: gamma, dOutput: Tensor(shape: [1, 1, 1, 3], repeating: 1), epsilon: 1e-3).dInput
        out.say("2. output \(y), dInput \(dx)")
        // 3. Adam's first step for a gradient of 1e-3 with epsilon-hat 1 (the TF docs' suggestion for Inception).
        let effective = 1 / (1 - 0.999).squareRoot()   // epsilon-hat / sqrt(1 - beta2^t) at t = 1
        out.say("3. effective epsilon \(effective, decimals: 1); first step \(adamSteps(gradient: 1e-3, steps: 1, epsilon: effective)[0].both, scientific: 2) x lr")
        // @end
    }
}
