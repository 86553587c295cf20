import ConvLabCore
import ConvLabData

/// Netpbm grey and colour images: PGM (P2 text, P5 binary) and PPM (P3 text, P6 binary).
///
/// Layout: the magic ("P5"), then width, height and maxval as decimal text separated by
/// whitespace, with `#` comments to the end of a line; then, for P5/P6, exactly one
/// whitespace byte and the samples (one byte each when maxval < 256, else two, big-endian),
/// or, for P2/P3, the samples as decimal text. Samples are scaled from 0...maxval to 0...255.
package enum PNM {
    /// Reads a PGM or PPM file.
    package static func read(_ path: String) throws -> Image {
        try decode(try FileIO.read(path, limit: Image.maximumFileBytes, kind: "a picture"), path: path)
    }

    /// Decodes a P2, P3, P5 or P6 file.
    /// - Throws: `ConvLabError.file` with the offset of the bad header field or sample.
    package static func decode(_ bytes: [UInt8], path: String) throws -> Image {
        func fail(_ offset: Int, _ message: String) -> ConvLabError {
            .file(path: path, offset: offset, message: message)
        }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else {
            throw fail(0, "not a PGM/PPM file: it does not start with P2, P3, P5 or P6")
        }
        let kind = bytes[1]
        let channels: Int
        let isText: Bool
        switch kind {
        case UInt8(ascii: "2"): (channels, isText) = (1, true)
        case UInt8(ascii: "3"): (channels, isText) = (3, true)
        case UInt8(ascii: "5"): (channels, isText) = (1, false)
        case UInt8(ascii: "6"): (channels, isText) = (3, false)
        default:
            throw fail(1, "Netpbm type P\(Character(Unicode.Scalar(kind))) is not supported (P2, P3, P5 and P6 are)")
        }
        var position = 2

        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (9...13).contains(byte) }

        /// The next decimal number, skipping whitespace and comments.
        func number(_ what: String) throws -> (value: Int, offset: Int) {
            while position < bytes.count {
                if isSpace(bytes[position]) {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 10 && bytes[position] != 13 { position += 1 }
                } else {
                    break
                }
            }
            let start = position
            var value = 0
            while position < bytes.count, (48...57).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 48)
                guard value <= 1 << 30 else { throw fail(start, "\(what) is too large") }
                position += 1
            }
            guard position > start else {
                throw position >= bytes.count
                    ? fail(bytes.count, "file ends before the \(what) (truncated)")
                    : fail(start, "expected the \(what) as a decimal number, found byte \(hex8(bytes[start]))")
            }
            return (value, start)
        }

        let (width, widthOffset) = try number("width")
        let (height, _) = try number("height")
        let (maxValue, maxOffset) = try number("maximum value")
        if let problem = Image.checkBudget(width: width, height: height, channels: channels) {
            throw fail(widthOffset, problem)
        }
        guard (1...65535).contains(maxValue) else {
            throw fail(maxOffset, "maximum value \(maxValue) is outside 1...65535")
        }
        let count = width * height * channels
        var pixels = [UInt8]()
        pixels.reserveCapacity(count)
        @inline(__always) func scaled(_ value: Int) -> UInt8 {
            maxValue == 255 ? UInt8(value) : UInt8((value * 255 + maxValue / 2) / maxValue)
        }
        if isText {
            for _ in 0..<count {
                let (value, offset) = try number("sample")
                guard value <= maxValue else { throw fail(offset, "sample \(value) is larger than the maximum value \(maxValue)") }
                pixels.append(scaled(value))
            }
        } else {
            guard position < bytes.count, isSpace(bytes[position]) else {
                throw fail(position, "expected one whitespace byte after the maximum value")
            }
            position += 1
            let width = maxValue < 256 ? 1 : 2
            let needed = count * width
            guard bytes.count - position >= needed else {
                throw fail(bytes.count, "pixel data is truncated: \(width)x\(height)x\(channels) samples need \(needed) bytes, found \(bytes.count - position)")
            }
            for i in 0..<count {
                let at = position + i * width
                let value = width == 1 ? Int(bytes[at]) : Int(bytes[at]) << 8 | Int(bytes[at + 1])
                guard value <= maxValue else { throw fail(at, "sample \(value) is larger than the maximum value \(maxValue)") }
                pixels.append(scaled(value))
            }
        }
        return try Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The bytes of a PGM (1 channel) or PPM (3 channels) file, maxval 255: binary P5/P6, or
    /// text P2/P3 when `text` is true.
    /// - Throws: `ConvLabError.argument` for 2 or 4 channels (convert with
    ///   `Image.converted(toChannels:)` first).
    package static func encode(_ image: Image, text: Bool = false) throws -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ConvLabError.argument(op: "PNM.encode", message: "PGM/PPM hold 1 or 3 channels, the image has \(image.channels)")
        }
        let magic = image.channels == 1 ? (text ? "P2" : "P5") : (text ? "P3" : "P6")
        var out = Array("\(magic)\n\(image.width) \(image.height)\n255\n".utf8)
        if text {
            let perRow = image.width * image.channels
            for y in 0..<image.height {
                let row = image.pixels[y * perRow ..< (y + 1) * perRow]
                out += Array((row.map(String.init).joined(separator: " ") + "\n").utf8)
            }
        } else {
            out += image.pixels
        }
        return out
    }

    /// Writes a PGM/PPM file atomically.
    package static func write(_ image: Image, to path: String, text: Bool = false) throws {
        try FileIO.writeAtomically(try encode(image, text: text), to: path)
    }
}
