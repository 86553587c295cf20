import ConvLabCore
import ConvLabPictures
import ConvLabNN

/// Convolutions without training (lecture 7): hand-written 3x3 kernels applied to a photograph.
///
/// A kernel is chosen, not learned, and the convolution shows what it does: the blur averages a
/// pixel with its neighbours (weights 0.25 / 0.125 / 0.0625, summing to 1), the edge kernels sum
/// to 0 so a flat region goes black, the emboss kernel sums to 1 and lights one side of each edge.
///
/// Three ways to apply one 3x3 kernel to an RGB image `[N, H, W, 3]`, all SAME padding:
/// - `.perChannel`: a depthwise convolution, filter `[3, 3, 3, 1]` (`tf.nn.depthwise_conv2d`):
///   each colour channel is filtered on its own, so colours survive.
/// - `.grey`: the image is first turned grey with TF's `rgb_to_grayscale` weights
///   (0.2989 R + 0.5870 G + 0.1140 B), then convolved with a `[3, 3, 1, 1]` filter.
/// - `.mixedAsKernelsPy`: the same 3x3 kernel at every `[input, output]` channel pair of a
///   `[3, 3, 3, 3]` filter for `tf.nn.conv2d`, as the course's kernels.py builds its RGB blur,
///   sharpen, top Sobel and emboss filters (its RGB edge filter is channel-diagonal instead,
///   i.e. per channel; its grey `[3, 3, 1, 1]` filters are what 07_basic_filters.py uses by
///   default). Every output channel then sums the three filtered input channels: the three
///   outputs are equal (the colours mix to grey) and a kernel whose weights sum to 1 (blur,
///   sharpen, emboss) triples the brightness.
public enum ClassicKernel: String, CaseIterable, Sendable, CustomStringConvertible {
    case blur
    case sharpen
    case edge4
    case edge8
    case topSobel
    case emboss

    /// The 3x3 weights, row by row (as printed in the lecture and kernels.py).
    public var weights: [[Float]] {
        switch self {
        case .blur:
            return [[0.0625, 0.125, 0.0625],
                    [0.125, 0.25, 0.125],
                    [0.0625, 0.125, 0.0625]]
        case .sharpen:
            return [[0, -1, 0],
                    [-1, 5, -1],
                    [0, -1, 0]]
        case .edge4:
            return [[0, 1, 0],
                    [1, -4, 1],
                    [0, 1, 0]]
        case .edge8:
            return [[-1, -1, -1],
                    [-1, 8, -1],
                    [-1, -1, -1]]
        case .topSobel:
            return [[1, 2, 1],
                    [0, 0, 0],
                    [-1, -2, -1]]
        case .emboss:
            return [[-2, -1, 0],
                    [-1, 1, 1],
                    [0, 1, 2]]
        }
    }

    /// The label on the contact sheet.
    public var description: String {
        switch self {
        case .blur: return "blur"
        case .sharpen: return "sharpen"
        case .edge4: return "edge 4-neighbour"
        case .edge8: return "edge 8-neighbour"
        case .topSobel: return "top Sobel"
        case .emboss: return "emboss"
        }
    }

    /// The sum of the weights: what the kernel does to a constant image (1 keeps it, 0 erases it).
    public var weightSum: Float { weights.joined().reduce(0, +) }

    /// How the kernel meets the colour channels (see the type's comment).
    public enum ChannelMode: String, CaseIterable, Sendable, CustomStringConvertible {
        case perChannel
        case grey
        case mixedAsKernelsPy

        public var description: String {
            switch self {
            case .perChannel: return "per channel (depthwise)"
            case .grey: return "grey"
            case .mixedAsKernelsPy: return "mixing [3,3,3,3], as kernels.py's RGB blur: channels summed (grey, and 3x as bright when the weights sum to 1)"
            }
        }
    }

    /// The depthwise filter `[3, 3, C, 1]`: this kernel once per channel.
    public func depthwiseFilter(channels: Int) -> Tensor<Float> { filter(channels: channels, outputs: 1) }

    /// The conv2d filter `[3, 3, C, C]` of kernels.py: this kernel at every `[in, out]` pair.
    public func mixingFilter(channels: Int) -> Tensor<Float> { filter(channels: channels, outputs: channels) }

    /// `[3, 3, channels, outputs]`, every tap's weight repeated over its `channels * outputs` slots.
    private func filter(channels: Int, outputs: Int) -> Tensor<Float> {
        Tensor(uncheckedShape: [3, 3, channels, outputs],
               scalars: weights.joined().flatMap { Array(repeating: $0, count: channels * outputs) })
    }

    /// Applies the kernel to `image` (`[N, H, W, 3]` or `[N, H, W, 1]`) with SAME padding.
    /// - Parameters:
    ///   - image: `[N, H, W, 3]` or `[N, H, W, 1]`.
    ///   - mode: per channel, grey, or kernels.py's channel-summing filter.
    ///   - stride: the lecture's stride option, the same along both axes; the output is
    ///     `[N, ceil(H / stride), ceil(W / stride), C']`.
    ///   - kernels: the path (reference or fast) that runs the convolution.
    /// - Returns: `C' = C` for `.perChannel` and `.mixedAsKernelsPy`, `C' = 1` for `.grey`.
    /// - Throws: `ConvLabError` for a non-NHWC image or a stride below 1.
    public func apply(to image: Tensor<Float>, mode: ChannelMode, stride: Int = 1,
                      kernels: Kernels = Kernels(.reference)) throws -> Tensor<Float> {
        guard image.rank == 4 else {
            throw ConvLabError.shape(op: "kernels", message: "the image must be [N,H,W,C], got \(describeShape(image.shape))")
        }
        guard stride >= 1 else {
            throw ConvLabError.argument(op: "kernels", message: "stride must be at least 1, got \(stride)")
        }
        let channels = image.shape[3]
        let strides = Size2(stride, stride)
        switch mode {
        case .perChannel:
            return try kernels.ops.depthwiseConv2DForward(image, filter: depthwiseFilter(channels: channels),
                                                          strides: strides, padding: .same, dilations: 1)
        case .grey:
            let grey = try ClassicKernel.greyscale(image)
            return try kernels.ops.conv2DForward(grey, filter: mixingFilter(channels: 1), strides: strides,
                                                 padding: .same, dilations: 1)
        case .mixedAsKernelsPy:
            return try kernels.ops.conv2DForward(image, filter: mixingFilter(channels: channels),
                                                 strides: strides, padding: .same, dilations: 1)
        }
    }

    /// `tf.image.rgb_to_grayscale`: `0.2989 R + 0.5870 G + 0.1140 B`, `[N, H, W, 3] -> [N, H, W, 1]`;
    /// a one-channel image is returned as it is.
    /// - Throws: `ConvLabError.shape` unless the image is `[N, H, W, 1]` or `[N, H, W, 3]`.
    public static func greyscale(_ image: Tensor<Float>) throws -> Tensor<Float> {
        guard image.rank == 4, image.shape[3] == 1 || image.shape[3] == 3 else {
            throw ConvLabError.shape(op: "greyscale", message: "needs [N,H,W,1] or [N,H,W,3], got \(describeShape(image.shape))")
        }
        if image.shape[3] == 1 { return image }
        let pixels = image.count / 3
        var grey = [Float](repeating: 0, count: pixels)
        for p in 0..<pixels {
            let s = image.scalars
            grey[p] = 0.2989 * s[3 * p] + 0.5870 * s[3 * p + 1] + 0.1140 * s[3 * p + 2]
        }
        return Tensor(uncheckedShape: Array(image.shape.dropLast()) + [1], scalars: grey)
    }
}

/// The layout of the contact sheet of `convlab kernels` (see `kernelContactSheet`).
struct KernelSheetLayout {
    static let gap = 8
    static let labelH = Canvas.textHeight(scale: 2) + 6
    static let rowTitleH = Canvas.textHeight(scale: 2) + 10
    static let titleH = Canvas.textHeight(scale: 2) + 16
    static func title(stride: Int) -> String {
        "Lecture 7: convolutions without training, 3x3 kernels, SAME, stride \(stride), outputs clipped to 0..1"
    }

    /// The largest photograph: 2^24 pixels (4096 x 4096). Its RGB tensor takes 12 bytes a pixel
    /// (192 MiB here), and every kernel's output as much again at stride 1.
    static let maximumImagePixels = 1 << 24

    let tileW: Int, tileH: Int, width: Int, height: Int

    /// - Throws: `ConvLabError.argument` naming `kernels` for a stride or scale below 1, a
    ///   photograph over `maximumImagePixels`, or a sheet wider or taller than
    ///   `Canvas.maximumSide` (checked before anything is computed).
    init(imageWidth: Int, imageHeight: Int, stride: Int, displayScale: Int) throws {
        guard stride >= 1, displayScale >= 1, imageWidth >= 1, imageHeight >= 1 else {
            throw ConvLabError.argument(op: "kernels",
                message: "stride \(stride), scale \(displayScale) and the image size \(imageWidth)x\(imageHeight) must be at least 1")
        }
        let (pixels, overflow) = imageWidth.multipliedReportingOverflow(by: imageHeight)
        guard !overflow, pixels <= KernelSheetLayout.maximumImagePixels else {
            throw ConvLabError.argument(op: "kernels",
                message: "a \(imageWidth)x\(imageHeight) image is above the \(KernelSheetLayout.maximumImagePixels)-pixel limit of the contact sheet (4096x4096); scale it down first")
        }
        let columns = ClassicKernel.allCases.count + 1, rows = ClassicKernel.ChannelMode.allCases.count
        // Tiles of ceil(side / stride) pixels, each drawn displayScale times larger; computed
        // with overflow checks, since the scale comes from the command line.
        func side(_ pixels: Int) -> Int? {
            let (tile, overflow) = ((pixels - 1) / stride + 1).multipliedReportingOverflow(by: displayScale)
            return overflow || tile > Canvas.maximumSide ? nil : tile
        }
        let gap = KernelSheetLayout.gap
        let sheet = "a \(imageWidth)x\(imageHeight) image at stride \(stride) and scale \(displayScale)"
        guard let tileW = side(imageWidth), let tileH = side(imageHeight) else {
            throw ConvLabError.argument(op: "kernels",
                message: "\(sheet) makes tiles larger than a canvas (\(Canvas.maximumSide) pixels a side); use a larger --stride or a smaller image")
        }
        let width = max(gap + columns * (tileW + gap), Canvas.textWidth(KernelSheetLayout.title(stride: stride), scale: 2) + 2 * gap)
        let height = KernelSheetLayout.titleH + rows * (KernelSheetLayout.rowTitleH + KernelSheetLayout.labelH + tileH + gap)
        guard width <= Canvas.maximumSide, height <= Canvas.maximumSide else {
            throw ConvLabError.argument(op: "kernels",
                message: "\(sheet) makes a \(width)x\(height) contact sheet, above a canvas's \(Canvas.maximumSide) pixels a side; use a larger --stride or a smaller image")
        }
        self.tileW = tileW
        self.tileH = tileH
        self.width = width
        self.height = height
    }
}

/// The size of the contact sheet `kernelContactSheet` draws for an `imageWidth x imageHeight`
/// photograph: check it before reading a large picture into tensors.
/// - Throws: `ConvLabError.argument` for a stride or scale below 1, an image over 2^24 pixels
///   (4096 x 4096), or a sheet larger than `Canvas.maximumSide` on a side.
package func kernelContactSheetSize(imageWidth: Int, imageHeight: Int, stride: Int = 1,
                                   displayScale: Int = 1) throws -> (width: Int, height: Int) {
    let layout = try KernelSheetLayout(imageWidth: imageWidth, imageHeight: imageHeight, stride: stride,
                                       displayScale: displayScale)
    return (layout.width, layout.height)
}

/// The contact sheet of `convlab kernels`: one row per channel mode, the photograph (grey in the
/// grey row) then each kernel's output, each under its label. Outputs are shown clipped to
/// [0, 1], as an 8-bit image file would store them, so an edge map is black where the image is
/// flat and the tripled blur of kernels.py turns nearly white.
/// - Parameters:
///   - image: `[1, H, W, 3]` in [0, 1].
///   - stride: applied to every kernel; the sheet's tiles shrink to `ceil(H / stride)`.
///   - displayScale: each output pixel drawn as a `displayScale x displayScale` block.
///   - kernels: the path (reference or fast) that runs the convolutions.
/// - Throws: `ConvLabError` for a bad image, stride or scale, or a sheet larger than a canvas
///   (checked before any convolution runs).
package func kernelContactSheet(image: Tensor<Float>, stride: Int = 1, displayScale: Int = 1,
                               kernels: Kernels = Kernels(.reference)) throws -> Canvas {
    guard image.rank == 4, image.shape[0] == 1, image.shape[3] == 3 else {
        throw ConvLabError.shape(op: "kernels", message: "the contact sheet needs one RGB image [1,H,W,3], got \(describeShape(image.shape))")
    }
    let layout = try KernelSheetLayout(imageWidth: image.shape[2], imageHeight: image.shape[1], stride: stride,
                                       displayScale: displayScale)
    let modes = ClassicKernel.ChannelMode.allCases
    let all = ClassicKernel.allCases
    // The tiles: the input (at the same stride, so every tile has one size) and each output.
    let strided = try kernels.ops.depthwiseConv2DForward(
        image, filter: Tensor(uncheckedShape: [1, 1, 3, 1], scalars: [1, 1, 1]),
        strides: Size2(stride, stride), padding: .same, dilations: 1)
    let tileW = layout.tileW, tileH = layout.tileH
    let gap = KernelSheetLayout.gap, labelH = KernelSheetLayout.labelH, rowTitleH = KernelSheetLayout.rowTitleH
    var canvas = try Canvas(width: layout.width, height: layout.height)
    canvas.draw(text: KernelSheetLayout.title(stride: stride), x: gap, y: 8, scale: 2)
    var y = KernelSheetLayout.titleH
    for mode in modes {
        canvas.draw(text: "\(mode)", x: gap, y: y + 4, color: Canvas.Color(40, 40, 160), scale: 2)
        y += rowTitleH
        var x = gap
        let input = mode == .grey ? try ClassicKernel.greyscale(strided) : strided
        canvas.draw(text: "input", x: x, y: y, scale: 2)
        try canvas.draw(image: input, x: x, y: y + labelH, scale: displayScale, low: 0, high: 1)
        x += tileW + gap
        for kernel in all {
            let output = try kernel.apply(to: image, mode: mode, stride: stride, kernels: kernels)
            canvas.draw(text: "\(kernel)", x: x, y: y, scale: 2)
            try canvas.draw(image: output, x: x, y: y + labelH, scale: displayScale, low: 0, high: 1)
            x += tileW + gap
        }
        y += labelH + tileH + gap
    }
    return canvas
}
