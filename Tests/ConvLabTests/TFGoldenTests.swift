import ConvLab
import ConvLabTestSupport
import Foundation
import Testing

/// ConvLab against TensorFlow 2.21's own numbers, from the fixtures that
/// `Tests/TFGolden/make_fixtures.py` wrote (see its README). No Python runs here.
@Suite("TensorFlow golden fixtures")
struct TFGoldenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> JSONValue {
        let url = fixtures.appendingPathComponent(name)
        return try JSONValue.parse(Array(try Data(contentsOf: url)), path: url.path)
    }

    static func tensor(_ value: JSONValue?, _ name: String) throws -> Tensor<Float> {
        try ConformanceCase.tensor(try #require(value, "fixture has no \(name)"), name: name, op: "fixture")
    }

    // MARK: - Single ops, through the conformance runner

    /// Every case of `tf_ops.json` (46 cases: conv1d, conv2d with strides 2 and 2x3 and dilations 2
    /// and 3x2, pools with odd sizes, activations at exact zeros, softmax over axes 0 and 1,
    /// losses, dense, bias add, batch norm (training and inference), resize) computed by the runner and checked against TF with
    /// the case's own tolerance (1e-4 abs + 1e-4 rel; 2e-3 abs for bicubic resize).
    @Test(arguments: KernelPath.allCases)
    func singleOpsMatchTensorFlow(path: KernelPath) throws {
        let golden = try Self.load("tf_ops.json")
        let run = try Conformance.run(golden, kernels: Kernels(path), path: "tf_ops.json")
        #expect(run.caseCount == 46)
        for failure in run.failures {
            Issue.record("\(failure)")
        }
        guard case let .array(cases)? = golden["cases"] else { Issue.record("no cases"); return }
        let results = Dictionary(uniqueKeysWithValues: run.results.map { ($0.id, $0) })
        var checked = 0
        for goldenCase in cases {
            guard case let .string(id)? = goldenCase["id"], let result = results[id] else { continue }
            let tolerance = Tolerance(atol: Double(goldenCase["tolerance"]?["abs"]?.floatValue ?? 1e-4),
                                      rtol: Double(goldenCase["tolerance"]?["rel"]?.floatValue ?? 1e-4))
            var expected: [(String, JSONValue, Tensor<Float>?)] = []
            if let y = goldenCase["outputs"]?["y"] { expected.append(("y", y, result.output)) }
            if case let .object(grads)? = goldenCase["grads"] {
                for (name, value) in grads where name != "dy" {
                    expected.append((name, value, result.gradients.first { $0.name == name }?.tensor))
                }
            }
            for (name, value, got) in expected {
                let want = try Self.tensor(value, name)
                guard let got else { Issue.record("\(id): no \(name) computed"); continue }
                if let mismatch = compare(got, want, tolerance) {
                    Issue.record("\(id) \(name) (\(path)): \(mismatch)")
                }
                checked += 1
            }
        }
        #expect(checked >= 100, "only \(checked) tensors were compared")
    }

    // MARK: - The lecture 7 convnet

    /// The convnet's parameters, generated as the fixture documents (`pattern` in make_fixtures.py).
    struct Parameters {
        var tensors: [String: Tensor<Float>] = [:]
        static let names = ["conv1_w", "conv1_b", "conv2_w", "conv2_b", "fc1_w", "fc1_b", "fc2_w", "fc2_b"]
        subscript(name: String) -> Tensor<Float> {
            get { tensors[name]! }
            set { tensors[name] = newValue }
        }
    }

    /// One forward and backward pass of the lecture 7 convnet, composed from `Kernels` ops:
    /// conv 5x5x1x32 SAME + bias + relu, max pool 2x2/2 SAME, conv 5x5x32x64 SAME + bias + relu,
    /// max pool, flatten 3136, dense 1024 + relu, dense 10, mean softmax cross-entropy.
    static func lossAndGradients(_ p: Parameters, images x: Tensor<Float>, labels: Tensor<Float>,
                                 kernels k: Kernels) throws -> (loss: Float, logits: Tensor<Float>, gradients: [String: Tensor<Float>]) {
        let batch = x.shape[0]
        let z1 = try k.ops.biasAddForward(try k.ops.conv2DForward(x, filter: p["conv1_w"], strides: 1, padding: .same, dilations: 1), bias: p["conv1_b"])
        let r1 = try k.ops.reluForward(z1)
        let p1 = try k.ops.maxPoolForward(r1, windowSize: 2, strides: 2, padding: .same)
        let z2 = try k.ops.biasAddForward(try k.ops.conv2DForward(p1, filter: p["conv2_w"], strides: 1, padding: .same, dilations: 1), bias: p["conv2_b"])
        let r2 = try k.ops.reluForward(z2)
        let p2 = try k.ops.maxPoolForward(r2, windowSize: 2, strides: 2, padding: .same)
        let flat = try p2.reshaped([batch, 3136])
        let z3 = try k.ops.denseForward(flat, weights: p["fc1_w"], bias: p["fc1_b"])
        let r3 = try k.ops.reluForward(z3)
        let logits = try k.ops.denseForward(r3, weights: p["fc2_w"], bias: p["fc2_b"])
        let perExample = try k.ops.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: -1)
        let loss = perExample.sum() / Float(batch)

        // The mean sends 1/N to every example.
        let dPerExample = try Tensor<Float>(shape: [batch], repeating: 1 / Float(batch))
        let dLogits = try k.ops.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dPerExample, axis: -1)
        let fc2 = try k.ops.denseBackward(r3, weights: p["fc2_w"], dOutput: dLogits)
        let dZ3 = try k.ops.reluBackward(z3, dOutput: fc2.dInput)
        let fc1 = try k.ops.denseBackward(flat, weights: p["fc1_w"], dOutput: dZ3)
        let dP2 = try fc1.dInput.reshaped(p2.shape)
        let dZ2 = try k.ops.reluBackward(z2, dOutput: try k.ops.maxPoolBackward(r2, dOutput: dP2, windowSize: 2, strides: 2, padding: .same))
        let conv2 = try k.ops.conv2DBackward(p1, filter: p["conv2_w"], dOutput: dZ2, strides: 1, padding: .same, dilations: 1)
        let dZ1 = try k.ops.reluBackward(z1, dOutput: try k.ops.maxPoolBackward(r1, dOutput: conv2.dInput, windowSize: 2, strides: 2, padding: .same))
        let conv1 = try k.ops.conv2DBackward(x, filter: p["conv1_w"], dOutput: dZ1, strides: 1, padding: .same, dilations: 1)
        let gradients = [
            "conv1_w": conv1.dFilter, "conv1_b": try k.ops.biasAddBackward(dOutput: dZ1).dBias,
            "conv2_w": conv2.dFilter, "conv2_b": try k.ops.biasAddBackward(dOutput: dZ2).dBias,
            "fc1_w": fc1.dWeights, "fc1_b": fc1.dBias, "fc2_w": fc2.dWeights, "fc2_b": fc2.dBias,
        ]
        return (loss, logits, gradients)
    }

    /// The fixture's batch and parameters, rebuilt from its formula.
    static func convnetSetup(_ fixture: JSONValue) throws -> (Parameters, Tensor<Float>, Tensor<Float>) {
        var parameters = Parameters()
        guard case let .array(specs)? = fixture["parameters"] else { throw ConvLabError.argument(op: "fixture", message: "no parameters") }
        for spec in specs {
            guard case let .string(name)? = spec["name"], case let .array(dims)? = spec["shape"],
                  let seed = spec["pattern_seed"]?.intValue, let scale = spec["scale_log2"]?.intValue else {
                throw ConvLabError.argument(op: "fixture", message: "bad parameter entry")
            }
            parameters[name] = try tfGoldenPattern(shape: dims.compactMap(\.intValue), seed: seed, scaleLog2: scale)
        }
        let input = try #require(fixture["input"])
        guard case let .array(pixelValues)? = input["pixels"], case let .array(digitValues)? = input["digits"],
              let noiseSeed = input["noise_pattern_seed"]?.intValue, let noiseScale = input["noise_scale_log2"]?.intValue else {
            throw ConvLabError.argument(op: "fixture", message: "bad input entry")
        }
        let batch = digitValues.count
        let noise = try tfGoldenPattern(shape: [batch, 28, 28, 1], seed: noiseSeed, scaleLog2: noiseScale)
        // x = float32(pixel) / 255 + noise: each step rounds once, as numpy's float32 does.
        let images = try Tensor<Float>(shape: [batch, 28, 28, 1], scalars: zip(pixelValues, noise.scalars).map { pixel, n in
            Float(pixel.intValue ?? 0) / 255 + n
        })
        var oneHot = [Float](repeating: 0, count: batch * 10)
        for (i, digit) in digitValues.enumerated() { oneHot[i * 10 + (digit.intValue ?? 0)] = 1 }
        return (parameters, images, try Tensor(shape: [batch, 10], scalars: oneHot))
    }

    /// Checks a tensor against a fixture entry stored whole (`shape`, `data`) or summarised
    /// (`sum`, `l2`, `max_abs`, `sample_index`/`sample_data`).
    static func check(_ got: Tensor<Float>, against entry: JSONValue, _ label: String, _ tolerance: Tolerance) throws {
        if entry["data"] != nil {
            let want = try tensor(entry, label)
            if let mismatch = compare(got, want, tolerance) { Issue.record("\(label): \(mismatch)") }
            return
        }
        guard case let .array(shape)? = entry["shape"], case let .array(indices)? = entry["sample_index"],
              case let .array(samples)? = entry["sample_data"] else {
            Issue.record("\(label): summary entry without shape or samples")
            return
        }
        #expect(got.shape == shape.compactMap(\.intValue), "\(label) shape")
        let values = got.scalars.map(Double.init)
        let sum = values.reduce(0, +), l2 = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let maxAbs = values.reduce(0) { max($0, abs($1)) }
        let scale = Double(entry["max_abs"]?.floatValue ?? 1)
        // The sum cancels, so it is compared against the size of its terms rather than its own size.
        let sumTolerance = tolerance.atol * Double(got.count).squareRoot() + tolerance.rtol * l2
        #expect(abs(sum - Double(entry["sum"]?.floatValue ?? .nan)) <= sumTolerance, "\(label) sum \(sum) vs \(String(describing: entry["sum"]))")
        #expect(abs(l2 - Double(entry["l2"]?.floatValue ?? .nan)) <= 1e-4 * l2, "\(label) L2 \(l2) vs \(String(describing: entry["l2"]))")
        #expect(abs(maxAbs - scale) <= tolerance.atol + tolerance.rtol * scale, "\(label) max |value| \(maxAbs) vs \(scale)")
        #expect(indices.count == samples.count && indices.count >= 100)
        for (index, sample) in zip(indices, samples) {
            guard let i = index.intValue, i >= 0, i < got.count, let want = sample.floatValue else {
                Issue.record("\(label): bad sample entry")
                continue
            }
            if !tolerance.accepts(Double(got.scalars[i]), Double(want)) {
                Issue.record("\(label)[flat \(i)]: got \(got.scalars[i]), TensorFlow \(want) (\(tolerance))")
            }
        }
    }

    /// The first forward/backward pass of the lecture 7 convnet on 4 MNIST digits with the
    /// fixture's weights, composed directly from `Kernels` ops: loss, logits and every parameter
    /// gradient. Gradients are compared with atol 1e-6 + rtol 1e-3 (float32 sums of up to 3136
    /// terms in another order than TF's, on gradients up to ~0.1).
    @Test func lecture7ConvnetGradientsFromOpsMatchTensorFlow() throws {
        let fixture = try Self.load("tf_convnet.json")
        let (parameters, images, labels) = try Self.convnetSetup(fixture)
        let pass = try Self.lossAndGradients(parameters, images: images, labels: labels, kernels: Kernels(.reference))
        let wantLoss = try #require(fixture["loss"]?.floatValue)
        #expect(abs(pass.loss - wantLoss) <= 1e-5 * wantLoss, "loss \(pass.loss) vs TensorFlow \(wantLoss)")
        try Self.check(pass.logits, against: try #require(fixture["logits"]), "logits", Tolerance(atol: 1e-5, rtol: 1e-4))
        for name in Parameters.names {
            let entry = try #require(fixture["gradients"]?[name], "no gradient \(name)")
            try Self.check(try #require(pass.gradients[name]), against: entry, "d\(name)", Tolerance(atol: 1e-6, rtol: 1e-3))
        }
    }

    /// The same network built from ConvLab's layers (`Sequential`, `Conv2D`, `MaxPool2D`,
    /// `Flatten`, `Dense`; no dropout, as in the fixture) and trained with its `Optimizer.adam`
    /// (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7) for 3 steps on the same batch, against
    /// Keras's Adam: the gradients of the first step, the loss before each step and after the
    /// last, and each parameter's total update. Updates are about 1e-3 per step; atol 2e-5 is
    /// 2% of one step.
    @Test func lecture7LayersAndAdamStepsMatchTensorFlow() throws {
        let fixture = try Self.load("tf_convnet.json")
        let (parameters, images, labels) = try Self.convnetSetup(fixture)
        let model = try Sequential([
            Conv2D("conv1", kernel: 5, inputChannels: 1, filters: 32, activation: .relu),
            MaxPool2D("pool1"),
            Conv2D("conv2", kernel: 5, inputChannels: 32, filters: 64, activation: .relu),
            MaxPool2D("pool2"),
            Flatten("flatten"),
            Dense("fc1", inputs: 3136, outputs: 1024, activation: .relu),
            Dense("fc2", inputs: 1024, outputs: 10),
        ])
        let variables = model.variables
        try #require(variables.count == Parameters.names.count)
        for (variable, name) in zip(variables, Parameters.names) {
            try #require(variable.shape == parameters[name].shape, "\(variable.name) vs \(name)")
            variable.value = parameters[name]
        }
        let context = LayerContext(kernels: Kernels(.reference), mode: .training)
        let optimizer = Optimizer.adam(learningRate: 1e-3, epsilon: 1e-7)
        var losses: [Float] = []
        for step in 1...3 {
            let logits = try model.forward(images, context: context)
            let (loss, dLogits) = try Loss.softmaxCrossEntropy.evaluate(logits: logits, labels: labels, kernels: context.kernels)
            losses.append(loss)
            _ = try model.backward(dLogits, context: context)
            if step == 1 {
                for (variable, name) in zip(variables, Parameters.names) {
                    let entry = try #require(fixture["gradients"]?[name], "no gradient \(name)")
                    try Self.check(variable.gradient, against: entry, "layers d\(name)", Tolerance(atol: 1e-6, rtol: 1e-3))
                }
            }
            try optimizer.apply(to: variables)
        }
        let logits = try model.forward(images, context: LayerContext(kernels: Kernels(.reference), mode: .evaluation))
        losses.append(try Loss.softmaxCrossEntropy.evaluate(logits: logits, labels: labels, kernels: context.kernels).loss)

        let adam = try #require(fixture["adam"])
        guard case let .array(wantLosses)? = adam["losses_before_each_step_and_after"] else { Issue.record("no losses"); return }
        #expect(losses.count == wantLosses.count)
        for (got, want) in zip(losses, wantLosses.compactMap(\.floatValue)) {
            #expect(abs(got - want) <= 1e-4 * max(want, 0.1), "Adam losses \(losses) vs TensorFlow \(wantLosses)")
        }
        for (variable, name) in zip(variables, Parameters.names) {
            let update = try Tensor(shape: variable.shape,
                                    scalars: zip(variable.value.scalars, parameters[name].scalars).map { $0 - $1 })
            let entry = try #require(adam["updates"]?[name], "no update for \(name)")
            try Self.check(update, against: entry, "update \(name)", Tolerance(atol: 2e-5, rtol: 1e-3))
        }
    }

    @Test func patternMatchesThePythonFormula() throws {
        // Values printed by make_fixtures.py's `pattern` (numpy): pattern((6,), seed=1, scale_log2=0)
        // and fc1_w = pattern((3136, 1024), seed=5, scale_log2=15) at flat 0, 1_000_000 and the last.
        let small = try tfGoldenPattern(shape: [6], seed: 1, scaleLog2: 0)
        #expect(small.scalars == [82, -77, -825, -173, -35, 599])
        let fc1 = try tfGoldenPattern(shape: [3136, 1024], seed: 5, scaleLog2: 15)
        let sampled: [Float] = [fc1.scalars[0], fc1.scalars[1_000_000], fc1.scalars[3_211_263]]
        let expected: [Float] = [-257, 526, -648]
        #expect(sampled == expected.map { $0 / 32768 })
    }
}

/// The fixtures' deterministic weights: integer hash of the flat index mapped to [-1000, 1000],
/// times 2^-scaleLog2 (exact in float32). Identical to `pattern` in make_fixtures.py.
func tfGoldenPattern(shape: [Int], seed: Int, scaleLog2: Int) throws -> Tensor<Float> {
    let count = shape.reduce(1, *)
    let scale = Float(sign: .plus, exponent: -scaleLog2, significand: 1)
    let offset = UInt32(truncatingIfNeeded: seed &* 40503 &+ 12345)
    var scalars: [Float] = []
    scalars.reserveCapacity(count)
    for i in 0..<count {
        var x = UInt32(truncatingIfNeeded: i) &* 2_654_435_761 &+ offset
        x ^= x >> 16
        x = x &* 0x45D_9F3B
        x ^= x >> 16
        x = x &* 0x45D_9F3B
        x ^= x >> 16
        scalars.append(Float(Int(x % 2001) - 1000) * scale)
    }
    return try Tensor(shape: shape, scalars: scalars)
}
