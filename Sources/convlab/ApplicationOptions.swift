import ConvLab
import Foundation

/// Options shared by `convlab kernels`, `srcnn` and `autoencoder`: `--name value` pairs and flags,
/// with positional arguments kept in order.
struct ApplicationOptions {
    var positional: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []

    /// - Parameters: `valued`: options that take a value; `flagNames`: options that do not.
    init(_ arguments: [String], command: String, valued: [String], flagNames: [String] = [], usage: String) throws {
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if flagNames.contains(name) {
                    flags.insert(name)
                    i += 1
                } else if valued.contains(name) {
                    guard i + 1 < arguments.count else {
                        throw ConvLabError.argument(op: command, message: "\(argument) needs a value\n\(usage)")
                    }
                    values[name] = arguments[i + 1]
                    i += 2
                } else {
                    throw ConvLabError.argument(op: command, message: "unknown option \(argument)\n\(usage)")
                }
            } else {
                positional.append(argument)
                i += 1
            }
        }
    }

    /// A positive integer option, or `fallback` when absent.
    func integer(_ name: String, default fallback: Int, command: String) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= 1 else {
            throw ConvLabError.argument(op: command, message: "--\(name) needs a positive integer, got '\(text)'")
        }
        return value
    }

    /// `--path reference|fast`, fast by default.
    func kernels() throws -> Kernels {
        Kernels(try KernelPath(parsing: values["path"] ?? "fast"))
    }
}

/// The MNIST digits as `[N, 28, 28, 1]` tensors in [0, 1]: all 60,000 training digits and the
/// 10,000 test digits from `directory` (default `../shared/data/mnist`, from a worktree
/// `../../shared/data/mnist`, when it exists), else the
/// embedded subset (10,000 training digits, the real 10,000 test digits).
func loadDigits(directory: String?) throws -> (train: Tensor<Float>, test: Tensor<Float>, source: String) {
    let fallbacks = ["../shared/data/mnist", "../../shared/data/mnist"]
    let mnist: MNIST
    if let directory {
        mnist = try MNIST.load(directory: directory, validationCount: 0)
    } else if let found = fallbacks.first(where: { FileIO.isDirectory($0) }) {
        mnist = try MNIST.load(directory: found, validationCount: 0)
    } else {
        mnist = try MNIST.embedded(validationCount: 0)
    }
    func tensor(_ set: LabeledImages) throws -> Tensor<Float> {
        guard set.count > 0 else {
            throw ConvLabError.file(path: mnist.source, offset: nil, message: "holds no digits in one of its splits; nothing to train or score")
        }
        return try Tensor(shape: [set.count, set.height, set.width, set.channels], scalars: set.pixels)
    }
    return (try tensor(mnist.train), try tensor(mnist.test), mnist.source)
}

/// Seconds since `start`, for progress lines.
func secondsSince(_ start: Date) -> String { String(format: "%.0f s", Date().timeIntervalSince(start)) }

/// Writes a canvas whole or not at all: PNG for `.png`, PPM for `.ppm`.
func writePicture(_ canvas: Canvas, to path: String) throws {
    try Image(width: canvas.width, height: canvas.height, channels: 3, pixels: canvas.pixels).write(to: path)
}
