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

/// Directory listing and removal for the data tests.
enum FileManagerShim {
    static func contents(of path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    static func removeItem(_ path: String) throws {
        try FileManager.default.removeItem(atPath: path)
    }
}

/// Where the full MNIST lives, if anywhere: `$CONVLAB_MNIST`, else `../shared/data/mnist`
/// beside the repository (or beside the worktree folder that holds it).
enum FullMNIST {
    static let directory: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [String]()
        if let fromEnvironment = ProcessInfo.processInfo.environment["CONVLAB_MNIST"] {
            candidates.append(fromEnvironment)
        }
        candidates.append(repository.appendingPathComponent("../shared/data/mnist").standardized.path)
        candidates.append(repository.appendingPathComponent("../../shared/data/mnist").standardized.path)
        return candidates.first { FileIO.exists(FileIO.join($0, "train-images-idx3-ubyte.gz")) }
    }()
}

@Suite("MNIST: the embedded subset, the full set, batches")
struct MNISTTests {
    // The first labels of MNIST's training and test files, and the test set's class counts.
    static let firstTrainLabels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    static let firstTestLabels = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    static let testClassCounts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

    static func classCounts(_ labels: [Int]) -> [Int] {
        labels.reduce(into: [Int](repeating: 0, count: 10)) { $0[$1] += 1 }
    }

    @Test func embeddedSubsetLoads() throws {
        let mnist = try MNIST.embedded()
        #expect(mnist.train.count == 10_000)
        #expect(mnist.validation.count == 0)
        #expect(mnist.test.count == 10_000)
        #expect(mnist.train.height == 28 && mnist.train.width == 28 && mnist.train.channels == 1)
        #expect(Array(mnist.train.labels.prefix(10)) == MNISTTests.firstTrainLabels)
        #expect(Array(mnist.test.labels.prefix(10)) == MNISTTests.firstTestLabels)
        #expect(MNISTTests.classCounts(mnist.test.labels) == MNISTTests.testClassCounts)
        #expect(mnist.train.pixels.min() == 0 && mnist.train.pixels.max() == 1)
        // Every training class is present in the subset.
        #expect(MNISTTests.classCounts(mnist.train.labels).allSatisfy { $0 > 800 })
    }

    @Test func wholeSetTensorAndPictures() throws {
        let test = try MNIST.embedded().test
        let all = test.imagesTensor
        #expect(all.shape == [10_000, 28, 28, 1])
        #expect(Array(all.scalars[(784 * 5)..<(784 * 6)]) == test.pixels[(784 * 5)..<(784 * 6)].map { $0 })
        // The first test digit (a 7) as a picture: bytes back exactly from byte / 255.
        let picture = try test.picture(0)
        #expect(picture.width == 28 && picture.height == 28 && picture.channels == 1)
        let raw = try IDXFile.read(FileIO.join(try MNIST.embeddedDirectory(), "t10k-images-idx3-ubyte.gz"))
        #expect(picture.pixels == Array(raw.bytes[0..<784]))
        #expect(throws: ConvLabError.self) { try test.picture(10_000) }
    }

    @Test func validationSplitTakesTheFirstImages() throws {
        let mnist = try MNIST.embedded(validationCount: 1000)
        #expect(mnist.train.count == 9000)
        #expect(mnist.validation.count == 1000)
        #expect(Array(mnist.validation.labels.prefix(10)) == MNISTTests.firstTrainLabels)
        let all = try MNIST.embedded()
        #expect(mnist.train.labels == Array(all.train.labels[1000...]))
        #expect(mnist.train.pixels == Array(all.train.pixels[(1000 * 784)...]))
        #expect(throws: ConvLabError.self) { try MNIST.embedded(validationCount: 10_001) }
    }

    @Test func batchesHaveTheRightShapesAndOneHotLabels() throws {
        let test = try MNIST.embedded().test
        let batches = try test.batches(size: 128)
        #expect(batches.count == 79)  // 78 full batches and one of 16
        var seen = 0
        for batch in batches {
            let b = batch.labels.count
            #expect(batch.images.shape == [b, 28, 28, 1])
            #expect(batch.oneHotLabels.shape == [b, 10])
            for row in 0..<b {
                let oneHot = Array(batch.oneHotLabels.scalars[row * 10 ..< row * 10 + 10])
                #expect(oneHot.reduce(0, +) == 1 && oneHot[batch.labels[row]] == 1)
            }
            #expect(batch.labels == Array(test.labels[seen ..< seen + b]))
            seen += b
        }
        #expect(seen == 10_000)
        #expect(try test.batches(size: 128, dropRemainder: true).count == 78)
        #expect(throws: ConvLabError.self) { try test.batches(size: 0) }
        #expect(throws: ConvLabError.self) { try test.batch([10_000]) }
    }

    @Test func shufflingIsSeededAndAPermutation() throws {
        let test = try MNIST.embedded().test
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let orderA = try test.batches(size: 100, shuffledWith: &a).order
        let orderB = try test.batches(size: 100, shuffledWith: &b).order
        let orderC = try test.batches(size: 100, shuffledWith: &c).order
        #expect(orderA == orderB)
        #expect(orderA != orderC)
        #expect(orderA.sorted() == Array(0..<10_000))
        // The first batch holds exactly the images its order names.
        var d = SeededGenerator(seed: 42)
        var iterator = try test.batches(size: 100, shuffledWith: &d).makeIterator()
        let next = iterator.next()
        let first = try #require(next)
        let expected = try test.batch(Array(orderA.prefix(100)))
        #expect(first.images == expected.images)
        #expect(first.labels == expected.labels)
    }

    /// The one Fisher-Yates shuffle (the trainer's epochs and the image-regression batches draw
    /// theirs from it) is uniform: over 6,000 shuffles of three items each of the six orders
    /// comes up about 1,000 times. The classic slip, drawing the swap from all `count` positions
    /// at every step, gives 9 equally likely paths onto the 6 orders: three come up about 1,333
    /// times in 6,000 and three about 667.
    @Test func theShuffleIsUniform() {
        var generator = SeededGenerator(seed: 7)
        var counts: [[Int]: Int] = [:]
        for _ in 0..<6_000 { counts[LabeledImages.shuffledIndices(3, using: &generator), default: 0] += 1 }
        #expect(counts.count == 6)
        // Binomial(6000, 1/6) has sd 28.9; 120 is beyond 4 sd.
        #expect(counts.values.allSatisfy { abs($0 - 1_000) < 120 }, "\(counts)")
        #expect(LabeledImages.shuffledIndices(0, using: &generator).isEmpty)
        #expect(LabeledImages.shuffledIndices(1, using: &generator) == [0])
    }

    @Test func standardisationUsesTrainingStatistics() throws {
        let mnist = try MNIST.embedded(validationCount: 1000)
        let (mean, std) = mnist.train.pixelStatistics()
        #expect(abs(mean - 0.1307) < 0.003, "MNIST pixel mean is about 0.1307, got \(mean)")
        #expect(abs(std - 0.3081) < 0.003, "MNIST pixel std is about 0.3081, got \(std)")
        let standardized = try mnist.standardized()
        let (newMean, newStd) = standardized.train.pixelStatistics()
        #expect(abs(newMean) < 1e-4 && abs(newStd - 1) < 1e-4)
        #expect(abs(standardized.test.pixels[0] - (mnist.test.pixels[0] - mean) / std) < 1e-6)
    }

    @Test func checksumMismatchIsReported() throws {
        let directory = try TemporaryDirectory()
        let source = try MNIST.embeddedDirectory()
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            let bytes = try FileIO.read(FileIO.join(source, name + ".gz"))
            try FileIO.writeAtomically(bytes, to: FileIO.join(directory.path, name + ".gz"))
        }
        var sums = String(decoding: try FileIO.read(FileIO.join(source, "SHA256SUMS.raw")), as: UTF8.self)
        sums = sums.replacingOccurrences(of: "651e38e2", with: "00000000")
        try FileIO.writeAtomically(sums, to: FileIO.join(directory.path, "SHA256SUMS.raw"))
        do {
            _ = try MNIST.load(directory: directory.path)
            Issue.record("a wrong checksum was accepted")
        } catch let ConvLabError.file(path, _, message) {
            #expect(path.hasSuffix("train-labels-idx1-ubyte.gz"))
            #expect(message.contains("SHA-256"))
        }
        // Without verification the same files load.
        #expect(try MNIST.load(directory: directory.path, validationCount: 0, verifyChecksums: false).train.count == 10_000)
    }

    @Test func missingDirectoryNamesTheFile() {
        do {
            _ = try MNIST.load(directory: "/nonexistent-mnist")
            Issue.record("loading from a missing directory succeeded")
        } catch let ConvLabError.file(path, _, _) {
            #expect(path == "/nonexistent-mnist/train-images-idx3-ubyte")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(.enabled(if: FullMNIST.directory != nil,
                   "full MNIST not found (set CONVLAB_MNIST or put it in ../shared/data/mnist); skipped"))
    func fullMNISTLoadsAndVerifies() throws {
        let directory = try #require(FullMNIST.directory)
        // load() checks SHA256SUMS.raw, which must agree with the hashes ConvLab knows.
        let sums = try MNIST.parseChecksums(try FileIO.read(FileIO.join(directory, "SHA256SUMS.raw")), path: "sums")
        #expect(sums == MNIST.rawSHA256)
        let mnist = try MNIST.load(directory: directory)
        #expect(mnist.train.count == 55_000)
        #expect(mnist.validation.count == 5_000)
        #expect(mnist.test.count == 10_000)
        #expect(Array(mnist.validation.labels.prefix(10)) == MNISTTests.firstTrainLabels)
        #expect(MNISTTests.classCounts(mnist.test.labels) == MNISTTests.testClassCounts)
        // The embedded subset is the first 10,000 training digits of the full set.
        let embedded = try MNIST.embedded()
        #expect(embedded.train.labels == Array((mnist.validation.labels + mnist.train.labels).prefix(10_000)))
        #expect(embedded.test.pixels == mnist.test.pixels)
    }

    @Test(.enabled(if: FileIO.isDirectory(MNIST.fashionDirectory),
                   "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); skipped"))
    func fashionMNISTLoads() throws {
        let fashion = try MNIST.fashion()
        #expect(fashion.train.count == 55_000 && fashion.validation.count == 5_000 && fashion.test.count == 10_000)
        // Fashion-MNIST's test set is balanced: 1,000 of each class.
        #expect(MNISTTests.classCounts(fashion.test.labels) == [Int](repeating: 1000, count: 10))
    }
}

@Suite("DataCache: where downloads go")
struct DataCacheTests {
    @Test("CONVLAB_DATA, then XDG_CACHE_HOME/convlab, then ~/.cache/convlab; empty counts as unset")
    func precedence() {
        #expect(DataCache.directory(environment: ["CONVLAB_DATA": "/d", "XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/d")
        #expect(DataCache.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/convlab")
        #expect(DataCache.directory(environment: ["CONVLAB_DATA": "", "XDG_CACHE_HOME": "", "HOME": "/h"]) == "/h/.cache/convlab")
        #expect(DataCache.mnistDirectory(environment: ["HOME": "/h"]) == "/h/.cache/convlab/mnist")
    }

    @Test("a downloaded MNIST counts only when its training images are there")
    func downloaded() throws {
        let root = FileIO.join(NSTemporaryDirectory(), "convlab-cache-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManagerShim.removeItem(root) }
        #expect(DataCache.downloadedMNIST(environment: ["CONVLAB_DATA": root]) == nil)
        try FileIO.createDirectory(FileIO.join(root, "mnist"))
        try FileIO.writeAtomically([UInt8](), to: FileIO.join(FileIO.join(root, "mnist"), "train-images-idx3-ubyte.gz"))
        #expect(DataCache.downloadedMNIST(environment: ["CONVLAB_DATA": root]) == FileIO.join(root, "mnist"))
    }
}
