/// Deflate: compresses bytes into a raw DEFLATE stream (RFC 1951) for ConvLab's own writers
/// (gzip files, PNG image data).
///
/// A deliberately small compressor: LZ77 matching over a 32 KiB window with hash chains (no
/// lazy matching), then, for each run of up to 16,384 tokens, whichever block is smallest:
/// dynamic Huffman codes built from that block's symbol counts (type 2), the fixed code
/// (type 1), or stored bytes (type 0, for random or already-compressed data).
package enum Deflate {
    /// How hard to search for repeated strings.
    package enum Level: Sendable, Equatable {
        /// No compression: stored blocks only.
        case stored
        /// Short hash chains (8 candidates per position).
        case fast
        /// Longer hash chains (64 candidates per position).
        case `default`

        var maxChain: Int {
            switch self {
            case .stored: return 0
            case .fast: return 8
            case .default: return 64
            }
        }
    }

    /// Compresses `data` into a raw DEFLATE stream.
    /// - Complexity: O(n * chain length) for matching, O(n) for encoding.
    package static func compress(_ data: [UInt8], level: Level = .default) -> [UInt8] {
        if level == .stored { return stored(data) }
        let tokens = matchTokens(data, maxChain: level.maxChain)
        var writer = BitWriter()
        writer.reserve(data.count / 3 + 64)
        var start = 0      // first token of the block
        var inputStart = 0 // first input byte of the block
        repeat {
            let end = min(start + blockTokens, tokens.count)
            var inputEnd = inputStart
            for token in tokens[start..<end] { inputEnd += token.inputLength }
            writeBlock(tokens[start..<end], input: data[inputStart..<inputEnd],
                       isFinal: end == tokens.count, to: &writer)
            start = end
            inputStart = inputEnd
        } while start < tokens.count
        return writer.finish()
    }

    /// Tokens per block: small enough for the codes to follow the data, large enough that the
    /// code tables (about 60-100 bytes) are paid rarely.
    static let blockTokens = 16384

    /// The size of `count` bytes as stored blocks: 5 bytes of header per 65,535 bytes.
    static func storedSize(_ count: Int) -> Int {
        count + 5 * max(1, (count + 65534) / 65535)
    }

    /// Stored blocks of at most 65,535 bytes, each: BFINAL + type 00, byte alignment, LEN, ~LEN.
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writeStored(data[...], isFinal: true, to: &writer)
        return writer.finish()
    }

    static func writeStored(_ data: ArraySlice<UInt8>, isFinal: Bool, to writer: inout BitWriter) {
        var start = data.startIndex
        repeat {
            let length = min(65535, data.endIndex - start)
            writer.write(isFinal && start + length == data.endIndex ? 1 : 0, bits: 1)
            writer.write(0, bits: 2)
            writer.alignToByte()
            writer.write(length, bits: 16)
            writer.write(~length & 0xFFFF, bits: 16)
            writer.appendAligned(data[start..<start + length])
            start += length
        } while start < data.endIndex
    }

    /// A literal byte, or a back-reference of `length` bytes at `distance`.
    struct Token {
        /// The literal byte (0...255), or 256 + length for a match.
        var symbolOrLength: UInt16
        var distance: UInt16

        var isMatch: Bool { symbolOrLength > 255 }
        var length: Int { Int(symbolOrLength) - 256 }
        var inputLength: Int { isMatch ? length : 1 }
    }

    /// LZ77 over a 32 KiB window: at each position the longest match among up to `maxChain`
    /// earlier positions with the same 3-byte hash, else a literal.
    static func matchTokens(_ data: [UInt8], maxChain: Int) -> [Token] {
        var tokens = [Token]()
        tokens.reserveCapacity(data.count / 2)
        let window = 32768
        let hashBits = 15
        data.withUnsafeBufferPointer { bytes in
            let n = bytes.count
            var head = [Int32](repeating: -1, count: 1 << hashBits)
            var previous = [Int32](repeating: -1, count: window)
            @inline(__always) func hash(_ i: Int) -> Int {
                let key = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
                return (key &* 0x9E37_79B1) >> 16 & ((1 << hashBits) - 1)
            }
            @inline(__always) func insert(_ i: Int) {
                let h = hash(i)
                previous[i & (window - 1)] = head[h]
                head[h] = Int32(i)
            }
            var i = 0
            while i < n {
                var bestLength = 0
                var bestDistance = 0
                if i + 3 <= n {
                    let maxLength = min(258, n - i)
                    var candidate = Int(head[hash(i)])
                    var chain = maxChain
                    while candidate >= 0 && i - candidate <= window && chain > 0 {
                        // Check the byte that would make this candidate better first.
                        if bytes[candidate + bestLength] == bytes[i + bestLength] {
                            var length = 0
                            while length < maxLength && bytes[candidate + length] == bytes[i + length] {
                                length += 1
                            }
                            if length > bestLength {
                                bestLength = length
                                bestDistance = i - candidate
                                if length == maxLength { break }
                            }
                        }
                        candidate = Int(previous[candidate & (window - 1)])
                        chain -= 1
                    }
                    insert(i)
                }
                if bestLength >= 3 {
                    tokens.append(Token(symbolOrLength: UInt16(256 + bestLength), distance: UInt16(bestDistance)))
                    for j in i + 1 ..< i + bestLength where j + 3 <= n { insert(j) }
                    i += bestLength
                } else {
                    tokens.append(Token(symbolOrLength: UInt16(bytes[i]), distance: 0))
                    i += 1
                }
            }
        }
        return tokens
    }

    // MARK: - Blocks

    /// The length symbol (257...285) of a match length, with its extra bits.
    @inline(__always) static func lengthCode(_ length: Int) -> (symbol: Int, extra: Int, extraBits: Int) {
        var index = 28
        while deflateLengthBase[index] > length { index -= 1 }
        return (257 + index, length - deflateLengthBase[index], deflateLengthExtra[index])
    }

    /// The distance symbol (0...29) of a distance, with its extra bits.
    @inline(__always) static func distanceCode(_ distance: Int) -> (symbol: Int, extra: Int, extraBits: Int) {
        var index = 29
        while deflateDistanceBase[index] > distance { index -= 1 }
        return (index, distance - deflateDistanceBase[index], deflateDistanceExtra[index])
    }

    /// Writes one block of `tokens` (covering `input`) in the cheapest of the three types.
    static func writeBlock(_ tokens: ArraySlice<Token>, input: ArraySlice<UInt8>, isFinal: Bool,
                           to writer: inout BitWriter) {
        var literalCounts = [Int](repeating: 0, count: 286)
        var distanceCounts = [Int](repeating: 0, count: 30)
        var extraBits = 0
        for token in tokens {
            if token.isMatch {
                let length = lengthCode(token.length)
                let distance = distanceCode(Int(token.distance))
                literalCounts[length.symbol] += 1
                distanceCounts[distance.symbol] += 1
                extraBits += length.extraBits + distance.extraBits
            } else {
                literalCounts[Int(token.symbolOrLength)] += 1
            }
        }
        literalCounts[256] = 1  // end of block

        let literalLengths = huffmanLengths(literalCounts, limit: 15)
        var distanceLengths = huffmanLengths(distanceCounts, limit: 15)
        if distanceLengths.allSatisfy({ $0 == 0 }) { distanceLengths[0] = 1 }  // at least one code
        let header = DynamicHeader(literalLengths: literalLengths, distanceLengths: distanceLengths)

        func cost(_ literal: [Int], _ distance: [Int]) -> Int {
            var bits = extraBits
            for (symbol, count) in literalCounts.enumerated() where count > 0 { bits += count * literal[symbol] }
            for (symbol, count) in distanceCounts.enumerated() where count > 0 { bits += count * distance[symbol] }
            return bits
        }
        let dynamicBits = 3 + header.bitCount + cost(literalLengths, distanceLengths)
        let fixedBits = 3 + cost(BitWriter.fixedLiteralLengths, [Int](repeating: 5, count: 30))
        let storedBits = 8 * storedSize(input.count) + 7  // up to 7 bits of alignment

        if storedBits < min(dynamicBits, fixedBits) {
            writeStored(input, isFinal: isFinal, to: &writer)
            return
        }
        writer.write(isFinal ? 1 : 0, bits: 1)
        let literalCodes: [(code: Int, length: Int)]
        let distanceCodes: [(code: Int, length: Int)]
        if dynamicBits < fixedBits {
            writer.write(2, bits: 2)
            header.write(to: &writer)
            literalCodes = canonicalCodes(literalLengths)
            distanceCodes = canonicalCodes(distanceLengths)
        } else {
            writer.write(1, bits: 2)
            literalCodes = BitWriter.fixedLiteralCodes
            distanceCodes = BitWriter.fixedDistanceCodes
        }
        for token in tokens {
            if token.isMatch {
                let length = lengthCode(token.length)
                let distance = distanceCode(Int(token.distance))
                writer.write(literalCodes[length.symbol].code, bits: literalCodes[length.symbol].length)
                writer.write(length.extra, bits: length.extraBits)
                writer.write(distanceCodes[distance.symbol].code, bits: distanceCodes[distance.symbol].length)
                writer.write(distance.extra, bits: distance.extraBits)
            } else {
                let code = literalCodes[Int(token.symbolOrLength)]
                writer.write(code.code, bits: code.length)
            }
        }
        writer.write(literalCodes[256].code, bits: literalCodes[256].length)
    }

    /// Canonical Huffman codes for `lengths` (RFC 1951 section 3.2.2), bit-reversed for
    /// LSB-first output.
    static func canonicalCodes(_ lengths: [Int]) -> [(code: Int, length: Int)] {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { counts[length] += 1 }
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        return lengths.map { length in
            guard length > 0 else { return (0, 0) }
            defer { next[length] += 1 }
            return (BitWriter.reverse(next[length], length), length)
        }
    }

    /// Code lengths of a Huffman code for `counts`, none longer than `limit`.
    ///
    /// Builds the optimal tree by repeatedly joining the two lightest nodes; when a code comes
    /// out longer than `limit`, halves the counts (keeping used symbols at 1 or more) and builds
    /// again. Flatter counts give a flatter tree, so this ends, at worst with all counts equal.
    static func huffmanLengths(_ counts: [Int], limit: Int) -> [Int] {
        var weights = counts
        while true {
            let used = weights.indices.filter { weights[$0] > 0 }
            var lengths = [Int](repeating: 0, count: counts.count)
            if used.count == 1 { lengths[used[0]] = 1 }
            if used.count <= 1 { return lengths }
            // Nodes: leaves first, then internal nodes; parent[] records the tree.
            var nodeWeight = used.map { weights[$0] }
            var parent = [Int](repeating: -1, count: 2 * used.count - 1)
            var active = Array(0..<used.count)
            while active.count > 1 {
                active.sort { nodeWeight[$0] != nodeWeight[$1] ? nodeWeight[$0] > nodeWeight[$1] : $0 > $1 }
                let a = active.removeLast(), b = active.removeLast()
                let joined = nodeWeight.count
                nodeWeight.append(nodeWeight[a] + nodeWeight[b])
                parent[a] = joined
                parent[b] = joined
                active.append(joined)
            }
            var longest = 0
            for (leaf, symbol) in used.enumerated() {
                var depth = 0
                var node = leaf
                while parent[node] >= 0 {
                    node = parent[node]
                    depth += 1
                }
                lengths[symbol] = depth
                longest = max(longest, depth)
            }
            if longest <= limit { return lengths }
            weights = weights.map { $0 == 0 ? 0 : max(1, $0 / 2) }
        }
    }

    /// The code-length section of a dynamic block: HLIT, HDIST, HCLEN and the run-length coded
    /// code lengths of both alphabets (symbols 16 = repeat previous, 17/18 = runs of zeros).
    struct DynamicHeader {
        var literalCount: Int
        var distanceCount: Int
        /// Run-length symbols (0...18) with their extra-bit values.
        var runs: [(symbol: Int, extra: Int)] = []
        var codeLengthLengths: [Int]
        var codeLengthCount: Int

        static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        static let extraBits = [16: 2, 17: 3, 18: 7]

        init(literalLengths: [Int], distanceLengths: [Int]) {
            literalCount = max(257, (literalLengths.lastIndex { $0 > 0 } ?? 0) + 1)
            distanceCount = max(1, (distanceLengths.lastIndex { $0 > 0 } ?? 0) + 1)
            let all = Array(literalLengths[..<literalCount]) + Array(distanceLengths[..<distanceCount])
            var i = 0
            while i < all.count {
                var run = 1
                while i + run < all.count && all[i + run] == all[i] { run += 1 }
                let value = all[i]
                var left = run
                if value == 0 {
                    while left >= 11 { let n = min(left, 138); runs.append((18, n - 11)); left -= n }
                    if left >= 3 { runs.append((17, left - 3)); left = 0 }
                } else {
                    runs.append((value, 0))
                    left -= 1
                    while left >= 3 { let n = min(left, 6); runs.append((16, n - 3)); left -= n }
                }
                for _ in 0..<left { runs.append((value, 0)) }
                i += run
            }
            var counts = [Int](repeating: 0, count: 19)
            for run in runs { counts[run.symbol] += 1 }
            codeLengthLengths = Deflate.huffmanLengths(counts, limit: 7)
            var count = 19
            while count > 4 && codeLengthLengths[DynamicHeader.order[count - 1]] == 0 { count -= 1 }
            codeLengthCount = count
        }

        var bitCount: Int {
            var bits = 5 + 5 + 4 + 3 * codeLengthCount
            for run in runs {
                bits += codeLengthLengths[run.symbol] + (DynamicHeader.extraBits[run.symbol] ?? 0)
            }
            return bits
        }

        func write(to writer: inout BitWriter) {
            writer.write(literalCount - 257, bits: 5)
            writer.write(distanceCount - 1, bits: 5)
            writer.write(codeLengthCount - 4, bits: 4)
            for i in 0..<codeLengthCount {
                writer.write(codeLengthLengths[DynamicHeader.order[i]], bits: 3)
            }
            let codes = Deflate.canonicalCodes(codeLengthLengths)
            for run in runs {
                writer.write(codes[run.symbol].code, bits: codes[run.symbol].length)
                if let bits = DynamicHeader.extraBits[run.symbol] { writer.write(run.extra, bits: bits) }
            }
        }
    }
}

/// Writes an LSB-first bit stream, and single symbols of DEFLATE's fixed Huffman code.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func reserve(_ capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends the low `bits` bits of `value`, lowest first.
    @inline(__always) mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// Pads the last byte with zero bits and returns the stream.
    mutating func finish() -> [UInt8] {
        alignToByte()
        return bytes
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        if count > 0 { write(0, bits: 8 - count) }
    }

    /// Appends whole bytes; the writer must be byte-aligned.
    mutating func appendAligned(_ data: ArraySlice<UInt8>) {
        bytes += data
    }

    /// The code lengths of the fixed literal/length code (RFC 1951 section 3.2.6). All 288
    /// symbols count: the unused 286 and 287 still shape the canonical codes of length 9.
    static let fixedLiteralLengths: [Int] = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }

    /// The fixed codes, bit-reversed for LSB-first output.
    static let fixedLiteralCodes = Deflate.canonicalCodes(fixedLiteralLengths)
    static let fixedDistanceCodes = Deflate.canonicalCodes([Int](repeating: 5, count: 30))

    static func reverse(_ code: Int, _ length: Int) -> Int {
        var result = 0
        for bit in 0..<length where code & (1 << bit) != 0 { result |= 1 << (length - 1 - bit) }
        return result
    }

    // Single symbols of the fixed code, for hand-built test streams.

    mutating func writeLiteral(_ symbol: Int) {
        let entry = BitWriter.fixedLiteralCodes[symbol]
        write(entry.code, bits: entry.length)
    }

    /// A match length 3...258 as its fixed-code length symbol and extra bits.
    mutating func writeLength(_ length: Int) {
        let code = Deflate.lengthCode(length)
        writeLiteral(code.symbol)
        write(code.extra, bits: code.extraBits)
    }

    /// A distance 1...32768 as its five-bit fixed code and extra bits.
    mutating func writeDistance(_ distance: Int) {
        let code = Deflate.distanceCode(distance)
        let entry = BitWriter.fixedDistanceCodes[code.symbol]
        write(entry.code, bits: entry.length)
        write(code.extra, bits: code.extraBits)
    }
}
