import ConvLabCore

/// gzip files (RFC 1952): a header, a DEFLATE stream, then the CRC-32 and the length (mod 2^32)
/// of the original data. ConvLab reads the MNIST and Fashion-MNIST `.gz` files with it.
///
/// Header layout: 1F 8B (magic), 08 (deflate), FLG, MTIME[4], XFL, OS, then, as FLG says,
/// FEXTRA (2-byte length + data), FNAME (zero-terminated), FCOMMENT (zero-terminated),
/// FHCRC (low 16 bits of the CRC-32 of the header so far). Several members may follow each
/// other; their outputs are concatenated, as `gunzip` does.
package enum Gzip {
    /// True when `bytes` starts with the gzip magic number 1F 8B.
    static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a whole gzip file, checking every member's CRC-32 and length.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - path: the file name used in error messages.
    ///   - outputLimit: throw rather than produce more bytes than this.
    /// - Throws: `ConvLabError.file` with the byte offset of the first problem.
    package static func decompress(_ bytes: [UInt8], path: String,
                                  outputLimit: Int = Inflate.defaultOutputLimit) throws -> [UInt8] {
        var output = [UInt8]()
        var start = 0
        repeat {
            let headerEnd = try readHeader(bytes, at: start, path: path)
            // ISIZE hints the size; a corrupt one only costs a reallocation.
            var hint = 0
            if bytes.count >= 4 {
                let isize = Int(readLittleEndian32(bytes, at: bytes.count - 4))
                hint = min(isize, 1032 * (bytes.count - headerEnd) + 1024)
            }
            let (member, end) = try Inflate.decompress(bytes, from: headerEnd, path: path,
                                                       outputLimit: outputLimit - output.count,
                                                       sizeHint: hint)
            guard end + 8 <= bytes.count else {
                throw ConvLabError.file(path: path, offset: bytes.count,
                    message: "gzip trailer (CRC-32 and length) is missing: the file is truncated")
            }
            let storedCRC = readLittleEndian32(bytes, at: end)
            let actualCRC = Checksum.crc32(member)
            guard storedCRC == actualCRC else {
                throw ConvLabError.file(path: path, offset: end,
                    message: "CRC-32 mismatch: the data decompresses to CRC \(hex32(actualCRC)) but the trailer says \(hex32(storedCRC))")
            }
            let storedSize = readLittleEndian32(bytes, at: end + 4)
            guard storedSize == UInt32(truncatingIfNeeded: member.count) else {
                throw ConvLabError.file(path: path, offset: end + 4,
                    message: "length mismatch: the data decompresses to \(member.count) bytes but the trailer says \(storedSize) (mod 2^32)")
            }
            if output.isEmpty { output = member } else { output += member }
            start = end + 8
        } while start < bytes.count
        return output
    }

    /// Parses the header that starts at `start` and returns the offset of the DEFLATE stream.
    static func readHeader(_ bytes: [UInt8], at start: Int, path: String) throws -> Int {
        func need(_ count: Int, at offset: Int, _ what: String) throws {
            guard offset + count <= bytes.count else {
                throw ConvLabError.file(path: path, offset: bytes.count, message: "gzip header ends inside \(what) (truncated)")
            }
        }
        let hasMagic = start + 2 <= bytes.count && bytes[start] == 0x1F && bytes[start + 1] == 0x8B
        if !hasMagic && start > 0 {
            throw ConvLabError.file(path: path, offset: start,
                message: "\(bytes.count - start) unexpected bytes after the end of the gzip data (not a new member starting with 1F 8B)")
        }
        try need(10, at: start, "the fixed 10-byte header")
        guard hasMagic else {
            throw ConvLabError.file(path: path, offset: start,
                message: "not a gzip file: it starts with \(hex8(bytes[start])) \(hex8(bytes[start + 1])), not 1F 8B")
        }
        guard bytes[start + 2] == 8 else {
            throw ConvLabError.file(path: path, offset: start + 2,
                message: "unknown gzip compression method \(bytes[start + 2]) (only 8, deflate, exists)")
        }
        let flags = bytes[start + 3]
        guard flags & 0xE0 == 0 else {
            throw ConvLabError.file(path: path, offset: start + 3,
                message: "gzip header flags \(hex8(flags)) set reserved bits")
        }
        var offset = start + 10
        if flags & 0x04 != 0 {  // FEXTRA
            try need(2, at: offset, "the extra-field length")
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            try need(2 + length, at: offset, "the \(length)-byte extra field")
            offset += 2 + length
        }
        for (flag, what) in [(UInt8(0x08), "the file name"), (0x10, "the comment")] where flags & flag != 0 {
            guard let zero = bytes[offset...].firstIndex(of: 0) else {
                throw ConvLabError.file(path: path, offset: bytes.count, message: "gzip header ends inside \(what) (truncated)")
            }
            offset = zero + 1
        }
        if flags & 0x02 != 0 {  // FHCRC
            try need(2, at: offset, "the header CRC")
            let stored = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            let actual = UInt16(truncatingIfNeeded: Checksum.crc32(bytes[start..<offset]))
            guard stored == actual else {
                throw ConvLabError.file(path: path, offset: offset,
                    message: "gzip header CRC mismatch: header bytes give \(actual) but the header says \(stored)")
            }
            offset += 2
        }
        return offset
    }

    /// A single-member gzip file: header (with FNAME when `fileName` is given), DEFLATE data,
    /// CRC-32, length.
    package static func compress(_ data: [UInt8], level: Deflate.Level = .default, fileName: String? = nil) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, fileName == nil ? 0 : 0x08, 0, 0, 0, 0, 0, 255]
        if let fileName {
            out += fileName.utf8.filter { $0 != 0 }
            out.append(0)
        }
        out += Deflate.compress(data, level: level)
        appendLittleEndian32(Checksum.crc32(data), to: &out)
        appendLittleEndian32(UInt32(truncatingIfNeeded: data.count), to: &out)
        return out
    }
}

/// zlib streams (RFC 1950): a 2-byte header, a DEFLATE stream, and the Adler-32 of the data,
/// big-endian. PNG stores its image data this way.
package enum Zlib {
    /// Decompresses a zlib stream that fills `bytes` exactly.
    /// - Parameters:
    ///   - bytes: the stream, header to Adler-32.
    ///   - path: the file the stream came from, named in errors.
    ///   - baseOffset: where `bytes` starts in the file, so error offsets are file offsets.
    ///   - outputLimit: throw rather than produce more bytes than this.
    ///   - sizeHint: the expected output size, if known, to allocate once.
    /// - Throws: `ConvLabError.file` for a bad header, a preset dictionary, corrupt or truncated
    ///   data, an Adler-32 mismatch, or bytes after the stream.
    package static func decompress(_ bytes: [UInt8], path: String, baseOffset: Int = 0,
                                  outputLimit: Int = Inflate.defaultOutputLimit,
                                  sizeHint: Int = 0) throws -> [UInt8] {
        guard bytes.count >= 2 else {
            throw ConvLabError.file(path: path, offset: baseOffset + bytes.count, message: "zlib header is truncated")
        }
        let cmf = Int(bytes[0]), flg = Int(bytes[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else {
            throw ConvLabError.file(path: path, offset: baseOffset,
                message: "zlib header \(hex8(UInt8(cmf))) names method \(cmf & 0x0F) and window 2^\((cmf >> 4) + 8) (needs deflate, 8, with at most 32 KiB)")
        }
        guard (cmf << 8 | flg) % 31 == 0 else {
            throw ConvLabError.file(path: path, offset: baseOffset + 1, message: "zlib header check bits are wrong")
        }
        guard flg & 0x20 == 0 else {
            throw ConvLabError.file(path: path, offset: baseOffset + 1, message: "zlib stream needs a preset dictionary, which is not supported")
        }
        let output: [UInt8]
        let end: Int
        do {
            (output, end) = try Inflate.decompress(bytes, from: 2, path: path, outputLimit: outputLimit, sizeHint: sizeHint)
        } catch let ConvLabError.file(path, offset, message) {
            throw ConvLabError.file(path: path, offset: offset.map { $0 + baseOffset }, message: message)
        }
        guard end + 4 <= bytes.count else {
            throw ConvLabError.file(path: path, offset: baseOffset + bytes.count, message: "zlib Adler-32 trailer is missing (truncated)")
        }
        let stored = readBigEndian32(bytes, end)
        let actual = Checksum.adler32(output)
        guard stored == actual else {
            throw ConvLabError.file(path: path, offset: baseOffset + end,
                message: "Adler-32 mismatch: the data gives \(hex32(actual)) but the stream says \(hex32(stored))")
        }
        guard end + 4 == bytes.count else {
            throw ConvLabError.file(path: path, offset: baseOffset + end + 4, message: "\(bytes.count - end - 4) unexpected bytes after the zlib stream")
        }
        return output
    }

    /// A zlib stream: header 78 9C, DEFLATE data, Adler-32.
    package static func compress(_ data: [UInt8], level: Deflate.Level = .default) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x9C]
        out += Deflate.compress(data, level: level)
        appendBigEndian32(Checksum.adler32(data), to: &out)
        return out
    }
}

// MARK: - Byte helpers

// The 4-byte integers of the file formats: little-endian in gzip and ConvLab's checkpoints,
// big-endian in zlib's Adler-32, IDX headers, PNG chunks and SHA-256 digests.

package func readLittleEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}

package func appendLittleEndian32(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
              UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)]
}

package func readBigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

package func appendBigEndian32(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
              UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}

package func hex8(_ value: UInt8) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}

package func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
