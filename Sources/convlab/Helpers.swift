import ConvLab
import Foundation

/// MNIST for a command: the IDX files in `directory` when given (`--data DIR`, raw or gzip), else
/// the full set `convlab download-mnist` put in the per-user cache when `orDownloaded` and it is
/// there, else the embedded subset (10,000 training and the real 10,000 test digits).
/// - Parameter validationCount: training digits held out (lecture 7 trains on all 60,000, the
///   tutorial on 55,000); the embedded subset always trains on all of its 10,000.
func loadMNIST(_ directory: String?, validationCount: Int = 0, orDownloaded: Bool) throws -> MNIST {
    if let folder = directory ?? (orDownloaded ? DataCache.downloadedMNIST() : nil) {
        return try MNIST.load(directory: folder, validationCount: validationCount)
    }
    return try MNIST.embedded()
}

/// The training and test digits as `[N, 28, 28, 1]` tensors in [0, 1].
/// - Throws: `ConvLabError.file` naming the source when a split holds no digits.
func digitTensors(_ mnist: MNIST) throws -> (train: Tensor<Float>, test: Tensor<Float>) {
    func tensor(_ set: LabeledImages) throws -> Tensor<Float> {
        guard set.count > 0 else {
            throw ConvLabError.file(path: mnist.source, offset: nil, message: "holds no digits in one of its splits; nothing to train or score")
        }
        return try Tensor(shape: [set.count, set.height, set.width, set.channels], scalars: set.pixels)
    }
    return (try tensor(mnist.train), try tensor(mnist.test))
}

extension CLIArguments {
    /// `--path reference|fast`, `fallback` when absent.
    func kernelPath(default fallback: KernelPath = .fast) throws -> KernelPath {
        try string("path").map { try KernelPath(parsing: $0) } ?? fallback
    }
}

/// The options `srcnn` and `autoencoder` share.
let trainingApplicationOptions: [CLIOption] = [
    .value("epochs", "N", "epochs to train (default 1)"),
    .value("data", "DIR", "the full MNIST (default: the downloaded copy if there is one, else the embedded subset)"),
    .value("train", "N", "train on the first N training digits only"),
    .value("seed", "S", "the seed of the weights and shuffles (default 1)"),
    .value("path", "reference|fast", "the kernels (default fast)"),
]

/// What `srcnn` and `autoencoder` read from `trainingApplicationOptions`: every option checked
/// before the digits are loaded, then the digits (`--train N` keeps the first N training ones).
struct TrainingApplicationRun {
    let epochs: Int
    let seed: UInt64
    let kernels: Kernels
    let train: Tensor<Float>
    let test: Tensor<Float>
    /// Where the digits came from.
    let source: String

    init(_ arguments: CLIArguments) throws {
        epochs = try arguments.integer("epochs", default: 1)
        seed = UInt64(try arguments.integer("seed", default: 1))
        kernels = Kernels(try arguments.kernelPath())
        let trainCount = try arguments.optionalInteger("train")
        let mnist = try loadMNIST(arguments.string("data"), orDownloaded: true)
        let (train, test) = try digitTensors(mnist)
        self.train = try trainCount.map { try images(train, 0..<min($0, train.shape[0])) } ?? train
        self.test = test
        source = mnist.source
    }

    /// The `onStep` both applications report with: a line on stderr about ten times an epoch
    /// (batches of 128) and at its end, with the step's batch MSE and the seconds since `start`.
    func progress(since start: Date) -> (_ done: Int, _ loss: Float) -> Void {
        let count = train.shape[0], stepsPerEpoch = (count + 127) / 128
        return { done, loss in
            if (done / 128) % max(1, stepsPerEpoch / 10) == 0 || done == count {
                standardError("  \(done)/\(count) digits, batch MSE \(String(format: "%.5f", loss)), \(secondsSince(start))\n")
            }
        }
    }
}

/// Seconds since `start`, for progress lines.
func secondsSince(_ start: Date) -> String { String(format: "%.0f s", Date().timeIntervalSince(start)) }

/// Writes a canvas whole or not at all: PNG for `.png`, PPM for `.ppm`.
func writePicture(_ canvas: Canvas, to path: String) throws {
    try Image(width: canvas.width, height: canvas.height, channels: 3, pixels: canvas.pixels).write(to: path)
}

func standardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
