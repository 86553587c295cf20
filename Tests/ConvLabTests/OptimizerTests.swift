import ConvLab
import ConvLabTestSupport
import Testing

/// One scalar variable `w = 1` updated with the gradients 0.5 then -0.25.
private func run(_ optimizer: Optimizer, gradients: [Float] = [0.5, -0.25]) throws -> [Float] {
    let w = Variable(name: "w", shape: [1], initializer: .constant(1))
    w.value = try Tensor(shape: [1], scalars: [1])
    var trace = [Float]()
    for g in gradients {
        w.gradient = try Tensor(shape: [1], scalars: [g])
        try optimizer.apply(to: [w])
        trace.append(w.value.scalars[0])
    }
    return trace
}

@Suite("Optimizers: TensorFlow's update rules, by hand")
struct OptimizerTests {
    // w -= lr * g: 1 - 0.1*0.5 = 0.95; 0.95 + 0.1*0.25 = 0.975.
    @Test func gradientDescent() throws {
        let trace = try run(.sgd(learningRate: 0.1))
        #expect(abs(trace[0] - 0.95) < 1e-7 && abs(trace[1] - 0.975) < 1e-7)
    }

    // tf.train.MomentumOptimizer(0.1, 0.9): a = 0.5, w = 0.95; a = 0.9*0.5 - 0.25 = 0.2, w = 0.93.
    @Test func momentum() throws {
        let trace = try run(.momentum(learningRate: 0.1, momentum: 0.9))
        #expect(abs(trace[0] - 0.95) < 1e-6 && abs(trace[1] - 0.93) < 1e-6)
    }

    // tf.train.RMSPropOptimizer(0.01): ms starts at 1. ms = 0.9 + 0.1*0.25 = 0.925,
    // w = 1 - 0.01*0.5/sqrt(0.925) = 0.99480125; ms = 0.8325 + 0.1*0.0625 = 0.83875,
    // w = 0.99480125 + 0.01*0.25/sqrt(0.83875) = 0.99753100.
    @Test func rmsProp() throws {
        let trace = try run(.rmsProp(learningRate: 0.01))
        #expect(abs(trace[0] - 0.99480125) < 1e-6 && abs(trace[1] - 0.99753100) < 1e-6, "\(trace)")
    }

    // Adam (eps 1e-7): t=1: m = 0.05, v = 0.00025, lr_t = 0.001*sqrt(0.001)/0.1 = 3.16228e-4,
    // w = 1 - lr_t*0.05/(0.0158114 + 1e-7) = 0.99900001;
    // t=2: m = 0.02, v = 0.00031225, lr_t = 0.001*sqrt(0.001999)/0.19 = 2.35317e-4,
    // w = 0.99900001 - lr_t*0.02/(0.0176706 + 1e-7) = 0.99873367.
    @Test func adam() throws {
        let trace = try run(.adam(learningRate: 0.001))
        #expect(abs(trace[0] - 0.99900001) < 1e-6 && abs(trace[1] - 0.99873367) < 1e-6, "\(trace)")
    }

    // With a constant gradient Adam's step is ~lr every time (m/sqrt(v) = 1 after correction).
    @Test func adamStepIsLearningRateForConstantGradient() throws {
        let trace = try run(.adam(learningRate: 0.01), gradients: Array(repeating: 3, count: 5))
        for (t, w) in trace.enumerated() { #expect(abs(w - (1 - 0.01 * Float(t + 1))) < 1e-5) }
    }

    /// A variable of several parallel chunks (the updates run in 65,536-element chunks on the
    /// fast path's threads): every element gets the same update as the one-element trace, so no
    /// chunk is skipped or updated twice, on one thread or two.
    @Test(arguments: [1, 2])
    func everyElementOfALargeVariableIsUpdatedOnce(threads: Int) throws {
        let saved = Fast.threads
        Fast.threads = threads
        defer { Fast.threads = saved }
        for optimizer in [Optimizer.sgd(learningRate: 0.1), .momentum(learningRate: 0.1), .rmsProp(learningRate: 0.01), .adam()] {
            let expected = try run(Optimizer(optimizer.rule, learningRate: optimizer.learningRate))
            let count = 200_003
            let w = Variable(name: "w", shape: [count], initializer: .constant(1))
            w.value = try Tensor(shape: [count], repeating: 1)
            for (step, g) in [Float(0.5), -0.25].enumerated() {
                w.gradient = try Tensor(shape: [count], repeating: g)
                try optimizer.apply(to: [w])
                let wrong = w.value.scalars.filter { $0 != expected[step] }.count
                #expect(wrong == 0, "\(optimizer.description), step \(step + 1): \(wrong) of \(count) elements differ")
            }
        }
    }

    @Test func gradientOfTheWrongShapeThrows() throws {
        let w = Variable(name: "conv1/weights", shape: [2], initializer: .zeros)
        w.gradient = Tensor([1, 2, 3])
        #expect(throws: ConvLabError.self) { try Optimizer.sgd(learningRate: 0.1).apply(to: [w]) }
    }
}

@Suite("Initializers: statistics and determinism")
struct InitializerTests {
    func draw(_ initializer: Initializer, _ shape: [Int], seed: UInt64 = 42) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return initializer.make(shape: shape, generator: &generator).scalars
    }

    func moments(_ x: [Float]) -> (mean: Double, variance: Double) {
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(x.count)
        return (mean, variance)
    }

    // Lecture 7's conv2 filter [5,5,32,64]: fanIn 800, fanOut 1600.
    @Test func fans() {
        #expect(Initializer.fans([5, 5, 32, 64]) == (800, 1600))
        #expect(Initializer.fans([3136, 1024]) == (3136, 1024))
    }

    // Variance targets: Glorot 2/(in+out) = 2/2400, He 2/in = 2/800; uniform limit sqrt(6/2400) = 0.05.
    // 51,200 draws put the sample variance within ~1% (1 sigma); the bound is 4%.
    @Test(arguments: [(Initializer.glorotUniform, 2.0 / 2400), (.glorotNormal, 2.0 / 2400), (.heNormal, 2.0 / 800),
                      (.randomNormal(mean: 0, stddev: 0.5), 0.25),
                      // A normal truncated at 2 sigma keeps 0.8796^2 of the variance.
                      (.truncatedNormal(mean: 0, stddev: 0.1), 0.01 * 0.8796256610342398 * 0.8796256610342398)])
    func variance(initializer: Initializer, expected: Double) {
        let x = draw(initializer, [5, 5, 32, 64])
        let (mean, variance) = moments(x)
        #expect(abs(mean) < 4 * (expected / Double(x.count)).squareRoot())
        #expect(abs(variance / expected - 1) < 0.04, "\(initializer): variance \(variance), expected \(expected)")
    }

    @Test func boundsOfUniformAndTruncated() {
        #expect(draw(.glorotUniform, [5, 5, 32, 64]).allSatisfy { abs($0) <= 0.05 })
        #expect(draw(.truncatedNormal(stddev: 0.1), [1000]).allSatisfy { abs($0) <= 0.2 })
        #expect(draw(.constant(0.1), [7]) == Array(repeating: 0.1, count: 7))
        #expect(draw(.zeros, [3]) == [0, 0, 0])
    }

    @Test func sameSeedSameWeights() throws {
        let a = try ModelRecipe.tutorial03.build(seed: 2017)
        let b = try ModelRecipe.tutorial03.build(seed: 2017)
        let c = try ModelRecipe.tutorial03.build(seed: 2018)
        #expect(a.variables.map(\.value) == b.variables.map(\.value))
        #expect(a.variables[0].value != c.variables[0].value)
        // A fixed value pins the stream across platforms: xoshiro256** and Box-Muller are our own.
        #expect(draw(.glorotUniform, [2, 2], seed: 1) == draw(.glorotUniform, [2, 2], seed: 1))
    }
}
