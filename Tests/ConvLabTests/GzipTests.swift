import Testing
import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabData
@testable import ConvLabPictures
@testable import ConvLabNN
@testable import ConvLabCLI
@testable import ConvLabAnimation
@testable import ConvLabConformance
@testable import ConvLabBenchmark
@testable import ConvLabApplications

/// Runs `body` and checks the outcome of decoding a damaged file: either a thrown
/// `ConvLabError.file` naming `path` with a byte offset inside the file (0...size), or success.
/// Returns the decoded value on success, nil when it threw; any other error fails the test.
func expectFileErrorOrSuccess<T>(path: String, size: Int, _ context: String,
                                 _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch let ConvLabError.file(errorPath, offset, message) {
        #expect(errorPath == path, "\(context): error names \(errorPath), not \(path): \(message)")
        if let offset {
            #expect((0...size).contains(offset), "\(context): offset \(offset) outside 0...\(size): \(message)")
        } else {
            Issue.record("\(context): error has no byte offset: \(message)")
        }
        return nil
    } catch {
        Issue.record("\(context): unexpected error type \(error)")
        return nil
    }
}

@Suite("Checksums: CRC-32, Adler-32, SHA-256")
struct ChecksumTests {
    @Test func crc32KnownVectors() {
        // The check value of CRC-32/ISO-HDLC (the gzip and PNG CRC).
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.crc32([UInt8]()) == 0)
        // PNG's IEND chunk: CRC over the type bytes "IEND" is AE 42 60 82.
        #expect(Checksum.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func crc32ContinuesAcrossPieces() {
        let bytes = DataFixtures.ramp
        let whole = Checksum.crc32(bytes)
        for cut in [0, 1, 3, 4, 5, 1000, bytes.count] {
            let running = Checksum.crc32(bytes[cut...], continuing: Checksum.crc32(bytes[..<cut]))
            #expect(running == whole, "cut at \(cut)")
        }
    }

    @Test func adler32KnownVectors() {
        #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksum.adler32([UInt8]()) == 1)
        // 10,000 bytes of 0xFF cross the 5552-byte modulo interval.
        let ones = [UInt8](repeating: 0xFF, count: 10_000)
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in ones { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        #expect(Checksum.adler32(ones) == b << 16 | a)
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // FIPS 180-2 two-block message.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a': many blocks.
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha256IncrementalMatchesOneShot() {
        let bytes = DataFixtures.ramp
        for pieces in [1, 2, 7, 64, 100] {
            var hasher = SHA256()
            let step = (bytes.count + pieces - 1) / pieces
            for start in stride(from: 0, to: bytes.count, by: step) {
                hasher.update(bytes[start..<min(start + step, bytes.count)])
            }
            #expect(hasher.finalize().hexString == SHA256.hex(bytes), "\(pieces) pieces")
        }
    }
}

@Suite("Inflate and gzip: Python-made fixtures, round trips, corruption")
struct GzipTests {
    // Streams produced by CPython's zlib (see Tools/make-data-fixtures.py): stored blocks
    // (level 0), fixed and dynamic Huffman blocks, Huffman-only and RLE strategies.
    @Test(arguments: [
        ("textZlibLevel0", DataFixtures.textZlibLevel0, DataFixtures.text),
        ("textZlibLevel1", DataFixtures.textZlibLevel1, DataFixtures.text),
        ("textZlibLevel6", DataFixtures.textZlibLevel6, DataFixtures.text),
        ("textZlibLevel9", DataFixtures.textZlibLevel9, DataFixtures.text),
        ("rampZlibLevel0", DataFixtures.rampZlibLevel0, DataFixtures.ramp),
        ("rampZlibLevel1", DataFixtures.rampZlibLevel1, DataFixtures.ramp),
        ("rampZlibLevel6", DataFixtures.rampZlibLevel6, DataFixtures.ramp),
        ("rampZlibLevel9", DataFixtures.rampZlibLevel9, DataFixtures.ramp),
        ("emptyZlib", DataFixtures.emptyZlib, []),
    ])
    func zlibFromPython(name: String, compressed: [UInt8], expected: [UInt8]) throws {
        let output = try Zlib.decompress(compressed, path: name)
        #expect(output == expected, "\(name): \(output.count) bytes, expected \(expected.count)")
    }

    @Test(arguments: [
        ("textRawFixed", DataFixtures.textRawFixed, DataFixtures.text),
        ("rampRawHuffmanOnly", DataFixtures.rampRawHuffmanOnly, DataFixtures.ramp),
        ("rampRawRLE", DataFixtures.rampRawRLE, DataFixtures.ramp),
        ("randomRawLevel9", DataFixtures.randomRawLevel9, DataFixtures.random),
    ])
    func rawDeflateFromPython(name: String, compressed: [UInt8], expected: [UInt8]) throws {
        let (output, end) = try Inflate.decompress(compressed, path: name)
        #expect(output == expected)
        #expect(end == compressed.count, "\(name): the stream ends at \(end) of \(compressed.count)")
    }

    @Test func gzipFromPython() throws {
        #expect(try Gzip.decompress(DataFixtures.textGzip, path: "text.gz") == DataFixtures.text)
        // FEXTRA, FNAME, FCOMMENT and a correct FHCRC.
        #expect(try Gzip.decompress(DataFixtures.rampGzipAllFlags, path: "ramp.gz") == DataFixtures.ramp)
        // Two members concatenate, as gunzip does.
        #expect(try Gzip.decompress(DataFixtures.twoMembersGzip, path: "two.gz")
                == Array(DataFixtures.text[..<500]) + DataFixtures.ramp)
    }

    @Test func headerCRCIsChecked() throws {
        var bytes = DataFixtures.rampGzipAllFlags
        // The header CRC sits just before the deflate data: after 10 + 8 + 9 + 10 bytes.
        bytes[37] ^= 0x01
        #expect(throws: ConvLabError.self) { try Gzip.decompress(bytes, path: "flags.gz") }
    }

    @Test(arguments: [Deflate.Level.stored, .fast, .default])
    func roundTrips(level: Deflate.Level) throws {
        var generator = SeededGenerator(seed: 11)
        let noise = (0..<5000).map { _ in UInt8(generator.nextInt(below: 256)) }
        let runs = [UInt8](repeating: 7, count: 70_000) + Array(DataFixtures.text)
        for (name, data) in [("empty", [UInt8]()), ("one byte", [42]), ("text", DataFixtures.text),
                             ("ramp", DataFixtures.ramp), ("noise", noise), ("long runs", runs)] {
            let gz = Gzip.compress(data, level: level, fileName: "x.bin")
            #expect(try Gzip.decompress(gz, path: name) == data, "gzip \(name) at \(level)")
            let z = Zlib.compress(data, level: level)
            #expect(try Zlib.decompress(z, path: name) == data, "zlib \(name) at \(level)")
        }
    }

    @Test func compressionActuallyCompresses() {
        let compressed = Deflate.compress(DataFixtures.text)
        #expect(compressed.count * 10 < DataFixtures.text.count,
                "text of \(DataFixtures.text.count) bytes compressed to \(compressed.count)")
        // Dynamic Huffman blocks keep ConvLab within 15% of Python's zlib at level 9.
        for (data, python) in [(DataFixtures.text, DataFixtures.textZlibLevel9),
                               (DataFixtures.ramp, DataFixtures.rampZlibLevel9)] {
            let ours = Zlib.compress(data)
            #expect(Double(ours.count) <= 1.15 * Double(python.count),
                    "\(data.count) bytes: ConvLab \(ours.count), zlib -9 \(python.count)")
        }
        // Random bytes fall back to stored blocks: at most 5 bytes of overhead per 64 KiB.
        let random = DataFixtures.random
        #expect(Deflate.compress(random).count <= random.count + 5)
    }

    @Test func specificCorruptionsGiveClearErrors() {
        func message(_ bytes: [UInt8]) -> (Int?, String)? {
            do {
                _ = try Gzip.decompress(bytes, path: "t.gz")
                return nil
            } catch let ConvLabError.file(_, offset, message) {
                return (offset, message)
            } catch { return nil }
        }
        let good = DataFixtures.textGzip
        var notGzip = good
        notGzip[0] = 0x50
        #expect(message(notGzip)?.0 == 0)
        #expect(message(notGzip)?.1.contains("not a gzip file") == true)

        var badCRC = good
        badCRC[good.count - 8] ^= 0xFF
        #expect(message(badCRC)?.0 == good.count - 8)
        #expect(message(badCRC)?.1.contains("CRC-32 mismatch") == true)

        var badSize = good
        badSize[good.count - 1] ^= 0x01
        #expect(message(badSize)?.0 == good.count - 4)

        let truncated = Array(good[..<(good.count - 3)])
        #expect(message(truncated)?.1.contains("truncated") == true)

        var trailing = good
        trailing += [1, 2, 3]
        #expect(message(trailing)?.0 == good.count)

        // A stored block whose LEN and NLEN disagree: 1 (final, stored), then LEN=5, NLEN=0.
        let storedBad: [UInt8] = [0x01, 0x05, 0x00, 0x00, 0x00]
        #expect(throws: ConvLabError.file(path: "s.deflate", offset: 1,
                                          message: "stored block length 5 does not match its complement 0")) {
            try Inflate.decompress(storedBad, path: "s.deflate")
        }
        // Block type 3 is reserved.
        #expect(throws: ConvLabError.file(path: "r.deflate", offset: 0, message: "invalid deflate block type 3 (reserved)")) {
            try Inflate.decompress([0x07], path: "r.deflate")
        }
    }

    @Test func canonicalCodesMatchTheRFCFixedTable() {
        // RFC 1951 section 3.2.6 lists the fixed codes: 0-143 -> 00110000.., 144-255 ->
        // 110010000.., 256-279 -> 0000000.., 280-287 -> 11000000.. (most significant bit first).
        let codes = Deflate.canonicalCodes(BitWriter.fixedLiteralLengths)
        for symbol in 0..<288 {
            let (code, length): (Int, Int)
            switch symbol {
            case 0..<144: (code, length) = (0x30 + symbol, 8)
            case 144..<256: (code, length) = (0x190 + symbol - 144, 9)
            case 256..<280: (code, length) = (symbol - 256, 7)
            default: (code, length) = (0xC0 + symbol - 280, 8)
            }
            #expect(codes[symbol].length == length && codes[symbol].code == BitWriter.reverse(code, length),
                    "symbol \(symbol)")
        }
    }

    @Test func distanceBeforeStartIsRejected() throws {
        // Fixed block: literal 'a', then length 3 at distance 2 (only 1 byte exists).
        var writer = BitWriter()
        writer.write(1, bits: 1)
        writer.write(1, bits: 2)
        writer.writeLiteral(Int(UInt8(ascii: "a")))
        writer.writeLength(3)
        writer.writeDistance(2)
        writer.writeLiteral(256)
        let stream = writer.finish()
        #expect(throws: ConvLabError.self) { try Inflate.decompress(stream, path: "d.deflate") }
    }

    @Test func outputLimitStopsDecompressionBombs() throws {
        let zeros = [UInt8](repeating: 0, count: 1_000_000)
        let bomb = Gzip.compress(zeros)
        #expect(bomb.count < 20_000)
        do {
            _ = try Gzip.decompress(bomb, path: "bomb.gz", outputLimit: 100_000)
            Issue.record("a 1 MB output passed a 100 kB limit")
        } catch let ConvLabError.file(path, offset, message) {
            #expect(path == "bomb.gz")
            #expect(offset != nil)
            #expect(message.contains("exceeds the limit"))
        }
    }

    /// Seeded random damage to gzip files: bit flips, byte overwrites, truncations. Every
    /// outcome is a `ConvLabError.file` naming the file with an offset inside it, or (when only
    /// unchecked header bytes such as the timestamp changed) the original data.
    @Test(arguments: [("python", DataFixtures.rampGzipAllFlags, DataFixtures.ramp),
                      ("convlab", Gzip.compress(DataFixtures.text), DataFixtures.text),
                      ("stored", Gzip.compress(DataFixtures.ramp, level: .stored), DataFixtures.ramp),
                      ("dynamic", DataFixtures.textGzip, DataFixtures.text)])
    func fuzzCorruptions(name: String, original: [UInt8], expected: [UInt8]) {
        var generator = SeededGenerator(seed: 2024)
        var thrown = 0
        for trial in 0..<400 {
            var bytes = original
            let kind = trial % 4
            var description: String
            switch kind {
            case 0:
                let at = generator.nextInt(below: bytes.count)
                bytes[at] ^= UInt8(1) << UInt8(generator.nextInt(below: 8))
                description = "bit flip at \(at)"
            case 1:
                let at = generator.nextInt(below: bytes.count)
                bytes[at] = UInt8(generator.nextInt(below: 256))
                description = "byte set at \(at)"
            case 2:
                let length = generator.nextInt(below: bytes.count)
                bytes = Array(bytes[..<length])
                description = "truncated to \(length)"
            default:
                for _ in 0..<8 {
                    let at = generator.nextInt(below: bytes.count)
                    bytes[at] = UInt8(generator.nextInt(below: 256))
                }
                description = "8 bytes overwritten"
            }
            let path = "fuzz-\(name).gz"
            let result = expectFileErrorOrSuccess(path: path, size: bytes.count, "\(name) trial \(trial): \(description)") {
                try Gzip.decompress(bytes, path: path)
            }
            if let result {
                #expect(kind != 2, "\(name) trial \(trial): a truncated file decoded without error")
                #expect(result == expected, "\(name) trial \(trial): \(description) decoded to different data")
            } else {
                thrown += 1
            }
        }
        // Most damage must be detected; only bytes like MTIME, XFL and OS are unchecked.
        #expect(thrown > 300, "\(name): only \(thrown) of 400 corruptions were detected")
    }
}
