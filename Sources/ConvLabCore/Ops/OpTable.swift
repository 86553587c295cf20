/// Every op of `KernelOps`, registered once with its conformance name, its inputs, its forward
/// and backward calls and the shapes `convlab bench` times (the lecture 7 convnet's layers, then
/// MobileNet-style depthwise blocks, then activations, losses and batch norm at lecture shapes).
/// `Conformance`, `convlab bench` and the cross-check tests iterate this list.
package enum OpTable {
    /// The ops, in the order `convlab bench` runs them.
    package static let all: [OpDescriptor] = convolutions + pooling + elementwise + losses + normalization

    /// The op called `name`.
    package static func named(_ name: String) -> OpDescriptor? { all.first { $0.name == name } }

    // MARK: - Convolutions

    /// `strides`, `padding` and `dilations` of a 2-D window op.
    private static func window(_ call: OpCall) throws -> (strides: Size2, padding: Padding, dilations: Size2) {
        let a = call.attributes, op = call.op
        return (try a.size2("strides", default: 1, op: op), try a.padding(op: op), try a.size2("dilations", default: 1, op: op))
    }

    /// The input `x`, the filter `w` and the window attributes of a conv2d-like call.
    private static func convolution(_ call: OpCall) throws
        -> (x: Tensor<Float>, w: Tensor<Float>, strides: Size2, padding: Padding, dilations: Size2) {
        let x = try call.input("x"), w = try call.input("w")   // a missing input is named before an attribute
        let (s, p, d) = try window(call)
        return (x, w, s, p, d)
    }

    /// A conv1d's `stride`, `padding` and `dilation` (each also accepted under TF's plural name).
    private static func window1D(_ call: OpCall) throws -> (stride: Int, padding: Padding, dilation: Int) {
        let a = call.attributes, op = call.op
        return (try a.single(["stride", "strides"], default: 1, op: op), try a.padding(op: op),
                try a.single(["dilation", "dilations"], default: 1, op: op))
    }

    /// A transposed convolution's `output_size`, nil when the call leaves it to the default.
    private static func outputSize(_ call: OpCall) throws -> Size2? {
        try call.attributes.values["output_size"].map { _ in try call.attributes.size2("output_size", op: call.op) }
    }

    /// A conv2d call's cost: every output value sums `KH * KW * C` products.
    private static func conv2DCost(_ call: OpCall) throws -> [OpCost] {
        let (x, w, s, p, d) = try convolution(call)
        let g = try Conv2DGeometry(input: x.shape, filter: w.shape, strides: s, padding: p, dilations: d)
        return [OpCost(g.outputShape, perValue: g.rows.kernel * g.cols.kernel * g.inChannels)]
    }

    static let convolutions: [OpDescriptor] = [
        OpDescriptor("conv2d", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.1))], benchmarks: { n in
            // Lecture 7's conv1 [N,28,28,1] * [5,5,1,32] and conv2 [N,14,14,32] * [5,5,32,64], SAME.
            let layers: [(String, Int, Int, Int)] = [("conv1", 28, 1, 32), ("conv2", 14, 32, 64)]
            return layers.map { label, size, inC, outC in
                let flops = 2.0 * Double(n * size * size * outC * 25 * inC)
                return OpExample(label, shapes: ["x": [n, size, size, inC], "w": [5, 5, inC, outC]], attributes: ["padding": "SAME"],
                                 flops: flops, gradientTolerance: Tolerance(atol: 1e-3, rtol: 1e-4))
            }
        }, cost: conv2DCost, forward: { ops, call in
            let (x, w, s, p, d) = try convolution(call)
            return [try ops.conv2DForward(x, filter: w, strides: s, padding: p, dilations: d)]
        }, backward: { ops, call, _, dy in
            let (x, w, s, p, d) = try convolution(call)
            let g = try ops.conv2DBackward(x, filter: w, dOutput: dy, strides: s, padding: p, dilations: d)
            return [g.dInput, g.dFilter]
        }),

        // conv2d for a pass nobody differentiates (a model's evaluation), which a path may compute by
        // a faster algorithm (the fast path: Winograd's, for 3x3 and 5x5 filters at stride 1). Not a
        // TF op: TF's conv2d cases run as "conv2d"; a cases file may name this op to test the
        // evaluation path. Lecture 7's conv2, as "conv2d" times it.
        OpDescriptor("conv2d_inference", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.1))], benchmarks: { n in
            let multiplyAdds: Int = n * 14 * 14 * 64 * 25 * 32
            return [OpExample("conv2_inference", shapes: ["x": [n, 14, 14, 32], "w": [5, 5, 32, 64]], attributes: ["padding": "SAME"],
                              flops: 2 * Double(multiplyAdds), tolerance: Tolerance(atol: 1e-4, rtol: 1e-4))]
        }, cost: conv2DCost, forward: { ops, call in
            let (x, w, s, p, d) = try convolution(call)
            return [try ops.conv2DInference(x, filter: w, strides: s, padding: p, dilations: d)]
        }, backward: nil),

        // MobileNet's depthwise 3x3 block at 28x28, at stride 1 and 2 and with channel multiplier 2.
        OpDescriptor("depthwise_conv2d", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.3))], benchmarks: { n in
            let blocks: [(String, Int, Int)] = [("dw3x3", 1, 1), ("dw3x3s2", 2, 1), ("dw3x3m2", 1, 2)]
            return blocks.map { label, stride, multiplier in
                let size = (28 + stride - 1) / stride
                let flops = 2.0 * Double(n * size * size * 32 * multiplier * 9)
                return OpExample(label, shapes: ["x": [n, 28, 28, 32], "w": [3, 3, 32, multiplier]],
                                 attributes: ["strides": .number("\(stride)"), "padding": "SAME"],
                                 flops: flops, gradientTolerance: Tolerance(atol: 1e-2, rtol: 1e-4))
            }
        }, cost: { call in
            let (x, w, s, p, d) = try convolution(call)
            let g = try DepthwiseConv2DGeometry(input: x.shape, filter: w.shape, strides: s, padding: p, dilations: d)
            return [OpCost(g.outputShape, perValue: g.rows.kernel * g.cols.kernel)]
        }, forward: { ops, call in
            let (x, w, s, p, d) = try convolution(call)
            return [try ops.depthwiseConv2DForward(x, filter: w, strides: s, padding: p, dilations: d)]
        }, backward: { ops, call, _, dy in
            let (x, w, s, p, d) = try convolution(call)
            let g = try ops.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: s, padding: p, dilations: d)
            return [g.dInput, g.dFilter]
        }),

        OpDescriptor("separable_conv2d", inputs: [OpInput("x"), OpInput("depthwise_filter", values: .uniform(0.3)),
                                                  OpInput("pointwise_filter", values: .uniform(0.2))], benchmarks: { n in
            [OpExample("sep3x3", shapes: ["x": [n, 28, 28, 32], "depthwise_filter": [3, 3, 32, 1], "pointwise_filter": [1, 1, 32, 64]],
                       attributes: ["padding": "SAME"], flops: 2.0 * Double(n * 28 * 28 * 32 * (9 + 64)),
                       gradientTolerance: Tolerance(atol: 1e-2, rtol: 1e-4))]
        }, cost: { call in
            let x = try call.input("x"), wd = try call.input("depthwise_filter"), wp = try call.input("pointwise_filter")
            let (s, p, d) = try window(call)
            let g = try DepthwiseConv2DGeometry(input: x.shape, filter: wd.shape, strides: s, padding: p, dilations: d,
                                                op: "separableConv2D")
            let depthwise = OpCost(g.outputShape, perValue: g.rows.kernel * g.cols.kernel)
            guard wp.rank == 4 else { return [depthwise] }   // the op names the bad shape
            return [depthwise, OpCost(Array(g.outputShape.dropLast()) + [wp.shape[3]], perValue: g.channels * g.multiplier)]
        }, forward: { ops, call in
            let x = try call.input("x"), wd = try call.input("depthwise_filter"), wp = try call.input("pointwise_filter")
            let (s, p, d) = try window(call)
            return [try ops.separableConv2DForward(x, depthwiseFilter: wd, pointwiseFilter: wp, strides: s, padding: p, dilations: d)]
        }, backward: { ops, call, _, dy in
            let x = try call.input("x"), wd = try call.input("depthwise_filter"), wp = try call.input("pointwise_filter")
            let (s, p, d) = try window(call)
            let g = try ops.separableConv2DBackward(x, depthwiseFilter: wd, pointwiseFilter: wp, dOutput: dy,
                                                    strides: s, padding: p, dilations: d)
            return [g.dInput, g.dDepthwiseFilter, g.dPointwiseFilter]
        }),

        // tf.nn.conv2d_transpose: x [N,H,W,C], w [KH,KW,O,C], `output_size` [OH, OW] optional; forward
        // only. Benchmarked as the upsampling half of a decoder: 14x14x32 to 28x28x16, stride 2.
        OpDescriptor("conv2d_transpose", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.1))], benchmarks: { n in
            [OpExample("deconv", shapes: ["x": [n, 14, 14, 32], "w": [3, 3, 16, 32]], attributes: ["strides": 2, "padding": "SAME"],
                       flops: 2.0 * Double(n * 14 * 14 * 32 * 9 * 16))]
        }, cost: { call in
            let (x, w, s, p, d) = try convolution(call)
            let g = try Conv2DTransposeGeometry(input: x.shape, filter: w.shape, outputSize: outputSize(call),
                                                strides: s, padding: p, dilations: d)
            return [OpCost(g.outputShape, perValue: g.forward.rows.kernel * g.forward.cols.kernel * g.forward.outChannels)]
        }, forward: { ops, call in
            let (x, w, s, p, d) = try convolution(call)
            return [try ops.conv2DTranspose(x, filter: w, outputSize: outputSize(call), strides: s, padding: p, dilations: d)]
        }, backward: nil),

        // tf.nn.conv1d: x [N,W,C], w [K,C,O]; not in FORMAT.md's table, used by ConvLab's own fixtures.
        OpDescriptor("conv1d", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.1))], benchmarks: { n in
            [OpExample("seqconv", shapes: ["x": [n, 100, 32], "w": [5, 32, 64]], attributes: ["padding": "SAME"],
                       flops: 2.0 * Double(n * 100 * 64 * 5 * 32), gradientTolerance: Tolerance(atol: 1e-2, rtol: 1e-4))]
        }, cost: { call in
            let x = try call.input("x"), w = try call.input("w"), (s, p, d) = try window1D(call)
            let g = try Conv1DAsConv2D(input: x.shape, filter: w.shape, stride: s, padding: p, dilation: d)
            return [OpCost(g.outputShape, perValue: g.geometry.cols.kernel * g.geometry.inChannels)]
        }, forward: { ops, call in
            let x = try call.input("x"), w = try call.input("w"), (s, p, d) = try window1D(call)
            return [try ops.conv1DForward(x, filter: w, stride: s, padding: p, dilation: d)]
        }, backward: { ops, call, _, dy in
            let x = try call.input("x"), w = try call.input("w"), (s, p, d) = try window1D(call)
            let g = try ops.conv1DBackward(x, filter: w, dOutput: dy, stride: s, padding: p, dilation: d)
            return [g.dInput, g.dFilter]
        }),
    ]

    // MARK: - Pooling

    /// `ksize`, `strides` and `padding` of a pooling call.
    private static func pool(_ call: OpCall) throws -> (window: Size2, strides: Size2, padding: Padding) {
        let a = call.attributes, op = call.op
        return (try a.size2("ksize", op: op), try a.size2("strides", default: 1, op: op), try a.padding(op: op))
    }

    /// A pooling call's output; a window reads at most `min(K, input)` real cells per axis
    /// (`WindowAxis.taps`), however wide it is.
    private static func poolCost(_ call: OpCall) throws -> [OpCost] {
        let x = try call.input("x"), (k, s, p) = try pool(call)
        let g = try PoolGeometry(input: x.shape, windowSize: k, strides: s, padding: p, op: call.op)
        return [OpCost(g.outputShape, perValue: Swift.min(k.h, g.rows.input) * Swift.min(k.w, g.cols.input))]
    }

    static let pooling: [OpDescriptor] = [
        OpDescriptor("max_pool", inputs: [OpInput("x", values: .distinct)], benchmarks: { n in
            // Lecture 7's 2x2 pools on conv1's [N,28,28,32] and conv2's [N,14,14,64] outputs.
            let pools: [(String, Int, Int)] = [("pool1", 28, 32), ("pool2", 14, 64)]
            return pools.map { label, size, channels in
                OpExample(label, shapes: ["x": [n, size, size, channels]], values: ["x": .uniform(1)],
                          attributes: ["ksize": 2, "strides": 2, "padding": "SAME"])
            }
        }, cost: poolCost, forward: { ops, call in
            let x = try call.input("x"), (k, s, p) = try pool(call)
            return [try ops.maxPoolForward(x, windowSize: k, strides: s, padding: p)]
        }, backward: { ops, call, _, dy in
            let x = try call.input("x"), (k, s, p) = try pool(call)
            return [try ops.maxPoolBackward(x, dOutput: dy, windowSize: k, strides: s, padding: p)]
        }),
        OpDescriptor("avg_pool", inputs: [OpInput("x")], cost: poolCost, forward: { ops, call in
            let x = try call.input("x"), (k, s, p) = try pool(call)
            return [try ops.avgPoolForward(x, windowSize: k, strides: s, padding: p)]
        }, backward: { ops, call, _, dy in
            let x = try call.input("x"), (k, s, p) = try pool(call)
            return [try ops.avgPoolBackward(x, dOutput: dy, windowSize: k, strides: s, padding: p)]
        }),
    ]

    // MARK: - Activations, bias, dense, dropout

    /// An op of one input `x` and its gradient `dx`, benchmarked on conv1's activations
    /// `[N,28,28,32]` with values in [-6, 6] (both branches of each activation are taken).
    private static func unary(_ name: String, bench label: String,
                              forward: @escaping @Sendable (any KernelOps.Type, Tensor<Float>, OpCall) throws -> Tensor<Float>,
                              backward: @escaping @Sendable (any KernelOps.Type, Tensor<Float>, Tensor<Float>, OpCall) throws -> Tensor<Float>)
        -> OpDescriptor {
        OpDescriptor(name, inputs: [OpInput("x", values: .uniform(6))], benchmarks: { n in
            [OpExample(label, shapes: ["x": [n, 28, 28, 32]])]
        }, forward: { ops, call in [try forward(ops, call.input("x"), call)] },
           backward: { ops, call, _, dy in [try backward(ops, call.input("x"), dy, call)] })
    }

    static let elementwise: [OpDescriptor] = [
        OpDescriptor("relu", inputs: [OpInput("x")], benchmarks: { n in [OpExample("relu1", shapes: ["x": [n, 28, 28, 32]])] },
                     forward: { ops, call in [try ops.reluForward(call.input("x"))] },
                     backward: { ops, call, _, dy in [try ops.reluBackward(call.input("x"), dOutput: dy)] }),
        // The skip connection of a residual block, on conv1's activations.
        OpDescriptor("add", inputs: [OpInput("a"), OpInput("b")], benchmarks: { n in
            [OpExample("add1", shapes: ["a": [n, 28, 28, 32], "b": [n, 28, 28, 32]])]
        }, forward: { ops, call in [try ops.addForward(call.input("a"), call.input("b"))] },
           backward: { _, _, _, dy in [dy, dy] }),
        OpDescriptor("bias_add", inputs: [OpInput("x"), OpInput("bias")], benchmarks: { n in
            [OpExample("bias1", shapes: ["x": [n, 28, 28, 32], "bias": [32]], tolerance: Tolerance(atol: 1e-3, rtol: 1e-4))]
        }, forward: { ops, call in [try ops.biasAddForward(call.input("x"), bias: call.input("bias"))] },
           backward: { ops, _, _, dy in
            let g = try ops.biasAddBackward(dOutput: dy)
            return [g.dInput, g.dBias]
        }),
        // relu(x + bias) in one pass: the conv layers' tail (ConvLab's own, not a TF op).
        OpDescriptor("bias_relu", inputs: [OpInput("x"), OpInput("bias")], benchmarks: { n in
            [OpExample("biasrelu1", shapes: ["x": [n, 28, 28, 32], "bias": [32]])]
        }, forward: { ops, call in [try ops.biasReLUForward(call.input("x"), bias: call.input("bias"))] }, backward: nil),
        OpDescriptor("dense", inputs: [OpInput("x"), OpInput("w", values: .uniform(0.05)), OpInput("b")], benchmarks: { n in
            // Lecture 7's fc layer 3136 -> 1024 and its logits layer 1024 -> 10.
            let layers: [(String, Int, Int)] = [("fc", 3136, 1024), ("logits", 1024, 10)]
            return layers.map { label, inputs, outputs in
                let flops = 2.0 * Double(n * inputs * outputs)
                return OpExample(label, shapes: ["x": [n, inputs], "w": [inputs, outputs], "b": [outputs]],
                                 flops: flops, gradientTolerance: Tolerance(atol: 1e-3, rtol: 1e-4))
            }
        }, cost: { call in
            let x = try call.input("x"), w = try call.input("w")
            guard x.rank == 2, w.rank == 2 else { return [] }   // the op names the bad shapes
            return [OpCost([x.shape[0], w.shape[1]], perValue: w.shape[0])]
        }, forward: { ops, call in [try ops.denseForward(call.input("x"), weights: call.input("w"), bias: call.input("b"))] },
           backward: { ops, call, _, dy in
            let g = try ops.denseBackward(call.input("x"), weights: call.input("w"), dOutput: dy)
            return [g.dInput, g.dWeights, g.dBias]
        }),
        unary("leaky_relu", bench: "leakyrelu",
              forward: { ops, x, call in try ops.leakyReLUForward(x, alpha: call.attributes.float("alpha", default: 0.2, op: call.op)) },
              backward: { ops, x, dy, call in
                  try ops.leakyReLUBackward(x, alpha: call.attributes.float("alpha", default: 0.2, op: call.op), dOutput: dy) }),
        unary("elu", bench: "elu", forward: { ops, x, _ in try ops.eluForward(x) },
              backward: { ops, x, dy, _ in try ops.eluBackward(x, dOutput: dy) }),
        unary("sigmoid", bench: "sigmoid", forward: { ops, x, _ in try ops.sigmoidForward(x) },
              backward: { ops, x, dy, _ in try ops.sigmoidBackward(x, dOutput: dy) }),
        unary("tanh", bench: "tanh", forward: { ops, x, _ in try ops.tanhForward(x) },
              backward: { ops, x, dy, _ in try ops.tanhBackward(x, dOutput: dy) }),
        unary("softplus", bench: "softplus", forward: { ops, x, _ in try ops.softplusForward(x) },
              backward: { ops, x, dy, _ in try ops.softplusBackward(x, dOutput: dy) }),
        OpDescriptor("maxout", inputs: [OpInput("x", values: .uniform(6))], benchmarks: { n in
            [OpExample("maxout", shapes: ["x": [n, 28, 28, 32]], attributes: ["units": 16])]
        }, forward: { ops, call in
            [try ops.maxoutForward(call.input("x"), units: call.attributes.int("units", op: call.op))]
        }, backward: { ops, call, _, dy in
            [try ops.maxoutBackward(call.input("x"), units: call.attributes.int("units", op: call.op), dOutput: dy)]
        }),
        // Inverted dropout with the mask drawn from `seed`; the backward pass reuses the forward
        // pass's mask. Benchmarked on lecture 7's fc layer [N,1024], keep 0.5.
        OpDescriptor("dropout", inputs: [OpInput("x")], benchmarks: { n in
            [OpExample("dropout", shapes: ["x": [n, 1024]], attributes: ["keep_probability": 0.5, "seed": 11])]
        }, forward: { ops, call in
            let x = try call.input("x")
            var generator = SeededGenerator(seed: UInt64(truncatingIfNeeded: try call.attributes.int("seed", default: 0, op: call.op)))
            let r = try ops.dropoutForward(x, keepProbability: call.attributes.float("keep_probability", op: call.op),
                                           generator: &generator)
            return [r.output, r.mask]
        }, backward: { ops, _, outputs, dy in [try ops.dropoutBackward(dOutput: dy, mask: outputs[1])] }),
    ]

    // MARK: - Softmax and losses

    /// The `axis` of a softmax-like call, the last by default.
    private static func axis(_ call: OpCall) throws -> Int { try call.attributes.int("axis", default: -1, op: call.op) }

    static let losses: [OpDescriptor] = [
        OpDescriptor("softmax", inputs: [OpInput("x", values: .uniform(5))], benchmarks: { n in
            [OpExample("softmax", shapes: ["x": [n, 10]])]
        }, forward: { ops, call in
            [try ops.softmaxForward(call.input("x"), axis: axis(call))]
        }, backward: { ops, call, _, dy in
            [try ops.softmaxBackward(call.input("x"), dOutput: dy, axis: axis(call))]
        }),
        OpDescriptor("log_softmax", inputs: [OpInput("x", values: .uniform(5))], benchmarks: { n in
            [OpExample("logsoftmax", shapes: ["x": [n, 10]])]
        }, forward: { ops, call in
            [try ops.logSoftmaxForward(call.input("x"), axis: axis(call))]
        }, backward: { ops, call, _, dy in
            [try ops.logSoftmaxBackward(call.input("x"), dOutput: dy, axis: axis(call))]
        }),
        OpDescriptor("softmax_cross_entropy_with_logits",
                     inputs: [OpInput("labels", differentiable: false, values: .oneHot), OpInput("logits", values: .uniform(5))],
                     benchmarks: { n in
            // The lecture 7 convnet's loss on [N,10], and an ImageNet classifier's on [N,1000],
            // where rows are long enough for the vector exp and the threads to matter.
            [OpExample("softmax_ce", shapes: ["labels": [n, 10], "logits": [n, 10]]),
             OpExample("softmax_ce1000", shapes: ["labels": [n, 1000], "logits": [n, 1000]])]
        }, forward: { ops, call in
            [try ops.softmaxCrossEntropyForward(labels: call.input("labels"), logits: call.input("logits"), axis: axis(call))]
        }, backward: { ops, call, _, dy in
            [try ops.softmaxCrossEntropyBackward(labels: call.input("labels"), logits: call.input("logits"), dOutput: dy,
                                                 axis: axis(call))]
        }),
        // On an autoencoder's [N,784] pixels, labels in [0, 1].
        OpDescriptor("sigmoid_cross_entropy_with_logits",
                     inputs: [OpInput("labels", differentiable: false, values: .range(0, 1)), OpInput("logits", values: .uniform(5))],
                     benchmarks: { n in [OpExample("sigmoid_ce", shapes: ["labels": [n, 784], "logits": [n, 784]])] },
                     forward: { ops, call in
            [try ops.sigmoidCrossEntropyForward(labels: call.input("labels"), logits: call.input("logits"))]
        }, backward: { ops, call, _, dy in
            [try ops.sigmoidCrossEntropyBackward(labels: call.input("labels"), logits: call.input("logits"), dOutput: dy)]
        }),
        OpDescriptor("mean_squared_error",
                     inputs: [OpInput("pred", values: .uniform(5)), OpInput("target", differentiable: false, values: .range(0, 1))],
                     benchmarks: { n in
            [OpExample("mse", shapes: ["pred": [n, 784], "target": [n, 784]], tolerance: Tolerance(atol: 1e-5, rtol: 1e-4))]
        }, forward: { ops, call in
            [try ops.meanSquaredErrorForward(prediction: call.input("pred"), target: call.input("target"))]
        }, backward: { ops, call, _, dy in
            [try ops.meanSquaredErrorBackward(prediction: call.input("pred"), target: call.input("target"), dOutput: dy)]
        }),
    ]

    // MARK: - Batch norm and resize

    static let normalization: [OpDescriptor] = [
        // Training mode normalises with the batch's statistics (outputs y, mean, variance);
        // `training: false` with the given `mean` and `variance` (forward only).
        OpDescriptor("batch_norm", inputs: [OpInput("x", values: .uniform(6)), OpInput("gamma"), OpInput("beta"),
                                            OpInput("mean", differentiable: false),
                                            OpInput("variance", differentiable: false, values: .range(0.5, 1.5))],
                     benchmarks: { n in
            // Per-channel statistics of conv1's activations (axes [0, 1, 2], epsilon 1e-3 as
            // tutorial #03); the sums run over N*784 values in another order: Float rounding.
            [OpExample("batchnorm", shapes: ["x": [n, 28, 28, 32], "gamma": [32], "beta": [32]], attributes: ["epsilon": 0.001],
                       tolerance: Tolerance(atol: 1e-3, rtol: 1e-3), gradientTolerance: Tolerance(atol: 1e-2, rtol: 1e-3)),
             OpExample("batchnorm_inference", shapes: ["x": [n, 28, 28, 32], "gamma": [32], "beta": [32], "mean": [32], "variance": [32]],
                       attributes: ["epsilon": 0.001, "training": false])]
        }, forward: { ops, call in
            let a = call.attributes, op = call.op
            let x = try call.input("x"), gamma = try call.input("gamma"), beta = try call.input("beta")
            let epsilon = try a.float("epsilon", op: op)
            guard try a.bool("training", default: true, op: op) else {
                return [try ops.batchNormInference(x, gamma: gamma, beta: beta, mean: call.input("mean"),
                                                   variance: call.input("variance"), epsilon: epsilon)]
            }
            let r = try ops.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: a.ints("axes", default: [0, 1, 2], op: op))
            return [r.output, r.mean, r.variance]
        }, backward: { ops, call, _, dy in
            let a = call.attributes, op = call.op
            guard try a.bool("training", default: true, op: op) else {
                throw ConvLabError.argument(op: op, message: "gradients with training=false are not supported (forward only)")
            }
            let g = try ops.batchNormBackward(call.input("x"), gamma: call.input("gamma"), dOutput: dy,
                                              epsilon: a.float("epsilon", op: op), axes: a.ints("axes", default: [0, 1, 2], op: op))
            return [g.dInput, g.dGamma, g.dBeta]
        }),

        // tf.image.resize; its gradient is the adjoint (FORMAT.md lists none, ConvLab has one).
        // Benchmarked as SRCNN's first step: 14x14 digits upscaled to 28x28.
        OpDescriptor("resize", inputs: [OpInput("x")], benchmarks: { n in
            [ResizeMethod.bilinear, .bicubic].map { method in
                OpExample("resize_\(method)", shapes: ["x": [n, 14, 14, 1]], attributes: ["size": [28, 28], "method": .text("\(method)")])
            }
        }, cost: { call in
            let (x, size, _) = try resizeArguments(call)
            return [OpCost([x.shape[0], size.h, size.w, x.shape[3]], perValue: 16)]   // bicubic's 4 x 4 taps
        }, forward: { ops, call in
            let (x, size, method) = try resizeArguments(call)
            return [try ops.resizeForward(x, size: size, method: method)]
        }, backward: { ops, call, _, dy in
            let (x, _, method) = try resizeArguments(call)
            return [try ops.resizeBackward(inputShape: x.shape, dOutput: dy, method: method)]
        }),
    ]

    /// The input, size and method of a resize, with the runner's guards: a positive size, an
    /// NHWC input and no antialiased shrinking (the output's size is the runner's budget's).
    private static func resizeArguments(_ call: OpCall) throws -> (Tensor<Float>, Size2, ResizeMethod) {
        let a = call.attributes, op = call.op
        let x = try call.input("x")
        let size = try a.size2("size", op: op)
        let method = try ResizeMethod(parsing: try a.string("method", default: "bilinear", op: op))
        guard size.h >= 1, size.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "size \(size) must be positive")
        }
        guard x.rank == 4 else {
            throw ConvLabError.shape(op: op, message: "x must be [N,H,W,C], got \(describeShape(x.shape))")
        }
        // antialias only changes shrinking: TF's nearest ignores it, and when enlarging its
        // kernel keeps width 1, which gives the same weights as antialias=false.
        let enlarging = size.h >= x.shape[1] && size.w >= x.shape[2]
        if try a.bool("antialias", default: false, op: op), method != .nearest, !enlarging {
            throw ConvLabError.argument(op: op, message: "antialias=true when shrinking is not supported")
        }
        return (x, size, method)
    }
}
