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

@Suite("FileIO: atomic writes leave the whole file or nothing")
struct FileIOTests {
    @Test func writeReplacesWholeFile() throws {
        let directory = try TemporaryDirectory()
        let path = FileIO.join(directory.path, "weights.bin")
        try FileIO.writeAtomically([1, 2, 3], to: path)
        try FileIO.writeAtomically([UInt8](repeating: 9, count: 100_000), to: path)
        #expect(try FileIO.read(path) == [UInt8](repeating: 9, count: 100_000))
        try FileIO.writeAtomically([], to: path)
        #expect(try FileIO.read(path) == [])
        #expect(try directory.contents() == ["weights.bin"])
    }

    @Test func failedWriteLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        // The destination is a directory: rename fails, the temporary file must go.
        let blocked = FileIO.join(directory.path, "taken")
        try FileIO.createDirectory(FileIO.join(blocked, "inside"))
        #expect(throws: ConvLabError.self) { try FileIO.writeAtomically([1, 2, 3], to: blocked) }
        #expect(try directory.contents() == ["taken"])
        // A missing directory: nothing can be created, and the error names the destination.
        let missing = FileIO.join(directory.path, "no/such/dir/file.bin")
        do {
            try FileIO.writeAtomically([1], to: missing)
            Issue.record("wrote into a missing directory")
        } catch let ConvLabError.file(path, _, message) {
            #expect(path == missing)
            #expect(message.contains("No such file or directory"))
        }
    }

    @Test func readErrorsNameThePath() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ConvLabError.file(path: directory.path, offset: nil, message: "is a directory, not a file")) {
            try FileIO.read(directory.path)
        }
    }

    /// Random bytes fed to the inflater: it must throw a file error or finish, never trap or
    /// spin. Streams that start with a valid block header go deeper than pure noise.
    @Test func inflateSurvivesRandomStreams() {
        var generator = SeededGenerator(seed: 31337)
        var finished = 0
        for trial in 0..<2000 {
            let count = 1 + generator.nextInt(below: 200)
            var bytes = (0..<count).map { _ in UInt8(generator.nextInt(below: 256)) }
            if trial % 2 == 0 { bytes[0] = (bytes[0] & ~0b110) | 0b100 }  // dynamic block header
            let result = expectFileErrorOrSuccess(path: "noise.deflate", size: bytes.count, "trial \(trial)") {
                try Inflate.decompress(bytes, path: "noise.deflate", outputLimit: 1 << 20)
            }
            if let result {
                finished += 1
                #expect(result.end <= bytes.count)
            }
        }
        // Not a tautology: most random streams must be rejected.
        #expect(finished < 1000, "\(finished) of 2000 random streams decoded")
    }
}
