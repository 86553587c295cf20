import ConvLab
import Foundation

/// Module 17, "Super-resolution with SRCNN": the code `Lectures/17-srcnn.md` walks through.
enum SuperResolutionLecture {
    static let lecture = Lecture(
        number: 17, title: "Super-resolution with SRCNN",
        markdown: "17-srcnn.md", source: "Lecture17SuperResolution.swift",
        snippets: [
            Snippet("network", network),
            Snippet("baselines", baselines),
            Snippet("training-full", slow: true, trainingFull),
        ],
        figures: [Figure("srcnn-digits.svg", stable: false, slow: true, { Array(try fullRun.get().picture.utf8) })])

    /// The data pipeline's shapes and the network's layers.
    static func network(_ out: inout Transcript) throws {
        // @code network
        let model = try SuperResolution.makeModel()
        var shape = [1, 28, 28, 1]
        out.say("H: \(shape: shape) -> bicubic down to \(shape: [1, 7, 7, 1]) -> nearest up to L: \(shape: [1, 28, 28, 1])")
        for layer in model.layers {
            shape = try layer.outputShape(for: shape)
            out.say("  \(layer.name, left: 8) \(layer.kind, left: 14) \(describeShape(shape), left: 12) \(layer.parameterCount, width: 4) parameters")
        }
        out.say("total \(model.parameterCount) parameters; the label is the image itself; cost mean((pred - H)^2)")
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
        out.say("mean PSNR, nearest (the network's input): \(nearestPSNR, decimals: 2, slack: 1e-4) dB")
        out.say("mean PSNR, bicubic:                       \(bicubicPSNR, decimals: 2, slack: 1e-4) dB")
        // @end
    }

    /// The full run (release build): tutorial #03's SRCNN trained on the embedded training digits.
    static let fullRun = Result { () throws -> (text: Transcript, picture: String) in
        var out = Transcript()
        let mnist = try MNIST.embedded()
        let train = try Tensor<Float>(shape: [mnist.train.count, 28, 28, 1], scalars: mnist.train.pixels)
        let test = try Tensor<Float>(shape: [1000, 28, 28, 1], scalars: Array(mnist.test.pixels[0..<(1000 * 784)]))
        var lines: [Line] = []
        let (_, results) = try trainSuperResolution(train: train, test: test, epochs: 3, batchSize: 128, learningRate: 1e-3,
                                                    seed: 1, kernels: Kernels(.fast), onEpoch: { epoch, loss, scores in
            // Float training: checked to 1% (loss) and 0.1 dB.
            lines.append("epoch \(epoch): training MSE \(Double(loss), decimals: 5, slack: 0.01 * Double(loss)), "
                         + "test PSNR nearest \(scores.nearest, decimals: 2, slack: 0.1) bicubic \(scores.bicubic, decimals: 2, slack: 0.1) "
                         + "SRCNN \(scores.srcnn, decimals: 2, slack: 0.1) dB")
        })
        out.say("SRCNN on \(thousands(mnist.train.count)) training digits, Adam 1e-3, batch 128, seed 1; PSNR on 1,000 test digits")
        out.say(lines: lines)
        return (out, digitsPicture(results, count: 8))
    }

    static func trainingFull(_ out: inout Transcript) throws {
        // @code training-full
        out = try fullRun.get().text
        // @end
    }

    /// Rows: nearest (the input), bicubic, SRCNN, original; one column per digit; grey squares.
    static func digitsPicture(_ results: SuperResolutionResults, count: Int) -> String {
        let scale = 3, tile = 28 * scale + 6, label = 70
        let rows: [(String, Tensor<Float>)] = [("nearest", results.nearest), ("bicubic", results.bicubic),
                                               ("SRCNN", results.srcnn), ("original", results.original)]
        let width = label + count * tile, height = rows.count * tile
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (r, (name, images)) in rows.enumerated() {
            svg += "<text x=\"4\" y=\"\(r * tile + tile / 2)\" font-size=\"12\">\(name)</text>\n"
            for d in 0..<count {
                let left = label + d * tile, top = r * tile
                // Four grey levels, one rectangle per run in a row.
                for row in 0..<28 {
                    var col = 0
                    func level(_ c: Int) -> Int {
                        let v = images.scalars[d * 784 + row * 28 + c]
                        return v >= 0.75 ? 3 : v >= 0.5 ? 2 : v >= 0.25 ? 1 : 0
                    }
                    while col < 28 {
                        let l = level(col)
                        var end = col
                        while end + 1 < 28 && level(end + 1) == l { end += 1 }
                        if l > 0 {
                            let grey = ["", "#bbb", "#666", "#000"][l]
                            svg += "<rect x=\"\(left + col * scale)\" y=\"\(top + row * scale)\" width=\"\((end - col + 1) * scale)\" height=\"\(scale)\" fill=\"\(grey)\"/>\n"
                        }
                        col = end + 1
                    }
                }
            }
        }
        return svg + "</svg>\n"
    }
}
