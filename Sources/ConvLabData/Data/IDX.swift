import ConvLabCore

/// IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic number, the dimensions,
/// then the elements in row-major order.
///
/// ```
/// offset 0:  00 00          always zero
/// offset 2:  type           0x08 = unsigned byte (the only type ConvLab reads)
/// offset 3:  rank           number of dimensions, d
/// offset 4:  d sizes        big-endian UInt32 each
/// offset 4 + 4d: data       product of the sizes, one byte each
/// ```
/// MNIST's image files are [count, 28, 28] (magic 00 00 08 03), the label files [count]
/// (magic 00 00 08 01).
package struct IDXFile: Sendable, Equatable {
    /// ConvLab's budget for one IDX file: at most 2^27 data bytes (128 MiB, 2.7 times full
    /// MNIST's 47 MB of training images; 512 MiB once converted to `Float`). The dimensions are
    /// checked against it before any data is copied, and a gzip file is decompressed with
    /// `maximumFileBytes` as its output cap, so a 1 MB gzip bomb stops at the budget.
    package static let maximumDataBytes = 1 << 27
    /// The budget plus the largest header (4 bytes of magic and 8 dimensions of 4 bytes).
    package static let maximumFileBytes = maximumDataBytes + 36

    /// The size of each dimension, e.g. [60000, 28, 28].
    package var dimensions: [Int]
    /// The elements, row-major.
    package var bytes: [UInt8]

    /// - Throws: `ConvLabError.shape` when the byte count does not match the dimensions.
    package init(dimensions: [Int], bytes: [UInt8]) throws {
        guard !dimensions.isEmpty, dimensions.allSatisfy({ $0 <= Int(UInt32.max) }),
              (try? TensorShape.elementCount(dimensions, op: "IDXFile")) == bytes.count else {
            throw ConvLabError.shape(op: "IDXFile",
                message: "dimensions \(describeShape(dimensions)) do not hold \(bytes.count) bytes")
        }
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads an IDX file, raw or gzip-compressed (recognised by its 1F 8B magic, whatever the
    /// file is called).
    /// - Throws: `ConvLabError.file(path:offset:message:)`. For a compressed file, offsets of
    ///   IDX problems count bytes of the decompressed data, and the message says so.
    /// - Throws: `ConvLabError.file(path:offset:message:)`; also for a file or decompressed
    ///   data over `maximumFileBytes`.
    package static func read(_ path: String) throws -> IDXFile {
        try parse(try readBytes(path), path: path)
    }

    /// The bytes of an IDX file as stored (raw or gzip), refused when larger than a gzip of
    /// `maximumFileBytes` can be.
    package static func readBytes(_ path: String) throws -> [UInt8] {
        try FileIO.read(path, limit: maximumFileBytes + (1 << 20), kind: "an IDX file")
    }

    /// The IDX bytes of `contents`: decompressed (capped at `budget` plus the largest header)
    /// when they are gzip, else as they are.
    package static func decompressedBytes(_ contents: [UInt8], path: String, budget: Int = maximumDataBytes) throws -> [UInt8] {
        Gzip.hasMagic(contents) ? try Gzip.decompress(contents, path: path, outputLimit: budget + 36) : contents
    }

    /// Parses the contents of an IDX file (raw or gzip).
    /// - Parameters:
    ///   - contents: the file's bytes, raw or gzip-compressed.
    ///   - path: the file's name in errors (with the field and byte offset).
    ///   - budget: the most data bytes accepted (`maximumDataBytes` unless a test or a caller
    ///     wants less); also the decompression cap, plus the header.
    package static func parse(_ contents: [UInt8], path: String, budget: Int = maximumDataBytes) throws -> IDXFile {
        let note = Gzip.hasMagic(contents) ? " (in the decompressed data)" : ""
        return try parseRaw(try decompressedBytes(contents, path: path, budget: budget), path: path, note: note,
                            budget: budget)
    }

    /// Parses uncompressed IDX bytes.
    static func parseRaw(_ raw: [UInt8], path: String, note: String, budget: Int = maximumDataBytes) throws -> IDXFile {
        func fail(_ offset: Int, _ message: String) -> ConvLabError {
            .file(path: path, offset: offset, message: message + note)
        }
        guard raw.count >= 4 else {
            throw fail(raw.count, "IDX magic number is truncated (\(raw.count) of 4 bytes)")
        }
        guard raw[0] == 0, raw[1] == 0 else {
            throw fail(0, "not an IDX file: it starts with \(hex8(raw[0])) \(hex8(raw[1])), not 00 00")
        }
        guard raw[2] == 0x08 else {
            let names: [UInt8: String] = [0x09: "signed byte", 0x0B: "16-bit integer", 0x0C: "32-bit integer",
                                          0x0D: "32-bit float", 0x0E: "64-bit float"]
            let name = names[raw[2]].map { "\($0) elements" } ?? "an unknown element type"
            throw fail(2, "IDX element type \(hex8(raw[2])) means \(name); ConvLab reads unsigned bytes (08)")
        }
        let rank = Int(raw[3])
        guard (1...8).contains(rank) else {
            throw fail(3, "IDX rank \(rank) is outside 1...8")
        }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw fail(raw.count, "IDX header is truncated: \(rank) dimensions need \(headerSize) bytes, the data has \(raw.count)")
        }
        var dimensions = [Int]()
        var elementCount = 0
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = Int(readBigEndian32(raw, offset))
            dimensions.append(size)
            // The checked product of the dimensions so far (zeros counted as one: an empty
            // [0, 2^32-1, 2^32-1] is refused too), within the budget, before any data is copied.
            do {
                elementCount = try TensorShape.elementCount(dimensions, op: "IDX", limit: budget)
            } catch {
                throw fail(offset, "IDX dimensions \(describeShape(dimensions)) describe more than \(budget) bytes, ConvLab's budget for an IDX file")
            }
        }
        let available = raw.count - headerSize
        guard available >= elementCount else {
            throw fail(raw.count, "IDX data is truncated: dimensions \(describeShape(dimensions)) need \(elementCount) bytes after the \(headerSize)-byte header, found \(available)")
        }
        guard available == elementCount else {
            throw fail(headerSize + elementCount, "\(available - elementCount) unexpected bytes after the IDX data of dimensions \(describeShape(dimensions))")
        }
        return try IDXFile(dimensions: dimensions, bytes: Array(raw[headerSize...]))
    }

    /// The file's bytes: header then data.
    package func encoded() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions { appendBigEndian32(UInt32(truncatingIfNeeded: size), to: &out) }
        return out + bytes
    }

    /// Writes the file atomically, gzip-compressed when `compressed` is true.
    package func write(to path: String, compressed: Bool) throws {
        let raw = encoded()
        try FileIO.writeAtomically(compressed ? Gzip.compress(raw) : raw, to: path)
    }
}
