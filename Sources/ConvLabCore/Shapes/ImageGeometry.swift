/// The validated shapes of the image ops, stated once and shared by the reference loops, the
/// fast kernels and the layers: every output size, pad, window tap and NHWC offset comes from here.

/// A 4-D row-major layout and its one offset formula, `((n * H + h) * W + w) * C + c`: NHWC images
/// (`[N, H, W, C]`) and, with the same arithmetic, HWIO filters (`[KH, KW, C, O]`).
public struct NHWC: Equatable, Sendable {
    /// `N` (for a filter, `KH`).
    public let batch: Int
    /// `H` (for a filter, `KW`).
    public let height: Int
    /// `W` (for a filter, `C`).
    public let width: Int
    /// `C` (for a filter, `O`).
    public let channels: Int

    /// The layout of a `[batch, height, width, channels]` tensor.
    public init(_ batch: Int, _ height: Int, _ width: Int, _ channels: Int) {
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// `[batch, height, width, channels]`.
    public var shape: [Int] { [batch, height, width, channels] }

    /// The flat offset of element `(n, h, w, c)`.
    @inline(__always) public func index(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int {
        ((n * height + h) * width + w) * channels + c
    }
}

/// A validated op whose output shape is known before it runs, so its backward pass can check
/// the upstream gradient against it in one place.
package protocol OutputShaped {
    /// The shape the op's forward pass returns, and so the shape of its upstream gradient.
    var outputShape: [Int] { get }
}

extension OutputShaped {
    /// Throws unless `shape` is this call's output shape.
    /// - Parameters:
    ///   - shape: the upstream gradient's shape.
    ///   - op: the op named in the error.
    package func checkOutputGradient(_ shape: [Int], op: String) throws {
        try OpCheck.outputGradient(shape, expected: outputShape, op: op)
    }
}

/// The validated shapes of one conv2d call and its index arithmetic.
public struct Conv2DGeometry: Equatable, Sendable, OutputShaped, WindowGeometry {
    /// `N`.
    public let batch: Int
    /// The height axis: `H`, `KH`, `sh`, `dh`, TF's pads and `OH`.
    public let rows: WindowAxis
    /// The width axis: `W`, `KW`, `sw`, `dw`, TF's pads and `OW`.
    public let cols: WindowAxis
    /// `C`.
    package let inChannels: Int
    /// `O`.
    package let outChannels: Int

    /// - Throws: `ConvLabError` naming `op` and both shapes.
    public init(input: [Int], filter: [Int], strides: Size2, padding: Padding, dilations: Size2,
                op: String = "conv2d") throws {
        let pair = "(\(describeShape(input)) * \(describeShape(filter)))"
        try OpCheck.rank(input, "[N,H,W,C]", name: "input", op: op)
        try OpCheck.rank(filter, "[KH,KW,C,O]", name: "filter", op: op)
        guard filter[2] == input[3] else {
            throw ConvLabError.shape(op: op,
                message: "filter has \(filter[2]) input channels but input has \(input[3]) \(pair)")
        }
        guard input.allSatisfy({ $0 >= 1 }), filter.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension must be >= 1 \(pair)")
        }
        if (strides.h > 1 || strides.w > 1) && (dilations.h > 1 || dilations.w > 1) {
            throw ConvLabError.argument(op: op,
                message: "strides \(strides) with dilations \(dilations): TF allows dilation > 1 only with stride 1")
        }
        batch = input[0]
        inChannels = input[3]
        outChannels = filter[3]
        (rows, cols) = try WindowAxis.pair(height: input[1], width: input[2], kernel: Size2(filter[0], filter[1]),
                                           strides: strides, dilations: dilations, padding: padding, op: op)
        // Both sides must be tensors ConvLab can hold (checked products): explicit pads can make
        // the output far larger than the input, and a transposed conv passes its output here.
        _ = try TensorShape.extent(input, op: op)
        _ = try TensorShape.extent(outputShape, op: op)
    }

    /// `[N, H, W, C]`.
    public var input: NHWC { NHWC(batch, rows.input, cols.input, inChannels) }
    /// `[KH, KW, C, O]`, HWIO: the same row-major offsets as an image.
    public var filter: NHWC { NHWC(rows.kernel, cols.kernel, inChannels, outChannels) }
    /// `[N, OH, OW, O]`.
    public var output: NHWC { NHWC(batch, rows.output, cols.output, outChannels) }
    /// `[N, OH, OW, O]`.
    public var outputShape: [Int] { output.shape }

    /// The row-major offset of `x[n, h, w, c]` in the `[N, H, W, C]` input.
    @inline(__always) public func inputIndex(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int { input.index(n, h, w, c) }
    /// The row-major offset of `w[a, b, c, o]` in the `[KH, KW, C, O]` filter.
    @inline(__always) public func filterIndex(_ a: Int, _ b: Int, _ c: Int, _ o: Int) -> Int { filter.index(a, b, c, o) }
    /// The row-major offset of `y[n, i, j, o]` in the `[N, OH, OW, O]` output.
    @inline(__always) public func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ o: Int) -> Int { output.index(n, i, j, o) }
}

/// The validated shapes of one depthwise conv2d call. The windows are exactly conv2d's (the
/// filter `[KH, KW, C, M]` has conv2d's layout with `O = M`), so this wraps a `Conv2DGeometry`
/// and only changes the output channel layout to `c*M + m`.
package struct DepthwiseConv2DGeometry: Equatable, Sendable, OutputShaped, WindowGeometry {
    /// The same windows, pads and input/filter indexing as a conv2d with `M` output channels.
    package let window: Conv2DGeometry

    /// - Throws: `ConvLabError` naming `op` and both shapes.
    package init(input: [Int], filter: [Int], strides: Size2, padding: Padding, dilations: Size2,
                op: String = "depthwiseConv2D") throws {
        window = try Conv2DGeometry(input: input, filter: filter, strides: strides, padding: padding,
                                    dilations: dilations, op: op)
        _ = try TensorShape.extent(outputShape, op: op)   // C * M channels: checked product
    }

    /// `N`.
    package var batch: Int { window.batch }
    /// The height axis: `H`, `KH`, `sh`, `dh`, TF's pads and `OH`.
    package var rows: WindowAxis { window.rows }
    /// The width axis: `W`, `KW`, `sw`, `dw`, TF's pads and `OW`.
    package var cols: WindowAxis { window.cols }
    /// `C`, the input channels.
    package var channels: Int { window.inChannels }
    /// `M`, the filters per input channel.
    package var multiplier: Int { window.outChannels }

    /// `[N, OH, OW, C*M]`.
    package var output: NHWC { NHWC(batch, rows.output, cols.output, channels * multiplier) }
    /// `[N, OH, OW, C*M]`.
    package var outputShape: [Int] { output.shape }

    /// The row-major offset of `x[n, h, w, c]` in the `[N, H, W, C]` input.
    @inline(__always) package func inputIndex(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int {
        window.inputIndex(n, h, w, c)
    }
    /// The row-major offset of `w[a, b, c, m]` in the `[KH, KW, C, M]` filter.
    @inline(__always) package func filterIndex(_ a: Int, _ b: Int, _ c: Int, _ m: Int) -> Int {
        window.filterIndex(a, b, c, m)
    }
    /// The offset of output channel `c*M + m` at `(n, i, j)`.
    @inline(__always) package func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ c: Int, _ m: Int) -> Int {
        output.index(n, i, j, c * multiplier + m)
    }
}

/// The validated shapes of one pooling call and its index arithmetic.
package struct PoolGeometry: Equatable, Sendable, OutputShaped, WindowGeometry {
    /// `N`.
    package let batch: Int
    /// The height axis: `H`, the window's `KH`, `sh`, TF's pads and `OH`.
    package let rows: WindowAxis
    /// The width axis: `W`, the window's `KW`, `sw`, TF's pads and `OW`.
    package let cols: WindowAxis
    /// `C`, pooled one by one.
    package let channels: Int

    /// - Throws: `ConvLabError` naming `op` and the input shape.
    package init(input: [Int], windowSize: Size2, strides: Size2, padding: Padding,
                op: String = "pool") throws {
        try OpCheck.rank(input, "[N,H,W,C]", name: "input", op: op)
        guard input.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension of the input must be >= 1, got \(describeShape(input))")
        }
        guard windowSize.h >= 1 && windowSize.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "windowSize \(windowSize) must be >= 1 in both axes (input \(describeShape(input)))")
        }
        guard strides.h >= 1 && strides.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "strides \(strides) must be >= 1 in both axes (input \(describeShape(input)))")
        }
        if padding == .valid && (windowSize.h > input[1] || windowSize.w > input[2]) {
            throw ConvLabError.shape(op: op,
                message: "VALID window \(windowSize) does not fit the \(input[1])x\(input[2]) image of input \(describeShape(input))")
        }
        batch = input[0]
        channels = input[3]
        if case .explicit(let pads) = padding,
           max(pads.top, pads.bottom) >= windowSize.h || max(pads.left, pads.right) >= windowSize.w {
            // TF's CheckPaddingSize: so every window still holds a real cell.
            throw ConvLabError.argument(op: op,
                message: "explicit pads \(padding) must be smaller than the window \(windowSize) on every side, as in TF (input \(describeShape(input)))")
        }
        (rows, cols) = try WindowAxis.pair(height: input[1], width: input[2], kernel: windowSize, strides: strides,
                                           padding: padding, op: op)
        _ = try TensorShape.extent(outputShape, op: op)   // explicit pads can outgrow the input
    }

    /// `[N, H, W, C]`.
    package var input: NHWC { NHWC(batch, rows.input, cols.input, channels) }
    /// `[N, OH, OW, C]`.
    package var output: NHWC { NHWC(batch, rows.output, cols.output, channels) }
    /// `[N, OH, OW, C]`.
    package var outputShape: [Int] { output.shape }

    /// How many cells of window `(i, j)` lie inside the image: average pool's divisor.
    package func realCells(_ i: Int, _ j: Int) -> Int {
        rows.taps(forOutput: i).count * cols.taps(forOutput: j).count
    }

    /// The row-major offset of `x[n, h, w, c]` in the `[N, H, W, C]` input.
    @inline(__always) package func inputIndex(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int { input.index(n, h, w, c) }
    /// The row-major offset of `y[n, i, j, c]` in the `[N, OH, OW, C]` output.
    @inline(__always) package func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ c: Int) -> Int { output.index(n, i, j, c) }
}
