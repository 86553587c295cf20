import ConvLabCore
import ConvLabData

/// An 8-bit image: `height` rows of `width` pixels, each `channels` bytes (1 grey, 2 grey +
/// alpha, 3 RGB, 4 RGBA), interleaved row-major, top row first.
///
/// The bridge to the networks: `tensor()` gives `[1, H, W, C]` with each byte / 255, and
/// `Image(tensor:)` turns a tensor in [0, 1] back into bytes.
public struct Image: Sendable, Equatable {
    /// The decoders' budget, checked from the header before any pixel is decoded: at most
    /// 16384 pixels on a side and 2^28 bytes of 8-bit samples (256 MiB: 16384 x 16384 grey,
    /// 8192 x 8192 RGBA). A 33 KB PNG can declare 16384 x 16384; this bounds what it costs.
    package static let maximumSide = 16_384
    /// See `maximumSide`.
    static let maximumBytes = 1 << 28
    /// The largest picture file read (257 MiB): a PNG or binary PGM/PPM within the budget is
    /// smaller; a text P2/P3 file larger than this should be saved as P5/P6 or PNG.
    package static let maximumFileBytes = maximumBytes + (1 << 20)

    /// Throws unless a `width x height` image of `channels` 8-bit samples fits the decoders'
    /// budget (`maximumSide`, `maximumBytes`); the caller names the file and the field.
    static func checkBudget(width: Int, height: Int, channels: Int) -> String? {
        guard width >= 1, height >= 1, width <= maximumSide, height <= maximumSide else {
            return "image size \(width)x\(height) is outside 1...\(maximumSide) on a side"
        }
        guard width * height * channels <= maximumBytes else {   // each factor is small: no overflow
            return "a \(width)x\(height) image of \(channels) channel(s) takes \(width * height * channels) bytes, above the \(maximumBytes)-byte limit"
        }
        return nil
    }

    public let width: Int
    public let height: Int
    public let channels: Int
    /// `pixels[(y * width + x) * channels + c]`.
    public var pixels: [UInt8]

    /// - Throws: `ConvLabError.argument` for a size or channel count out of range,
    ///   `.shape` when `pixels` has the wrong count.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, (1...4).contains(channels) else {
            throw ConvLabError.argument(op: "Image", message: "width \(width) and height \(height) must be positive and channels \(channels) in 1...4")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, pixels.count == count else {
            throw ConvLabError.shape(op: "Image",
                message: "\(width)x\(height)x\(channels) needs \(overflow ? "more than Int.max" : "\(count)") bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A single-colour image.
    public init(width: Int, height: Int, channels: Int, filledWith value: UInt8 = 0) throws {
        guard width > 0, height > 0, (1...4).contains(channels),
              !width.multipliedReportingOverflow(by: height * channels).overflow else {
            throw ConvLabError.argument(op: "Image", message: "width \(width) and height \(height) must be positive and channels \(channels) in 1...4")
        }
        try self.init(width: width, height: height, channels: channels,
                      pixels: [UInt8](repeating: value, count: width * height * channels))
    }

    /// The byte of channel `c` at column `x`, row `y` (unchecked beyond the array's own check).
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    // MARK: - Tensors

    /// The image as `[1, height, width, channels]`, each byte divided by 255.
    public func tensor() -> Tensor<Float> {
        Tensor(uncheckedShape: [1, height, width, channels], scalars: pixels.map { Float($0) / 255 })
    }

    /// Image `index` of an NHWC tensor (`[N, H, W, C]`, or `[H, W, C]`) with values in [0, 1]:
    /// each value is clamped to [0, 1], multiplied by 255 and rounded. NaN becomes 0.
    /// - Throws: `ConvLabError.shape` for another rank, more than 4 channels, or an index
    ///   outside the batch.
    public init(tensor: Tensor<Float>, index: Int = 0) throws {
        let shape = tensor.shape.count == 3 ? [1] + tensor.shape : tensor.shape
        guard shape.count == 4, (1...4).contains(shape[3]), shape[1] > 0, shape[2] > 0 else {
            throw ConvLabError.shape(op: "Image(tensor:)", message: "expected [N,H,W,C] or [H,W,C] with 1 to 4 channels, got \(describeShape(tensor.shape))")
        }
        guard (0..<shape[0]).contains(index) else {
            throw ConvLabError.shape(op: "Image(tensor:)", message: "index \(index) is outside the batch of \(shape[0]) in \(describeShape(tensor.shape))")
        }
        let size = shape[1] * shape[2] * shape[3]
        let bytes = tensor.scalars[index * size ..< (index + 1) * size].map { value -> UInt8 in
            guard value > 0 else { return 0 }  // also NaN
            return value >= 1 ? 255 : UInt8((value * 255).rounded())
        }
        try self.init(width: shape[2], height: shape[1], channels: shape[3], pixels: bytes)
    }

    // MARK: - Channels

    /// The same picture with `channels` channels: grey <-> RGB (grey = rounded
    /// 0.299 R + 0.587 G + 0.114 B, ITU-R 601), alpha dropped or added as opaque.
    package func converted(toChannels target: Int) throws -> Image {
        guard (1...4).contains(target) else {
            throw ConvLabError.argument(op: "Image.converted", message: "channels must be in 1...4, got \(target)")
        }
        if target == channels { return self }
        var out = [UInt8]()
        out.reserveCapacity(width * height * target)
        let hasAlpha = channels == 2 || channels == 4
        for p in 0..<(width * height) {
            let base = p * channels
            let (r, g, b): (UInt8, UInt8, UInt8) = channels <= 2
                ? (pixels[base], pixels[base], pixels[base])
                : (pixels[base], pixels[base + 1], pixels[base + 2])
            let alpha = hasAlpha ? pixels[base + channels - 1] : 255
            switch target {
            case 1, 2:
                var grey = r
                if channels > 2 {
                    let luma: Double = 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)
                    grey = UInt8(luma.rounded())
                }
                out.append(grey)
                if target == 2 { out.append(alpha) }
            default:
                if channels <= 2 {
                    out += [r, r, r]
                } else {
                    out += [r, g, b]
                }
                if target == 4 { out.append(alpha) }
            }
        }
        return try Image(width: width, height: height, channels: target, pixels: out)
    }

    // MARK: - Files

    /// Reads a PNG, PGM or PPM file, recognised by its first bytes.
    /// - Throws: `ConvLabError.file` with the byte offset of the problem.
    public static func read(_ path: String) throws -> Image {
        let bytes = try FileIO.read(path, limit: Image.maximumFileBytes, kind: "a picture")
        if bytes.starts(with: PNG.signature) { return try PNG.decode(bytes, path: path) }
        if bytes.first == UInt8(ascii: "P") { return try PNM.decode(bytes, path: path) }
        throw ConvLabError.file(path: path, offset: 0, message: "neither a PNG (89 50 4E 47) nor a PGM/PPM (P2, P3, P5, P6) file")
    }

    /// Writes the image atomically: PNG for `.png`; binary PGM (grey) for `.pgm`, PPM (RGB) for
    /// `.ppm`, and whichever fits the channels for `.pnm`, converting channels and dropping alpha.
    public func write(to path: String) throws {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") {
            try FileIO.writeAtomically(PNG.encode(self), to: path)
        } else if lower.hasSuffix(".pgm") || lower.hasSuffix(".ppm") || lower.hasSuffix(".pnm") {
            let target = lower.hasSuffix(".pgm") ? 1 : lower.hasSuffix(".ppm") ? 3 : (channels <= 2 ? 1 : 3)
            let plain = try converted(toChannels: target)
            try FileIO.writeAtomically(try PNM.encode(plain), to: path)
        } else {
            throw ConvLabError.file(path: path, offset: nil, message: "unknown picture extension; use .png, .pgm or .ppm")
        }
    }
}
