import ConvLab

/// Module 7, "Activations": the code that `Lectures/07-activations.md` walks through.
enum ActivationsLecture {
    static let lecture = Lecture(
        number: 7, title: "Activation functions",
        markdown: "07-activations.md", source: "Lecture07Activations.swift",
        snippets: [
            Snippet("values", values),
            Snippet("derivatives", derivatives),
            Snippet("vanishing", vanishing),
            Snippet("deep-stack", deepStack),
            Snippet("maxout", maxout),
            Snippet("answers", answers),
        ],
        figures: [Figure("activations.svg", { Array(try activationFigure().utf8) })])

    /// One activation: its forward op and its backward op (which returns `dOutput * f'(x)`).
    struct Activation: Sendable {
        let name: String
        let forward: @Sendable (Tensor<Double>) throws -> Tensor<Double>
        let backward: @Sendable (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    }

    // @code activations
    /// The tutorial's list, each through ConvLab's reference op. Leaky ReLU uses the tutorial's
    /// slope 0.1 (`max(0.1x, x)`); TensorFlow's default is 0.2.
    static let activations: [Activation] = [
        Activation(name: "sigmoid", forward: { try Reference.sigmoidForward($0) },
                   backward: { try Reference.sigmoidBackward($0, dOutput: $1) }),
        Activation(name: "tanh", forward: { try Reference.tanhForward($0) },
                   backward: { try Reference.tanhBackward($0, dOutput: $1) }),
        Activation(name: "ReLU", forward: { try Reference.reluForward($0) },
                   backward: { try Reference.reluBackward($0, dOutput: $1) }),
        Activation(name: "leaky", forward: { try Reference.leakyReLUForward($0, alpha: 0.1) },
                   backward: { try Reference.leakyReLUBackward($0, alpha: 0.1, dOutput: $1) }),
        Activation(name: "ELU", forward: { try Reference.eluForward($0) },
                   backward: { try Reference.eluBackward($0, dOutput: $1) }),
    ]
    // @end

    static let samples: [Double] = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3]

    /// The table of values.
    static func values(_ out: inout Transcript) throws {
        // @code values
        let x = Tensor<Double>(samples)
        let columns = try activations.map { try $0.forward(x) }
        var table = Table(["x"] + activations.map(\.name))
        for i in 0..<x.count {
            let values: [Line] = columns.map { "\($0.scalars[i], decimals: 4)" }
            table.row(["\(x.scalars[i], decimals: 1)"] + values)
        }
        out.say(table)
        // @end
    }

    /// The derivatives, from each op's backward pass with an upstream gradient of ones.
    static func derivatives(_ out: inout Transcript) throws {
        // @code derivatives
        let x = Tensor<Double>(samples)
        let ones = try Tensor<Double>(shape: x.shape, repeating: 1)
        let columns = try activations.map { try $0.backward(x, ones) }
        var table = Table(["x"] + activations.map { $0.name + "'" })
        for i in 0..<x.count {
            let slopes: [Line] = columns.map { "\($0.scalars[i], decimals: 4)" }
            table.row(["\(x.scalars[i], decimals: 1)"] + slopes)
        }
        out.say(table)
        // Check each backward pass against a centred difference (f(x+h) - f(x-h)) / 2h at every
        // point, h = 1e-5, on points that avoid the kink at 0.
        let probe = Tensor<Double>(stride(from: -3.95, through: 3.95, by: 0.1).map { $0 })
        let upstream = try Tensor<Double>(shape: probe.shape, repeating: 1)
        for activation in activations {
            let analytic = try activation.backward(probe, upstream)
            let numeric = try numericalGradient(of: activation.forward, at: probe, upstream: upstream)
            let worst = try analytic.maxAbsDifference(numeric)
            out.say("\(activation.name): max |analytic - numeric| over \(probe.count) points: \(worst < 1e-8 ? "below 1e-8" : "TOO LARGE")")
        }
        // @end
    }

    /// Why sigmoid and tanh make deep networks slow to train, and what ReLU does instead.
    static func vanishing(_ out: inout Transcript) throws {
        // @code vanishing
        let x = Tensor<Double>([0, 2, 5, 10])
        let ones = try Tensor<Double>(shape: [4], repeating: 1)
        let sigmoidSlope = try Reference.sigmoidBackward(x, dOutput: ones)
        let tanhSlope = try Reference.tanhBackward(x, dOutput: ones)
        var table = Table("x", "sigmoid'", "tanh'")
        for i in 0..<x.count {
            table.row("\(x.scalars[i], decimals: 0)", "\(sigmoidSlope.scalars[i], scientific: 2)", "\(tanhSlope.scalars[i], scientific: 2)")
        }
        out.say(table)
        // Backprop through ten sigmoid layers multiplies ten such slopes, each at most 1/4.
        var product = 1.0
        for _ in 0..<10 { product *= sigmoidSlope.scalars[0] }
        out.say("ten sigmoid slopes at their best (x = 0): 0.25^10 = \(product, scientific: 2)")
        // ReLU passes the gradient through unchanged where x > 0, and blocks it where x < 0.
        var generator = SeededGenerator(seed: 5)
        let z = try Tensor<Double>(shape: [1000], scalars: (0..<1000).map { _ in generator.nextNormal() })
        let reluSlope = try Reference.reluBackward(z, dOutput: try Tensor(shape: [1000], repeating: 1))
        let blocked = reluSlope.scalars.filter { $0 == 0 }.count
        out.say("ReLU on 1000 standard normal inputs: slope 1 for \(1000 - blocked), slope 0 for \(blocked)")
        // @end
    }

    /// The slopes are half the story: backprop through a dense layer also multiplies by its
    /// weights. Ten sigmoid layers and ten ReLU layers, measured.
    static func deepStack(_ out: inout Transcript) throws {
        // @code deep-stack
        // Ten dense layers of 64 units on 32 random inputs; the gradient of sum(output) is sent
        // back, and its root-mean-square is measured at each layer's input (layer 10 is the top).
        func backprop(_ activation: Activation, _ initializer: Initializer) throws -> (sizes: [Double], flat: Double) {
            var generator = SeededGenerator(seed: 7)
            var h = try Tensor<Double>(shape: [32, 64], scalars: (0..<(32 * 64)).map { _ in generator.nextNormal() })
            var layers: [(input: Tensor<Double>, weights: Tensor<Double>, preActivation: Tensor<Double>)] = []
            for _ in 1...10 {
                let w = Tensor<Double>(initializer.make(shape: [64, 64], generator: &generator))
                let z = try Reference.denseForward(h, weights: w, bias: try Tensor(zeros: [64]))
                layers.append((h, w, z))
                h = try activation.forward(z)
            }
            var gradient = try Tensor<Double>(shape: h.shape, repeating: 1)
            var sizes: [Double] = []
            var flat = 0, units = 0
            for layer in layers.reversed() {
                let slopes = try activation.backward(layer.preActivation, try Tensor(shape: h.shape, repeating: 1))
                flat += slopes.scalars.filter { $0 < 0.01 }.count
                units += slopes.count
                let dZ = try activation.backward(layer.preActivation, gradient)       // times f'(z)
                gradient = try Reference.denseBackward(layer.input, weights: layer.weights, dOutput: dZ).dInput  // times W
                sizes.append((gradient.scalars.map { $0 * $0 }.reduce(0, +) / Double(gradient.count)).squareRoot())
            }
            return (sizes, Double(flat) / Double(units))       // sizes: layer 10's input first
        }
        var table = Table("layers, weights", "RMS at layer 10", "at layer 1", "1 / 10", "units with f' < 0.01")
        for (activation, initializer, label) in [(activations[0], Initializer.glorotNormal, "sigmoid, Glorot"),
                                                 (activations[0], .randomNormal(stddev: 0.5), "sigmoid, N(0, 0.5)"),
                                                 (activations[0], .randomNormal(stddev: 2), "sigmoid, N(0, 2)"),
                                                 (activations[2], .heNormal, "ReLU, He")] {
            let (sizes, flat) = try backprop(activation, initializer)
            table.row("\(label)", "\(sizes[0], scientific: 1)", "\(sizes[9], scientific: 1)", "\(sizes[9] / sizes[0], scientific: 1)",
                      "\(100 * flat, decimals: 0)%")
        }
        out.say(table)
        // @end
    }

    /// Maxout: the maximum of k linear functions. With the right lines it becomes ReLU,
    /// leaky ReLU or |x|; in a network the lines are learned.
    static func maxout(_ out: inout Transcript) throws {
        // @code maxout
        let xs: [Double] = [-2, -1, 0, 1, 2]
        let pairs: [(name: String, second: (Double) -> Double)] = [
            ("max(x, 0)", { _ in 0 }), ("max(x, 0.1x)", { 0.1 * $0 }), ("max(x, -x)", { -$0 }),
        ]
        var table = Table(["x"] + xs.map { String(Int($0)) })
        for (name, second) in pairs {
            // Each row holds the two linear pieces [x, g(x)]; maxout with 1 unit keeps the larger.
            let pieces = try Tensor<Double>(shape: [xs.count, 2], scalars: xs.flatMap { [$0, second($0)] })
            let y = try Reference.maxoutForward(pieces, units: 1)
            let values: [Line] = y.scalars.map { "\($0, decimals: 1)" }
            table.row(["\(name)"] + values)
        }
        out.say(table)
        // The price: k pieces need k sets of weights. A 64 -> 64 dense layer, then with k = 2.
        let plain = denseParameterCount(inputs: 64, outputs: 64)
        let maxout2 = denseParameterCount(inputs: 64, outputs: 2 * 64)
        out.say("parameters: dense 64 -> 64 = \(plain); maxout with 2 pieces = \(maxout2)")
        // TensorFlow's leaky ReLU default slope against the tutorial's 0.1, at x = -1.
        let minusOne = Tensor<Double>([-1])
        let tfDefault = try Reference.leakyReLUForward(minusOne)
        let tutorial = try Reference.leakyReLUForward(minusOne, alpha: 0.1)
        out.say("leaky ReLU at -1: TF default \(tfDefault.scalars[0], decimals: 1), tutorial \(tutorial.scalars[0], decimals: 1)")
        // @end
    }

    /// The picture: each activation and its derivative on [-4, 4], plus a maxout of two lines.
    static func activationFigure() throws -> String {
        let x = Tensor<Double>((0...80).map { -4 + 0.1 * Double($0) })
        let ones = try Tensor<Double>(shape: x.shape, repeating: 1)
        let ranges: [ClosedRange<Double>] = [-0.5...1.5, -1.5...1.5, -1...4, -1...4, -1.5...4]
        var plots: [LinePlot] = []
        for (activation, range) in zip(activations, ranges) {
            let f = try activation.forward(x), d = try activation.backward(x, ones)
            plots.append(LinePlot(title: activation.name == "leaky" ? "leaky ReLU (0.1)" : activation.name, series: [
                .init(name: "f(x)", points: (0..<x.count).map { (x.scalars[$0], f.scalars[$0]) }),
                .init(name: "f'(x)", points: (0..<x.count).map { (x.scalars[$0], d.scalars[$0]) }, dashed: true),
            ], xRange: -4...4, yRange: range))
        }
        // Maxout of the two lines x and -x/2.
        let pieces = try Tensor<Double>(shape: [x.count, 2], scalars: x.scalars.flatMap { [$0, -0.5 * $0] })
        let m = try Reference.maxoutForward(pieces, units: 1)
        let dm = try Reference.maxoutBackward(pieces, units: 1, dOutput: try Tensor(shape: [x.count, 1], repeating: 1))
        plots.append(LinePlot(title: "maxout of x and -x/2", series: [
            .init(name: "f(x)", points: (0..<x.count).map { (x.scalars[$0], m.scalars[$0]) }),
            // d f / d x = (d f / d piece 1) * 1 + (d f / d piece 2) * (-1/2)
            .init(name: "f'(x)", points: (0..<x.count).map { (x.scalars[$0], dm.scalars[2 * $0] - 0.5 * dm.scalars[2 * $0 + 1]) },
                  dashed: true),
        ], xRange: -4...4, yRange: -1...4))
        return try LinePlot.svgDocument(plots, columns: 3)
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let x = Tensor<Double>([-2, 0, 1])
        let ones = try Tensor<Double>(shape: [3], repeating: 1)
        let leaky = try Reference.leakyReLUForward(x, alpha: 0.1), dLeaky = try Reference.leakyReLUBackward(x, alpha: 0.1, dOutput: ones)
        let elu = try Reference.eluForward(x), dElu = try Reference.eluBackward(x, dOutput: ones)
        out.say("1. at -2: leaky \(leaky.scalars[0], decimals: 4) (slope \(dLeaky.scalars[0], decimals: 4)), "
                + "ELU \(elu.scalars[0], decimals: 4) (slope \(dElu.scalars[0], decimals: 4))")
        let dSigmoid = try Reference.sigmoidBackward(x, dOutput: ones), dTanh = try Reference.tanhBackward(x, dOutput: ones)
        out.say("2. slopes at 0: sigmoid \(dSigmoid.scalars[1], decimals: 4), tanh \(dTanh.scalars[1], decimals: 4)")
        out.say("3. tanh'(1)^5 = \(dTanh.scalars[2], decimals: 4)^5 = \((0..<5).reduce(1.0) { p, _ in p * dTanh.scalars[2] }, decimals: 4)")
        // @end
    }
}
