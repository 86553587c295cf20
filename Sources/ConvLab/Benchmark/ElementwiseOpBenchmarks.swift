/// The activations, softmax, losses, batch norm, maxout and dropout at lecture shapes, each on both
/// paths, for `convlab bench`:
///
///     sigmoid, tanh, elu, softplus, leaky relu, maxout and batch norm on conv1's activations [N,28,28,32]
///     softmax, log-softmax and softmax cross-entropy on the logits [N,10]; the loss also on [N,1000]
///     sigmoid cross-entropy and mean squared error on reconstructed MNIST pixels [N,784];
///     dropout on the fc layer [N,1024]
public func elementwiseOpBenchmarks(batch: Int, seed: UInt64 = 11) -> [OpBenchmark] {
    var generator = SeededGenerator(seed: seed)
    let reference = Kernels(.reference), fast = Kernels(.fast)
    var cases: [OpBenchmark] = []

    // Activations on [N,28,28,32], values in [-6, 6] so that both branches of each op are taken.
    let activations = benchmarkTensor([batch, 28, 28, 32], generator: &generator, scale: 6)
    let upstream = benchmarkTensor([batch, 28, 28, 32], generator: &generator)
    typealias Unary = (Kernels, Tensor<Float>) throws -> Tensor<Float>
    typealias Binary = (Kernels, Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>
    let activationOps: [(String, Unary, Binary)] = [
        ("sigmoid", { try $0.sigmoidForward($1) }, { try $0.sigmoidBackward($1, dOutput: $2) }),
        ("tanh", { try $0.tanhForward($1) }, { try $0.tanhBackward($1, dOutput: $2) }),
        ("elu", { try $0.eluForward($1) }, { try $0.eluBackward($1, dOutput: $2) }),
        ("softplus", { try $0.softplusForward($1) }, { try $0.softplusBackward($1, dOutput: $2) }),
        ("leakyrelu", { try $0.leakyReLUForward($1) }, { try $0.leakyReLUBackward($1, dOutput: $2) }),
    ]
    for (name, forward, backward) in activationOps {
        cases.append(OpBenchmark(name: "\(name)_forward", flops: 0,
            reference: { [try forward(reference, activations)] }, fast: { [try forward(fast, activations)] }))
        cases.append(OpBenchmark(name: "\(name)_backward", flops: 0,
            reference: { [try backward(reference, activations, upstream)] },
            fast: { [try backward(fast, activations, upstream)] }))
    }
    let maxoutUpstream = benchmarkTensor([batch, 28, 28, 16], generator: &generator)
    cases.append(OpBenchmark(name: "maxout_forward", flops: 0,
        reference: { [try reference.maxoutForward(activations, units: 16)] },
        fast: { [try fast.maxoutForward(activations, units: 16)] }))
    cases.append(OpBenchmark(name: "maxout_backward", flops: 0,
        reference: { [try reference.maxoutBackward(activations, units: 16, dOutput: maxoutUpstream)] },
        fast: { [try fast.maxoutBackward(activations, units: 16, dOutput: maxoutUpstream)] }))

    // Batch norm over [N,28,28,32] with per-channel statistics (axes [0, 1, 2], epsilon 1e-3 as
    // tutorial #03). The sums run over N*784 values in another order: Float rounding.
    let gamma = benchmarkTensor([32], generator: &generator), beta = benchmarkTensor([32], generator: &generator)
    let movingVariance = benchmarkTensor([32], generator: &generator).map { $0 * $0 + 0.5 }
    let movingMean = benchmarkTensor([32], generator: &generator)
    cases.append(OpBenchmark(name: "batchnorm_forward", flops: 0, atol: 1e-3, rtol: 1e-3,
        reference: { let r = try reference.batchNormForward(activations, gamma: gamma, beta: beta, epsilon: 1e-3); return [r.output, r.mean, r.variance] },
        fast: { let r = try fast.batchNormForward(activations, gamma: gamma, beta: beta, epsilon: 1e-3); return [r.output, r.mean, r.variance] }))
    cases.append(OpBenchmark(name: "batchnorm_backward", flops: 0, atol: 1e-2, rtol: 1e-3,
        reference: { let g = try reference.batchNormBackward(activations, gamma: gamma, dOutput: upstream, epsilon: 1e-3); return [g.dInput, g.dGamma, g.dBeta] },
        fast: { let g = try fast.batchNormBackward(activations, gamma: gamma, dOutput: upstream, epsilon: 1e-3); return [g.dInput, g.dGamma, g.dBeta] }))
    cases.append(OpBenchmark(name: "batchnorm_inference", flops: 0,
        reference: { [try reference.batchNormInference(activations, gamma: gamma, beta: beta, mean: movingMean, variance: movingVariance, epsilon: 1e-3)] },
        fast: { [try fast.batchNormInference(activations, gamma: gamma, beta: beta, mean: movingMean, variance: movingVariance, epsilon: 1e-3)] }))

    // SRCNN's first step: bicubic upscaling of 14x14 digits to 28x28, and its adjoint.
    let small = benchmarkTensor([batch, 14, 14, 1], generator: &generator)
    let dLarge = benchmarkTensor([batch, 28, 28, 1], generator: &generator)
    for method in [ResizeMethod.bilinear, .bicubic] {
        cases.append(OpBenchmark(name: "resize_\(method)_forward", flops: 0,
            reference: { [try reference.resizeForward(small, size: Size2(28, 28), method: method)] },
            fast: { [try fast.resizeForward(small, size: Size2(28, 28), method: method)] }))
        cases.append(OpBenchmark(name: "resize_\(method)_backward", flops: 0,
            reference: { [try reference.resizeBackward(inputShape: small.shape, dOutput: dLarge, method: method)] },
            fast: { [try fast.resizeBackward(inputShape: small.shape, dOutput: dLarge, method: method)] }))
    }

    // The logits layer [N,10]: softmax, log-softmax and the loss the lecture 7 convnet trains on.
    let logits = benchmarkTensor([batch, 10], generator: &generator, scale: 5)
    let dLogits = benchmarkTensor([batch, 10], generator: &generator)
    var oneHot = [Float](repeating: 0, count: batch * 10)
    for n in 0..<batch { oneHot[n * 10 + generator.nextInt(below: 10)] = 1 }
    let labels = Tensor(uncheckedShape: [batch, 10], scalars: oneHot)
    let dLoss = benchmarkTensor([batch], generator: &generator)
    cases.append(OpBenchmark(name: "softmax_forward", flops: 0,
        reference: { [try reference.softmaxForward(logits)] }, fast: { [try fast.softmaxForward(logits)] }))
    cases.append(OpBenchmark(name: "softmax_backward", flops: 0,
        reference: { [try reference.softmaxBackward(logits, dOutput: dLogits)] },
        fast: { [try fast.softmaxBackward(logits, dOutput: dLogits)] }))
    cases.append(OpBenchmark(name: "logsoftmax_forward", flops: 0,
        reference: { [try reference.logSoftmaxForward(logits)] }, fast: { [try fast.logSoftmaxForward(logits)] }))
    cases.append(OpBenchmark(name: "logsoftmax_backward", flops: 0,
        reference: { [try reference.logSoftmaxBackward(logits, dOutput: dLogits)] },
        fast: { [try fast.logSoftmaxBackward(logits, dOutput: dLogits)] }))
    cases.append(OpBenchmark(name: "softmax_ce_forward", flops: 0,
        reference: { [try reference.softmaxCrossEntropyForward(labels: labels, logits: logits)] },
        fast: { [try fast.softmaxCrossEntropyForward(labels: labels, logits: logits)] }))
    cases.append(OpBenchmark(name: "softmax_ce_backward", flops: 0,
        reference: { [try reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dLoss)] },
        fast: { [try fast.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dLoss)] }))

    // The same loss over 1000 classes (an ImageNet classifier's logits), where rows are long
    // enough for the vector exp and the threads to matter.
    let wideLogits = benchmarkTensor([batch, 1000], generator: &generator, scale: 5)
    var wideOneHot = [Float](repeating: 0, count: batch * 1000)
    for n in 0..<batch { wideOneHot[n * 1000 + generator.nextInt(below: 1000)] = 1 }
    let wideLabels = Tensor(uncheckedShape: [batch, 1000], scalars: wideOneHot)
    cases.append(OpBenchmark(name: "softmax_ce1000_forward", flops: 0,
        reference: { [try reference.softmaxCrossEntropyForward(labels: wideLabels, logits: wideLogits)] },
        fast: { [try fast.softmaxCrossEntropyForward(labels: wideLabels, logits: wideLogits)] }))
    cases.append(OpBenchmark(name: "softmax_ce1000_backward", flops: 0,
        reference: { [try reference.softmaxCrossEntropyBackward(labels: wideLabels, logits: wideLogits, dOutput: dLoss)] },
        fast: { [try fast.softmaxCrossEntropyBackward(labels: wideLabels, logits: wideLogits, dOutput: dLoss)] }))

    // Sigmoid cross-entropy on [N,784]: an autoencoder's pixels, labels in [0, 1].
    let pixelLogits = benchmarkTensor([batch, 784], generator: &generator, scale: 5)
    let pixels = benchmarkTensor([batch, 784], generator: &generator).map { abs($0) }
    let dPixels = benchmarkTensor([batch, 784], generator: &generator)
    cases.append(OpBenchmark(name: "sigmoid_ce_forward", flops: 0,
        reference: { [try reference.sigmoidCrossEntropyForward(labels: pixels, logits: pixelLogits)] },
        fast: { [try fast.sigmoidCrossEntropyForward(labels: pixels, logits: pixelLogits)] }))
    cases.append(OpBenchmark(name: "sigmoid_ce_backward", flops: 0,
        reference: { [try reference.sigmoidCrossEntropyBackward(labels: pixels, logits: pixelLogits, dOutput: dPixels)] },
        fast: { [try fast.sigmoidCrossEntropyBackward(labels: pixels, logits: pixelLogits, dOutput: dPixels)] }))

    // Mean squared error on the same [N,784] pixels (an autoencoder trained by regression).
    let lossGradient = Tensor<Float>(scalar: 1)
    cases.append(OpBenchmark(name: "mse_forward", flops: 0, atol: 1e-5, rtol: 1e-4,
        reference: { [try reference.meanSquaredErrorForward(prediction: pixelLogits, target: pixels)] },
        fast: { [try fast.meanSquaredErrorForward(prediction: pixelLogits, target: pixels)] }))
    cases.append(OpBenchmark(name: "mse_backward", flops: 0,
        reference: { [try reference.meanSquaredErrorBackward(prediction: pixelLogits, target: pixels, dOutput: lossGradient)] },
        fast: { [try fast.meanSquaredErrorBackward(prediction: pixelLogits, target: pixels, dOutput: lossGradient)] }))

    // Dropout on the fc layer [N,1024], keep 0.5 as lecture 7; each call starts from the same
    // seed so both paths draw the same mask.
    let hidden = benchmarkTensor([batch, 1024], generator: &generator)
    let dHidden = benchmarkTensor([batch, 1024], generator: &generator)
    let mask = benchmarkTensor([batch, 1024], generator: &generator).map { $0 < 0 ? 0 : 2 }  // 0 or 1 / keep
    cases.append(OpBenchmark(name: "dropout_forward", flops: 0,
        reference: { var draws = SeededGenerator(seed: seed); let r = try reference.dropoutForward(hidden, keepProbability: 0.5, generator: &draws); return [r.output, r.mask] },
        fast: { var draws = SeededGenerator(seed: seed); let r = try fast.dropoutForward(hidden, keepProbability: 0.5, generator: &draws); return [r.output, r.mask] }))
    cases.append(OpBenchmark(name: "dropout_backward", flops: 0,
        reference: { [try reference.dropoutBackward(dOutput: dHidden, mask: mask)] },
        fast: { [try fast.dropoutBackward(dOutput: dHidden, mask: mask)] }))
    return cases
}
