import ConvLab
import ConvLabTestSupport
import Testing

/// The numerical gradient of a Float model's scalar loss with respect to one variable, by
/// centred differences (`h` is large because the model runs in Float: rounding of ~1e-7 in the
/// loss becomes ~1e-7/h in the slope).
private func numericGradient(of variable: Variable, h: Float, loss: () throws -> Double) rethrows -> Tensor<Float> {
    var gradient = variable.value
    for i in 0..<variable.value.count {
        let original = variable.value.scalars[i]
        var probe = variable.value
        probe.withUnsafeMutableBufferPointer { $0[i] = original + h }
        variable.value = probe
        let plus = try loss()
        probe.withUnsafeMutableBufferPointer { $0[i] = original - h }
        variable.value = probe
        let minus = try loss()
        probe.withUnsafeMutableBufferPointer { $0[i] = original }
        variable.value = probe
        gradient.withUnsafeMutableBufferPointer { $0[i] = Float((plus - minus) / (2 * Double(h))) }
    }
    return gradient
}

@Suite("Layers: shapes, parameter counts, summaries")
struct LayerShapeTests {
    // CS 20SI lecture 7: 28x28x1 -> conv1 28x28x32 -> pool 14x14x32 -> conv2 14x14x64 -> pool 7x7x64
    // -> fc 1024 -> 10; weights 5*5*1*32+32 = 832, 5*5*32*64+64 = 51,264, 3136*1024+1024 = 3,212,288,
    // 1024*10+10 = 10,250.
    @Test func lecture7SummaryReproducesTheLecture() throws {
        let model = try ModelRecipe.lecture7.build(seed: 0)
        let rows = try model.summaryRows(inputShape: [1, 28, 28, 1])
        #expect(rows.map(\.name) == ["conv1", "pool1", "conv2", "pool2", "flatten", "fc", "dropout", "softmax_linear"])
        #expect(rows.map(\.outputShape) == [[1, 28, 28, 32], [1, 14, 14, 32], [1, 14, 14, 64], [1, 7, 7, 64],
                                            [1, 3136], [1, 1024], [1, 1024], [1, 10]])
        #expect(rows.map(\.parameters) == [832, 0, 51_264, 0, 0, 3_212_288, 0, 10_250])
        #expect(model.parameterCount == 3_274_634)
        let text = try model.summary(inputShape: [128, 28, 28, 1])
        #expect(text.contains("[B,28,28,32]"))
        #expect(text.contains("3,212,288"))
        #expect(text.contains("3,274,634"))
        #expect(model.variables.map(\.name).prefix(2) == ["conv1/weights", "conv1/biases"])
    }

    // Tutorial #03's CNN: [B,28,28,4] -> [B,14,14,4] -> [B,14,14,8] -> [B,7,7,8] -> 392 -> 10.
    @Test func tutorial03SummaryReproducesTheTutorial() throws {
        let model = try ModelRecipe.tutorial03.build(seed: 0)
        let rows = try model.summaryRows(inputShape: [1, 28, 28, 1])
        #expect(rows.map(\.outputShape) == [[1, 28, 28, 4], [1, 14, 14, 4], [1, 14, 14, 8], [1, 7, 7, 8],
                                            [1, 392], [1, 10]])
        #expect(rows.map(\.parameters) == [3 * 3 * 1 * 4 + 4, 0, 3 * 3 * 4 * 8 + 8, 0, 0, 392 * 10 + 10])
    }

    // The notebook's example: 10 filters of 5x5 on a 32x32x3 volume: (5*5*3 + 1) * 10 = 760.
    @Test func notebookExampleParameterCount() throws {
        let conv = Conv2D("conv", kernel: 5, inputChannels: 3, filters: 10, padding: .same)
        #expect(conv.parameterCount == 760)
        #expect(try conv.outputShape(for: [1, 32, 32, 3]) == [1, 32, 32, 10])
        let separable = SeparableConv2D("sep", kernel: 3, inputChannels: 8, filters: 16)
        #expect(separable.parameterCount == 3 * 3 * 8 + 8 * 16 + 16)
        let depthwise = DepthwiseConv2D("dw", kernel: 3, inputChannels: 8, depthMultiplier: 2)
        #expect(try depthwise.outputShape(for: [2, 9, 9, 8]) == [2, 9, 9, 16])
    }

    @Test func wrongInputChannelsNameTheLayer() throws {
        let conv = Conv2D("conv2", kernel: 5, inputChannels: 32, filters: 64)
        #expect(throws: ConvLabError.shape(op: "conv2",
            message: "conv2d was built for 32 input channels but the input has 1 ([1,28,28,1])")) {
            try conv.outputShape(for: [1, 28, 28, 1])
        }
        #expect(throws: ConvLabError.self) { try Sequential([Dense("a", inputs: 2, outputs: 2), Dense("a", inputs: 2, outputs: 2)]) }
    }
}

@Suite("Layers: gradients of Sequential.backward against centred differences")
struct LayerGradientTests {
    /// Runs `model` on `x`, takes `L = sum(output * weights)` and checks every trainable
    /// variable's gradient and the input's gradient against numeric ones.
    /// Expected agreement: Float rounding gives numeric slopes good to ~1e-4 absolute at h = 1e-2
    /// for outputs of order 1, so the bound is atol 2e-3 + rtol 2e-2.
    func check(_ model: Sequential, input: Tensor<Float>, mode: Mode = .training, seed: UInt64,
               h: Float = 1e-2, tolerance: Tolerance = Tolerance(atol: 2e-3, rtol: 2e-2)) throws {
        let context = LayerContext(kernels: Kernels(.reference), mode: mode)
        let outShape = try model.outputShape(for: input.shape)
        let dOut = Tensor<Float>(randomTensor(outShape, seed: seed))
        func loss(_ x: Tensor<Float>) throws -> Double {
            let y = try model.forward(x, context: context)
            return zip(y.scalars, dOut.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = try model.forward(input, context: context)
        let dInput = try model.backward(dOut, context: context)
        let analytic = model.trainableVariables.map { ($0, $0.gradient) }
        for (variable, gradient) in analytic {
            let numeric = try numericGradient(of: variable, h: h) { try loss(input) }
            let mismatch = compare(gradient, numeric, tolerance)
            #expect(mismatch == nil, "\(variable.name): \(mismatch?.description ?? "")")
        }
        let inputVariable = Variable(name: "input", shape: input.shape, initializer: .zeros)
        inputVariable.value = input
        let numericInput = try numericGradient(of: inputVariable, h: h) { try loss(inputVariable.value) }
        let mismatch = compare(dInput, numericInput, tolerance)
        #expect(mismatch == nil, "input: \(mismatch?.description ?? "")")
    }

    // Smooth activations and average pooling keep every probe away from kinks.
    @Test func convPoolDenseChain() throws {
        let model = try Sequential([
            Conv2D("conv1", kernel: 3, inputChannels: 2, filters: 3, activation: .tanh),
            AvgPool2D("pool1"),
            DepthwiseConv2D("dw", kernel: 2, inputChannels: 3, depthMultiplier: 2, activation: .sigmoid),
            SeparableConv2D("sep", kernel: 2, inputChannels: 6, filters: 2, strides: 2, activation: .softplus),
            Flatten(),
            Dense("fc", inputs: 2 * 2 * 2, outputs: 3, activation: .elu),
        ])
        model.initialize(seed: 3)
        try check(model, input: Tensor<Float>(randomTensor([2, 6, 7, 2], seed: 4)), seed: 5)
    }

    @Test func batchNormAndResidualBlockInTraining() throws {
        let model = try Sequential([
            Conv2D("conv1", kernel: 3, inputChannels: 1, filters: 2, activation: .tanh),
            ResidualBlock("res1", channels: 2),
            BatchNorm("bn", channels: 2),
        ])
        model.initialize(seed: 7)
        try check(model, input: Tensor<Float>(randomTensor([2, 4, 4, 1], seed: 8)), seed: 9)
    }

    // Max pooling and ReLU have kinks: a probe of h = 1e-2 can flip which cell wins a window, so
    // the step is 1e-3 and the absolute bound grows with the Float noise (~1e-7 / 1e-3 per unit of loss).
    @Test func reluAndMaxPool() throws {
        let model = try Sequential([
            Conv2D("conv1", kernel: 3, inputChannels: 1, filters: 2, activation: .relu, biasInitializer: .constant(0.3)),
            MaxPool2D("pool1"),
            Flatten(),
            Dense("fc", inputs: 2 * 3 * 3, outputs: 4, activation: .leakyReLU(alpha: 0.2)),
            Dense("out", inputs: 4, outputs: 3),
        ])
        model.initialize(seed: 11)
        try check(model, input: Tensor<Float>(randomTensor([2, 5, 5, 1], seed: 12, range: -2...2)), seed: 13,
                  h: 1e-3, tolerance: Tolerance(atol: 5e-3, rtol: 2e-2))
    }
}

@Suite("Layers: train and evaluation modes")
struct LayerModeTests {
    @Test func dropoutIsIdentityInEvaluationAndScalesInTraining() throws {
        let dropout = Dropout("drop", keepProbability: 0.5, seed: 1)
        let x = try Tensor<Float>(shape: [4, 100], repeating: 1)
        let eval = try dropout.forward(x, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation))
        #expect(eval == x)
        let train = try dropout.forward(x, context: LayerContext(kernels: Kernels(.reference), mode: .training))
        #expect(Set(train.scalars).isSubset(of: [0, 2]))
        let kept = train.scalars.filter { $0 == 2 }.count
        #expect(kept > 150 && kept < 250, "kept \(kept) of 400 at keep 0.5")
    }

    // Zero-debiased moving averages (assign_moving_average(zero_debias=True)): after one step the
    // moving statistics equal the batch statistics exactly.
    @Test func batchNormMovingAveragesAreDebiased() throws {
        let bn = BatchNorm("bn", channels: 1, epsilon: 1e-3, decay: 0.999)
        let model = try Sequential([bn])
        model.initialize(seed: 0)
        let x = try Tensor<Float>(shape: [4, 1, 1, 1], scalars: [1, 2, 3, 6])  // mean 3, variance 3.5
        _ = try model.forward(x, context: LayerContext(kernels: Kernels(.reference), mode: .training))
        let (mean, variance) = try bn.movingStatistics()
        #expect(abs(mean.scalars[0] - 3) < 1e-4)
        #expect(abs(variance.scalars[0] - 3.5) < 1e-3)
        let y = try model.forward(x, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation))
        #expect(abs(y.scalars[3] - 3 / (3.5 + 1e-3 as Float).squareRoot()) < 1e-4)
    }
}
