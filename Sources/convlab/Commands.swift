import ConvLab
import Foundation

/// Dispatches `convlab SUBCOMMAND ...`.
func runCommand(_ arguments: [String]) throws {
    guard let command = arguments.first else {
        // The README's first command: lecture 7's convnet on the embedded MNIST subset.
        try runTrain([])
        return
    }
    let rest = Array(arguments.dropFirst())
    switch command {
    case "tour": try printTour()
    case "shapes": try runShapes(rest)
    case "bench": try runBench(rest)
    case "train": try runTrain(rest)
    case "conformance": try runConformance(rest)
    case "lecture": try runLecture(rest)
    case "download-mnist": try runDownloadMNIST(rest)
    case "data": try runData(rest)
    case "srcnn": try runSRCNN(rest)
    case "kernels": try runKernels(rest)
    case "autoencoder": try runAutoencoder(rest)
    case "animate": try runAnimate(rest)
    case "help", "--help", "-h": print(usage)
    default:
        throw ConvLabError.argument(op: "convlab", message: "unknown command '\(command)'\n\(usage)")
    }
}

let usage = """
usage: convlab [COMMAND]
  (none)       train lecture 7's convnet on the embedded MNIST subset (convlab train with its defaults)
  tour         the lectures' worked examples
  bench        validate the fast kernels, then time them and the lecture 7 convnet: convlab bench [--json] [--batch 128] [--repeats 5]
  lecture      read-along modules: convlab lecture N (see Lectures/README.md)
  train        train a lecture network: convlab train --model lecture7 (see convlab train --help)
  animate      an animated SVG of a sliding window (TF's pads, multiply-adds, output): convlab animate --help
  shapes       output size and actual pads: convlab shapes --input 7 --kernel 3 --stride 2 [--dilation 1] [--padding SAME]
  kernels      lecture 7's classic kernels on a photograph, one contact sheet: convlab kernels [IMAGE] [--stride S] [--out FILE]
  srcnn        tutorial #03's super-resolution on MNIST with PSNRs: convlab srcnn [--epochs N] [--data DIR] [--json]
  autoencoder  a convolutional autoencoder on MNIST against the mean digit: convlab autoencoder [--epochs N] [--data DIR]
  conformance  compute a cnn-golden-v1 cases file: convlab conformance CASES.json RESULTS.json [--path reference|fast]
  data [DIR | --fashion]  the MNIST splits, class counts and pixel statistics (embedded subset by default)
  data --bench [DIR]      time inflate, CRC-32, SHA-256 and IDX parsing against the system gzip (use -c release)
  download-mnist [DIR]  the full MNIST from the first mirror that works, SHA-256 checked (default ../shared/data/mnist)
"""

/// The worked examples of the lectures, computed.
func printTour() throws {
    let image = try Tensor<Float>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let ones = try Tensor<Float>(shape: [2, 2, 1, 1], repeating: 1)
    for padding in Padding.allCases {
        let y = try Reference.conv2DForward(image, filter: ones, padding: padding)
        print("lab 11-0: 3x3 toy image * 2x2 ones, \(padding): \(try y.reshaped([y.shape[1], y.shape[2]]))")
    }
}

/// `convlab shapes`: the output size and TF's actual pads for one window.
func runShapes(_ arguments: [String]) throws {
    var options = ["input": 28, "kernel": 5, "stride": 1, "dilation": 1]
    var padding = Padding.same
    var i = 0
    while i < arguments.count {
        let key = arguments[i].replacingOccurrences(of: "--", with: "")
        guard i + 1 < arguments.count else {
            throw ConvLabError.argument(op: "shapes", message: "\(arguments[i]) needs a value")
        }
        let value = arguments[i + 1]
        if key == "padding" {
            padding = try Padding(parsing: value)
        } else if options[key] != nil, let number = Int(value) {
            options[key] = number
        } else {
            throw ConvLabError.argument(op: "shapes", message: "unknown option or bad value: \(arguments[i]) \(value)")
        }
        i += 2
    }
    print(try shapesReport(input: options["input"]!, kernel: options["kernel"]!, stride: options["stride"]!,
                           dilation: options["dilation"]!, padding: padding))
}
