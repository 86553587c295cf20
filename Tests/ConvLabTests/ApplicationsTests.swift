import ConvLab
@testable import ConvLabApplications
import ConvLabTestSupport
import Foundation
import Testing

/// Float tensors from nested literals, for the applications (which run in Float).
private func floatImage(_ rows: [[Float]]) throws -> Tensor<Float> { try Tensor(image: rows) }

/// `count` images of `side x side`: a 2-pixel horizontal and a 2-pixel vertical stroke at random
/// places on black, a stand-in for digits that keeps the tests fast in debug builds.
func strokeImages(count: Int, side: Int, seed: UInt64) -> Tensor<Float> {
    var generator = SeededGenerator(seed: seed)
    var scalars = [Float](repeating: 0, count: count * side * side)
    for n in 0..<count {
        let row = 2 + generator.nextInt(below: side - 5), col = 2 + generator.nextInt(below: side - 5)
        for i in 0..<side {
            for t in 0..<2 {
                scalars[n * side * side + (row + t) * side + i] = 1
                scalars[n * side * side + i * side + col + t] = 0.8
            }
        }
    }
    return try! Tensor(shape: [count, side, side, 1], scalars: scalars)
}

@Suite("classic kernels: lecture 7's blur and friends, per channel, grey and kernels.py's channel sum")
struct ClassicKernelTests {
    /// A 5x6 RGB image with different values per channel.
    func colourImage() throws -> Tensor<Float> {
        let t = randomTensor([1, 5, 6, 3], seed: 7, range: 0...1)
        return Tensor<Float>(t)
    }

    // Lecture 7's blur: 0.0625 / 0.125 / 0.25, summing to 1. On a constant image every pixel
    // whose 3x3 window lies inside keeps its value; SAME's zero padding darkens the border: a
    // corner keeps 0.25 + 2 * 0.125 + 0.0625 = 0.5625 of it, an edge pixel 0.75.
    @Test func blurKeepsAConstantImageConstantInside() throws {
        let image = try Tensor<Float>(shape: [1, 5, 5, 3], repeating: 0.8)
        let blurred = try ClassicKernel.blur.apply(to: image, mode: .perChannel)
        #expect(blurred.shape == [1, 5, 5, 3])
        #expect(ClassicKernel.blur.weightSum == 1)
        for i in 1..<4 { for j in 1..<4 { for c in 0..<3 {
            #expect(abs(blurred[0, i, j, c] - 0.8) < 1e-6)
        } } }
        #expect(abs(blurred[0, 0, 0, 1] - 0.8 * 0.5625) < 1e-6)
        #expect(abs(blurred[0, 0, 2, 2] - 0.8 * 0.75) < 1e-6)
    }

    // Every edge kernel sums to 0, so a flat region has no edges.
    @Test(arguments: [ClassicKernel.edge4, .edge8, .topSobel])
    func edgeOfAConstantImageIsZero(kernel: ClassicKernel) throws {
        let image = try Tensor<Float>(shape: [1, 5, 5, 3], repeating: 0.6)
        #expect(kernel.weightSum == 0)
        for mode in ClassicKernel.ChannelMode.allCases {
            let edges = try kernel.apply(to: image, mode: mode)
            for i in 1..<4 { for j in 1..<4 { for c in 0..<edges.shape[3] {
                // partial sums reach 3 * 8 * 0.6 = 14.4, so Float rounding leaves ~1e-6
                #expect(abs(edges[0, i, j, c]) < 1e-5, "\(kernel) \(mode) at [\(i),\(j),\(c)]")
            } } }
        }
    }

    // A single bright pixel reproduces the kernel (flipped: conv2d is a cross-correlation).
    @Test(arguments: ClassicKernel.allCases)
    func impulseShowsTheKernelFlipped(kernel: ClassicKernel) throws {
        var rows = [[Float]](repeating: [Float](repeating: 0, count: 5), count: 5)
        rows[2][2] = 1
        let out = try kernel.apply(to: try floatImage(rows), mode: .perChannel)
        let w = kernel.weights
        for a in 0..<3 { for b in 0..<3 {
            #expect(out[0, 1 + a, 1 + b, 0] == w[2 - a][2 - b])
        } }
    }

    // kernels.py's [3,3,3,3] filter: each output channel is the sum of the three per-channel
    // results, so all three output channels are equal (colours mix into grey) ...
    @Test(arguments: ClassicKernel.allCases)
    func mixedIsTheChannelSumOfPerChannel(kernel: ClassicKernel) throws {
        let image = try colourImage()
        let perChannel = try kernel.apply(to: image, mode: .perChannel)
        let mixed = try kernel.apply(to: image, mode: .mixedAsKernelsPy)
        #expect(mixed.shape == perChannel.shape)
        for i in 0..<5 { for j in 0..<6 {
            let sum = perChannel[0, i, j, 0] + perChannel[0, i, j, 1] + perChannel[0, i, j, 2]
            for c in 0..<3 { #expect(abs(mixed[0, i, j, c] - sum) < 1e-5) }
        } }
        // ... and they really differ from the per-channel result on a colour image.
        #expect(try mixed.maxAbsDifference(perChannel) > 0.1)
    }

    // ... which is why kernels.py's blur triples the brightness of a grey constant image.
    @Test func mixedBlurTriplesBrightness() throws {
        let image = try Tensor<Float>(shape: [1, 4, 4, 3], repeating: 0.25)
        let mixed = try ClassicKernel.blur.apply(to: image, mode: .mixedAsKernelsPy)
        #expect(abs(mixed[0, 1, 2, 0] - 0.75) < 1e-6)
    }

    // The lecture's stride option: SAME output is ceil(H / s) x ceil(W / s).
    @Test(arguments: [(6, 8, 2, 3, 4), (5, 5, 2, 3, 3), (6, 9, 3, 2, 3), (5, 6, 1, 5, 6)])
    func strideShrinksTheOutput(h: Int, w: Int, stride: Int, oh: Int, ow: Int) throws {
        let image = Tensor<Float>(randomTensor([1, h, w, 3], seed: 3, range: 0...1))
        for mode in ClassicKernel.ChannelMode.allCases {
            let out = try ClassicKernel.sharpen.apply(to: image, mode: mode, stride: stride)
            #expect(out.shape == [1, oh, ow, mode == .grey ? 1 : 3])
        }
        // Stride 2 keeps every second pixel of the stride-1 result (pad 1 on both sides for odd
        // sizes; TF puts the extra pad at the end, which a 3x3 kernel at even size also gives 1, 0).
        if stride == 2 && h % 2 == 1 && w % 2 == 1 {
            let full = try ClassicKernel.sharpen.apply(to: image, mode: .perChannel)
            let strided = try ClassicKernel.sharpen.apply(to: image, mode: .perChannel, stride: 2)
            #expect(abs(strided[0, 1, 1, 2] - full[0, 2, 2, 2]) < 1e-6)
        }
    }

    // tf.image.rgb_to_grayscale's weights.
    @Test func greyscaleUsesTheLuminanceWeights() throws {
        let pixel = try Tensor<Float>(shape: [1, 1, 1, 3], scalars: [1, 0.5, 0.25])
        let grey = try ClassicKernel.greyscale(pixel)
        #expect(grey.shape == [1, 1, 1, 1])
        #expect(abs(grey.scalars[0] - (0.2989 + 0.5870 * 0.5 + 0.1140 * 0.25)) < 1e-6)
    }

    @Test func badArgumentsThrow() throws {
        let image = try Tensor<Float>(shape: [5, 5, 3], repeating: 0)
        #expect(throws: ConvLabError.self) { try ClassicKernel.blur.apply(to: image, mode: .grey) }
        let ok = try Tensor<Float>(shape: [1, 5, 5, 3], repeating: 0)
        #expect(throws: ConvLabError.self) { try ClassicKernel.blur.apply(to: ok, mode: .grey, stride: 0) }
        #expect(throws: ConvLabError.self) { try kernelContactSheet(image: try Tensor<Float>(shape: [1, 5, 5, 1], repeating: 0)) }
    }

    // The committed photograph is in the resource bundle and decodes to 451x300 RGB.
    @Test func committedPhotographLoads() throws {
        let image = try Image.read(try Photograph.chelseaPath())
        #expect(image.width == 451 && image.height == 300 && image.channels == 3)
    }

    // The sheet: three rows (modes) of seven tiles (input + six kernels); the first tile of the
    // per-channel row is the input itself.
    @Test func contactSheetShowsTheInput() throws {
        let image = try Tensor<Float>(shape: [1, 6, 6, 3], scalars: (0..<108).map { i in i % 3 == 0 ? 1 : 0 })
        let sheet = try kernelContactSheet(image: image, stride: 1, displayScale: 4)
        #expect(sheet.width >= 7 * 24)
        let tiles = (0..<sheet.height).flatMap { y in (0..<sheet.width).map { x in sheet.pixel(x: x, y: y) } }
        #expect(tiles.contains(Canvas.Color(255, 0, 0)))  // the pure red input
    }
}

@Suite("SRCNN: PSNR by hand, the tutorial's resize pipeline, a few Adam steps")
struct SuperResolutionTests {
    // PSNR = 10 log10(1 / MSE): MSE 0.25 -> 10 log10(4) = 6.0206 dB; MSE 0.01 -> 20 dB.
    @Test func psnrByHand() throws {
        let target = try Tensor<Float>(shape: [2, 2, 2, 1], repeating: 0)
        let prediction = try Tensor<Float>(shape: [2, 2, 2, 1], scalars: [0.5, 0.5, 0.5, 0.5, 0.2, 0, 0, 0])
        let psnr = try peakSignalToNoiseRatio(prediction, target)
        #expect(psnr.count == 2)
        #expect(abs(psnr[0] - 6.020_599_9) < 1e-6)
        // second image: MSE = 0.04 / 4 = 0.01
        #expect(abs(psnr[1] - 20) < 1e-5)
        #expect(try peakSignalToNoiseRatio(target, target) == [.infinity, .infinity])
        // peak 255 on 8-bit values: MSE 1 -> 48.13 dB
        let ones = try Tensor<Float>(shape: [1, 1, 1, 1], repeating: 1)
        #expect(abs(try peakSignalToNoiseRatio(ones, Tensor(shape: [1, 1, 1, 1], repeating: 0), peak: 255)[0] - 48.130_803_6) < 1e-6)
        #expect(throws: ConvLabError.self) { try peakSignalToNoiseRatio(ones, target) }
    }

    // The scores clip each version to [0, 1] first (TF's 12.74 / 14.01 dB need it): 1.5 on a
    // target of 0.9 counts as 1.0 (error 0.1) and -0.3 on 0 as 0; with 0.2 on 0 the MSE is
    // (0.01 + 0 + 0.04 + 0) / 4 = 0.0125 -> 19.03 dB, where unclipped (0.36 + 0.09 + 0.04) / 4 gives 9.12 dB.
    @Test func scoresClipToTheUnitRange() throws {
        let original = try Tensor<Float>(shape: [1, 2, 2, 1], scalars: [0.9, 0, 0, 0])
        let overshoot = try Tensor<Float>(shape: [1, 2, 2, 1], scalars: [1.5, -0.3, 0.2, 0])
        let results = SuperResolutionResults(original: original, nearest: overshoot, bicubic: overshoot, srcnn: overshoot)
        let scores = try results.scores()
        let expected = 10 * log10(1 / 0.0125)
        #expect(abs(scores.srcnn - expected) < 1e-5)
        #expect(abs(scores.nearest - expected) < 1e-5 && abs(scores.bicubic - expected) < 1e-5)
        #expect(abs(try peakSignalToNoiseRatio(overshoot, original)[0] - 10 * log10(1 / (0.49 / 4))) < 1e-5)
    }

    // Tutorial #03: 28x28 -> bicubic 7x7 -> nearest 28x28, so the input is made of 4x4 blocks.
    @Test func lowResolutionInputIsBlocky() throws {
        let digits = strokeImages(count: 2, side: 28, seed: 1)
        let k = Kernels(.reference)
        let small = try SuperResolution.downsampled(digits, kernels: k)
        #expect(small.shape == [2, 7, 7, 1])
        let input = try SuperResolution.lowResolutionInput(digits, kernels: k)
        #expect(input.shape == [2, 28, 28, 1])
        for n in 0..<2 { for i in 0..<28 { for j in 0..<28 {
            #expect(input[n, i, j, 0] == small[n, i / 4, j / 4, 0])
        } } }
        let model = try SuperResolution.makeModel()
        #expect(model.parameterCount == 737)  // 3*3*1*8+8 + 3*3*8*8+8 + 3*3*8*1+1
        #expect(try model.outputShape(for: [2, 28, 28, 1]) == [2, 28, 28, 1])
    }

    // A few Adam steps on a handful of small images lower the MSE, and the scores come out as
    // finite PSNRs with SRCNN's matching its own MSE.
    @Test func fewStepsReduceTheLoss() throws {
        let train = strokeImages(count: 8, side: 16, seed: 2)
        let k = Kernels(.reference)
        let model = try SuperResolution.makeModel()
        model.initialize(seed: 5)
        let trainer = ImageRegression(model: model, optimizer: .adam(learningRate: 0.01), kernels: k)
        let input = try SuperResolution.lowResolutionInput(train, kernels: k)
        let before = try meanSquaredError(try trainer.predict(input), train)
        var losses: [Float] = []
        for _ in 0..<25 { losses.append(try trainer.step(input: input, target: train)) }
        let after = try meanSquaredError(try trainer.predict(input), train)
        #expect(abs(Double(losses[0]) - before) < 1e-4)
        #expect(after < 0.7 * before, "MSE \(before) -> \(after)")

        let results = try SuperResolutionResults.evaluate(train, trainer: trainer)
        let scores = try results.scores()
        #expect(scores.testCount == 8)
        let psnr = try peakSignalToNoiseRatio(clippedToUnit(results.srcnn), train)
        #expect(abs(scores.srcnn - psnr.reduce(0, +) / 8) < 1e-9)
        #expect(scores.nearest.isFinite && scores.bicubic.isFinite)
        let picture = try results.picture(count: 3, scale: 2, title: "test")
        #expect(picture.height > 4 * 32)
    }
}

@Suite("convolutional autoencoder: shapes, the mean-digit baseline, a short loss decrease")
struct AutoencoderTests {
    @Test func shapesAndParameters() throws {
        let model = try ConvAutoencoder.makeModel()
        let rows = try model.summaryRows(inputShape: [3, 28, 28, 1])
        #expect(rows.map(\.outputShape) == [[3, 28, 28, 16], [3, 14, 14, 16], [3, 14, 14, 8], [3, 7, 7, 8],
                                           [3, 14, 14, 8], [3, 14, 14, 16], [3, 28, 28, 16], [3, 28, 28, 1]])
        #expect(model.parameterCount == 2_633)
    }

    // Mean of [0, 1] and [1, 1] pixel-wise is [0.5, 1]; against test images [1, 1] the MSE is
    // (0.25 + 0) / 2 = 0.125.
    @Test func meanDigitBaselineByHand() throws {
        let train = try Tensor<Float>(shape: [2, 1, 2, 1], scalars: [0, 1, 1, 1])
        let mean = try ConvAutoencoder.meanImage(train)
        #expect(mean.shape == [1, 1, 2, 1])
        #expect(mean.scalars == [0.5, 1])
        let test = try Tensor<Float>(shape: [3, 1, 2, 1], repeating: 1)
        #expect(abs(try ConvAutoencoder.baselineMSE(mean: mean, test: test) - 0.125) < 1e-9)
    }

    @Test func shortTrainingLowersTheLoss() throws {
        let digits = strokeImages(count: 4, side: 28, seed: 9)
        let model = try ConvAutoencoder.makeModel()
        model.initialize(seed: 3)
        let trainer = ImageRegression(model: model, optimizer: .adam(learningRate: 0.01), kernels: Kernels(.reference))
        let output = try trainer.predict(digits)
        #expect(output.shape == [4, 28, 28, 1])
        #expect(output.scalars.allSatisfy { $0 > 0 && $0 < 1 })  // sigmoid output
        var losses: [Float] = []
        for _ in 0..<12 { losses.append(try trainer.step(input: digits, target: digits)) }
        #expect(losses.last! < 0.7 * losses[0], "losses \(losses)")
    }
}

@Suite("Resize layer: the upsampling step of a decoder")
struct ResizeLayerTests {
    // Nearest 2x2 -> 4x4 copies each pixel into a 2x2 block; its backward sums each block.
    @Test func nearestUpsamplingAndItsAdjoint() throws {
        let layer = Resize("up", size: 4, method: .nearest)
        let context = LayerContext(kernels: Kernels(.reference), mode: .training)
        let x = try floatImage([[1, 2], [3, 4]])
        let y = try layer.forward(x, context: context)
        #expect(y == (try floatImage([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])))
        let dx = try layer.backward(try floatImage((0..<4).map { i in (0..<4).map { j in Float(i * 4 + j) } }), context: context)
        // block sums: (0+1+4+5, 2+3+6+7, 8+9+12+13, 10+11+14+15)
        #expect(dx == (try floatImage([[10, 18], [42, 50]])))
        #expect(try layer.outputShape(for: [5, 2, 2, 3]) == [5, 4, 4, 3])
        #expect(throws: ConvLabError.self) { try Resize("up", size: 4).backward(x, context: context) }
        #expect(throws: ConvLabError.self) { try layer.outputShape(for: [2, 2, 3]) }
    }

    @Test func imagesHelpersCheckTheirIndices() throws {
        let batch = try Tensor<Float>(shape: [3, 1, 1, 2], scalars: [0, 1, 2, 3, 4, 5])
        #expect(try images(batch, at: [2, 0]).scalars == [4, 5, 0, 1])
        #expect(try images(batch, 1..<3).scalars == [2, 3, 4, 5])
        #expect(throws: ConvLabError.self) { try images(batch, at: [3]) }
        #expect(throws: ConvLabError.self) { try images(batch, 2..<4) }
    }
}
