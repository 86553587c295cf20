import Foundation
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

// Seeded fuzzing of every input format ConvLab reads, in the ordinary test run: each test
// mutates valid files (bit flips, interesting integers over 4-byte fields in both byte orders,
// deleted, repeated and truncated ranges), fixes the checksums where the format has them so
// the mutation reaches the code behind them, and requires a `ConvLabError` or a result: never
// a trap, a hang or an allocation abort. Bounded to a few hundred inputs per format so they
// add seconds to the debug suite; the libFuzzer targets in Fuzz/ run the same readers for
// longer (`.ci/fuzz.sh`).

/// Byte mutations in the style of libFuzzer's, from a seeded generator.
struct Mutator {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF]
    static let interestingWords: [UInt32] = [0, 1, 2, 3, 28, 255, 256, 16384, 16385, 65535, 0x7FFF_FFFF,
                                             0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF]

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : generator.nextInt(below: n) }

    /// One to four mutations of `bytes`.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            if bytes.isEmpty { bytes = [UInt8(below(256))]; continue }
            let at = below(bytes.count)
            switch below(7) {
            case 0: bytes[at] ^= 1 << UInt8(below(8))
            case 1: bytes[at] = Mutator.interestingBytes[below(Mutator.interestingBytes.count)]
            case 2:
                let word = Mutator.interestingWords[below(Mutator.interestingWords.count)]
                let bigEndian = below(2) == 0
                for k in 0..<4 where at + k < bytes.count {
                    let shift = UInt32(8 * (bigEndian ? 3 - k : k))
                    bytes[at + k] = UInt8(truncatingIfNeeded: word >> shift)
                }
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + below(16))], at: below(bytes.count))
            case 5: bytes = Array(bytes.prefix(at))
            default: bytes[at] = UInt8(below(256))
            }
        }
        return bytes
    }

    /// JSON text with one to three numbers replaced by interesting ones (huge, negative,
    /// fractional, 2^31, 2^32, 2^40, 2^63 - 1), so the mutation survives the parser.
    mutating func mutateNumbers(_ text: String) -> String {
        let numbers = ["0", "-1", "1", "2", "3", "1.5", "1e308", "-1e308", "255", "16384", "2147483647", "2147483648",
                       "4294967296", "1099511627776", "9223372036854775807", "-9223372036854775808", "1e-45"]
        var bytes = Array(text.utf8)
        var spans: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "-") || (48...57).contains(bytes[i]) {
                let start = i
                i += 1
                while i < bytes.count, "0123456789.eE+-".utf8.contains(bytes[i]) { i += 1 }
                spans.append(start..<i)
            } else if bytes[i] == UInt8(ascii: "\"") {   // skip strings
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += 1 }
                i += 1
            } else {
                i += 1
            }
        }
        guard !spans.isEmpty else { return text }
        // Up to three distinct numbers, replaced from the last so earlier spans stay valid.
        let chosen = Set((0...below(3)).map { _ in below(spans.count) })
        for index in chosen.sorted(by: >) {
            bytes.replaceSubrange(spans[index], with: Array(numbers[below(numbers.count)].utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Runs `body`; a `ConvLabError` or a result passes, and a file error must name `path`.
private func expectCleanOutcome<T>(_ path: String, _ context: @autoclosure () -> String,
                                   sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch let ConvLabError.file(errorPath, _, message) {
        #expect(errorPath == path, "\(context()): \(message)", sourceLocation: sourceLocation)
    } catch is ConvLabError {
    } catch {
        Issue.record("\(context()): not a ConvLabError: \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("Seeded fuzzing of every input format")
struct FuzzTests {
    @Test func inflateGzipAndZlib() throws {
        var mutator = Mutator(seed: 18_001)
        let seeds = [DataFixtures.textGzip, DataFixtures.twoMembersGzip, DataFixtures.rampGzipAllFlags,
                     Gzip.compress(DataFixtures.ramp, level: .stored), DataFixtures.textZlibLevel9,
                     DataFixtures.rampZlibLevel1, DataFixtures.emptyZlib]
        var decoded = 0
        for trial in 0..<600 {
            let bytes = mutator.mutate(seeds[trial % seeds.count])
            let results = [
                expectCleanOutcome("f.gz", "gzip trial \(trial)") { try Gzip.decompress(bytes, path: "f.gz", outputLimit: 1 << 20) },
                expectCleanOutcome("f.z", "zlib trial \(trial)") { try Zlib.decompress(bytes, path: "f.z", outputLimit: 1 << 20) },
                expectCleanOutcome("f.d", "inflate trial \(trial)") { try Inflate.decompress(bytes, from: min(10, bytes.count), path: "f.d", outputLimit: 1 << 20).output },
            ]
            decoded += results.compactMap { $0 }.count
        }
        #expect(decoded < 600, "most mutations must be caught by a check, \(decoded) of 1800 decoded")
    }

    /// IDX, raw and gzip (the gzip recompressed after the mutation, so it reaches the IDX
    /// reader), with a small budget; what parses is turned into labelled images.
    @Test func idx() throws {
        var mutator = Mutator(seed: 18_002)
        let images = try IDXFile(dimensions: [3, 4, 5], bytes: (0..<60).map { UInt8($0 * 4) })
        let labels = try IDXFile(dimensions: [3], bytes: [1, 9, 0])
        let seeds = [images.encoded(), labels.encoded(), try IDXFile(dimensions: [0, 28, 28], bytes: []).encoded()]
        var parsed = 0
        for trial in 0..<600 {
            var bytes = mutator.mutate(seeds[trial % seeds.count])
            if trial % 2 == 1 { bytes = Gzip.compress(bytes, level: .fast) }
            guard let file = expectCleanOutcome("f.idx", "IDX trial \(trial)", {
                try IDXFile.parse(bytes, path: "f.idx", budget: 1 << 16)
            }) else { continue }
            parsed += 1
            #expect(file.bytes.count == (try TensorShape.elementCount(file.dimensions, op: "t")))
            _ = expectCleanOutcome("f.idx", "IDX images trial \(trial)") {
                try LabeledImages(images: file, imagesPath: "f.idx", labels: labels, labelsPath: "f.idx", classCount: 10)
            }
        }
        #expect(parsed > 0 && parsed < 600, "\(parsed) of 600 parsed")
    }

    /// PNG with every chunk's CRC recomputed after the mutation, and with the image data
    /// decompressed, mutated and recompressed, so IHDR fields, filters and palettes are reached.
    @Test func png() throws {
        var mutator = Mutator(seed: 18_003)
        let seeds = [DataFixtures.pngGrey8, DataFixtures.pngGreyAlpha8, DataFixtures.pngRGB8, DataFixtures.pngRGBA8,
                     DataFixtures.pngGrey16, DataFixtures.pngPalette8, DataFixtures.pngPalette4, DataFixtures.pngGrey1]
        var decoded = 0
        for trial in 0..<500 {
            var chunks = try Self.chunks(seeds[trial % seeds.count])
            let index = mutator.below(chunks.count)
            if chunks[index].type == "IDAT", trial % 2 == 0,
               let raw = try? Zlib.decompress(chunks[index].data, path: "seed") {
                chunks[index].data = Zlib.compress(mutator.mutate(raw))
            } else if trial % 5 == 0 {
                chunks.swapAt(index, mutator.below(chunks.count))
            } else {
                chunks[index].data = mutator.mutate(chunks[index].data)
            }
            var bytes = PNG.signature
            for chunk in chunks { PNG.appendChunk(chunk.type, chunk.data, to: &bytes) }
            if let image = expectCleanOutcome("f.png", "PNG trial \(trial)", { try PNG.decode(bytes, path: "f.png") }) {
                decoded += 1
                #expect(image.pixels.count == image.width * image.height * image.channels)
                _ = image.tensor()
            }
        }
        #expect(decoded > 0 && decoded < 500, "\(decoded) of 500 decoded")
    }

    static func chunks(_ png: [UInt8]) throws -> [(type: String, data: [UInt8])] {
        var result: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = Int(readBigEndian32(png, offset))
            result.append((String(decoding: png[offset + 4 ..< offset + 8], as: UTF8.self),
                           Array(png[offset + 8 ..< offset + 8 + length])))
            offset += 12 + length
        }
        return result
    }

    @Test func pnm() throws {
        var mutator = Mutator(seed: 18_004)
        let image = try PNG.decode(DataFixtures.pngRGB8, path: "rgb")
        let grey = try image.converted(toChannels: 1)
        let seeds = [try PNM.encode(image), try PNM.encode(image, text: true), try PNM.encode(grey),
                     try PNM.encode(grey, text: true), Array("P5 2 2 65535\n".utf8) + [UInt8](repeating: 7, count: 8)]
        var decoded = 0
        for trial in 0..<600 {
            let seed = seeds[trial % seeds.count]
            // Text mutations of the header fields as well as byte mutations.
            let bytes = trial % 3 == 0
                ? Array(mutator.mutateNumbers(String(decoding: seed.prefix(24), as: UTF8.self)).utf8) + seed.dropFirst(24)
                : mutator.mutate(seed)
            if expectCleanOutcome("f.pnm", "PNM trial \(trial)", { try PNM.decode(bytes, path: "f.pnm") }) != nil {
                decoded += 1
            }
        }
        #expect(decoded > 0 && decoded < 600, "\(decoded) of 600 decoded")
    }

    /// Conformance cases with their numbers (shapes, sizes, windows, strides, dilations,
    /// values) replaced by interesting ones, computed on both paths under a small budget.
    @Test func conformanceCases() throws {
        var mutator = Mutator(seed: 18_005)
        let seeds = FuzzTests.conformanceSeeds
        let budget = ConformanceBudget(values: 1 << 12, work: 1 << 18)
        var computed = 0
        for trial in 0..<400 {
            let seed = seeds[trial % seeds.count]
            let text = trial % 4 == 3 ? String(decoding: mutator.mutate(Array(seed.utf8)), as: UTF8.self)
                                      : mutator.mutateNumbers(seed)
            guard let document = expectCleanOutcome("c.json", "JSON trial \(trial)", {
                try JSONValue.parse(Array("{\"cases\":[\(text)]}".utf8), path: "c.json")
            }) else { continue }
            for path in KernelPath.allCases {
                if let run = expectCleanOutcome("c.json", "case trial \(trial): \(text)", {
                    try Conformance.run(document, kernels: Kernels(path), path: "c.json", budget: budget)
                }) {
                    computed += run.results.count
                }
            }
        }
        #expect(computed > 0, "some mutated cases must still compute")
    }

    /// One small case per op the runner dispatches.
    static let conformanceSeeds: [String] = {
        let x = #""x":{"shape":[1,3,3,2],"data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]}"#
        let dy = #""grads":{"dy":{"shape":[1,2,2,1],"data":[1,1,1,1]}}"#
        return [
            #"{"id":"c","op":"conv2d","attrs":{"strides":[1,1],"padding":"VALID","dilations":[1,1]},"inputs":{\#(x),"w":{"shape":[2,2,2,1],"data":[1,2,3,4,5,6,7,8]}},\#(dy)}"#,
            #"{"id":"d","op":"depthwise_conv2d","attrs":{"strides":1,"padding":"SAME","dilations":2},"inputs":{\#(x),"w":{"shape":[2,2,2,1],"data":[1,2,3,4,5,6,7,8]}}}"#,
            #"{"id":"s","op":"separable_conv2d","attrs":{"strides":1,"padding":"SAME"},"inputs":{\#(x),"depthwise_filter":{"shape":[2,2,2,1],"data":[1,2,3,4,5,6,7,8]},"pointwise_filter":{"shape":[1,1,2,3],"data":[1,2,3,4,5,6]}}}"#,
            #"{"id":"m","op":"max_pool","attrs":{"ksize":[2,2],"strides":[1,1],"padding":"VALID"},"inputs":{\#(x)},"grads":{"dy":{"shape":[1,2,2,2],"data":[1,2,3,4,5,6,7,8]}}}"#,
            #"{"id":"a","op":"avg_pool","attrs":{"ksize":[1,3,3,1],"strides":[1,2,2,1],"padding":"SAME"},"inputs":{\#(x)}}"#,
            #"{"id":"r","op":"resize","attrs":{"size":[5,4],"method":"bicubic"},"inputs":{\#(x)}}"#,
            #"{"id":"n","op":"resize","attrs":{"size":[2,2],"method":"nearest"},"inputs":{\#(x)}}"#,
            #"{"id":"sm","op":"softmax","attrs":{"axis":-1},"inputs":{"x":{"shape":[2,3],"data":[1,2,3,4,5,6]}},"grads":{"dy":{"shape":[2,3],"data":[1,0,0,0,1,0]}}}"#,
            #"{"id":"ls","op":"log_softmax","inputs":{"x":{"shape":[2,3],"data":[1,2,3,4,5,6]}}}"#,
            #"{"id":"ce","op":"softmax_cross_entropy_with_logits","inputs":{"labels":{"shape":[2,3],"data":[0,1,0,1,0,0]},"logits":{"shape":[2,3],"data":[1,2,3,4,5,6]}}}"#,
            #"{"id":"sc","op":"sigmoid_cross_entropy_with_logits","inputs":{"labels":{"shape":[2,2],"data":[0,1,1,0]},"logits":{"shape":[2,2],"data":[1,-2,3,-4]}}}"#,
            #"{"id":"de","op":"dense","inputs":{"x":{"shape":[2,3],"data":[1,2,3,4,5,6]},"w":{"shape":[3,2],"data":[1,2,3,4,5,6]},"b":{"shape":[2],"data":[1,2]}}}"#,
            #"{"id":"bn","op":"batch_norm","attrs":{"epsilon":0.001,"axes":[0,1,2]},"inputs":{\#(x),"gamma":{"shape":[2],"data":[1,2]},"beta":{"shape":[2],"data":[0,1]}}}"#,
            #"{"id":"ms","op":"mean_squared_error","inputs":{"pred":{"shape":[2,2],"data":[1,2,3,4]},"target":{"shape":[2,2],"data":[1,1,1,1]}}}"#,
            #"{"id":"ba","op":"bias_add","inputs":{\#(x),"bias":{"shape":[2],"data":[1,2]}}}"#,
            #"{"id":"c1","op":"conv1d","attrs":{"stride":1,"padding":"SAME","dilation":2},"inputs":{"x":{"shape":[1,5,2],"data":[1,2,3,4,5,6,7,8,9,10]},"w":{"shape":[3,2,1],"data":[1,2,3,4,5,6]}}}"#,
            #"{"id":"re","op":"relu","inputs":{"x":{"shape":[4],"data":[-1,0,1,2]}},"grads":{"dy":{"shape":[4],"data":[1,1,1,1]}}}"#,
            #"{"id":"lr","op":"leaky_relu","attrs":{"alpha":0.1},"inputs":{"x":{"shape":[2,2],"data":[-1,0,1,2]}}}"#,
        ]
    }()

    /// Checkpoints with mutated header numbers (shapes, step, epochs) or bytes; what decodes is
    /// restored into a trainer, and what restores trains one epoch.
    @Test func checkpoints() throws {
        var mutator = Mutator(seed: 18_006)
        let model = try Sequential([Dense("fc", inputs: 4, outputs: 3)])
        model.initialize(seed: 1)
        let trainer = try Trainer(model: model, optimizer: .adam(learningRate: 0.01), loss: .softmaxCrossEntropy,
                                  kernels: Kernels(.reference), batchSize: 4, seed: 1)
        let examples = try LabeledExamples(inputs: Tensor(shape: [8, 4], scalars: (0..<32).map { Float($0 % 5) / 5 }),
                                           labels: (0..<8).map { $0 % 3 }, classes: 3)
        try trainer.trainEpoch(examples, test: examples)
        let original = [UInt8](try Checkpoint(modelName: "tiny", trainer: trainer).encoded())
        let headerLength = Int(readLittleEndian32(original, at: 8))
        let header = String(decoding: original[12..<(12 + headerLength)], as: UTF8.self)
        var restored = 0
        for trial in 0..<300 {
            var bytes: [UInt8]
            if trial % 2 == 0 {
                let json = Array(mutator.mutateNumbers(header).utf8)
                bytes = Checkpoint.magic
                appendLittleEndian32(UInt32(json.count), to: &bytes)
                bytes += json + original[(12 + headerLength)...]
            } else {
                bytes = mutator.mutate(original)
            }
            guard let checkpoint = expectCleanOutcome("f.ckpt", "checkpoint trial \(trial)", {
                try Checkpoint.decode(Data(bytes), path: "f.ckpt")
            }) else { continue }
            let fresh = try Trainer(model: try Sequential([Dense("fc", inputs: 4, outputs: 3)]),
                                    optimizer: .adam(learningRate: 0.01), loss: .softmaxCrossEntropy,
                                    kernels: Kernels(.reference), batchSize: 4, seed: 1)
            if expectCleanOutcome("f.ckpt", "restore trial \(trial)", {
                try checkpoint.restore(into: fresh, modelName: "tiny", path: "f.ckpt")
            }) != nil {
                restored += 1
                _ = expectCleanOutcome("f.ckpt", "training after restore, trial \(trial)") {
                    try fresh.trainEpoch(examples, test: examples)
                }
            }
        }
        #expect(restored > 0 && restored < 300, "\(restored) of 300 restored")
    }
}
