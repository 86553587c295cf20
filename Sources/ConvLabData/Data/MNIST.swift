import Foundation
import ConvLabCore

/// The MNIST digits (LeCun, Cortes, Burges; CC BY-SA 3.0) and Fashion-MNIST (Zalando; MIT),
/// split as the lectures' `input_data.read_data_sets` splits them: the first 5,000 training
/// images become the validation set and the remaining 55,000 the training set; the 10,000
/// test images stay the test set.
///
/// Three sources:
/// - `MNIST.load(directory:)`: the four IDX files (raw or `.gz`) of the full set, checked
///   against `SHA256SUMS.raw` when the directory has one;
/// - `MNIST.embedded()`: the subset committed with ConvLab (the first 10,000 training digits
///   and the full real 10,000-digit test set), always available;
/// - `MNIST.fashion()`: Fashion-MNIST, by default from Debian's `dataset-fashion-mnist`.
public struct MNIST: Sendable {
    public var train: LabeledImages
    public var validation: LabeledImages
    public var test: LabeledImages
    /// Where the data came from, for printing: a directory or "embedded subset".
    public var source: String

    /// The file names of the four IDX files, without `.gz`.
    package static let fileNames = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                                   testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The lectures' validation split: the first 5,000 training images.
    public static let defaultValidationCount = 5000

    /// Debian's `dataset-fashion-mnist` puts the files here.
    package static let fashionDirectory = "/usr/share/datasets/fashion-mnist"

    /// The SHA-256 of the decompressed bytes of the four full MNIST files.
    package static let rawSHA256: [String: String] = [
        fileNames.trainImages: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        fileNames.trainLabels: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        fileNames.testImages: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        fileNames.testLabels: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ]

    public init(train: LabeledImages, validation: LabeledImages, test: LabeledImages, source: String) {
        self.train = train
        self.validation = validation
        self.test = test
        self.source = source
    }

    /// Loads the four IDX files from `directory`; each may be raw or gzip (`name` or `name.gz`).
    /// - Parameters:
    ///   - directory: e.g. `../shared/data/mnist`.
    ///   - validationCount: how many of the first training images form the validation set.
    ///   - verifyChecksums: when the directory holds `SHA256SUMS.raw` (lines "hex  name"), check
    ///     the SHA-256 of each file's decompressed bytes against it.
    /// - Throws: `ConvLabError.file` naming the file (and byte offset) that is missing, corrupt,
    ///   or fails its checksum; `.argument` for a validation count larger than the training set.
    public static func load(directory: String, validationCount: Int = defaultValidationCount,
                            verifyChecksums: Bool = true) throws -> MNIST {
        var expected: [String: String] = [:]
        let sumsPath = FileIO.join(directory, "SHA256SUMS.raw")
        if verifyChecksums && FileIO.exists(sumsPath) {
            expected = try parseChecksums(try FileIO.read(sumsPath, limit: 1 << 20, kind: "a checksum list"), path: sumsPath)
        }
        func readFile(_ name: String) throws -> (IDXFile, String) {
            let candidates = [name, name + ".gz"].map { FileIO.join(directory, $0) }
            guard let path = candidates.first(where: FileIO.exists) else {
                throw ConvLabError.file(path: candidates[0], offset: nil,
                    message: "not found (nor \(name).gz); `convlab download-mnist` fetches the full MNIST")
            }
            let contents = try IDXFile.readBytes(path)
            let raw = try IDXFile.decompressedBytes(contents, path: path)
            if let hash = expected[name] {
                let actual = SHA256.hex(raw)
                guard actual == hash else {
                    throw ConvLabError.file(path: path, offset: nil,
                        message: "SHA-256 of the decompressed bytes is \(actual) but \(sumsPath) says \(hash): the file is corrupt or a different version")
                }
            }
            let note = Gzip.hasMagic(contents) ? " (in the decompressed data)" : ""
            return (try IDXFile.parseRaw(raw, path: path, note: note), path)
        }
        return try load(readFile: readFile, classCount: 10, validationCount: validationCount, source: directory)
    }

    /// The MNIST subset committed with ConvLab: the first 10,000 of the 60,000 training digits
    /// and all 10,000 real test digits (MNIST by LeCun, Cortes and Burges, CC BY-SA 3.0; see
    /// `Sources/ConvLabData/Resources/MNIST/CREDITS.md`).
    /// - Parameter validationCount: how many of the first of the 10,000 training digits form
    ///   the validation set (0 by default: all 10,000 train).
    /// The files are decoded once per process and kept (about 63 MB of `Float`s); later calls
    /// only split and copy.
    public static func embedded(validationCount: Int = 0) throws -> MNIST {
        let all = try EmbeddedCache.shared.load {
            var mnist = try load(directory: try embeddedDirectory(), validationCount: 0, verifyChecksums: true)
            mnist.source = "embedded subset"
            return mnist
        }
        guard (0...all.train.count).contains(validationCount) else {
            throw ConvLabError.argument(op: "MNIST.embedded",
                message: "validation count \(validationCount) is outside 0...\(all.train.count) (the embedded training images)")
        }
        if validationCount == 0 { return all }
        return MNIST(train: try all.train.subset(validationCount..<all.train.count),
                     validation: try all.train.subset(0..<validationCount),
                     test: all.test, source: all.source)
    }

    /// The directory of the embedded subset inside the library's resource bundle.
    package static func embeddedDirectory() throws -> String {
        guard let url = Bundle.module.url(forResource: "MNIST", withExtension: nil) else {
            throw ConvLabError.file(path: "ConvLab resources/MNIST", offset: nil,
                message: "the embedded MNIST subset is missing from the ConvLab resource bundle")
        }
        return url.path
    }

    /// Fashion-MNIST (Zalando Research, MIT licence): same format, sizes and split.
    package static func fashion(directory: String = fashionDirectory,
                               validationCount: Int = defaultValidationCount) throws -> MNIST {
        guard FileIO.isDirectory(directory) else {
            throw ConvLabError.file(path: directory, offset: nil,
                message: "Fashion-MNIST not found; on Debian or Ubuntu: apt-get install dataset-fashion-mnist")
        }
        return try load(directory: directory, validationCount: validationCount)
    }

    /// Splits and converts, given a way to read each of the four files.
    static func load(readFile: (String) throws -> (IDXFile, String), classCount: Int,
                     validationCount: Int, source: String) throws -> MNIST {
        /// The images of both datasets are 28x28; a file of other images would only fail later,
        /// in a layer, with a message that names no file.
        func readImages(_ name: String) throws -> (IDXFile, String) {
            let (file, path) = try readFile(name)
            if file.dimensions.count == 3 && (file.dimensions[1], file.dimensions[2]) != (28, 28) {
                throw ConvLabError.file(path: path, offset: 8,
                    message: "holds \(file.dimensions[1])x\(file.dimensions[2]) images; MNIST and Fashion-MNIST images are 28x28")
            }
            return (file, path)
        }
        let (trainImages, trainImagesPath) = try readImages(fileNames.trainImages)
        let (trainLabels, trainLabelsPath) = try readFile(fileNames.trainLabels)
        let (testImages, testImagesPath) = try readImages(fileNames.testImages)
        let (testLabels, testLabelsPath) = try readFile(fileNames.testLabels)
        let allTrain = try LabeledImages(images: trainImages, imagesPath: trainImagesPath,
                                         labels: trainLabels, labelsPath: trainLabelsPath, classCount: classCount)
        let test = try LabeledImages(images: testImages, imagesPath: testImagesPath,
                                     labels: testLabels, labelsPath: testLabelsPath, classCount: classCount)
        guard (0...allTrain.count).contains(validationCount) else {
            throw ConvLabError.argument(op: "MNIST.load",
                message: "validation count \(validationCount) is outside 0...\(allTrain.count) (the training images)")
        }
        return MNIST(train: try allTrain.subset(validationCount..<allTrain.count),
                     validation: try allTrain.subset(0..<validationCount),
                     test: test, source: source)
    }

    /// All three splits standardised with the training set's pixel mean and standard deviation
    /// (for MNIST about 0.1307 and 0.3081).
    public func standardized() throws -> MNIST {
        let (mean, std) = train.pixelStatistics()
        return MNIST(train: try train.standardized(mean: mean, std: std),
                     validation: try validation.standardized(mean: mean, std: std),
                     test: try test.standardized(mean: mean, std: std), source: source)
    }

    /// Parses `sha256sum` output: "<64 hex digits>  <name>" per line (a `*` before the name,
    /// binary mode, is allowed).
    static func parseChecksums(_ bytes: [UInt8], path: String) throws -> [String: String] {
        var result: [String: String] = [:]
        var offset = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            defer { offset += line.count + 1 }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let parts = text.split(separator: " ", maxSplits: 1)
            let hash = parts[0].lowercased()
            guard parts.count == 2, hash.count == 64, hash.allSatisfy(\.isHexDigit) else {
                throw ConvLabError.file(path: path, offset: offset, message: "expected \"<64 hex digits>  <file name>\", got \"\(text)\"")
            }
            var name = parts[1].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("*") { name.removeFirst() }
            result[name] = hash
        }
        return result
    }
}

/// The decoded embedded subset, shared by every caller in the process.
private final class EmbeddedCache: @unchecked Sendable {  // guarded by `lock`
    static let shared = EmbeddedCache()
    private let lock = NSLock()
    private var value: MNIST?

    func load(_ make: () throws -> MNIST) throws -> MNIST {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
