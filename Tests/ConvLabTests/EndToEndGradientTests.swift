import ConvLab
import ConvLabTestSupport
import Testing

/// End-to-end gradient checks: small networks built from the reference ops, whose parameter (and
/// input) gradients come from chaining the backward passes by hand, checked against the numerical
/// gradient of the scalar loss, the mean softmax cross-entropy over the batch.
///
/// ReLU and max pool have kinks. Instead of only hoping the seeds avoid them, every probe
/// `θ ± h` of the numerical gradient recomputes the network's *routing* (which ReLU inputs are
/// positive, which element wins each pooling window) and the test fails if any probe changes it.
/// With the routing fixed the loss is smooth along every probe, so centred differences are as
/// accurate as for a smooth op: the loss (~1) is rounded by ~1e-16, which over 2h = 2e-5 is
/// ~1e-11 absolute; on gradient entries down to ~1e-4 that is up to ~1e-7 relative, typically
/// 1e-10 to 2e-8 (seen). Asserted <= 1e-7.
@Suite("end to end: chained backward passes against the numerical gradient of the loss")
struct EndToEndGradientTests {
    static let bound = 1e-7

    /// Mean softmax cross-entropy of `logits` against one-hot `labels`, and its gradient.
    static func meanCrossEntropy(labels: Tensor<Double>, logits: Tensor<Double>) throws -> (loss: Double, dLogits: Tensor<Double>) {
        let batch = logits.shape[0]
        let perExample = try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits)
        // d(mean)/d(loss_n) = 1/N for every example.
        let dLoss = try Tensor<Double>(shape: [batch], repeating: 1 / Double(batch))
        let dLogits = try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dLoss)
        return (perExample.sum() / Double(batch), dLogits)
    }

    /// One-hot labels for `classes` classes, example n labelled n % classes.
    static func oneHot(batch: Int, classes: Int) throws -> Tensor<Double> {
        try Tensor(shape: [batch, classes], scalars: (0..<batch * classes).map { $0 % classes == ($0 / classes) % classes ? 1 : 0 })
    }

    // MARK: - conv -> ReLU -> max pool -> dense -> softmax cross-entropy

    /// conv 3x3 SAME (+ bias) -> ReLU -> max pool 2x2 stride 2 SAME (5x5 -> 3x3, with padding)
    /// -> dense -> mean softmax cross-entropy.
    struct ConvNet {
        var images: Tensor<Double>     // [3, 5, 5, 2]
        var filter: Tensor<Double>     // [3, 3, 2, 3]
        var convBias: Tensor<Double>   // [3]
        var weights: Tensor<Double>    // [27, 4]
        var denseBias: Tensor<Double>  // [4]
        let labels: Tensor<Double>     // [3, 4]

        struct Activations {
            var preActivation: Tensor<Double>, relu: Tensor<Double>, pooled: Tensor<Double>
            var flat: Tensor<Double>, logits: Tensor<Double>, loss: Double, dLogits: Tensor<Double>
        }

        func forward() throws -> Activations {
            let conv = try Reference.conv2DForward(images, filter: filter, padding: .same)
            let preActivation = try Reference.biasAddForward(conv, bias: convBias)
            let relu = try Reference.reluForward(preActivation)
            let pooled = try Reference.maxPoolForward(relu, windowSize: 2, strides: 2, padding: .same)
            let flat = try pooled.reshaped([images.shape[0], 27])
            let logits = try Reference.denseForward(flat, weights: weights, bias: denseBias)
            let (loss, dLogits) = try meanCrossEntropy(labels: labels, logits: logits)
            return Activations(preActivation: preActivation, relu: relu, pooled: pooled, flat: flat,
                               logits: logits, loss: loss, dLogits: dLogits)
        }

        /// Which ReLU inputs are positive and where each pooling window's gradient goes.
        func routing() throws -> [Double] {
            let a = try forward()
            let mask = a.preActivation.scalars.map { $0 > 0 ? 1.0 : 0.0 }
            let ones = try Tensor<Double>(shape: a.pooled.shape, repeating: 1)
            let winners = try Reference.maxPoolBackward(a.relu, dOutput: ones, windowSize: 2, strides: 2, padding: .same)
            return mask + winners.scalars
        }

        /// Every gradient by chaining the backward passes, last layer first.
        func gradients() throws -> (images: Tensor<Double>, filter: Tensor<Double>, convBias: Tensor<Double>,
                                    weights: Tensor<Double>, denseBias: Tensor<Double>) {
            let a = try forward()
            let dense = try Reference.denseBackward(a.flat, weights: weights, dOutput: a.dLogits)
            let dPooled = try dense.dInput.reshaped(a.pooled.shape)
            let dRelu = try Reference.maxPoolBackward(a.relu, dOutput: dPooled, windowSize: 2, strides: 2, padding: .same)
            let dPre = try Reference.reluBackward(a.preActivation, dOutput: dRelu)
            let bias = try Reference.biasAddBackward(dOutput: dPre)
            let conv = try Reference.conv2DBackward(images, filter: filter, dOutput: bias.dInput, padding: .same)
            return (conv.dInput, conv.dFilter, bias.dBias, dense.dWeights, dense.dBias)
        }
    }

    @Test func convReLUMaxPoolDenseSoftmax() throws {
        let net = ConvNet(images: randomTensor([3, 5, 5, 2], seed: 201),
                          filter: randomTensor([3, 3, 2, 3], seed: 202, range: -0.5...0.5),
                          convBias: randomTensor([3], seed: 203, range: -0.1...0.1),
                          weights: randomTensor([27, 4], seed: 204, range: -0.5...0.5),
                          denseBias: randomTensor([4], seed: 205, range: -0.1...0.1),
                          labels: try Self.oneHot(batch: 3, classes: 4))
        let base = try net.forward()
        #expect(base.loss.isFinite && base.loss > 0)
        let baseRouting = try net.routing()
        #expect(baseRouting.contains(0) && baseRouting.contains(1), "ReLU should both pass and block something")
        // The routing detects a moved kink: a large bias shift switches ReLUs on.
        var shifted = net
        shifted.convBias = net.convBias.map { $0 + 1 }
        #expect(try shifted.routing() != baseRouting)

        var changedRouting = 0
        /// The loss as a function of one parameter, failing the test if the probe moves a kink.
        func probe(_ set: @escaping (inout ConvNet, Tensor<Double>) -> Void) -> (Tensor<Double>) throws -> Double {
            { value in
                var n = net
                set(&n, value)
                if try n.routing() != baseRouting { changedRouting += 1 }
                return try n.forward().loss
            }
        }
        let analytic = try net.gradients()
        let checks: [(String, Tensor<Double>, Tensor<Double>, (inout ConvNet, Tensor<Double>) -> Void)] = [
            ("images", analytic.images, net.images, { $0.images = $1 }),
            ("filter", analytic.filter, net.filter, { $0.filter = $1 }),
            ("convBias", analytic.convBias, net.convBias, { $0.convBias = $1 }),
            ("weights", analytic.weights, net.weights, { $0.weights = $1 }),
            ("denseBias", analytic.denseBias, net.denseBias, { $0.denseBias = $1 }),
        ]
        for (name, gradient, value, set) in checks {
            let numeric = try numericalGradient(probe(set), at: value)
            expectGradient("end-to-end conv/relu/maxpool/dense/softmax d\(name)", analytic: gradient,
                           numeric: numeric, input: value, bound: Self.bound)
        }
        #expect(changedRouting == 0, "\(changedRouting) probes crossed a ReLU or max-pool kink")
    }

    // MARK: - separable conv -> batch norm -> ReLU -> average pool -> dense -> softmax cross-entropy

    /// The same check through this branch's ops, where batch norm couples the examples of the
    /// batch (each example's loss depends on every other example through the batch statistics).
    struct SeparableNet {
        var images: Tensor<Double>      // [4, 4, 6, 2]
        var depthwise: Tensor<Double>   // [3, 3, 2, 2]
        var pointwise: Tensor<Double>   // [1, 1, 4, 3]
        var gamma: Tensor<Double>       // [3]
        var beta: Tensor<Double>        // [3]
        var weights: Tensor<Double>     // [18, 3]
        var denseBias: Tensor<Double>   // [3]
        let labels: Tensor<Double>      // [4, 3]
        static let epsilon = 1e-3

        struct Activations {
            var separable: Tensor<Double>, normalized: Tensor<Double>, relu: Tensor<Double>, pooled: Tensor<Double>
            var flat: Tensor<Double>, loss: Double, dLogits: Tensor<Double>
        }

        func forward() throws -> Activations {
            let separable = try Reference.separableConv2DForward(images, depthwiseFilter: depthwise,
                                                                 pointwiseFilter: pointwise, padding: .same)
            let normalized = try Reference.batchNormForward(separable, gamma: gamma, beta: beta, epsilon: Self.epsilon).output
            let relu = try Reference.reluForward(normalized)
            let pooled = try Reference.avgPoolForward(relu, windowSize: 2, strides: 2, padding: .valid)
            let flat = try pooled.reshaped([images.shape[0], 18])
            let logits = try Reference.denseForward(flat, weights: weights, bias: denseBias)
            let (loss, dLogits) = try meanCrossEntropy(labels: labels, logits: logits)
            return Activations(separable: separable, normalized: normalized, relu: relu, pooled: pooled,
                               flat: flat, loss: loss, dLogits: dLogits)
        }

        func routing() throws -> [Bool] { try forward().normalized.scalars.map { $0 > 0 } }

        func gradients() throws -> [String: Tensor<Double>] {
            let a = try forward()
            let dense = try Reference.denseBackward(a.flat, weights: weights, dOutput: a.dLogits)
            let dRelu = try Reference.avgPoolBackward(a.relu, dOutput: dense.dInput.reshaped(a.pooled.shape),
                                                      windowSize: 2, strides: 2, padding: .valid)
            let dNormalized = try Reference.reluBackward(a.normalized, dOutput: dRelu)
            let norm = try Reference.batchNormBackward(a.separable, gamma: gamma, dOutput: dNormalized,
                                                       epsilon: Self.epsilon)
            let separable = try Reference.separableConv2DBackward(images, depthwiseFilter: depthwise,
                                                                  pointwiseFilter: pointwise, dOutput: norm.dInput,
                                                                  padding: .same)
            return ["images": separable.dInput, "depthwise": separable.dDepthwiseFilter,
                    "pointwise": separable.dPointwiseFilter, "gamma": norm.dGamma, "beta": norm.dBeta,
                    "weights": dense.dWeights, "denseBias": dense.dBias]
        }
    }

    @Test func separableBatchNormReLUAvgPoolDenseSoftmax() throws {
        let net = SeparableNet(images: randomTensor([4, 4, 6, 2], seed: 211),
                               depthwise: randomTensor([3, 3, 2, 2], seed: 212, range: -0.5...0.5),
                               pointwise: randomTensor([1, 1, 4, 3], seed: 213, range: -0.5...0.5),
                               gamma: randomTensor([3], seed: 214, range: 0.5...1.5),
                               beta: randomTensor([3], seed: 215, range: -0.2...0.2),
                               weights: randomTensor([18, 3], seed: 216, range: -0.5...0.5),
                               denseBias: randomTensor([3], seed: 217, range: -0.1...0.1),
                               labels: try Self.oneHot(batch: 4, classes: 3))
        let base = try net.forward()
        #expect(base.loss.isFinite && base.loss > 0)
        let baseRouting = try net.routing()
        var changedRouting = 0
        func probe(_ set: @escaping (inout SeparableNet, Tensor<Double>) -> Void) -> (Tensor<Double>) throws -> Double {
            { value in
                var n = net
                set(&n, value)
                if try n.routing() != baseRouting { changedRouting += 1 }
                return try n.forward().loss
            }
        }
        let analytic = try net.gradients()
        let checks: [(String, Tensor<Double>, (inout SeparableNet, Tensor<Double>) -> Void)] = [
            ("images", net.images, { $0.images = $1 }),
            ("depthwise", net.depthwise, { $0.depthwise = $1 }),
            ("pointwise", net.pointwise, { $0.pointwise = $1 }),
            ("gamma", net.gamma, { $0.gamma = $1 }),
            ("beta", net.beta, { $0.beta = $1 }),
            ("weights", net.weights, { $0.weights = $1 }),
            ("denseBias", net.denseBias, { $0.denseBias = $1 }),
        ]
        for (name, value, set) in checks {
            let numeric = try numericalGradient(probe(set), at: value)
            expectGradient("end-to-end separable/batchnorm/relu/avgpool/dense/softmax d\(name)",
                           analytic: try #require(analytic[name]), numeric: numeric, input: value, bound: Self.bound)
        }
        #expect(changedRouting == 0, "\(changedRouting) probes crossed a ReLU kink")
    }
}
