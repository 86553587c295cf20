/// The ops of the lecture 7 convnet at one batch size, each on both paths: what `convlab bench`
/// validates and times op by op.
///
///     conv 5x5x1x32 SAME, relu, maxpool 2x2 -> conv 5x5x32x64 SAME, relu, maxpool 2x2
///     -> dense 3136->1024 relu, dropout -> dense 1024->10 -> softmax cross-entropy
public func convnetOpBenchmarks(batch: Int, seed: UInt64 = 7) -> [OpBenchmark] {
    var generator = SeededGenerator(seed: seed)
    let reference = Kernels(.reference), fast = Kernels(.fast)
    var cases: [OpBenchmark] = []

    // conv1 [N,28,28,1] * [5,5,1,32] SAME and conv2 [N,14,14,32] * [5,5,32,64] SAME.
    for (label, size, inC, outC) in [("conv1", 28, 1, 32), ("conv2", 14, 32, 64)] {
        let x = benchmarkTensor([batch, size, size, inC], generator: &generator)
        let w = benchmarkTensor([5, 5, inC, outC], generator: &generator, scale: 0.1)
        let dy = benchmarkTensor([batch, size, size, outC], generator: &generator)
        let flops = 2.0 * Double(batch * size * size * outC * 25 * inC)
        cases.append(OpBenchmark(name: "\(label)_forward", flops: flops,
            reference: { [try reference.conv2DForward(x, filter: w, padding: .same)] },
            fast: { [try fast.conv2DForward(x, filter: w, padding: .same)] }))
        cases.append(OpBenchmark(name: "\(label)_backward", flops: 2 * flops, atol: 1e-3, rtol: 1e-4,
            reference: { let g = try reference.conv2DBackward(x, filter: w, dOutput: dy, padding: .same); return [g.dInput, g.dFilter] },
            fast: { let g = try fast.conv2DBackward(x, filter: w, dOutput: dy, padding: .same); return [g.dInput, g.dFilter] }))
    }

    // pool1 on conv1's output [N,28,28,32] and pool2 on [N,14,14,64]: 2x2, stride 2, SAME.
    for (label, size, channels) in [("pool1", 28, 32), ("pool2", 14, 64)] {
        let x = benchmarkTensor([batch, size, size, channels], generator: &generator)
        let dy = benchmarkTensor([batch, size / 2, size / 2, channels], generator: &generator)
        cases.append(OpBenchmark(name: "\(label)_forward", flops: 0,
            reference: { [try reference.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same)] },
            fast: { [try fast.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same)] }))
        cases.append(OpBenchmark(name: "\(label)_backward", flops: 0,
            reference: { [try reference.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .same)] },
            fast: { [try fast.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .same)] }))
    }

    // relu and bias add on conv1's activations [N,28,28,32].
    let activations = benchmarkTensor([batch, 28, 28, 32], generator: &generator)
    let upstream = benchmarkTensor([batch, 28, 28, 32], generator: &generator)
    let channelBias = benchmarkTensor([32], generator: &generator)
    cases.append(OpBenchmark(name: "relu1_forward", flops: 0,
        reference: { [try reference.reluForward(activations)] }, fast: { [try fast.reluForward(activations)] }))
    cases.append(OpBenchmark(name: "relu1_backward", flops: 0,
        reference: { [try reference.reluBackward(activations, dOutput: upstream)] },
        fast: { [try fast.reluBackward(activations, dOutput: upstream)] }))
    cases.append(OpBenchmark(name: "bias1_forward", flops: 0,
        reference: { [try reference.biasAddForward(activations, bias: channelBias)] },
        fast: { [try fast.biasAddForward(activations, bias: channelBias)] }))
    cases.append(OpBenchmark(name: "bias1_backward", flops: 0, atol: 1e-3,
        reference: { [try reference.biasAddBackward(dOutput: upstream).dBias] },
        fast: { [try fast.biasAddBackward(dOutput: upstream).dBias] }))

    // fc 3136 -> 1024 and the logits layer 1024 -> 10.
    for (label, inputs, outputs) in [("fc", 3136, 1024), ("logits", 1024, 10)] {
        let x = benchmarkTensor([batch, inputs], generator: &generator)
        let w = benchmarkTensor([inputs, outputs], generator: &generator, scale: 0.05)
        let b = benchmarkTensor([outputs], generator: &generator)
        let dy = benchmarkTensor([batch, outputs], generator: &generator)
        let flops = 2.0 * Double(batch * inputs * outputs)
        cases.append(OpBenchmark(name: "\(label)_forward", flops: flops,
            reference: { [try reference.denseForward(x, weights: w, bias: b)] },
            fast: { [try fast.denseForward(x, weights: w, bias: b)] }))
        cases.append(OpBenchmark(name: "\(label)_backward", flops: 2 * flops, atol: 1e-3,
            reference: { let g = try reference.denseBackward(x, weights: w, dOutput: dy); return [g.dInput, g.dWeights, g.dBias] },
            fast: { let g = try fast.denseBackward(x, weights: w, dOutput: dy); return [g.dInput, g.dWeights, g.dBias] }))
    }
    cases += depthwiseOpBenchmarks(batch: batch, seed: seed &+ 1)
    cases += elementwiseOpBenchmarks(batch: batch, seed: seed &+ 4)
    return cases
}
