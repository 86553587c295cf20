import ConvLab
import Foundation

let srcnnUsage = """
usage: convlab srcnn [--epochs N] [--data DIR] [--train N] [--out FILE] [--path reference|fast] [--json]
  Tutorial #03's super-resolution: each 28x28 digit is shrunk to 7x7 (bicubic) and blown up
  again (nearest); a 3-layer CNN (3x3x1x8, 3x3x8x8, 3x3x8x1) learns to undo it with MSE and
  Adam 1e-3, batch 128. Prints the mean per-image PSNR on the test digits of the blocky input,
  of bicubic upsampling and of SRCNN, and writes a picture grid (default srcnn.png).
  --data DIR  the full MNIST (default ../shared/data/mnist if present, else the embedded subset)
  --train N   train on the first N training digits only
  --json      end with {"psnr_nearest": ..., "psnr_bicubic": ..., "psnr_srcnn": ...}
"""

/// `convlab srcnn`: trains tutorial #03's SRCNN and reports PSNRs.
func runSRCNN(_ arguments: [String]) throws {
    let options = try ApplicationOptions(arguments, command: "srcnn", valued: ["epochs", "data", "train", "out", "path", "seed"],
                                         flagNames: ["json"], usage: srcnnUsage)
    guard options.positional.isEmpty else {
        throw ConvLabError.argument(op: "srcnn", message: "unexpected argument '\(options.positional[0])'\n\(srcnnUsage)")
    }
    let epochs = try options.integer("epochs", default: 1, command: "srcnn")
    let seed = UInt64(try options.integer("seed", default: 1, command: "srcnn"))
    let kernels = try options.kernels()
    let output = options.values["out"] ?? "srcnn.png"
    // Every option is checked before the digits are read.
    let trainCount = try options.values["train"].map { _ in try options.integer("train", default: 1, command: "srcnn") }
    var (train, test, source) = try loadDigits(directory: options.values["data"])
    if let trainCount {
        train = try images(train, 0..<min(trainCount, train.shape[0]))
    }
    print("SRCNN on \(train.shape[0]) training and \(test.shape[0]) test digits (\(source)), \(epochs) epoch(s), Adam 1e-3, batch 128, \(kernels.path) kernels")
    let start = Date()
    let stepsPerEpoch = (train.shape[0] + 127) / 128
    let (_, results) = try trainSuperResolution(
        train: train, test: test, epochs: epochs, seed: seed, kernels: kernels,
        onStep: { done, loss in
            if (done / 128) % max(1, stepsPerEpoch / 10) == 0 || done == train.shape[0] {
                FileHandle.standardError.write(Data("  \(done)/\(train.shape[0]) digits, batch MSE \(String(format: "%.5f", loss)), \(secondsSince(start))\n".utf8))
            }
        },
        onEpoch: { epoch, loss, scores in
            print(String(format: "epoch %d: mean train MSE %.5f, test PSNR nearest %.2f dB, bicubic %.2f dB, SRCNN %.2f dB",
                         epoch, loss, scores.nearest, scores.bicubic, scores.srcnn) + " (\(secondsSince(start)))")
            fflush(nil)  // every output stream: the epoch line shows even when stdout is a file
        })
    let scores = try results.scores()
    print(String(format: "test PSNR (mean over %d digits, peak 1.0): nearest %.2f dB, bicubic %.2f dB, SRCNN %.2f dB; SRCNN - bicubic = %+.2f dB",
                 scores.testCount, scores.nearest, scores.bicubic, scores.srcnn, scores.srcnn - scores.bicubic))
    let picture = try results.picture(count: 8, scale: 4,
                                      title: "SRCNN (tutorial 03), \(epochs) epoch(s): test digits, PSNR under each")
    try writePicture(picture, to: output)
    print("wrote \(output)")
    if options.flags.contains("json") {
        print(String(format: "{\"psnr_nearest\": %.4f, \"psnr_bicubic\": %.4f, \"psnr_srcnn\": %.4f}",
                     scores.nearest, scores.bicubic, scores.srcnn))
    }
}
