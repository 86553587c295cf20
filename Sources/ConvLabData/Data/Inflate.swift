import ConvLabCore

/// Inflate: decompresses a raw DEFLATE stream (RFC 1951), the format inside gzip files, zlib
/// streams and PNG image data.
///
/// A DEFLATE stream is a sequence of blocks. Each block is stored (raw bytes), or compressed
/// with fixed or with dynamic (transmitted) Huffman codes into literals and (length, distance)
/// back-references to the last 32 KiB of output. This decoder handles all three block types.
///
/// Hostile input: every read is bounds-checked, every code and distance is validated, and the
/// output is capped, so a corrupt or truncated stream throws `ConvLabError.file` with the byte
/// offset where decoding failed. It never traps and never loops without consuming input.
package enum Inflate {
    /// The default cap on decompressed size (1 GiB): far above any dataset ConvLab reads, far
    /// below what would exhaust memory.
    package static let defaultOutputLimit = 1 << 30

    /// Decompresses the raw DEFLATE stream that starts at `start`.
    /// - Parameters:
    ///   - input: the bytes holding the stream (for example a whole gzip file).
    ///   - start: the offset of the stream's first byte in `input`.
    ///   - path: the file name used in error messages.
    ///   - outputLimit: throw rather than produce more bytes than this.
    ///   - sizeHint: the expected output size, if known, to allocate once.
    /// - Returns: the decompressed bytes and `end`, the offset just past the stream's last byte.
    /// - Throws: `ConvLabError.file(path:offset:message:)` naming the byte where decoding failed.
    /// - Complexity: O(input + output).
    package static func decompress(_ input: [UInt8], from start: Int = 0, path: String,
                                  outputLimit: Int = defaultOutputLimit,
                                  sizeHint: Int = 0) throws -> (output: [UInt8], end: Int) {
        guard start >= 0, start <= input.count else {
            throw ConvLabError.file(path: path, offset: start, message: "deflate stream starts past the end of the data")
        }
        return try input.withUnsafeBufferPointer { buffer in
            // DEFLATE expands at most about 1032:1, so a forged hint cannot reserve more.
            let plausible = min(sizeHint, 1032 * (buffer.count - start) + 1024)
            var inflater = Inflater(input: buffer, position: start, path: path,
                                    output: OutputBuffer(capacity: min(max(plausible, 4096), outputLimit + 1),
                                                         limit: outputLimit))
            try inflater.run()
            return (inflater.output.array(), inflater.endOffset)
        }
    }
}

// MARK: - Tables of RFC 1951, section 3.2.5 (shared with Deflate)

/// Base lengths and extra bits of length symbols 257...285.
let deflateLengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
let deflateLengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                      3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
/// Base distances and extra bits of distance symbols 0...29.
let deflateDistanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                   257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                   8193, 12289, 16385, 24577]
let deflateDistanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                        7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
/// The order in which a dynamic block sends the code lengths of the code-length alphabet.
private let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

// MARK: - Huffman decoding table

/// A canonical Huffman code, decodable from an LSB-first bit stream.
///
/// Codes up to `fastBits` long are found with one look-up in `fast`, indexed by the next
/// `fastBits` input bits; longer codes (rare) are decoded bit by bit from `counts` and `symbols`,
/// the canonical-code walk of zlib's `puff.c`.
final class HuffmanDecoder: @unchecked Sendable {  // immutable after init
    static let fastBits = 10
    /// `symbol << 4 | length`, or 0 when the code is longer than `fastBits` or unassigned.
    let fast: UnsafeMutablePointer<UInt16>
    /// `counts[l]`: how many symbols have a code of length l (1...15).
    let counts: UnsafeMutablePointer<Int>
    /// The symbols ordered by (code length, symbol value): canonical code order.
    let symbols: UnsafeMutablePointer<UInt16>

    enum Failure: Error {
        case overSubscribed, incomplete
    }

    /// Builds the decoder for the code lengths of each symbol (0 = symbol unused).
    /// - Throws: `Failure` when the lengths describe no valid prefix code. An incomplete code is
    ///   accepted only when it has a single code of length 1 (or no codes at all), as zlib does.
    init(lengths: [Int], allowIncomplete: Bool) throws(Failure) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[length] += 1 }
        counts[0] = 0
        var left = 1
        var maxLength = 0
        for length in 1...15 {
            left <<= 1
            left -= counts[length]
            if left < 0 { throw .overSubscribed }
            if counts[length] > 0 { maxLength = length }
        }
        if left > 0 && maxLength > 0 && !(allowIncomplete && maxLength == 1) {
            throw .incomplete
        }
        // Offsets of the first symbol of each length in canonical order.
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        var symbols = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = UInt16(symbol)
            offsets[length] += 1
        }
        // Assign canonical codes in order and fill every fast-table slot whose low bits match
        // the bit-reversed code (DEFLATE sends Huffman codes most significant bit first).
        var fast = [UInt16](repeating: 0, count: 1 << HuffmanDecoder.fastBits)
        var code = 0
        var index = 0
        for length in 1...15 {
            for _ in 0..<counts[length] {
                if length <= HuffmanDecoder.fastBits {
                    var reversed = 0
                    for bit in 0..<length where code & (1 << bit) != 0 {
                        reversed |= 1 << (length - 1 - bit)
                    }
                    let entry = UInt16(symbols[index]) << 4 | UInt16(length)
                    var slot = reversed
                    while slot < fast.count {
                        fast[slot] = entry
                        slot += 1 << length
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
        // Pointers rather than arrays: decoding then stays fast in unoptimised debug builds.
        self.fast = .allocate(capacity: fast.count)
        self.fast.initialize(from: fast, count: fast.count)
        self.counts = .allocate(capacity: 16)
        self.counts.initialize(from: counts, count: 16)
        self.symbols = .allocate(capacity: max(symbols.count, 1))
        self.symbols.initialize(from: symbols, count: symbols.count)
    }

    deinit {
        fast.deallocate()
        counts.deallocate()
        symbols.deallocate()
    }

    /// The fixed literal/length code of block type 1.
    static let fixedLiteralLength: HuffmanDecoder = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Complete by construction, so the build cannot fail.
        return try! HuffmanDecoder(lengths: lengths, allowIncomplete: false)
    }()

    /// The fixed distance code: 32 five-bit codes (30 and 31 are invalid when decoded).
    static let fixedDistance: HuffmanDecoder = {
        try! HuffmanDecoder(lengths: [Int](repeating: 5, count: 32), allowIncomplete: false)
    }()
}

// MARK: - Output

/// A growable byte buffer with a hard size limit; back-references copy within it.
final class OutputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    let limit: Int

    init(capacity: Int, limit: Int) {
        self.capacity = max(capacity, 16)
        self.limit = limit
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes; false when that would pass the limit.
    @inline(__always) func reserve(_ extra: Int) -> Bool {
        let needed = count + extra
        if needed > limit { return false }
        if needed > capacity { grow(to: needed) }
        return true
    }

    private func grow(to needed: Int) {
        let newCapacity = min(max(needed, capacity * 2), max(limit, needed))
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte; the caller has reserved room.
    @inline(__always) func appendReserved(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Appends raw bytes; the caller has reserved room.
    func appendReserved(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Copies `length` bytes starting `distance` back; the regions may overlap (a distance of 1
    /// repeats the last byte). The caller has checked `distance <= count` and reserved room.
    @inline(__always) func copyMatchReserved(distance: Int, length: Int) {
        var from = base + (count - distance)
        var to = base + count
        if distance >= length {
            to.update(from: from, count: length)
        } else {
            for _ in 0..<length {
                to.pointee = from.pointee
                to += 1
                from += 1
            }
        }
        count += length
    }

    func array() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }
}

// MARK: - The decoder

/// The decoding state: an LSB-first bit buffer over the input and the output so far.
private struct Inflater {
    let input: UnsafeBufferPointer<UInt8>
    /// The next input byte to load into `bitBuffer`.
    var position: Int
    let path: String
    let output: OutputBuffer
    /// Unconsumed bits, next bit lowest. Bits above `bitCount` may hold a copy of the next
    /// input byte(s) from a word load; they are either zero or equal to what a later load puts
    /// there, so OR-ing new bytes in stays correct.
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var literalLength = HuffmanDecoder.fixedLiteralLength
    var distance = HuffmanDecoder.fixedDistance

    /// The byte holding the next unread bit.
    var offset: Int { position - (bitCount + 7) / 8 }

    /// After the final block: the offset just past the last byte that held stream bits.
    var endOffset: Int { position - bitCount / 8 }

    func failure(_ message: String, at offset: Int? = nil) -> ConvLabError {
        .file(path: path, offset: offset ?? self.offset, message: message)
    }

    // MARK: Bits

    @inline(__always) mutating func refill() {
        if position + 8 <= input.count {
            // Load eight bytes at once and keep the whole ones that fit.
            let word = UnsafeRawPointer(input.baseAddress! + position).loadUnaligned(as: UInt64.self).littleEndian
            bitBuffer |= word &<< UInt64(bitCount)
            let whole = (63 - bitCount) >> 3
            position += whole
            bitCount += whole * 8
        } else {
            while bitCount <= 56 && position < input.count {
                bitBuffer |= UInt64(input[position]) &<< UInt64(bitCount)
                position += 1
                bitCount += 8
            }
        }
    }

    /// The next `count` bits (0...32) as an integer, first bit lowest.
    @inline(__always) mutating func bits(_ count: Int) throws(ConvLabError) -> Int {
        if bitCount < count {
            refill()
            if bitCount < count { throw failure("data ends in the middle of the deflate stream (truncated)", at: input.count) }
        }
        let value = Int(truncatingIfNeeded: bitBuffer & ((1 &<< UInt64(count)) &- 1))
        bitBuffer &>>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Drops the bits up to the next byte boundary and empties the bit buffer, so `position`
    /// is the next byte of the stream.
    mutating func alignToByte() {
        let dropped = bitCount % 8
        bitBuffer &>>= UInt64(dropped)
        bitCount -= dropped
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
    }

    /// Decodes one symbol of `table`.
    @inline(__always) mutating func decode(_ table: HuffmanDecoder, what: String) throws(ConvLabError) -> Int {
        if bitCount < 15 { refill() }
        let entry = table.fast[Int(truncatingIfNeeded: bitBuffer) & ((1 << HuffmanDecoder.fastBits) - 1)]
        let length = Int(entry & 15)
        if length != 0 && length <= bitCount {
            bitBuffer &>>= UInt64(length)
            bitCount -= length
            return Int(entry &>> 4)
        }
        return try decodeSlowly(table, what: what)
    }

    /// Canonical decoding one bit at a time: codes longer than the fast table, invalid codes,
    /// and the end of the input.
    mutating func decodeSlowly(_ table: HuffmanDecoder, what: String) throws(ConvLabError) -> Int {
        let start = offset
        var code = 0   // the bits read so far, as a code (first bit most significant)
        var first = 0  // the first code of the current length
        var index = 0  // the index of that first code in `symbols`
        for length in 1...15 {
            if bitCount < length {
                throw failure("data ends in the middle of a \(what) code (truncated)", at: input.count)
            }
            code |= Int((bitBuffer &>> UInt64(length - 1)) & 1)
            let count = table.counts[length]
            if code - first < count {
                bitBuffer &>>= UInt64(length)
                bitCount -= length
                return Int(table.symbols[index + code - first])
            }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw failure("invalid \(what) Huffman code", at: start)
    }

    // MARK: Blocks

    mutating func run() throws(ConvLabError) {
        var isFinal = false
        while !isFinal {
            let blockStart = offset
            isFinal = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1:
                literalLength = HuffmanDecoder.fixedLiteralLength
                distance = HuffmanDecoder.fixedDistance
                try compressedBlock()
            case 2:
                try readDynamicTables()
                try compressedBlock()
            default:
                throw failure("invalid deflate block type 3 (reserved)", at: blockStart)
            }
        }
        // Give back whole bytes that were loaded but not used.
        position -= bitCount / 8
        bitCount %= 8
    }

    /// Block type 0: LEN, NLEN (its one's complement), then LEN raw bytes.
    mutating func storedBlock() throws(ConvLabError) {
        alignToByte()
        let headerOffset = position
        guard position + 4 <= input.count else {
            throw failure("data ends in a stored block header (truncated)", at: input.count)
        }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xFFFF else {
            throw failure("stored block length \(length) does not match its complement \(complement)", at: headerOffset)
        }
        position += 4
        guard position + length <= input.count else {
            throw failure("stored block of \(length) bytes runs past the end of the data (truncated)", at: input.count)
        }
        guard output.reserve(length) else { throw outputLimitFailure() }
        output.appendReserved(UnsafeBufferPointer(rebasing: input[position..<position + length]))
        position += length
    }

    func outputLimitFailure() -> ConvLabError {
        failure("decompressed data exceeds the limit of \(output.limit) bytes")
    }

    /// Block type 2: the code lengths of both alphabets, themselves Huffman-coded.
    mutating func readDynamicTables() throws(ConvLabError) {
        let headerOffset = offset
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw failure("dynamic block declares \(literalCount) literal/length and \(distanceCount) distance codes (at most 286 and 30)", at: headerOffset)
        }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            codeLengthLengths[codeLengthOrder[i]] = try bits(3)
        }
        let codeLengthCode: HuffmanDecoder
        do {
            codeLengthCode = try HuffmanDecoder(lengths: codeLengthLengths, allowIncomplete: false)
        } catch {
            throw failure("invalid code-length code in dynamic block (\(error == .overSubscribed ? "over-subscribed" : "incomplete"))", at: headerOffset)
        }
        var lengths = [Int]()
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbolOffset = offset
            let symbol = try decode(codeLengthCode, what: "code-length")
            var repeatValue = 0
            var repeatCount = 0
            switch symbol {
            case 0...15:
                lengths.append(symbol)
                continue
            case 16:
                guard let previous = lengths.last else {
                    throw failure("dynamic block repeats a previous code length before the first one", at: symbolOffset)
                }
                repeatValue = previous
                repeatCount = 3 + (try bits(2))
            case 17:
                repeatCount = 3 + (try bits(3))
            default:
                repeatCount = 11 + (try bits(7))
            }
            guard lengths.count + repeatCount <= literalCount + distanceCount else {
                throw failure("dynamic block code lengths overrun the \(literalCount + distanceCount) declared codes", at: symbolOffset)
            }
            lengths += repeatElement(repeatValue, count: repeatCount)
        }
        guard lengths[256] != 0 else {
            throw failure("dynamic block has no end-of-block code", at: headerOffset)
        }
        do {
            literalLength = try HuffmanDecoder(lengths: Array(lengths[0..<literalCount]), allowIncomplete: true)
        } catch {
            throw failure("invalid literal/length code in dynamic block (\(error == .overSubscribed ? "over-subscribed" : "incomplete"))", at: headerOffset)
        }
        do {
            distance = try HuffmanDecoder(lengths: Array(lengths[literalCount...]), allowIncomplete: true)
        } catch {
            throw failure("invalid distance code in dynamic block (\(error == .overSubscribed ? "over-subscribed" : "incomplete"))", at: headerOffset)
        }
    }

    /// Literals and back-references until the end-of-block symbol 256.
    mutating func compressedBlock() throws(ConvLabError) {
        // Local references: no retain and release of the tables per symbol.
        let literalLength = self.literalLength
        let distance = self.distance
        while true {
            let symbolOffset = offset
            let symbol = try decode(literalLength, what: "literal/length")
            if symbol < 256 {
                guard output.reserve(1) else { throw outputLimitFailure() }
                output.appendReserved(UInt8(truncatingIfNeeded: symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthIndex = symbol - 257
                guard lengthIndex < 29 else {
                    throw failure("invalid length symbol \(symbol)", at: symbolOffset)
                }
                let length = deflateLengthBase[lengthIndex] + (try bits(deflateLengthExtra[lengthIndex]))
                let distanceSymbol = try decode(distance, what: "distance")
                guard distanceSymbol < 30 else {
                    throw failure("invalid distance symbol \(distanceSymbol)", at: symbolOffset)
                }
                let back = deflateDistanceBase[distanceSymbol] + (try bits(deflateDistanceExtra[distanceSymbol]))
                guard back <= output.count else {
                    throw failure("back-reference distance \(back) reaches before the start of the output (\(output.count) bytes so far)", at: symbolOffset)
                }
                guard output.reserve(length) else { throw outputLimitFailure() }
                output.copyMatchReserved(distance: back, length: length)
            }
        }
    }
}
