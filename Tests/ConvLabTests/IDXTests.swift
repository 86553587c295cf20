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

@Suite("IDX files: header, data, errors with offsets")
struct IDXTests {
    /// Five 4x3 "images" with distinct bytes.
    static let sample = try! IDXFile(dimensions: [5, 4, 3], bytes: (0..<60).map { UInt8($0 * 4 + 1) })

    @Test func encodesTheDocumentedHeader() {
        let bytes = IDXTests.sample.encoded()
        #expect(Array(bytes[0..<4]) == [0, 0, 0x08, 3])
        #expect(Array(bytes[4..<16]) == [0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 3])
        #expect(bytes.count == 16 + 60)
    }

    @Test func rawAndGzipRoundTrip() throws {
        let raw = IDXTests.sample.encoded()
        #expect(try IDXFile.parse(raw, path: "a.idx") == IDXTests.sample)
        #expect(try IDXFile.parse(Gzip.compress(raw), path: "a.idx.gz") == IDXTests.sample)
    }

    @Test func writesAndReadsFilesAtomically() throws {
        let directory = try TemporaryDirectory()
        let path = FileIO.join(directory.path, "sample-idx3-ubyte.gz")
        try IDXTests.sample.write(to: path, compressed: true)
        #expect(try IDXFile.read(path) == IDXTests.sample)
        // Only the file itself: no temporary left beside it.
        #expect(try directory.contents() == ["sample-idx3-ubyte.gz"])
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: ConvLabError.file(path: "/nonexistent/x-idx1-ubyte", offset: nil,
                                          message: "cannot open for reading: No such file or directory")) {
            try IDXFile.read("/nonexistent/x-idx1-ubyte")
        }
    }

    @Test func specificErrors() {
        let raw = IDXTests.sample.encoded()
        func error(_ bytes: [UInt8]) -> ConvLabError? {
            do { _ = try IDXFile.parse(bytes, path: "s.idx"); return nil } catch { return error as? ConvLabError }
        }
        var floats = raw
        floats[2] = 0x0D
        #expect(error(floats) == .file(path: "s.idx", offset: 2,
                                       message: "IDX element type 0D means 32-bit float elements; ConvLab reads unsigned bytes (08)"))
        #expect(error(Array(raw.dropLast(7))) == .file(path: "s.idx", offset: raw.count - 7,
            message: "IDX data is truncated: dimensions [5,4,3] need 60 bytes after the 16-byte header, found 53"))
        #expect(error(raw + [9]) == .file(path: "s.idx", offset: raw.count,
                                          message: "1 unexpected bytes after the IDX data of dimensions [5,4,3]"))
        #expect(error(Array(raw[0..<9])) == .file(path: "s.idx", offset: 9,
            message: "IDX header is truncated: 3 dimensions need 16 bytes, the data has 9"))
        // Inside a gzip file the offset counts decompressed bytes, and the message says so.
        #expect(error(Gzip.compress(floats)) == .file(path: "s.idx", offset: 2,
            message: "IDX element type 0D means 32-bit float elements; ConvLab reads unsigned bytes (08) (in the decompressed data)"))
    }

    /// Seeded damage to raw and gzipped IDX files. Raw: damage to the 16 header bytes or a
    /// truncation must throw; damage to pixel bytes parses (IDX has no checksum). Gzip: every
    /// change the CRC can see throws.
    @Test(arguments: [false, true])
    func fuzzCorruptions(compressed: Bool) {
        let raw = IDXTests.sample.encoded()
        let original = compressed ? Gzip.compress(raw) : raw
        var generator = SeededGenerator(seed: compressed ? 77 : 78)
        for trial in 0..<500 {
            var bytes = original
            var touchedHeader = false
            let truncate = trial % 3 == 0
            if truncate {
                bytes = Array(bytes[..<generator.nextInt(below: bytes.count)])
            } else {
                let at = generator.nextInt(below: bytes.count)
                let value = UInt8(generator.nextInt(below: 255))
                bytes[at] = value >= bytes[at] ? value + 1 : value  // always a different byte
                touchedHeader = at < 16
            }
            let path = compressed ? "fuzz-idx3-ubyte.gz" : "fuzz-idx3-ubyte"
            let context = "trial \(trial) (\(truncate ? "truncated to \(bytes.count)" : "one byte changed"))"
            let result = expectFileErrorOrSuccess(path: path, size: max(raw.count, original.count), context) {
                try IDXFile.parse(bytes, path: path)
            }
            if let result {
                #expect(!truncate, "\(context): a truncated file parsed")
                if !compressed {
                    #expect(!touchedHeader, "\(context): a damaged header parsed as \(describeShape(result.dimensions))")
                }
            }
        }
    }
}

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var generator = SystemRandomNumberGenerator()
        path = "/tmp/convlab-test-\(generator.next() % 1_000_000_000_000)"
        try FileIO.createDirectory(path)
    }

    /// The names of the files in the directory, sorted.
    func contents() throws -> [String] {
        try FileManagerShim.contents(of: path)
    }

    deinit {
        try? FileManagerShim.removeItem(path)
    }
}
