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

@Suite("Pictures: PNG and PGM/PPM read and write, Image <-> Tensor")
struct PNGTests {
    static let (w, h) = DataFixtures.pngSize

    // PNGs built by Tools/make-data-fixtures.py with Python's zlib; rows cycle through the
    // five filter types, so every filter is undone at least once.
    @Test(arguments: [
        ("grey 8-bit", DataFixtures.pngGrey8, DataFixtures.pngGrey8Pixels, 1),
        ("grey+alpha 8-bit", DataFixtures.pngGreyAlpha8, DataFixtures.pngGreyAlpha8Pixels, 2),
        ("RGB 8-bit, two IDAT chunks", DataFixtures.pngRGB8, DataFixtures.pngRGB8Pixels, 3),
        ("RGBA 8-bit", DataFixtures.pngRGBA8, DataFixtures.pngRGBA8Pixels, 4),
        ("grey 16-bit", DataFixtures.pngGrey16, DataFixtures.pngGrey16Pixels, 1),
        ("palette 8-bit with tRNS", DataFixtures.pngPalette8, DataFixtures.pngPalette8Pixels, 4),
        ("palette 4-bit", DataFixtures.pngPalette4, DataFixtures.pngPalette4Pixels, 3),
        ("grey 1-bit", DataFixtures.pngGrey1, DataFixtures.pngGrey1Pixels, 1),
    ])
    func decodesPythonFixtures(name: String, file: [UInt8], pixels: [UInt8], channels: Int) throws {
        let image = try PNG.decode(file, path: name)
        #expect(image.width == PNGTests.w && image.height == PNGTests.h)
        #expect(image.channels == channels)
        #expect(image.pixels == pixels, "\(name): decoded pixels differ")
    }

    @Test(arguments: [1, 2, 3, 4])
    func encodeDecodeRoundTrip(channels: Int) throws {
        var generator = SeededGenerator(seed: UInt64(channels))
        // Smooth areas and noise, so different rows pick different filters.
        let (width, height) = (37, 23)
        var pixels = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels.append(y < 12 ? UInt8((x * 5 + y * 3 + c * 40) & 0xFF) : UInt8(generator.nextInt(below: 256)))
                }
            }
        }
        let image = try Image(width: width, height: height, channels: channels, pixels: pixels)
        let file = PNG.encode(image)
        #expect(try PNG.decode(file, path: "roundtrip.png") == image)
    }

    // The decoder checks each row's filter byte (0...4) before undoing the row: row 1 of this
    // 2x2 grey image says 5, which must be refused with the row named.
    @Test func unknownFilterTypeIsAnErrorNamingTheRow() throws {
        var file = PNG.signature
        var ihdr: [UInt8] = [0, 0, 0, 2, 0, 0, 0, 2]
        ihdr += [8, 0, 0, 0, 0]
        PNG.appendChunk("IHDR", ihdr, to: &file)
        PNG.appendChunk("IDAT", Zlib.compress([0, 10, 20, 5, 30, 40]), to: &file)
        PNG.appendChunk("IEND", [], to: &file)
        #expect(throws: ConvLabError.self) { try PNG.decode(file, path: "filter5.png") }
        do {
            _ = try PNG.decode(file, path: "filter5.png")
        } catch {
            #expect("\(error)".contains("image data row 1: unknown filter type 5 (0...4 exist)"), "\(error)")
        }
        var good = PNG.signature
        PNG.appendChunk("IHDR", ihdr, to: &good)
        PNG.appendChunk("IDAT", Zlib.compress([0, 10, 20, 2, 30, 40]), to: &good)
        PNG.appendChunk("IEND", [], to: &good)
        #expect(try PNG.decode(good, path: "filter2.png").pixels == [10, 20, 40, 60])
    }

    @Test func encodedFilesCompressSmoothImages() throws {
        let ramp: [UInt8] = (0..<(64 * 64 * 3)).map { (i: Int) -> UInt8 in UInt8((i / 3 % 64) * 4) }
        let image = try Image(width: 64, height: 64, channels: 3, pixels: ramp)
        let file = PNG.encode(image)
        #expect(file.count < image.pixels.count / 10, "\(file.count) bytes for \(image.pixels.count) bytes of pixels")
    }

    @Test func writesAndReadsFilesAtomically() throws {
        let directory = try TemporaryDirectory()
        let image = try PNG.decode(DataFixtures.pngRGBA8, path: "rgba")
        for name in ["a.png", "b.ppm", "c.pgm"] {
            try image.write(to: FileIO.join(directory.path, name))
        }
        #expect(try Image.read(FileIO.join(directory.path, "a.png")) == image)
        #expect(try Image.read(FileIO.join(directory.path, "b.ppm")) == image.converted(toChannels: 3))
        #expect(try Image.read(FileIO.join(directory.path, "c.pgm")) == image.converted(toChannels: 1))
        #expect(try directory.contents() == ["a.png", "b.ppm", "c.pgm"])
        #expect(throws: ConvLabError.self) { try image.write(to: FileIO.join(directory.path, "d.jpg")) }
    }

    @Test func tensorRoundTrip() throws {
        let image = try PNG.decode(DataFixtures.pngRGB8, path: "rgb")
        let tensor = image.tensor()
        #expect(tensor.shape == [1, PNGTests.h, PNGTests.w, 3])
        #expect(tensor[0, 1, 2, 1] == Float(image[2, 1, 1]) / 255)
        #expect(tensor.scalars.allSatisfy { (0...1).contains($0) })
        #expect(try Image(tensor: tensor) == image)
        // Out-of-range values are clamped, NaN becomes black.
        let wild = try Tensor<Float>(shape: [1, 1, 3, 1], scalars: [-0.5, 2, .nan])
        #expect(try Image(tensor: wild).pixels == [0, 255, 0])
        #expect(throws: ConvLabError.self) { try Image(tensor: Tensor<Float>(zeros: [2, 2])) }
        #expect(throws: ConvLabError.self) { try Image(tensor: tensor, index: 1) }
    }

    @Test func pnmReadsAllFourKinds() throws {
        let grey = try Image(width: 3, height: 2, channels: 1, pixels: [0, 10, 20, 30, 40, 255])
        let rgb = try grey.converted(toChannels: 3)
        for (image, text) in [(grey, false), (grey, true), (rgb, false), (rgb, true)] {
            let file = try PNM.encode(image, text: text)
            #expect(try PNM.decode(file, path: "x.pnm") == image)
        }
        // Comments, odd whitespace, and a 16-bit maxval scaled to 0...255.
        let commented = Array("P2 # grey\n# size\n3 1\n# max\n1000\n0 500 1000\n".utf8)
        #expect(try PNM.decode(commented, path: "c.pgm").pixels == [0, 128, 255])
        let wide: [UInt8] = Array("P5 2 1 65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00]
        #expect(try PNM.decode(wide, path: "w.pgm").pixels == [255, 128])
    }

    @Test func specificErrors() {
        func error(_ bytes: [UInt8]) -> ConvLabError? {
            do { _ = try PNG.decode(bytes, path: "e.png"); return nil } catch { return error as? ConvLabError }
        }
        let good = DataFixtures.pngGrey8
        #expect(error(Array(good[1...])) == .file(path: "e.png", offset: 0,
            message: "not a PNG file: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A is missing"))
        // The IHDR CRC sits at 8 + 4 + 4 + 13 = 29.
        var badCRC = good
        badCRC[20] ^= 0x40  // a bit of the height
        if case let .file(_, offset, message)? = error(badCRC) {
            #expect(offset == 29)
            #expect(message.hasPrefix("CRC mismatch in chunk IHDR"))
        } else {
            Issue.record("a damaged IHDR was accepted")
        }
        // An interlaced image: set the interlace byte and fix the CRC.
        var interlaced = good
        interlaced[28] = 1
        let crc = Checksum.crc32(interlaced[12..<29])
        interlaced.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        #expect(error(interlaced) == .file(path: "e.png", offset: 28,
            message: "Adam7 interlaced PNGs are not supported; save the image non-interlaced"))
        #expect(error(Array(good.dropLast(12))) == .file(path: "e.png", offset: good.count - 12,
            message: "file ends before the IEND chunk (truncated)"))
        #expect(throws: ConvLabError.file(path: "bad.ppm", offset: 11,
                                          message: "sample 300 is larger than the maximum value 255")) {
            try PNM.decode(Array("P3 1 1 255 300 0 0".utf8), path: "bad.ppm")
        }
    }

    /// Seeded damage to PNG files. Every byte after the signature is covered by a chunk CRC or
    /// is a chunk length, so every change must be detected, with an offset inside the file.
    @Test(arguments: [("rgb", DataFixtures.pngRGB8), ("palette", DataFixtures.pngPalette8),
                      ("encoded", PNG.encode(try! Image(width: 20, height: 9, channels: 3,
                                                         pixels: (0..<540).map { UInt8($0 * 7 & 0xFF) })))])
    func fuzzCorruptions(name: String, original: [UInt8]) {
        var generator = SeededGenerator(seed: 99)
        for trial in 0..<400 {
            var bytes = original
            let description: String
            if trial % 3 == 0 {
                bytes = Array(bytes[..<generator.nextInt(below: bytes.count)])
                description = "truncated to \(bytes.count)"
            } else {
                let at = generator.nextInt(below: bytes.count)
                bytes[at] ^= UInt8(1 + generator.nextInt(below: 255))
                description = "byte \(at) changed"
            }
            let path = "fuzz-\(name).png"
            let result = expectFileErrorOrSuccess(path: path, size: bytes.count, "\(name) trial \(trial): \(description)") {
                try PNG.decode(bytes, path: path)
            }
            #expect(result == nil, "\(name) trial \(trial): \(description) was not detected")
        }
    }

    /// Seeded damage to PGM/PPM files: a thrown error with an offset, or a decoded image;
    /// truncated binary files always throw.
    @Test func fuzzPNMCorruptions() throws {
        let image = try PNG.decode(DataFixtures.pngRGB8, path: "rgb")
        var generator = SeededGenerator(seed: 5)
        for text in [false, true] {
            let original = try PNM.encode(image, text: text)
            for trial in 0..<300 {
                var bytes = original
                let truncated = trial % 2 == 0
                if truncated {
                    bytes = Array(bytes[..<generator.nextInt(below: bytes.count)])
                } else {
                    bytes[generator.nextInt(below: bytes.count)] = UInt8(generator.nextInt(below: 256))
                }
                let result = expectFileErrorOrSuccess(path: "f.ppm", size: bytes.count, "trial \(trial)") {
                    try PNM.decode(bytes, path: "f.ppm")
                }
                if truncated && !text {
                    #expect(result == nil, "trial \(trial): a truncated binary PPM decoded")
                }
            }
        }
    }
}
