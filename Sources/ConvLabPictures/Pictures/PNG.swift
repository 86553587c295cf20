import ConvLabCore
import ConvLabData

/// PNG files (ISO/IEC 15948): read and write, without packages.
///
/// A PNG is an 8-byte signature then chunks: length (4 bytes, big-endian), type (4 letters),
/// data, CRC-32 of type + data. IHDR gives the size and pixel format, PLTE the palette, the
/// IDAT chunks together a zlib stream of the rows, each row prefixed by its filter type
/// (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth), and IEND closes the file.
///
/// Reading: non-interlaced images of every colour type (grey, grey + alpha, RGB, RGBA,
/// palette, with tRNS alpha for palettes) and every bit depth; 16-bit samples keep their high
/// byte, 1/2/4-bit grey is scaled to 0...255. Every chunk's CRC is checked. Writing: 8-bit grey,
/// grey + alpha, RGB and RGBA, with a filter chosen per row.
public enum PNG {
    package static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads a PNG file (within `Image.maximumSide` and `Image.maximumBytes`).
    public static func read(_ path: String) throws -> Image {
        try decode(try FileIO.read(path, limit: Image.maximumFileBytes, kind: "a picture"), path: path)
    }

    /// Writes `image` as a PNG file, atomically.
    public static func write(_ image: Image, to path: String) throws {
        try FileIO.writeAtomically(encode(image), to: path)
    }

    // MARK: - Decoding

    private struct Header {
        var width = 0, height = 0, bitDepth = 0, colorType = 0
        /// Samples per pixel in the file: 1 grey, 3 RGB, 1 palette index, 2 grey + alpha, 4 RGBA.
        var samples: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 0 }
        var bitsPerPixel: Int { samples * bitDepth }
        var rowBytes: Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// Decodes the bytes of a PNG file.
    /// - Throws: `ConvLabError.file(path:offset:message:)` with the file offset of the chunk,
    ///   field or compressed byte at fault.
    package static func decode(_ bytes: [UInt8], path: String) throws -> Image {
        func fail(_ offset: Int, _ message: String) -> ConvLabError {
            .file(path: path, offset: offset, message: message)
        }
        guard bytes.count >= 8, bytes.starts(with: signature) else {
            throw fail(0, "not a PNG file: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A is missing")
        }
        var header: Header?
        var palette: [[UInt8]] = []
        var paletteAlpha: [UInt8] = []
        var compressed: [UInt8] = []
        /// (start in `compressed`, file offset) of each IDAT chunk's data, to map zlib offsets.
        var segments: [(start: Int, fileOffset: Int)] = []
        var offset = 8
        var sawEnd = false
        while !sawEnd {
            guard offset + 8 <= bytes.count else {
                throw fail(bytes.count, "file ends before the IEND chunk (truncated)")
            }
            let length = Int(readBigEndian32(bytes, offset))
            let typeBytes = Array(bytes[offset + 4 ..< offset + 8])
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw fail(offset + 4, "invalid chunk type bytes \(typeBytes.map(hex8).joined(separator: " "))")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7FFF_FFFF, offset + 12 + length <= bytes.count else {
                throw fail(bytes.count, "chunk \(type) of \(length) bytes at offset \(offset) runs past the end of the file (truncated)")
            }
            let dataStart = offset + 8
            let crcOffset = dataStart + length
            let storedCRC = readBigEndian32(bytes, crcOffset)
            let actualCRC = Checksum.crc32(bytes[offset + 4 ..< crcOffset])
            guard storedCRC == actualCRC else {
                throw fail(crcOffset, "CRC mismatch in chunk \(type): computed \(hex32(actualCRC)), stored \(hex32(storedCRC))")
            }
            let data = bytes[dataStart ..< crcOffset]
            if header == nil && type != "IHDR" {
                throw fail(offset, "the first chunk is \(type), not IHDR")
            }
            switch type {
            case "IHDR":
                guard header == nil else { throw fail(offset, "a second IHDR chunk") }
                guard length == 13 else { throw fail(offset, "IHDR has \(length) bytes, not 13") }
                var h = Header()
                h.width = Int(readBigEndian32(bytes, dataStart))
                h.height = Int(readBigEndian32(bytes, dataStart + 4))
                h.bitDepth = Int(bytes[dataStart + 8])
                h.colorType = Int(bytes[dataStart + 9])
                guard h.width > 0, h.height > 0, h.width <= 0x7FFF_FFFF, h.height <= 0x7FFF_FFFF else {
                    throw fail(dataStart, "image size \(h.width)x\(h.height) is invalid")
                }
                // The budget for the decoded 8-bit samples (a palette may add alpha: 4 channels).
                if let problem = Image.checkBudget(width: h.width, height: h.height,
                                                   channels: h.colorType == 3 ? 4 : max(h.samples, 1)) {
                    throw fail(dataStart, "IHDR: \(problem)")
                }
                let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
                guard let depths = allowed[h.colorType] else {
                    throw fail(dataStart + 9, "unknown colour type \(h.colorType)")
                }
                guard depths.contains(h.bitDepth) else {
                    throw fail(dataStart + 8, "bit depth \(h.bitDepth) is not allowed for colour type \(h.colorType)")
                }
                guard bytes[dataStart + 10] == 0, bytes[dataStart + 11] == 0 else {
                    throw fail(dataStart + 10, "unknown compression or filter method")
                }
                guard bytes[dataStart + 12] == 0 else {
                    throw fail(dataStart + 12, bytes[dataStart + 12] == 1
                               ? "Adam7 interlaced PNGs are not supported; save the image non-interlaced"
                               : "unknown interlace method \(bytes[dataStart + 12])")
                }
                header = h
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw fail(offset, "PLTE has \(length) bytes, not a multiple of 3 between 3 and 768")
                }
                palette = stride(from: dataStart, to: crcOffset, by: 3).map { Array(bytes[$0 ..< $0 + 3]) }
            case "tRNS":
                // Palette transparency; grey/RGB colour keys are ignored (the image stays opaque).
                if header?.colorType == 3 { paletteAlpha = Array(data) }
            case "IDAT":
                segments.append((compressed.count, dataStart))
                compressed += data
            case "IEND":
                sawEnd = true
            default:
                guard typeBytes[0] >= 97 else {  // an upper-case first letter marks a critical chunk
                    throw fail(offset, "unknown critical chunk \(type)")
                }
            }
            offset = crcOffset + 4
        }
        guard let h = header else { throw fail(8, "no IHDR chunk") }
        guard !segments.isEmpty else { throw fail(offset, "no IDAT chunk: the file holds no image data") }
        if h.colorType == 3 && palette.isEmpty {
            throw fail(8, "palette image without a PLTE chunk")
        }
        // Decompress, mapping offsets inside the concatenated IDAT data back to the file.
        let expected = h.height * (1 + h.rowBytes)
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(compressed, path: path, outputLimit: expected, sizeHint: expected)
        } catch let ConvLabError.file(_, zlibOffset, message) {
            let mapped = zlibOffset.map { position -> Int in
                let segment = segments.last { $0.start <= position } ?? segments[0]
                return segment.fileOffset + position - segment.start
            }
            throw ConvLabError.file(path: path, offset: mapped ?? segments[0].fileOffset, message: "image data: " + message)
        }
        guard raw.count == expected else {
            throw fail(segments[0].fileOffset, "image data holds \(raw.count) bytes; \(h.height) rows of 1 + \(h.rowBytes) need \(expected)")
        }
        let rows = try unfilter(raw, header: h, fail: { row, message in
            fail(segments[0].fileOffset, "image data row \(row): \(message)")
        })
        return try expand(rows, header: h, palette: palette, paletteAlpha: paletteAlpha,
                          fail: { fail(segments[0].fileOffset, $0) })
    }

    /// Undoes the per-row filters; returns the rows without their filter bytes.
    private static func unfilter(_ raw: [UInt8], header h: Header,
                                 fail: (Int, String) -> ConvLabError) throws -> [UInt8] {
        let rowBytes = h.rowBytes
        let bpp = max(1, h.bitsPerPixel / 8)  // the byte distance to the "left" neighbour
        var out = [UInt8](repeating: 0, count: h.height * rowBytes)
        for y in 0..<h.height {
            let filter = raw[y * (rowBytes + 1)]
            guard filter <= 4 else { throw fail(y, "unknown filter type \(filter) (0...4 exist)") }
            let source = y * (rowBytes + 1) + 1
            let row = y * rowBytes
            for i in 0..<rowBytes {
                let x = raw[source + i]
                out[row + i] = x &+ prediction(filter: filter, out, y: y, i: i, rowBytes: rowBytes, bpp: bpp)
            }
        }
        return out
    }

    /// The byte that filter type `filter` (0 none, 1 sub, 2 up, 3 average, 4 Paeth; the caller
    /// checks it is one of these) predicts for byte `i` of row `y` of `bytes` (the unfiltered
    /// image, `rowBytes` a row) from its left (`a`, `bpp` bytes back), upper (`b`) and upper-left
    /// (`c`) neighbours, each 0 outside the image. The decoder adds it back, the encoder subtracts it.
    @inline(__always) static func prediction(filter: UInt8, _ bytes: [UInt8], y: Int, i: Int,
                                             rowBytes: Int, bpp: Int) -> UInt8 {
        let row = y * rowBytes
        let a = i >= bpp ? bytes[row + i - bpp] : 0
        let b = y > 0 ? bytes[row - rowBytes + i] : 0
        let c = (i >= bpp && y > 0) ? bytes[row - rowBytes + i - bpp] : 0
        switch filter {
        case 0: return 0
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        default: return paeth(a, b, c)
        }
    }

    /// The Paeth predictor: whichever of left, above, upper-left is closest to left + above - upper-left.
    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Unfiltered rows to 8-bit pixels.
    private static func expand(_ rows: [UInt8], header h: Header, palette: [[UInt8]], paletteAlpha: [UInt8],
                               fail: (String) -> ConvLabError) throws -> Image {
        let rowBytes = h.rowBytes
        var pixels = [UInt8]()
        if h.colorType == 3 {
            let channels = paletteAlpha.isEmpty ? 3 : 4
            pixels.reserveCapacity(h.width * h.height * channels)
            for y in 0..<h.height {
                for x in 0..<h.width {
                    let index = Int(sample(rows, row: y * rowBytes, x: x, depth: h.bitDepth))
                    guard index < palette.count else {
                        throw fail("pixel (\(x), \(y)) uses palette entry \(index) but the palette has \(palette.count)")
                    }
                    pixels += palette[index]
                    if channels == 4 { pixels.append(index < paletteAlpha.count ? paletteAlpha[index] : 255) }
                }
            }
            return try Image(width: h.width, height: h.height, channels: channels, pixels: pixels)
        }
        let samples = h.samples
        pixels.reserveCapacity(h.width * h.height * samples)
        switch h.bitDepth {
        case 8:
            pixels = rows
        case 16:
            // Keep the high byte of each big-endian sample.
            pixels = stride(from: 0, to: rows.count, by: 2).map { rows[$0] }
        default:
            // 1, 2 or 4-bit grey: scale 0...(2^d - 1) to 0...255.
            let scale = 255 / ((1 << h.bitDepth) - 1)
            for y in 0..<h.height {
                for x in 0..<h.width {
                    pixels.append(sample(rows, row: y * rowBytes, x: x, depth: h.bitDepth) * UInt8(scale))
                }
            }
        }
        return try Image(width: h.width, height: h.height, channels: samples, pixels: pixels)
    }

    /// Sample `x` of a row packed at `depth` bits per sample (1, 2, 4 or 8), first sample in
    /// the most significant bits.
    @inline(__always) private static func sample(_ rows: [UInt8], row: Int, x: Int, depth: Int) -> UInt8 {
        if depth == 8 { return rows[row + x] }
        let bit = x * depth
        let byte = rows[row + bit / 8]
        let shift = 8 - depth - bit % 8
        return (byte >> UInt8(shift)) & UInt8((1 << depth) - 1)
    }

    // MARK: - Encoding

    /// The bytes of a PNG file for `image`: 8-bit, colour type from the channel count
    /// (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), each row with the filter whose output has the
    /// smallest sum of absolute values (the usual heuristic), zlib-compressed by `Deflate`.
    public static func encode(_ image: Image) -> [UInt8] {
        let colorType: UInt8 = [1: 0, 2: 4, 3: 2, 4: 6][image.channels] ?? 0
        let rowBytes = image.width * image.channels
        let bpp = image.channels
        var filtered = [UInt8]()
        filtered.reserveCapacity(image.height * (rowBytes + 1))
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        var best = [UInt8](repeating: 0, count: rowBytes)
        let p = image.pixels
        for y in 0..<image.height {
            let row = y * rowBytes
            var bestFilter: UInt8 = 0
            var bestCost = Int.max
            for filter in UInt8(0)...4 {
                var cost = 0
                for i in 0..<rowBytes {
                    let value = p[row + i] &- prediction(filter: filter, p, y: y, i: i, rowBytes: rowBytes, bpp: bpp)
                    candidate[i] = value
                    cost += value < 128 ? Int(value) : 256 - Int(value)
                }
                if cost < bestCost {
                    bestCost = cost
                    bestFilter = filter
                    swap(&best, &candidate)
                }
            }
            filtered.append(bestFilter)
            filtered += best
        }
        var out = signature
        var ihdr = [UInt8]()
        appendBigEndian32(UInt32(image.width), to: &ihdr)
        appendBigEndian32(UInt32(image.height), to: &ihdr)
        ihdr += [8, colorType, 0, 0, 0]
        appendChunk("IHDR", ihdr, to: &out)
        appendChunk("IDAT", Zlib.compress(filtered), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian32(UInt32(data.count), to: &out)
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        appendBigEndian32(Checksum.crc32(typeAndData), to: &out)
    }
}
