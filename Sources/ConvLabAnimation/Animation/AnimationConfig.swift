import ConvLabCore

/// The sliding window of one op on a small input, for `convlab animate`: what to animate.
///
/// The numbers an animation shows come from the reference ops (`Reference`), on the input and
/// filter values built here; the drawing code only places them.

/// An op an animation can show, named as on the command line.
package enum AnimatedOp: String, CaseIterable, Sendable, CustomStringConvertible {
    case conv2d = "conv2d"
    case depthwise = "depthwise"
    case maxPool = "max-pool"
    case avgPool = "avg-pool"
    case conv2dTranspose = "conv2d-transpose"

    package var description: String { rawValue }

    /// The TensorFlow function it follows.
    package var tensorFlowName: String {
        switch self {
        case .conv2d: "tf.nn.conv2d"
        case .depthwise: "tf.nn.depthwise_conv2d"
        case .maxPool: "tf.nn.max_pool2d"
        case .avgPool: "tf.nn.avg_pool2d"
        case .conv2dTranspose: "tf.nn.conv2d_transpose"
        }
    }

    /// Whether the op has a filter (the pools have only a window).
    package var hasFilter: Bool { self != .maxPool && self != .avgPool }

    /// - Throws: `ConvLabError.argument` listing the ops.
    package init(parsing text: String) throws {
        guard let op = AnimatedOp(rawValue: text.lowercased()) else {
            throw ConvLabError.argument(op: "animate",
                message: "unknown op '\(text)'; ops: \(AnimatedOp.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = op
    }
}

/// One animation's configuration. Defaults: lab 11-0's toy example, the 3x3 image 1...9 under a
/// 2x2 filter of ones, VALID, which gives [[12, 16], [24, 28]].
package struct AnimationConfig: Sendable, Equatable {
    package var op: AnimatedOp = .conv2d
    /// `(H, W)` of the input image.
    package var input: Size2 = 3
    /// `C`, the input channels.
    package var channels = 1
    /// `(KH, KW)`: the filter's or the pool window's size.
    package var kernel: Size2 = 2
    package var strides: Size2 = 1
    package var dilations: Size2 = 1
    package var padding: Padding = .valid
    /// `O` for conv2d, the multiplier `M` for depthwise, the output channels for conv2d-transpose.
    package var filters = 1
    /// conv2d-transpose's output size (TF's `output_shape`); nil for Keras's default.
    package var outputSize: Size2? = nil
    /// `H * W * C` values in NHWC order; nil for `1, 2, 3, ...` in each channel's plane.
    package var inputValues: [Float]? = nil
    /// The filter's values in its TF layout; nil for all ones (lab 11-0's filter).
    package var filterValues: [Float]? = nil
    /// How long each step of the animation lasts.
    package var stepSeconds = 1.0

    package init() {}

    /// The largest configuration an animation draws: every cell, weight and multiply-add is
    /// written out, so the picture stays readable and its size bounded.
    package enum Limits {
        package static let side = 1...12
        package static let kernel = 1...5
        package static let stride = 1...6
        package static let dilation = 1...4
        package static let channels = 1...3
        package static let filters = 1...3
        package static let pad = 0...6
        /// Multiply-adds written out per step (`KH * KW * C`, or `KH * KW` for a depthwise conv or a pool).
        package static let termsPerStep = 27
        package static let steps = 300
        /// Cells per side of any drawn grid, padding included (a transposed conv's output grows
        /// by the stride).
        package static let drawnSide = 24
        package static let stepSeconds = 0.1...10.0
        package static let magnitude: Float = 1e6
    }

    /// The TF shape of the filter: `[KH, KW, C, O]` (conv2d), `[KH, KW, C, M]` (depthwise),
    /// `[KH, KW, O, C]` (conv2d-transpose); nil for the pools.
    package var filterShape: [Int]? {
        switch op {
        case .conv2d, .depthwise: [kernel.h, kernel.w, channels, filters]
        case .conv2dTranspose: [kernel.h, kernel.w, filters, channels]
        case .maxPool, .avgPool: nil
        }
    }

    /// Checks the configuration against `Limits` and the op's own rules (through the reference's
    /// geometry), and builds the input and filter tensors.
    /// - Throws: `ConvLabError` naming `animate` for a limit, or the op's own error.
    package func tensors() throws -> (input: Tensor<Float>, filter: Tensor<Float>?) {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw ConvLabError.argument(op: "animate", message: message()) }
        }
        try check(Limits.side.contains(input.h) && Limits.side.contains(input.w), "input \(input) must be 1...12 on each side")
        try check(Limits.kernel.contains(kernel.h) && Limits.kernel.contains(kernel.w), "kernel \(kernel) must be 1...5 on each side")
        try check(Limits.stride.contains(strides.h) && Limits.stride.contains(strides.w), "strides \(strides) must be 1...6")
        try check(Limits.dilation.contains(dilations.h) && Limits.dilation.contains(dilations.w), "dilations \(dilations) must be 1...4")
        try check(Limits.channels.contains(channels), "channels \(channels) must be 1...3")
        try check(!op.hasFilter || Limits.filters.contains(filters), "filters \(filters) must be 1...3")
        try check(Limits.stepSeconds.contains(stepSeconds), "step seconds \(stepSeconds) must be 0.1...10")
        if case .explicit(let p) = padding {
            try check([p.top, p.bottom, p.left, p.right].allSatisfy(Limits.pad.contains), "explicit pads \(padding) must be 0...6")
        }
        if let size = outputSize {
            try check(op == .conv2dTranspose, "an output size is for conv2d-transpose only")
            try check(Limits.side.contains(size.h) && Limits.side.contains(size.w), "output size \(size) must be 1...12 on each side")
        }
        let terms = kernel.h * kernel.w * (op == .conv2d ? channels : 1)
        try check(op == .conv2dTranspose || terms <= Limits.termsPerStep,
                  "a step would write out \(terms) multiply-adds (KH*KW\(op == .conv2d ? "*C" : "")); keep it <= 27")

        let count = input.h * input.w * channels
        let xs = inputValues ?? (0..<count).map { index in
            // Channel c's plane counts 1, 2, 3, ... row by row: channel 0 is lab 11-0's image.
            let c = index % channels, pixel = index / channels
            return Float(c * input.h * input.w + pixel + 1)
        }
        try check(xs.count == count, "--input-values has \(xs.count) numbers but the \(input.h)x\(input.w)x\(channels) input needs \(count)")
        try check(xs.allSatisfy { $0.isFinite && abs($0) <= Limits.magnitude }, "input values must be finite and at most 1e6 in size")
        let x = try Tensor(shape: [1, input.h, input.w, channels], scalars: xs)
        guard let shape = filterShape else {
            try check(filterValues == nil, "\(op) has no filter, so no --filter-values")
            return (x, nil)
        }
        let filterCount = shape.reduce(1, *)
        let ws = filterValues ?? [Float](repeating: 1, count: filterCount)
        try check(ws.count == filterCount, "--filter-values has \(ws.count) numbers but the filter \(describeShape(shape)) needs \(filterCount)")
        try check(ws.allSatisfy { $0.isFinite && abs($0) <= Limits.magnitude }, "filter values must be finite and at most 1e6 in size")
        return (x, try Tensor(shape: shape, scalars: ws))
    }

    /// Numbers for `--input-values` / `--filter-values`: separated by commas or spaces; `;`
    /// ends a row, so `"1,2,3; 4,5,6"` is read as 2 rows (the count of rows is returned too).
    /// - Throws: `ConvLabError.argument` naming `name` and the bad number.
    package static func parseValues(_ text: String, name: String) throws -> (values: [Float], rows: Int) {
        var values: [Float] = []
        var rows = 0
        for row in text.split(separator: ";", omittingEmptySubsequences: true) {
            let numbers = row.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" })
            guard !numbers.isEmpty else { continue }
            for number in numbers {
                guard let value = Float(number), value.isFinite else {
                    throw ConvLabError.argument(op: "animate", message: "\(name): '\(number)' is not a finite number")
                }
                values.append(value)
            }
            rows += 1
        }
        guard !values.isEmpty else {
            throw ConvLabError.argument(op: "animate", message: "\(name) holds no numbers")
        }
        return (values, rows)
    }
}
