import ConvLab
import ConvLabTestSupport
import Testing

/// conv -> bias -> ReLU -> max pool -> dense -> softmax cross-entropy, chained by hand from the
/// reference ops, so the parameter gradients of the backward passes can be checked against the
/// numerical gradient of the loss itself.
private struct SmallNetwork {
    var filter: Tensor<Double>      // [3, 3, 1, 2]
    var convBias: Tensor<Double>    // [2]
    var weights: Tensor<Double>     // [18, 3]
    var denseBias: Tensor<Double>   // [3]

    static let images = randomTensor([2, 6, 6, 1], seed: 1)
    static let labels = try! Tensor<Double>([[0, 1, 0], [0.2, 0.3, 0.5]])

    /// The summed loss over the batch.
    func loss() throws -> Double {
        try forward().loss
    }

    func forward() throws -> (loss: Double, conv: Tensor<Double>, pooled: Tensor<Double>, logits: Tensor<Double>) {
        let conv = try Reference.biasAddForward(
            Reference.conv2DForward(Self.images, filter: filter, padding: .same), bias: convBias)
        let relu = try Reference.reluForward(conv)
        let pooled = try Reference.maxPoolForward(relu, windowSize: 2, strides: 2, padding: .valid)
        let logits = try Reference.denseForward(pooled.reshaped([2, 18]), weights: weights, bias: denseBias)
        let perExample = try Reference.softmaxCrossEntropyForward(labels: Self.labels, logits: logits)
        return (perExample.sum(), conv, pooled, logits)
    }

    /// Every parameter's gradient by chaining the backward passes.
    func gradients() throws -> (filter: Tensor<Double>, convBias: Tensor<Double>,
                                weights: Tensor<Double>, denseBias: Tensor<Double>) {
        let f = try forward()
        let dLogits = try Reference.softmaxCrossEntropyBackward(labels: Self.labels, logits: f.logits,
                                                                dOutput: Tensor(shape: [2], repeating: 1))
        let dense = try Reference.denseBackward(f.pooled.reshaped([2, 18]), weights: weights, dOutput: dLogits)
        let relu = try Reference.reluForward(f.conv)
        let dRelu = try Reference.maxPoolBackward(relu, dOutput: dense.dInput.reshaped([2, 3, 3, 2]),
                                                  windowSize: 2, strides: 2, padding: .valid)
        let dConv = try Reference.reluBackward(f.conv, dOutput: dRelu)
        let bias = try Reference.biasAddBackward(dOutput: dConv)
        let conv = try Reference.conv2DBackward(Self.images, filter: filter, dOutput: bias.dInput, padding: .same)
        return (conv.dFilter, bias.dBias, dense.dWeights, dense.dBias)
    }
}

@Suite("end to end: a small network's chained gradients")
struct SmallNetworkGradientTests {
    // ReLU and max pool make the loss piecewise smooth; the seeds keep every pre-activation and
    // every pooling window clear of a kink by more than h (checked below), so the expected
    // relative error is ~1e-9; asserted <= 1e-5 (kinks exist).
    @Test func chainedBackwardMatchesNumericalGradientOfLoss() throws {
        let net = SmallNetwork(filter: randomTensor([3, 3, 1, 2], seed: 2),
                               convBias: randomTensor([2], seed: 3, range: -0.1...0.1),
                               weights: randomTensor([18, 3], seed: 4),
                               denseBias: randomTensor([3], seed: 5))
        let f = try net.forward()
        #expect(f.loss.isFinite && f.loss > 0)
        #expect(f.conv.scalars.allSatisfy { abs($0) > 1e-4 }, "a pre-activation sits on ReLU's kink")
        // Every 2x2 pooling window has a clear winner (or is all zeros after ReLU, where a
        // nudge changes nothing).
        let relu = try Reference.reluForward(f.conv)
        for n in 0..<2 { for i in 0..<3 { for j in 0..<3 { for c in 0..<2 {
            let window = [relu[n, 2 * i, 2 * j, c], relu[n, 2 * i, 2 * j + 1, c],
                          relu[n, 2 * i + 1, 2 * j, c], relu[n, 2 * i + 1, 2 * j + 1, c]].sorted(by: >)
            #expect(window[0] == 0 || window[0] - window[1] > 1e-4, "near-tie in window \([n, i, j, c]): \(window)")
        } } } }

        let analytic = try net.gradients()
        var checks: [(String, GradientReport)] = []
        checks.append(("filter", gradientReport(
            analytic: analytic.filter,
            numeric: try numericalGradient({ var n = net; n.filter = $0; return try n.loss() }, at: net.filter),
            input: net.filter)))
        checks.append(("convBias", gradientReport(
            analytic: analytic.convBias,
            numeric: try numericalGradient({ var n = net; n.convBias = $0; return try n.loss() }, at: net.convBias),
            input: net.convBias)))
        checks.append(("weights", gradientReport(
            analytic: analytic.weights,
            numeric: try numericalGradient({ var n = net; n.weights = $0; return try n.loss() }, at: net.weights),
            input: net.weights)))
        checks.append(("denseBias", gradientReport(
            analytic: analytic.denseBias,
            numeric: try numericalGradient({ var n = net; n.denseBias = $0; return try n.loss() }, at: net.denseBias),
            input: net.denseBias)))
        for (name, report) in checks {
            print("[gradcheck] small network d\(name): \(report.relativeError)")
            #expect(report.relativeError <= 1e-5, "d\(name): \(report)")
        }
    }
}
