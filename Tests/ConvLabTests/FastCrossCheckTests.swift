import ConvLab
import ConvLabTestSupport
import Foundation
import Testing

// Cross-checks: every op of `OpTable`, forward and backward, fast path against reference, over a
// sweep of shapes (sizes 1, odd, prime and not divisible by the 6 x 16 tile or the SIMD width;
// every stride, padding and dilation; batch and channel counts 1 and > 1; values that tie, that
// overflow a careless exp, that sit at 1000 +- 1), on both micro-kernel builds the CPU can run.
// Each output prints its max abs error and asserts it under the example's stated tolerance; a
// call the fast path hands to the reference fails the sweep unless it is listed as a fallback.

/// Both builds of the SIMD micro-kernels this machine can run (the baseline always; AVX2 + FMA
/// when the CPU has it).
let fastKernelBuilds: [Bool] = Fast.cpuHasAVX2 ? [false, true] : [false]

/// Float sums of up to a few hundred products of values in [-1, 1], in a different order than
/// the reference: errors of a few ulps of the sum's magnitude.
let fastTolerance = Tolerance(atol: 2e-5, rtol: 1e-4)

/// The fast exp-based ops use four-lane Cephes polynomials, the reference libm: each is within
/// ~2 ulps of the true value, so they agree to a few ulps (rtol 1e-6 is 8 ulps), plus 1e-6
/// absolute where a gradient crosses 0.
let libmTolerance = Tolerance(atol: 1e-6, rtol: 1e-6)

func fastCheckTensor(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
    Tensor<Float>(randomTensor(shape, seed: seed))
}

/// Runs `body` with the fast path on the given micro-kernel build.
func withFastKernelBuild<Result>(avx2: Bool, _ body: () throws -> Result) rethrows -> Result {
    let saved = Fast.usesAVX2
    Fast.usesAVX2 = avx2
    defer { Fast.usesAVX2 = saved }
    return try body()
}

/// Asserts that `fast` matches `reference` and prints the max abs error.
func expectFastMatch(_ fast: Tensor<Float>, _ reference: Tensor<Float>, _ tolerance: Tolerance = fastTolerance,
                     _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = maxAbsError(fast, reference)
    print("\(label): max abs error \(error) (\(tolerance))")
    let mismatch = compare(fast, reference, tolerance)
    #expect(mismatch == nil, "\(label): \(mismatch?.description ?? "")", sourceLocation: sourceLocation)
}

/// Asserts that both paths throw, and the same `ConvLabError`.
func expectSameError(_ label: String, reference: () throws -> Void, fast: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    func caught(_ body: () throws -> Void) -> ConvLabError? {
        do { try body() } catch { return error as? ConvLabError }
        return nil
    }
    let expected = caught(reference), actual = caught(fast)
    #expect(expected != nil, "\(label): the reference did not throw", sourceLocation: sourceLocation)
    #expect(actual == expected, "\(label): fast threw \(String(describing: actual)), reference \(String(describing: expected))",
            sourceLocation: sourceLocation)
}

// MARK: - The sweeps, one per op of the table

/// `[strides, dilations]` pairs of a 2-D window sweep (dilation > 1 only with stride 1, as TF).
private func windows(_ pairs: [(Int, Int, Int, Int)]) -> [(strides: OpAttributes.Value, dilations: OpAttributes.Value)] {
    pairs.map { sh, sw, dh, dw in (.list([.number("\(sh)"), .number("\(sw)")]), .list([.number("\(dh)"), .number("\(dw)")])) }
}

/// A conv-like sweep: every shape pair with every padding and window, skipping VALID windows that
/// do not fit (the reference throws for them too).
private func windowSweep(_ shapes: [([Int], [Int])], input: String = "x", filter: String = "w",
                         windows: [(strides: OpAttributes.Value, dilations: OpAttributes.Value)],
                         extra: (([Int], [Int]) -> [String: [Int]]) = { _, _ in [:] },
                         tolerance: Tolerance = fastTolerance) -> [OpExample] {
    var examples: [OpExample] = []
    for (x, w) in shapes {
        for padding in ["SAME", "VALID"] {
            for window in windows {
                let attributes: OpAttributes = ["strides": window.strides, "dilations": window.dilations, "padding": .text(padding)]
                let dilation = try! attributes.size2("dilations", op: "sweep")
                let effective = [(w[0] - 1) * dilation.h + 1, (w[1] - 1) * dilation.w + 1]
                if padding == "VALID" && (effective[0] > x[1] || effective[1] > x[2]) { continue }
                var shapes = [input: x, filter: w]
                shapes.merge(extra(x, w)) { $1 }
                examples.append(OpExample("\(describeShape(x)) * \(describeShape(w)) \(attributes.values["strides"]!) \(attributes.values["dilations"]!) \(padding)",
                                          shapes: shapes, values: [filter: .uniform(1)], attributes: attributes,
                                          tolerance: tolerance))
            }
        }
    }
    return examples
}

/// One element, odd and prime sizes, and 90,300 elements (two chunks of the parallel passes).
private let elementwiseShapes: [[Int]] = [[1], [7], [3, 5], [2, 3, 4, 17], [1, 300, 301]]

/// An elementwise sweep over `elementwiseShapes`, with moderate values and, when `large`, values
/// up to +-1000 where a careless `exp` overflows.
private func elementwise(_ inputs: [String], large: Bool = false, attributes: OpAttributes = [:],
                         tolerance: Tolerance) -> [OpExample] {
    elementwiseShapes.flatMap { shape in
        (large ? [false, true] : [false]).map { big in
            OpExample("\(describeShape(shape))\(big ? " large" : "")", shapes: Dictionary(uniqueKeysWithValues: inputs.map { ($0, shape) }),
                      values: big ? [inputs.last!: .large] : [:], attributes: attributes, tolerance: tolerance)
        }
    }
}

private let depthwiseShapes: [([Int], [Int])] = [
    ([1, 1, 1, 1], [1, 1, 1, 1]),
    ([1, 1, 1, 3], [3, 3, 3, 2]),     // a 1x1 image: SAME windows are all border
    ([2, 5, 5, 3], [3, 3, 3, 1]),
    ([1, 7, 7, 17], [3, 3, 17, 1]),
    ([2, 7, 5, 7], [2, 3, 7, 2]),
    ([1, 5, 7, 17], [3, 3, 17, 2]),
    ([2, 7, 7, 1], [3, 3, 1, 2]),
    ([1, 7, 7, 13], [5, 5, 13, 1]),
    ([2, 5, 5, 17], [1, 1, 17, 1]),
]
private let depthwiseWindows = windows([(1, 1, 1, 1), (2, 2, 1, 1), (3, 3, 1, 1), (2, 3, 1, 1), (1, 1, 2, 2), (1, 1, 1, 2)])

/// Batch-norm sums run over chunks of rows added at the end, not in one sequence: Float rounding
/// of sums of up to 45,000 terms (the gradients' magnitudes reach ~100).
private let batchNormTolerance = Tolerance(atol: 2e-4, rtol: 1e-3)

/// Every op's sweep, by the op's name in `OpTable`.
let crossCheckSweeps: [String: [OpExample]] = [
    // Conv shapes: 1x1 to 5x5 kernels, sizes 1/odd/prime, channels 1..19 (not multiples of 6 or 16),
    // strides 1..3 (also unequal), dilations 1..2. Lab 11-0's toy (3x3 image, 2x2 filter): its 4
    // filter taps fill less than one 6-row panel of the dFilter GEMM.
    "conv2d": windowSweep([([1, 1, 1, 1], [1, 1, 1, 1]), ([1, 3, 3, 1], [2, 2, 1, 1]), ([2, 4, 4, 1], [2, 2, 1, 3]),
                           ([1, 5, 5, 1], [3, 3, 1, 1]), ([2, 7, 7, 3], [3, 3, 3, 5]), ([1, 13, 11, 17], [5, 5, 17, 19]),
                           ([3, 6, 9, 2], [2, 3, 2, 16]), ([2, 8, 8, 16], [1, 1, 16, 33]), ([1, 9, 7, 13], [3, 2, 13, 7]),
                           ([3, 6, 5, 12], [3, 3, 12, 9])],   // several images in each padding class of the indirect kernel
                          windows: windows([(1, 1, 1, 1), (2, 2, 1, 1), (3, 1, 1, 1), (1, 1, 2, 2), (1, 1, 1, 2)])),
    // Winograd's tiles (Fast+Winograd.swift): 3x3 (F(4x4, 3x3)) and 5x5 (F(4x4, 5x5)) at stride 1,
    // outputs that fill the last tile or not (1, 5, 7, 9, 14 wide), channels 8, 13, 17 and 32 (one
    // SIMD8 chunk, and partial chunks), several images. The shapes with stride 2 or dilation 2,
    // a 1x1 or 2x3 filter or fewer than 8 channels take the direct product instead. The transforms
    // scale values by up to 10 and subtract them before they are multiplied: errors up to 1.7e-4
    // on outputs of magnitude ~10 here, about ten times the direct product's.
    "conv2d_inference": windowSweep([([1, 1, 1, 8], [3, 3, 8, 8]), ([2, 5, 7, 13], [3, 3, 13, 17]), ([1, 9, 9, 8], [5, 5, 8, 9]),
                                     ([2, 14, 14, 32], [5, 5, 32, 16]), ([1, 7, 9, 17], [5, 5, 17, 8]), ([1, 6, 6, 12], [3, 3, 12, 33]),
                                     ([1, 7, 7, 3], [3, 3, 3, 8]), ([1, 6, 5, 8], [2, 3, 8, 8])],
                                    windows: windows([(1, 1, 1, 1), (2, 2, 1, 1), (1, 1, 2, 2)]),
                                    tolerance: Tolerance(atol: 1e-4, rtol: 1e-4)),
    // Channels 1, 3, 7, 13, 17 (below, between and above the 4- and 8-lane widths), multipliers 1 and 2.
    "depthwise_conv2d": windowSweep(depthwiseShapes, windows: depthwiseWindows),
    // Two chained sums (taps, then C*M channels): twice the single-op tolerance.
    "separable_conv2d": [1, 5].flatMap { outputs in
        windowSweep(depthwiseShapes.filter { $0.0[3] != 13 }, filter: "depthwise_filter", windows: depthwiseWindows,
                    extra: { _, w in ["pointwise_filter": [1, 1, w[2] * w[3], outputs]] },
                    tolerance: Tolerance(atol: 4e-5, rtol: 2e-4))
    },
    // Lab 11-0's sliding filter w0, w1, w2 along a sequence, and wider ones.
    "conv1d": [([1, 1, 1], [1, 1, 1]), ([1, 7, 1], [3, 1, 1]), ([2, 5, 3], [2, 3, 5]), ([1, 7, 17], [3, 17, 7]),
               ([2, 13, 13], [5, 13, 17])].flatMap { x, w in
        ["SAME", "VALID"].flatMap { padding in
            [(1, 1), (2, 1), (3, 1), (1, 2)].compactMap { stride, dilation -> OpExample? in
                if padding == "VALID" && (w[0] - 1) * dilation + 1 > x[1] { return nil }
                return OpExample("\(describeShape(x)) * \(describeShape(w)) s\(stride) d\(dilation) \(padding)",
                                 shapes: ["x": x, "w": w], values: ["w": .uniform(1)],
                                 attributes: ["stride": .number("\(stride)"), "dilation": .number("\(dilation)"), "padding": .text(padding)],
                                 tolerance: fastTolerance)
            }
        }
    },
    // Windows 1..3 (also unequal), strides 1..3, both paddings, channels 1..33; distinct values,
    // so the max has no ties to break differently. Pools move or sum in the same order: exact.
    "max_pool": poolSweep, "avg_pool": poolSweep,
    "relu": elementwise(["x"], tolerance: .exact),
    "add": elementwise(["a", "b"], tolerance: .exact),
    // The bias gradient adds rows in bands, one per thread: a different order, Float rounding.
    "bias_add": elementwiseShapes.map { shape in
        OpExample(describeShape(shape), shapes: ["x": shape, "bias": [shape.last!]], tolerance: .exact,
                  gradientTolerance: Tolerance(atol: 1e-4, rtol: 1e-5))
    },
    "bias_relu": elementwiseShapes.map { shape in
        OpExample(describeShape(shape), shapes: ["x": shape, "bias": [shape.last!]], tolerance: .exact)
    },
    // Sums of up to 300 products of values in [-1, 1]: Float rounding grows with the length.
    "dense": [(1, 1, 1), (1, 7, 5), (3, 17, 16), (7, 33, 19), (13, 64, 37), (2, 300, 130)].map { batch, inputs, outputs in
        OpExample("[\(batch),\(inputs)] @ [\(inputs),\(outputs)]", shapes: ["x": [batch, inputs], "w": [inputs, outputs], "b": [outputs]],
                  values: ["w": .uniform(1)], tolerance: Tolerance(atol: 1e-4, rtol: 1e-4))
    },
    "leaky_relu": [0.2, 0.01].flatMap { alpha in
        elementwise(["x"], large: true, attributes: ["alpha": .number("\(alpha)")], tolerance: .exact)
    },
    "elu": elementwise(["x"], large: true, tolerance: libmTolerance),
    "sigmoid": elementwise(["x"], large: true, tolerance: libmTolerance),
    "tanh": elementwise(["x"], large: true, tolerance: libmTolerance),
    "softplus": elementwise(["x"], large: true, tolerance: libmTolerance),
    // Values rounded to {-1, 0, 1} make most groups tie for their maximum.
    "maxout": [([1, 1], 1), ([2, 6], 3), ([3, 5, 12], 4), ([2, 4, 4, 15], 5), ([1, 300, 301], 7), ([1, 300, 301], 301)]
        .flatMap { shape, units in
            [ExampleValues.uniform(1), .ties].map { values in
                OpExample("\(describeShape(shape)) units \(units) \(values == .ties ? "ties" : "")", shapes: ["x": shape],
                          values: ["x": values], attributes: ["units": .number("\(units)")], tolerance: .exact)
            }
        },
    "dropout": [[1], [7], [3, 5], [1, 300, 301]].flatMap { shape in
        [0.5, 0.9, 1].map { keep in
            OpExample("\(describeShape(shape)) keep \(keep)", shapes: ["x": shape],
                      attributes: ["keep_probability": .number("\(keep)"), "seed": 73], tolerance: .exact)
        }
    },
    "softmax": softmaxSweep(["x"]), "log_softmax": softmaxSweep(["x"]),
    // Labels that do not sum to 1 per row, with every other row one-hot.
    "softmax_cross_entropy_with_logits": softmaxSweep(["labels", "logits"]),
    "sigmoid_cross_entropy_with_logits": elementwise(["labels", "logits"], large: true, tolerance: libmTolerance),
    // The squares are summed by chunks of 65,536 added at the end, not in one sequence.
    "mean_squared_error": elementwiseShapes.map { shape in
        OpExample(describeShape(shape), shapes: ["pred": shape, "target": shape], values: ["pred": .uniform(1), "target": .uniform(1)],
                  tolerance: Tolerance(atol: 1e-6, rtol: 1e-4), gradientTolerance: .exact)
    },
    // One element per channel (variance 0), 45,000 rows (two chunks of partial sums), [N, features],
    // parameters [3, 4, 5]; data like 1000 +- 1, the case the two-pass shifted moments exist for;
    // and inference with given statistics.
    "batch_norm": [([1, 1, 1, 1], [0, 1, 2]), ([2, 3, 3, 1], [0, 1, 2]), ([3, 5, 7, 3], [0, 1, 2]), ([4, 9, 9, 17], [0, 1, 2]),
                   ([2, 150, 150, 2], [0, 1, 2]), ([13, 7], [0]), ([5, 6, 3], [0, 1]), ([2, 3, 4, 5], [0])].flatMap { shape, axes in
        [Float(0), 1000].flatMap { offset -> [OpExample] in
            let parameters = Array(shape.dropFirst(axes.count))
            let label = "\(describeShape(shape)) axes \(axes) offset \(offset)"
            let values: [String: ExampleValues] = ["x": .offset(offset), "gamma": .offset(1.5), "mean": .offset(offset), "variance": .range(0.1, 2)]
            return [OpExample(label, shapes: ["x": shape, "gamma": parameters, "beta": parameters], values: values,
                              attributes: ["epsilon": 0.001, "axes": .list(axes.map { .number("\($0)") })], tolerance: batchNormTolerance),
                    OpExample(label + " inference", shapes: ["x": shape, "gamma": parameters, "beta": parameters, "mean": parameters,
                                                             "variance": parameters],
                              values: values, attributes: ["epsilon": 0.001, "training": false], tolerance: batchNormTolerance)]
        }
    },
    // Every method, up and down, sizes 1, odd and prime, unequal axes, channels 1 and more than
    // the SIMD width. The fast forward pass blends rows, then columns (a few Float roundings
    // apart); the backward pass keeps the reference's order.
    "resize": [([1, 1, 1, 1], [1, 1]), ([1, 1, 1, 3], [5, 7]), ([2, 5, 7, 1], [10, 14]), ([1, 7, 5, 9], [13, 3]),
               ([3, 13, 11, 17], [6, 5]), ([1, 4, 4, 2], [4, 4]), ([2, 14, 14, 1], [28, 28])].flatMap { shape, size in
        ResizeMethod.allCases.map { method in
            OpExample("\(describeShape(shape)) -> \(size) \(method)", shapes: ["x": shape],
                      attributes: ["size": .list(size.map { .number("\($0)") }), "method": .text("\(method)")],
                      tolerance: Tolerance(atol: 2e-6, rtol: 1e-5), gradientTolerance: Tolerance(atol: 1e-6, rtol: 1e-6))
        }
    },
]

private let poolSweep: [OpExample] = [[1, 1, 1, 1], [2, 5, 7, 3], [1, 13, 11, 17], [3, 8, 8, 33]].flatMap { shape in
    [(Size2(1, 1), Size2(1, 1)), (Size2(2, 2), Size2(2, 2)), (Size2(3, 3), Size2(2, 2)), (Size2(3, 2), Size2(1, 3)),
     (Size2(2, 3), Size2(3, 1))].flatMap { window, strides in
        ["SAME", "VALID"].compactMap { padding -> OpExample? in
            if padding == "VALID" && (window.h > shape[1] || window.w > shape[2]) { return nil }
            return OpExample("\(describeShape(shape)) window \(window) s\(strides) \(padding)", shapes: ["x": shape],
                             attributes: ["ksize": .list([.number("\(window.h)"), .number("\(window.w)")]),
                                          "strides": .list([.number("\(strides.h)"), .number("\(strides.w)")]), "padding": .text(padding)],
                             tolerance: .exact)
        }
    }
}

/// Rows and classes 1 and > 1 over the last axis, logits moderate and up to +-1000.
private func softmaxSweep(_ inputs: [String]) -> [OpExample] {
    [[1, 1], [1, 10], [13, 1], [3, 7], [5, 3, 11], [128, 10], [300, 301]].flatMap { shape in
        [ExampleValues.uniform(8), .large].map { values in
            OpExample("\(describeShape(shape))\(values == .large ? " large" : "")", shapes: Dictionary(uniqueKeysWithValues: inputs.map { ($0, shape) }),
                      values: [inputs.last!: values, "labels": .labels], tolerance: Tolerance(atol: 1e-5, rtol: 1e-5))
        }
    }
}

/// The calls the fast path hands to the reference (its recorded fallbacks): another softmax axis,
/// no channels, no batch-norm parameters. They must still match the reference, exactly.
let fallbackExamples: [(op: String, example: OpExample)] = [
    ("softmax", OpExample("axis 0", shapes: ["x": [3, 4]], values: ["x": .large], attributes: ["axis": 0], tolerance: .exact)),
    ("log_softmax", OpExample("axis 1 of 3", shapes: ["x": [2, 5, 3]], values: ["x": .large], attributes: ["axis": 1], tolerance: .exact)),
    ("softmax_cross_entropy_with_logits", OpExample("axis -2", shapes: ["labels": [4, 6], "logits": [4, 6]],
                                                     values: ["labels": .labels, "logits": .large], attributes: ["axis": -2],
                                                     tolerance: .exact)),
    ("bias_add", OpExample("no channels", shapes: ["x": [2, 0], "bias": [0]], tolerance: .exact)),
    ("bias_relu", OpExample("no channels", shapes: ["x": [2, 0], "bias": [0]], tolerance: .exact)),
    ("batch_norm", OpExample("no parameters", shapes: ["x": [2, 0], "gamma": [0], "beta": [0]],
                             attributes: ["epsilon": 0.001, "axes": [0]], tolerance: .exact)),
    // Explicit pads: the fast lowering is tuned for TF's SAME/VALID pads.
    ("conv2d", OpExample("explicit pads", shapes: ["x": [2, 5, 6, 3], "w": [3, 2, 3, 4]],
                         attributes: ["padding": "1,2,0,1", "strides": 2], tolerance: .exact)),
    ("depthwise_conv2d", OpExample("explicit pads", shapes: ["x": [1, 5, 5, 3], "w": [3, 3, 3, 2]],
                                   attributes: ["padding": "1"], tolerance: .exact)),
    ("max_pool", OpExample("explicit pads", shapes: ["x": [2, 5, 5, 3]], values: ["x": .distinct],
                           attributes: ["ksize": 3, "strides": 2, "padding": "1,2"], tolerance: .exact)),
]

/// Calls every path must refuse with the same `ConvLabError` (both check with the same code).
let errorExamples: [(op: String, example: OpExample)] = [
    ("conv2d", OpExample("filter channels", shapes: ["x": [1, 28, 28, 1], "w": [5, 5, 3, 32]], attributes: ["padding": "SAME"])),
    ("depthwise_conv2d", OpExample("filter channels", shapes: ["x": [1, 5, 5, 3], "w": [3, 3, 2, 1]], attributes: ["padding": "SAME"])),
    ("depthwise_conv2d", OpExample("VALID window", shapes: ["x": [1, 5, 5, 3], "w": [7, 7, 3, 1]], attributes: ["padding": "VALID"])),
    ("depthwise_conv2d", OpExample("stride with dilation", shapes: ["x": [1, 5, 5, 3], "w": [3, 3, 3, 2]],
                                   attributes: ["padding": "SAME", "strides": 2, "dilations": 2])),
    ("separable_conv2d", OpExample("pointwise channels", shapes: ["x": [1, 5, 5, 3], "depthwise_filter": [3, 3, 3, 2],
                                                                  "pointwise_filter": [1, 1, 3, 4]], attributes: ["padding": "SAME"])),
    ("conv1d", OpExample("filter channels", shapes: ["x": [2, 7, 3], "w": [3, 2, 4]], attributes: ["padding": "SAME"])),
    ("conv1d", OpExample("rank", shapes: ["x": [1, 5, 5, 3], "w": [3, 3, 4]], attributes: ["padding": "SAME"])),
    ("conv1d", OpExample("stride with dilation", shapes: ["x": [2, 7, 3], "w": [3, 3, 4]],
                         attributes: ["padding": "SAME", "stride": 2, "dilation": 2])),
    ("max_pool", OpExample("VALID window", shapes: ["x": [1, 2, 2, 1]], attributes: ["ksize": 3, "strides": 1, "padding": "VALID"])),
    ("avg_pool", OpExample("stride 0", shapes: ["x": [1, 4, 4, 1]], attributes: ["ksize": 2, "strides": 0, "padding": "SAME"])),
    ("dense", OpExample("features", shapes: ["x": [2, 3], "w": [4, 5], "b": [5]])),
    ("dense", OpExample("bias", shapes: ["x": [2, 4], "w": [4, 5], "b": [4]])),
    ("bias_add", OpExample("bias", shapes: ["x": [2, 3], "bias": [2]])),
    ("bias_relu", OpExample("bias", shapes: ["x": [2, 3], "bias": [2]])),
    ("add", OpExample("shapes", shapes: ["a": [2, 3], "b": [3, 2]])),
    ("maxout", OpExample("units", shapes: ["x": [2, 3]], attributes: ["units": 2])),
    ("softmax", OpExample("a scalar", shapes: ["x": []])),
    ("log_softmax", OpExample("axis", shapes: ["x": [2, 3]], attributes: ["axis": 2])),
    ("softmax_cross_entropy_with_logits", OpExample("labels", shapes: ["labels": [3, 2], "logits": [2, 3]])),
    ("sigmoid_cross_entropy_with_logits", OpExample("labels", shapes: ["labels": [3, 2], "logits": [2, 3]])),
    ("mean_squared_error", OpExample("target", shapes: ["pred": [2, 3], "target": [3, 2]])),
    ("batch_norm", OpExample("gamma", shapes: ["x": [2, 3], "gamma": [2], "beta": [2]], attributes: ["epsilon": 0.001, "axes": [0]])),
    ("batch_norm", OpExample("epsilon", shapes: ["x": [2, 3], "gamma": [3], "beta": [3]], attributes: ["epsilon": 0, "axes": [0]])),
    ("batch_norm", OpExample("axes", shapes: ["x": [2, 3], "gamma": [3], "beta": [3]], attributes: ["epsilon": 0.001, "axes": [1]])),
    ("batch_norm", OpExample("negative variance", shapes: ["x": [2, 3], "gamma": [3], "beta": [3], "mean": [3], "variance": [3]],
                             values: ["variance": .range(-2, -1)], attributes: ["epsilon": 0.001, "training": false])),
    ("dropout", OpExample("keep 0", shapes: ["x": [2, 3]], attributes: ["keep_probability": 0, "seed": 1])),
    ("resize", OpExample("rank", shapes: ["x": [4, 4]], attributes: ["size": [2, 2], "method": "nearest"])),
]

// MARK: - The tests

// Serialized: the cases switch the process-wide micro-kernel build, so they must not overlap.
@Suite("Fast kernels match their reference twins", .serialized)
struct FastCrossCheckTests {
    /// An op's sweep, or its benchmark shapes at batch 2 when it has none yet.
    static func sweep(_ op: OpDescriptor) -> [OpExample] { crossCheckSweeps[op.name] ?? op.benchmarks(2) }

    @Test("every op of the table is swept, and every sweep names an op of the table")
    func everyOpIsSwept() {
        for op in OpTable.all { #expect(!Self.sweep(op).isEmpty, "\(op.name) has neither a sweep nor benchmark shapes") }
        #expect(Set(crossCheckSweeps.keys).isSubset(of: OpTable.all.map(\.name)), "a sweep names no op of the table")
    }

    @Test("forward and backward, fast against reference", arguments: OpTable.all.map(\.name), fastKernelBuilds)
    func crossCheck(_ name: String, avx2: Bool) throws {
        let op = try #require(OpTable.named(name))
        for (k, example) in Self.sweep(op).enumerated() {
            let fallbacks = try check(op, example, seed: UInt64(100 * k + 1), avx2: avx2)
            // An op with no fast twin yet runs the reference on the fast path, and says so.
            #expect(fallbacks.allSatisfy { $0.reason == "no fast twin" },
                    "\(name) \(example.label) fell back to the reference: \(fallbacks)")
        }
    }

    @Test("the fast path's fallbacks to the reference are the listed ones, and match it")
    func fallbacks() throws {
        for (name, example) in fallbackExamples {
            let op = try #require(OpTable.named(name))
            let fallbacks = try check(op, example, seed: 7, avx2: Fast.usesAVX2)
            #expect(!fallbacks.isEmpty, "\(name) \(example.label) did not fall back")
        }
    }

    @Test("bad arguments throw the same error on both paths")
    func errors() throws {
        for (name, example) in errorExamples {
            let op = try #require(OpTable.named(name))
            let call = example.call(for: op, seed: 5)
            expectSameError("\(name) \(example.label)", reference: { _ = try op.forward(call, on: Kernels(.reference).ops) },
                            fast: { _ = try op.forward(call, on: Kernels(.fast).ops) })
        }
    }

    @Test("a wrong upstream gradient gets the same answer on both paths", arguments: OpTable.all.map(\.name))
    func wrongGradientShape(_ name: String) throws {
        let op = try #require(OpTable.named(name))
        guard op.hasBackward, let example = Self.sweep(op).first(where: { $0.shapes.values.allSatisfy { !$0.isEmpty } }) else { return }
        let call = example.call(for: op, seed: 3)
        let outputs = try op.forward(call, on: Kernels(.reference).ops)
        var generator = SeededGenerator(seed: 4)
        let wrong = ExampleValues.uniform(1).tensor(outputs[0].shape + [2], generator: &generator)
        func attempt(_ path: KernelPath) -> Result<[Tensor<Float>], ConvLabError> {
            Result { try op.backward(call, outputs: outputs, dy: wrong, on: Kernels(path).ops).map(\.tensor) }
                .mapError { $0 as? ConvLabError ?? .argument(op: "test", message: "\($0)") }
        }
        switch (attempt(.reference), attempt(.fast)) {
        case let (.failure(expected), .failure(actual)): #expect(actual == expected, "\(name)")
        case let (.success(expected), .success(actual)): #expect(actual == expected, "\(name)")
        case let (reference, fast): Issue.record("\(name): reference \(reference), fast \(fast)")
        }
    }

    /// Runs one example on both paths, forward and (when the op has one and trains) backward,
    /// compares every output, and returns the fallbacks the fast path took.
    func check(_ op: OpDescriptor, _ example: OpExample, seed: UInt64, avx2: Bool) throws -> [Fallback] {
        let call = example.call(for: op, seed: seed)
        let label = "\(op.name) \(example.label) avx2=\(avx2)"
        let expected = try op.forward(call, on: Kernels(.reference).ops)
        let trains = try example.attributes.bool("training", default: true, op: op.name)
        var generator = SeededGenerator(seed: seed &+ 1)
        let dy = ExampleValues.uniform(1).tensor(expected[0].shape, generator: &generator)
        let expectedGradients = op.hasBackward && trains
            ? try op.backward(call, outputs: expected, dy: dy, on: Kernels(.reference).ops) : []
        let ((actual, actualGradients), fallbacks) = try withFastKernelBuild(avx2: avx2) {
            try Fallback.recorded {
                let actual = try op.forward(call, on: Kernels(.fast).ops)
                return (actual, op.hasBackward && trains ? try op.backward(call, outputs: actual, dy: dy, on: Kernels(.fast).ops) : [])
            }
        }
        #expect(actual.count == expected.count, "\(label): \(actual.count) outputs, the reference \(expected.count)")
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            expectFastMatch(a, e, example.tolerance, label + " output \(k)")
        }
        for (a, e) in zip(actualGradients, expectedGradients) {
            expectFastMatch(a.tensor, e.tensor, example.gradientTolerance, label + " " + e.name)
        }
        return fallbacks
    }

    // MARK: - What the sweep cannot show

    @Test("max pool ties go to the first cell of the window, as in the reference")
    func maxPoolTies() throws {
        let x = try Tensor<Float>(shape: [1, 2, 2, 2], repeating: 1)
        let dy = try Tensor<Float>(shape: [1, 1, 1, 2], scalars: [3, 4])
        let fast = try Fast.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .valid)
        #expect(fast.scalars == [3, 4, 0, 0, 0, 0, 0, 0])
        #expect(fast == (try Reference.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: .valid)))
    }

    @Test("the conv layers' ReLU backward reads the output: the same gradient as from the input")
    func reluFromOutput() throws {
        for shape in elementwiseShapes {
            let x = fastCheckTensor(shape, seed: 11), dy = fastCheckTensor(shape, seed: 12)
            let bias = fastCheckTensor([shape.last!], seed: 13)
            let z = try Reference.biasAddForward(x, bias: bias)
            expectFastMatch(try Fast.reluBackward(try Fast.biasReLUForward(x, bias: bias), dOutput: dy),
                            try Reference.reluBackward(z, dOutput: dy), .exact, "\(describeShape(shape)) relu dInput from the output")
        }
    }

    @Test("depthwise dFilter does not depend on the thread count", arguments: [1, 2, 3])
    func depthwiseThreads(_ threads: Int) throws {
        // dFilter is summed in one buffer per worker: 2 images x 4 output rows split over 1, 2
        // and 3 workers (unevenly over 3) must all agree with the reference.
        let x = fastCheckTensor([2, 7, 5, 17], seed: 14), w = fastCheckTensor([3, 3, 17, 2], seed: 15)
        let dy = fastCheckTensor([2, 4, 3, 34], seed: 16)
        let reference = try Reference.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: 2, padding: .same)
        let saved = Fast.threads
        Fast.threads = threads
        defer { Fast.threads = saved }
        let grads = try Fast.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: 2, padding: .same)
        expectFastMatch(grads.dInput, reference.dInput, fastTolerance, "depthwise \(threads) threads dInput")
        expectFastMatch(grads.dFilter, reference.dFilter, fastTolerance, "depthwise \(threads) threads dFilter")
    }

    @Test("batch norm statistics do not depend on the thread count")
    func batchNormDeterministic() throws {
        let x = fastCheckTensor([2, 150, 150, 2], seed: 67), dy = fastCheckTensor([2, 150, 150, 2], seed: 68)
        let gamma = try Tensor<Float>(shape: [2], scalars: [1.5, 0.5])
        let saved = Fast.threads
        defer { Fast.threads = saved }
        Fast.threads = 1
        let one = try Fast.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: 1e-3)
        Fast.threads = 2
        let two = try Fast.batchNormBackward(x, gamma: gamma, dOutput: dy, epsilon: 1e-3)
        expectFastMatch(two.dGamma, one.dGamma, .exact, "batchNorm dGamma 1 vs 2 threads")
        expectFastMatch(two.dInput, one.dInput, .exact, "batchNorm dInput 1 vs 2 threads")
    }

    @Test("dropout leaves the generator in the reference's state", arguments: [Float(0.5), 0.9, 1])
    func dropoutGenerator(keep: Float) throws {
        let x = fastCheckTensor([1, 300, 301], seed: 71)
        var fastGenerator = SeededGenerator(seed: 73), referenceGenerator = SeededGenerator(seed: 73)
        _ = try Fast.dropoutForward(x, keepProbability: keep, generator: &fastGenerator)
        _ = try Reference.dropoutForward(x, keepProbability: keep, generator: &referenceGenerator)
        #expect(fastGenerator.nextUnit() == referenceGenerator.nextUnit(), "keep \(keep): generator states differ")
    }

    @Test("conv1d of the ramp 1..7 with filter [1, 0, -1], VALID, through Kernels(.fast)")
    func conv1DRamp() throws {
        // Lab 11-0's sliding window y0 = x0*w0 + x1*w1 + x2*w2, y1 = x1*w0 + x2*w1 + x3*w2, ...
        // with w = [1, 0, -1]: y_i = x_i - x_{i+2} = -2 for every window of the ramp.
        let x = try Tensor<Float>(shape: [1, 7, 1], scalars: [1, 2, 3, 4, 5, 6, 7])
        let w = try Tensor<Float>(shape: [3, 1, 1], scalars: [1, 0, -1])
        let y = try Kernels(.fast).ops.conv1DForward(x, filter: w, stride: 1, padding: .valid, dilation: 1)
        #expect(y.shape == [1, 5, 1])
        #expect(y.scalars == [-2, -2, -2, -2, -2])
    }

    @Test("large |x|: sigmoid saturates to 0 and 1, softplus to 0 and x, nothing is NaN")
    func activationsSaturate() throws {
        let x = try Tensor<Float>(shape: [4], scalars: [-1000, -100, 100, 1000])
        let s = try Fast.sigmoidForward(x), softplus = try Fast.softplusForward(x)
        #expect(s.scalars[0] == 0 && s.scalars[3] == 1)
        #expect(softplus.scalars[0] == 0 && softplus.scalars[3] == 1000 && softplus.scalars[2] == 100)
        let dy = try Tensor<Float>(shape: [4], repeating: 1)
        #expect(try Fast.sigmoidBackward(x, dOutput: dy).scalars.allSatisfy { $0.isFinite })
    }

    @Test("the four-lane exp, expm1, log1p and tanh stay within 4 ulps of Double, across the Float range")
    func vectorMathAccuracy() throws {
        // Every Float in [-90, 90] at steps of 0.0137 (so 0, +-0.625 and the exp range ends are
        // crossed), tiny values down to 1e-8 where tanh and expm1 must keep their relative
        // accuracy, and the ends of the Float range.
        var sweep = stride(from: -90.0, through: 90.0, by: 0.0137).map { Float($0) }
        for exponent in 1...8 {
            let tiny = Float(pow(10.0, -Double(exponent)))
            sweep += [tiny, -tiny, 3 * tiny, -3 * tiny]
        }
        sweep += [0, -0.625, 0.625, 0.6249, -0.6249, 0.414, 87, -87, -87.1, -88, -103, -200, 1000, -1000]
        let x = try Tensor<Float>(shape: [sweep.count], scalars: sweep)
        let xd = Tensor<Double>(x)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        // 4 ulps relative; below 1e-37 (where the fast exp flushes to 0 and libm gives a
        // subnormal) an absolute difference.
        let tolerance = Tolerance(atol: 1e-37, rtol: 4 * Double(Float.ulpOfOne))
        let cases: [(String, Tensor<Float>, Tensor<Double>)] = [
            ("sigmoid", try Fast.sigmoidForward(x), xd.map(sigmoid)),
            ("tanh", try Fast.tanhForward(x), xd.map { Foundation.tanh($0) }),
            ("elu", try Fast.eluForward(x), xd.map { $0 > 0 ? $0 : Foundation.expm1($0) }),
            ("softplus", try Fast.softplusForward(x), xd.map { max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) }),
            ("elu'", try Fast.eluBackward(x, dOutput: Tensor(shape: x.shape, repeating: 1)),
             xd.map { $0 > 0 ? 1 : Foundation.exp($0) }),
        ]
        for (name, fast, truth) in cases {
            let mismatch = compare(fast, truth, tolerance)
            print("\(name) against Double over \(x.count) values: max abs error \(maxAbsError(fast, truth)) (\(tolerance))")
            #expect(mismatch == nil, "\(name): \(mismatch?.description ?? "")")
        }
    }
}
