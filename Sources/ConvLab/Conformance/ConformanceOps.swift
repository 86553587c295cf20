/// The dispatcher: FORMAT.md's op names, inputs and attributes, mapped onto `Kernels` calls.
///
/// Every case runs forward; when it carries `grads.dy`, it also runs the op's backward with
/// `dOutput = dy`, which gives `dX = ∂L/∂X` for `L = sum(y * dy)`. Gradients are named
/// `"d" + input name` (`x`→`dx`, `logits`→`dlogits`). Labels and targets get none.
extension ConformanceCase {
    /// The op names this runner computes.
    public static let supportedOps: [String] = [
        "conv2d", "depthwise_conv2d", "separable_conv2d", "max_pool", "avg_pool",
        "relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus",
        "softmax", "log_softmax", "softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
        "dense", "batch_norm", "mean_squared_error", "resize",
        "bias_add", "conv1d",
    ]

    /// Throws unless an output of `shape` whose every value costs `costPerValue` operations
    /// fits this case's budget (`ConformanceBudget`), a backward pass counting twice more.
    func checkBudget(output shape: [Int], costPerValue: Int) throws {
        let values: Int
        do {
            values = try TensorShape.extent(shape, op: op, limit: budget.values)
        } catch let ConvLabError.shape(_, message) {
            throw ConvLabError.argument(op: op, message: "output: \(message) (the conformance runner's budget per tensor)")
        }
        let passes = dy == nil ? 1 : 3
        let (work, overflow) = values.multipliedReportingOverflow(by: Swift.max(costPerValue, 1) * passes)
        guard !overflow, work <= budget.work else {
            throw ConvLabError.argument(op: op,
                message: "output \(describeShape(shape)) at \(costPerValue) operations per value\(passes > 1 ? ", forward and backward," : "") is more than the runner's budget of \(budget.work) operations per case")
        }
    }

    /// Computes this case on `kernels`' path.
    /// - Throws: `ConvLabError` for an unknown op, a missing or malformed tensor or attribute, or
    ///   shapes the op rejects; the message names the op and the offending shapes.
    public func compute(with kernels: Kernels) throws -> ConformanceResult {
        switch op {
        case "conv2d":
            let x = try input("x"), w = try input("w")
            let strides = try size2("strides", default: 1), padding = try padding()
            let dilations = try size2("dilations", default: 1)
            let g = try Conv2DGeometry(input: x.shape, filter: w.shape, strides: strides, padding: padding, dilations: dilations)
            try checkBudget(output: g.outputShape, costPerValue: g.rows.kernel * g.cols.kernel * g.inChannels)
            let y = try kernels.conv2DForward(x, filter: w, strides: strides, padding: padding, dilations: dilations)
            return try result(y) { dy in
                let g = try kernels.conv2DBackward(x, filter: w, dOutput: dy, strides: strides,
                                                   padding: padding, dilations: dilations)
                return [("dx", g.dInput), ("dw", g.dFilter)]
            }

        case "depthwise_conv2d":
            let x = try input("x"), w = try input("w")
            let strides = try size2("strides", default: 1), padding = try padding()
            let dilations = try size2("dilations", default: 1)
            let g = try DepthwiseConv2DGeometry(input: x.shape, filter: w.shape, strides: strides, padding: padding,
                                                dilations: dilations)
            try checkBudget(output: g.outputShape, costPerValue: g.rows.kernel * g.cols.kernel)
            let y = try kernels.depthwiseConv2DForward(x, filter: w, strides: strides, padding: padding, dilations: dilations)
            return try result(y) { dy in
                let g = try kernels.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: strides,
                                                            padding: padding, dilations: dilations)
                return [("dx", g.dInput), ("dw", g.dFilter)]
            }

        case "separable_conv2d":
            let x = try input("x")
            let depthwise = try input("depthwise_filter"), pointwise = try input("pointwise_filter")
            let strides = try size2("strides", default: 1), padding = try padding()
            let dilations = try size2("dilations", default: 1)
            let g = try DepthwiseConv2DGeometry(input: x.shape, filter: depthwise.shape, strides: strides,
                                                padding: padding, dilations: dilations)
            try checkBudget(output: g.outputShape, costPerValue: g.rows.kernel * g.cols.kernel)
            if pointwise.rank == 4 {  // otherwise the op names the bad shape
                try checkBudget(output: Array(g.outputShape.dropLast()) + [pointwise.shape[3]],
                                costPerValue: g.channels * g.multiplier)
            }
            let y = try kernels.separableConv2DForward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                       strides: strides, padding: padding, dilations: dilations)
            return try result(y) { dy in
                let g = try kernels.separableConv2DBackward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                            dOutput: dy, strides: strides, padding: padding,
                                                            dilations: dilations)
                return [("dx", g.dInput), ("ddepthwise_filter", g.dDepthwiseFilter),
                        ("dpointwise_filter", g.dPointwiseFilter)]
            }

        case "conv1d":  // tf.nn.conv1d: x [N,W,C], w [K,C,O]; not in FORMAT.md's table, used by ConvLab's own fixtures
            let x = try input("x"), w = try input("w")
            let stride = try single(["stride", "strides"], default: 1), padding = try padding()
            let dilation = try single(["dilation", "dilations"], default: 1)
            let g = try Conv1DGeometry(input: x.shape, filter: w.shape, stride: stride, padding: padding, dilation: dilation)
            try checkBudget(output: g.outputShape, costPerValue: g.width.kernel * g.inChannels)
            let y = try kernels.conv1DForward(x, filter: w, stride: stride, padding: padding, dilation: dilation)
            return try result(y) { dy in
                let g = try kernels.conv1DBackward(x, filter: w, dOutput: dy, stride: stride, padding: padding,
                                                   dilation: dilation)
                return [("dx", g.dInput), ("dw", g.dFilter)]
            }

        case "max_pool", "avg_pool":
            let x = try input("x")
            let window = try size2("ksize"), strides = try size2("strides", default: 1), padding = try padding()
            let isMax = op == "max_pool"
            let g = try PoolGeometry(input: x.shape, windowSize: window, strides: strides, padding: padding, op: op)
            // A window reads at most min(K, input) real cells per axis (`WindowAxis.taps`).
            try checkBudget(output: g.outputShape, costPerValue: Swift.min(window.h, g.rows.input) * Swift.min(window.w, g.cols.input))
            let y = isMax
                ? try kernels.maxPoolForward(x, windowSize: window, strides: strides, padding: padding)
                : try kernels.avgPoolForward(x, windowSize: window, strides: strides, padding: padding)
            return try result(y) { dy in
                let dx = isMax
                    ? try kernels.maxPoolBackward(x, dOutput: dy, windowSize: window, strides: strides, padding: padding)
                    : try kernels.avgPoolBackward(x, dOutput: dy, windowSize: window, strides: strides, padding: padding)
                return [("dx", dx)]
            }

        case "relu":
            return try elementwise(kernels.reluForward, kernels.reluBackward)
        case "leaky_relu":
            let alpha = try float("alpha", default: 0.2)  // tf.nn.leaky_relu's default
            return try elementwise({ try kernels.leakyReLUForward($0, alpha: alpha) },
                                   { try kernels.leakyReLUBackward($0, alpha: alpha, dOutput: $1) })
        case "elu":
            return try elementwise(kernels.eluForward, kernels.eluBackward)
        case "sigmoid":
            return try elementwise(kernels.sigmoidForward, kernels.sigmoidBackward)
        case "tanh":
            return try elementwise(kernels.tanhForward, kernels.tanhBackward)
        case "softplus":
            return try elementwise(kernels.softplusForward, kernels.softplusBackward)
        case "softmax":
            let axis = try int("axis", default: -1)
            return try elementwise({ try kernels.softmaxForward($0, axis: axis) },
                                   { try kernels.softmaxBackward($0, dOutput: $1, axis: axis) })
        case "log_softmax":
            let axis = try int("axis", default: -1)
            return try elementwise({ try kernels.logSoftmaxForward($0, axis: axis) },
                                   { try kernels.logSoftmaxBackward($0, dOutput: $1, axis: axis) })

        case "softmax_cross_entropy_with_logits":
            let labels = try input("labels"), logits = try input("logits")
            let axis = try int("axis", default: -1)
            let y = try kernels.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: axis)
            return try result(y) { dy in
                [("dlogits", try kernels.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dy, axis: axis))]
            }
        case "sigmoid_cross_entropy_with_logits":
            let labels = try input("labels"), logits = try input("logits")
            let y = try kernels.sigmoidCrossEntropyForward(labels: labels, logits: logits)
            return try result(y) { dy in
                [("dlogits", try kernels.sigmoidCrossEntropyBackward(labels: labels, logits: logits, dOutput: dy))]
            }
        case "batch_norm":
            let x = try input("x"), gamma = try input("gamma"), beta = try input("beta")
            let epsilon = try float("epsilon")
            guard try bool("training", default: true) else {
                // Inference mode normalises with given (moving) statistics; FORMAT.md's cases
                // train, so this path is forward only.
                let mean = try input("mean"), variance = try input("variance")
                let y = try kernels.batchNormInference(x, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                                       epsilon: epsilon)
                guard dy == nil else {
                    throw ConvLabError.argument(op: op, message: "gradients with training=false are not supported (forward only)")
                }
                return ConformanceResult(id: id, output: y, gradients: [])
            }
            let axes = try ints("axes", default: [0, 1, 2])
            let y = try kernels.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: axes).output
            return try result(y) { dy in
                let g = try kernels.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: epsilon, axes: axes)
                return [("dx", g.dInput), ("dgamma", g.dGamma), ("dbeta", g.dBeta)]
            }

        case "mean_squared_error":
            let prediction = try input("pred"), target = try input("target")
            let y = try kernels.meanSquaredErrorForward(prediction: prediction, target: target)
            return try result(y) { dy in
                [("dpred", try kernels.meanSquaredErrorBackward(prediction: prediction, target: target, dOutput: dy))]
            }

        case "dense":
            let x = try input("x"), w = try input("w"), b = try input("b")
            if x.rank == 2 && w.rank == 2 {  // otherwise the op names the bad shapes
                try checkBudget(output: [x.shape[0], w.shape[1]], costPerValue: w.shape[0])
            }
            let y = try kernels.denseForward(x, weights: w, bias: b)
            return try result(y) { dy in
                let g = try kernels.denseBackward(x, weights: w, dOutput: dy)
                return [("dx", g.dInput), ("dw", g.dWeights), ("db", g.dBias)]
            }
        case "resize":  // tf.image.resize, forward only (FORMAT.md lists no gradient)
            let x = try input("x")
            let size = try size2("size")
            let method = try ResizeMethod(parsing: try string("method", default: "bilinear"))
            guard size.h >= 1, size.w >= 1 else {
                throw ConvLabError.argument(op: op, message: "size \(size) must be positive")
            }
            guard x.rank == 4 else {
                throw ConvLabError.shape(op: op, message: "x must be [N,H,W,C], got \(describeShape(x.shape))")
            }
            // Bicubic reads 4 x 4 taps per output value.
            try checkBudget(output: [x.shape[0], size.h, size.w, x.shape[3]], costPerValue: 16)
            // antialias only changes shrinking: TF's nearest ignores it, and when enlarging its
            // kernel keeps width 1, which gives the same weights as antialias=false.
            let enlarging = size.h >= x.shape[1] && size.w >= x.shape[2]
            if try bool("antialias", default: false), method != .nearest, !enlarging {
                throw ConvLabError.argument(op: op, message: "antialias=true when shrinking is not supported")
            }
            return ConformanceResult(id: id, output: try kernels.resizeForward(x, size: size, method: method), gradients: [])

        case "bias_add":  // tf.nn.bias_add(x, bias); not in FORMAT.md's table, used by ConvLab's own fixtures
            let x = try input("x"), bias = try input("bias")
            let y = try kernels.biasAddForward(x, bias: bias)
            return try result(y) { dy in
                let g = try kernels.biasAddBackward(dOutput: dy)
                return [("dx", g.dInput), ("dbias", g.dBias)]
            }

        default:
            throw ConvLabError.argument(op: "conformance",
                message: "unknown op '\(op)' (supported: \(ConformanceCase.supportedOps.joined(separator: ", ")))")
        }
    }

    /// A per-axis integer of a 1-D op (`stride`, `dilation`): under the first of `names`
    /// present, as an integer or a one-element list.
    private func single(_ names: [String], default defaultValue: Int) throws -> Int {
        guard let name = names.first(where: { attrs[$0] != nil }) else { return defaultValue }
        if let value = attrs[name]?.intValue { return value }
        let values = try ints(name)
        guard values.count == 1 else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be one integer, got \(values)")
        }
        return values[0]
    }

    /// Wraps the forward output and, when the case has `dy` (checked against `y`'s shape), the
    /// gradients `backward(dy)` returns.
    private func result(_ y: Tensor<Float>,
                        backward: (Tensor<Float>) throws -> [(String, Tensor<Float>)]) throws -> ConformanceResult {
        guard let dy = try upstreamGradient(matching: y) else {
            return ConformanceResult(id: id, output: y, gradients: [])
        }
        let gradients = try backward(dy).map { (name: $0.0, tensor: $0.1) }
        return ConformanceResult(id: id, output: y, gradients: gradients)
    }

    /// An op with one input `x` and gradient `dx`: `backward(x, dy)`.
    private func elementwise(_ forward: (Tensor<Float>) throws -> Tensor<Float>,
                             _ backward: (Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>) throws -> ConformanceResult {
        let x = try input("x")
        let y = try forward(x)
        return try result(y) { dy in [("dx", try backward(x, dy))] }
    }
}
