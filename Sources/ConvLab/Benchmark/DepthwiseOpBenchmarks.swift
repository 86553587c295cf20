/// The depthwise, separable and 1-D convolutions at one batch size, each on both paths: what
/// `convlab bench` validates and times after the lecture 7 convnet's ops.
///
///     dw3x3     depthwise 3x3, M = 1, SAME on [N,28,28,32] (a MobileNet block at 28x28), stride 1
///     dw3x3s2   the same at stride 2 (MobileNet's downsampling block)
///     dw3x3m2   the same at stride 1 with channel multiplier M = 2 (32 -> 64 channels)
///     sep3x3    that depthwise step, then a 1x1 conv 32 -> 64 (`tf.nn.separable_conv2d`)
///     seqconv   conv1d, 5 taps, 32 -> 64 channels, SAME, over sequences of 100 steps
///
/// Filter gradients sum over all N*OH*OW output pixels (100 352 at batch 128) in another order
/// than the reference, hence their looser absolute tolerance.
public func depthwiseOpBenchmarks(batch: Int, seed: UInt64 = 11) -> [OpBenchmark] {
    var generator = SeededGenerator(seed: seed)
    let reference = Kernels(.reference), fast = Kernels(.fast)
    var cases: [OpBenchmark] = []

    let x = benchmarkTensor([batch, 28, 28, 32], generator: &generator)
    let depthwiseFilter = benchmarkTensor([3, 3, 32, 1], generator: &generator, scale: 0.3)
    for (label, stride) in [("dw3x3", 1), ("dw3x3s2", 2)] {
        let size = (28 + stride - 1) / stride
        let dy = benchmarkTensor([batch, size, size, 32], generator: &generator)
        let flops = 2.0 * Double(batch * size * size * 32 * 9)
        let strides = Size2(stride, stride)
        cases.append(OpBenchmark(name: "\(label)_forward", flops: flops,
            reference: { [try reference.depthwiseConv2DForward(x, filter: depthwiseFilter, strides: strides, padding: .same)] },
            fast: { [try fast.depthwiseConv2DForward(x, filter: depthwiseFilter, strides: strides, padding: .same)] }))
        cases.append(OpBenchmark(name: "\(label)_backward", flops: 2 * flops, atol: 1e-2, rtol: 1e-4,
            reference: { let g = try reference.depthwiseConv2DBackward(x, filter: depthwiseFilter, dOutput: dy,
                                                                       strides: strides, padding: .same)
                         return [g.dInput, g.dFilter] },
            fast: { let g = try fast.depthwiseConv2DBackward(x, filter: depthwiseFilter, dOutput: dy,
                                                             strides: strides, padding: .same)
                    return [g.dInput, g.dFilter] }))
    }

    // Channel multiplier 2: 32 -> 64 channels (the fast twin repeats each input channel twice).
    let doublingFilter = benchmarkTensor([3, 3, 32, 2], generator: &generator, scale: 0.3)
    let doubledDy = benchmarkTensor([batch, 28, 28, 64], generator: &generator)
    let doublingFlops = 2.0 * Double(batch * 28 * 28 * 64 * 9)
    cases.append(OpBenchmark(name: "dw3x3m2_forward", flops: doublingFlops,
        reference: { [try reference.depthwiseConv2DForward(x, filter: doublingFilter, padding: .same)] },
        fast: { [try fast.depthwiseConv2DForward(x, filter: doublingFilter, padding: .same)] }))
    cases.append(OpBenchmark(name: "dw3x3m2_backward", flops: 2 * doublingFlops, atol: 1e-2, rtol: 1e-4,
        reference: { let g = try reference.depthwiseConv2DBackward(x, filter: doublingFilter, dOutput: doubledDy, padding: .same)
                     return [g.dInput, g.dFilter] },
        fast: { let g = try fast.depthwiseConv2DBackward(x, filter: doublingFilter, dOutput: doubledDy, padding: .same)
                return [g.dInput, g.dFilter] }))

    let pointwiseFilter = benchmarkTensor([1, 1, 32, 64], generator: &generator, scale: 0.2)
    let separableDy = benchmarkTensor([batch, 28, 28, 64], generator: &generator)
    let separableFlops = 2.0 * Double(batch * 28 * 28 * 32 * (9 + 64))
    cases.append(OpBenchmark(name: "sep3x3_forward", flops: separableFlops,
        reference: { [try reference.separableConv2DForward(x, depthwiseFilter: depthwiseFilter,
                                                           pointwiseFilter: pointwiseFilter, padding: .same)] },
        fast: { [try fast.separableConv2DForward(x, depthwiseFilter: depthwiseFilter,
                                                 pointwiseFilter: pointwiseFilter, padding: .same)] }))
    cases.append(OpBenchmark(name: "sep3x3_backward", flops: 2 * separableFlops, atol: 1e-2, rtol: 1e-4,
        reference: { let g = try reference.separableConv2DBackward(x, depthwiseFilter: depthwiseFilter,
                         pointwiseFilter: pointwiseFilter, dOutput: separableDy, padding: .same)
                     return [g.dInput, g.dDepthwiseFilter, g.dPointwiseFilter] },
        fast: { let g = try fast.separableConv2DBackward(x, depthwiseFilter: depthwiseFilter,
                    pointwiseFilter: pointwiseFilter, dOutput: separableDy, padding: .same)
                return [g.dInput, g.dDepthwiseFilter, g.dPointwiseFilter] }))

    let sequence = benchmarkTensor([batch, 100, 32], generator: &generator)
    let sequenceFilter = benchmarkTensor([5, 32, 64], generator: &generator, scale: 0.1)
    let sequenceDy = benchmarkTensor([batch, 100, 64], generator: &generator)
    let sequenceFlops = 2.0 * Double(batch * 100 * 64 * 5 * 32)
    cases.append(OpBenchmark(name: "seqconv_forward", flops: sequenceFlops,
        reference: { [try reference.conv1DForward(sequence, filter: sequenceFilter, padding: .same)] },
        fast: { [try fast.conv1DForward(sequence, filter: sequenceFilter, padding: .same)] }))
    cases.append(OpBenchmark(name: "seqconv_backward", flops: 2 * sequenceFlops, atol: 1e-2, rtol: 1e-4,
        reference: { let g = try reference.conv1DBackward(sequence, filter: sequenceFilter, dOutput: sequenceDy, padding: .same)
                     return [g.dInput, g.dFilter] },
        fast: { let g = try fast.conv1DBackward(sequence, filter: sequenceFilter, dOutput: sequenceDy, padding: .same)
                return [g.dInput, g.dFilter] }))
    return cases
}
