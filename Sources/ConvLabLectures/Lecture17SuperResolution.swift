import ConvLab
import Foundation

/// Module 17, "Super-resolution with SRCNN": the code `Lectures/17-srcnn.md` walks through.
enum SuperResolutionLecture {
    static let lecture = Lecture(
        number: 17, title: "Super-resolution with SRCNN",
        markdown: "17-srcnn.md", source: "Lecture17SuperResolution.swift",
        snippets: [
            Snippet("network", network),
            // Resizing 156,800 Float pixels: the summation order moves the fourth decimal.
            Snippet("baselines", loose: [.absolute(1e-4, after: "PSNR")], baselines),
            // An untrained network's outputs: Float sums whose last bits vary between CPUs.
            Snippet("same-size-same-range", loose: [.absolute(1e-4, after: "from")], sameSizeSameRange),
            // Float training: the loss to 1%, the PSNRs to 0.1 dB.
            Snippet("answers", answers),
            Snippet("training-full", slow: true, loose: [.relative(0.01, after: "MSE"), .absolute(0.1, after: "PSNR")]) {
                $0 = try fullRun.get().text
            },
        ],
        figures: [Figure("srcnn-digits.svg", stable: false, slow: true, { Array(try fullRun.get().picture.utf8) })])

    /// The data pipeline's shapes and the network's layers.
    static func network(_ out: inout Transcript) throws {
        // @code network
        let model = try SuperResolution.makeModel()
        var shape = [1, 28, 28, 1]
        out.say("H: \(shape: shape) -> bicubic down to \(shape: [1, 7, 7, 1]) -> nearest up to L: \(shape: [1, 28, 28, 1])")
        var table = Table("layer", "kind", "output", "parameters")
        for layer in model.layers {
            shape = try layer.outputShape(for: shape)
            table.row("\(layer.name)", "\(layer.kind)", "\(shape: shape)", "\(layer.parameterCount)")
        }
        out.say(table)
        out.say("total \(model.parameterCount) parameters; the label is the image itself; cost mean((pred - H)^2)")
        // The published SRCNN (Dong et al. 2014): 9x9, 1x1 and 5x5 filters, 64 and 32 channels.
        let layers = [convParameterCount(kernel: 9, inputDepth: 1, filters: 64),
                      convParameterCount(kernel: 1, inputDepth: 64, filters: 32),
                      convParameterCount(kernel: 5, inputDepth: 32, filters: 1)]
        let published = layers.reduce(0, +)
        out.say("the published 9-1-5 SRCNN, 64 and 32 filters: \(layers.map { thousands($0) }.joined(separator: " + ")) = "
                + "\(thousands(published)) parameters, \(Double(published) / Double(model.parameterCount), decimals: 1) times as many")
        // @end
    }

    /// The two baselines without any training, on the first 200 test digits.
    static func baselines(_ out: inout Transcript) throws {
        // @code baselines
        let mnist = try MNIST.embedded()
        let n = 200
        let test = try Tensor<Float>(shape: [n, 28, 28, 1], scalars: Array(mnist.test.pixels[0..<(n * 784)]))
        let kernels = Kernels(.reference)
        let small = try SuperResolution.downsampled(test, kernels: kernels)
        let nearest = try SuperResolution.upsampled(small, to: Size2(28, 28), method: .nearest, kernels: kernels)
        let bicubic = try SuperResolution.upsampled(small, to: Size2(28, 28), method: .bicubic, kernels: kernels)
        // PSNR per image, 10 log10(1 / MSE), on pictures clipped to [0, 1] as TF's figures are.
        let nearestPSNR = try peakSignalToNoiseRatio(clippedToUnit(nearest), test).reduce(0, +) / Double(n)
        let bicubicPSNR = try peakSignalToNoiseRatio(clippedToUnit(bicubic), test).reduce(0, +) / Double(n)
        out.say("\(n) test digits, 28x28 -> \(small.shape[1])x\(small.shape[2]) -> 28x28")
        out.say("mean PSNR, nearest (the network's input): \(nearestPSNR, decimals: 2) dB")
        out.say("mean PSNR, bicubic:                       \(bicubicPSNR, decimals: 2) dB")
        // @end
    }

    /// Lecture 7's rule for an autoencoder, which holds for any network whose label is its input
    /// image: the output must match the input in size and in range.
    static func sameSizeSameRange(_ out: inout Transcript) throws {
        // @code same-size-same-range
        let mnist = try MNIST.embedded()
        let digits = try Tensor<Float>(shape: [200, 28, 28, 1], scalars: Array(mnist.test.pixels[0..<(200 * 784)]))
        let context = LayerContext(kernels: Kernels(.reference), mode: .evaluation)
        for (name, model) in [("autoencoder", try ConvAutoencoder.makeModel()), ("SRCNN", try SuperResolution.makeModel())] {
            model.initialize(seed: 1)
            let y = try model.forward(digits, context: context)       // untrained
            let last: String = model.layers.last!.kind
            out.say("\(name): \(shape: digits.shape) -> \(shape: y.shape), last layer \(last), "
                    + "untrained outputs from \(y.scalars.min()!, decimals: 4) to \(y.scalars.max()!, decimals: 4)")
        }
        out.say("the input's pixels: from \(digits.scalars.min()!, decimals: 1) to \(digits.scalars.max()!, decimals: 1)")
        // @end
    }

    /// The full run (release build): tutorial #03's SRCNN trained on the embedded training digits.
    static let fullRun = Result { () throws -> (text: Transcript, picture: String) in
        var out = Transcript()
        let mnist = try MNIST.embedded()
        let train = try Tensor<Float>(shape: [mnist.train.count, 28, 28, 1], scalars: mnist.train.pixels)
        let test = try Tensor<Float>(shape: [1000, 28, 28, 1], scalars: Array(mnist.test.pixels[0..<(1000 * 784)]))
        var lines: [Line] = []
        var last = (nearest: 0.0, bicubic: 0.0, srcnn: 0.0)
        let (_, results) = try trainSuperResolution(train: train, test: test, epochs: 3, batchSize: 128, learningRate: 1e-3,
                                                    seed: 1, kernels: Kernels(.fast), onEpoch: { epoch, loss, scores in
            lines.append("epoch \(epoch): training MSE \(Double(loss), decimals: 5), "
                         + "test PSNR nearest \(scores.nearest, decimals: 2) bicubic \(scores.bicubic, decimals: 2) "
                         + "SRCNN \(scores.srcnn, decimals: 2) dB")
            last = (scores.nearest, scores.bicubic, scores.srcnn)
        })
        out.say("SRCNN on \(thousands(mnist.train.count)) training digits, Adam 1e-3, batch 128, seed 1; PSNR on 1,000 test digits")
        out.say(lines: lines)
        out.say("after the last epoch, SRCNN's PSNR gain over its input (nearest): \(last.srcnn - last.nearest, decimals: 2) dB, "
                + "over bicubic: \(last.srcnn - last.bicubic, decimals: 2) dB")
        return (out, digitsPicture(results, count: 8))
    }

    /// Rows: nearest (the input), bicubic, SRCNN, original; one column per digit; grey squares.
    static func digitsPicture(_ results: SuperResolutionResults, count: Int) -> String {
        let scale = 3, tile = 28 * scale + 6, label = 70
        let rows: [(String, Tensor<Float>)] = [("nearest", results.nearest), ("bicubic", results.bicubic),
                                               ("SRCNN", results.srcnn), ("original", results.original)]
        let width = label + count * tile, height = rows.count * tile
        var svg = Diagram.document(width: width, height: height, attributes: " font-family=\"sans-serif\"")
        for (r, (name, images)) in rows.enumerated() {
            svg += "<text x=\"4\" y=\"\(r * tile + tile / 2)\" font-size=\"12\">\(name)</text>\n"
            for d in 0..<count {
                let left = label + d * tile, top = r * tile
                // Four grey levels.
                svg += Diagram.digitRuns({ images.scalars[d * 784 + $0 * 28 + $1] }, left: left, top: top, scale: scale,
                                         thresholds: [0.25, 0.5, 0.75], greys: ["#bbb", "#666", "#000"])
            }
        }
        return svg + "</svg>\n"
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        // 1. A prediction that is off by 0.1 everywhere has MSE 0.01.
        let target = try Tensor<Float>(zeros: [1, 4, 4, 1])
        for error in [Float(0.1), 0.1 / Float(2).squareRoot()] {
            let prediction = try Tensor<Float>(shape: [1, 4, 4, 1], repeating: error)
            out.say("1. MSE \(try meanSquaredError(prediction, target), decimals: 4): PSNR \(try peakSignalToNoiseRatio(prediction, target)[0], decimals: 2) dB")
        }
        // 2. One bright pixel of the 7x7 image, blown up to 28x28 by nearest neighbour.
        var small = try Tensor<Float>(zeros: [1, 7, 7, 1])
        small[0, 3, 3, 0] = 1
        let large = try SuperResolution.upsampled(small, to: Size2(28, 28), method: .nearest, kernels: Kernels(.reference))
        let lit = (0..<784).filter { large.scalars[$0] > 0 }
        out.say("2. one pixel of 7x7 becomes \(lit.count) pixels of 28x28: rows \(lit.first! / 28)...\(lit.last! / 28), "
                + "columns \(lit.first! % 28)...\(lit.last! % 28)")
        // @end
    }
}
