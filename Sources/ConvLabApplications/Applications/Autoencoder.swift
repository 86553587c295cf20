import ConvLabCore
import ConvLabPictures
import ConvLabNN

/// A convolutional autoencoder on MNIST (lecture 7's agenda: "Autoencoder"; the input and the
/// output must match in size and range). The encoder squeezes the 784 pixels into a 7x7x8 code
/// (392 numbers) with convolutions and max pools; the decoder grows the code back with nearest
/// resizes and convolutions, and a sigmoid keeps the output in [0, 1] like the input.
///
///     x        [N, 28, 28, 1]
///     conv1    3x3x1x16 + ReLU   [N, 28, 28, 16]
///     pool1    2x2 max, s2       [N, 14, 14, 16]
///     conv2    3x3x16x8 + ReLU   [N, 14, 14, 8]
///     pool2    2x2 max, s2       [N, 7, 7, 8]       the code
///     up1      nearest 14x14     [N, 14, 14, 8]
///     conv3    3x3x8x16 + ReLU   [N, 14, 14, 16]
///     up2      nearest 28x28     [N, 28, 28, 16]
///     conv4    3x3x16x1 + sigmoid [N, 28, 28, 1]
///
/// The loss is the mean squared error against the input itself, trained with Adam.
public enum ConvAutoencoder {
    /// The network above, 2,633 parameters (160 + 1,160 + 1,168 + 145).
    public static func makeModel() throws -> Sequential {
        try Sequential([
            Conv2D("conv1", kernel: 3, inputChannels: 1, filters: 16, padding: .same, activation: .relu),
            MaxPool2D("pool1"),
            Conv2D("conv2", kernel: 3, inputChannels: 16, filters: 8, padding: .same, activation: .relu),
            MaxPool2D("pool2"),
            Resize("up1", size: 14, method: .nearest),
            Conv2D("conv3", kernel: 3, inputChannels: 8, filters: 16, padding: .same, activation: .relu),
            Resize("up2", size: 28, method: .nearest),
            Conv2D("conv4", kernel: 3, inputChannels: 16, filters: 1, padding: .same, activation: .sigmoid),
        ])
    }

    /// The mean of the training images, `[1, H, W, C]`: the trivial autoencoder that ignores
    /// its input and always answers the average digit.
    public static func meanImage(_ train: Tensor<Float>) throws -> Tensor<Float> {
        guard train.rank == 4, train.shape[0] > 0 else {
            throw ConvLabError.shape(op: "autoencoder", message: "training images must be [N,H,W,C] with N > 0, got \(describeShape(train.shape))")
        }
        let n = train.shape[0], size = train.count / n
        var sums = [Double](repeating: 0, count: size)
        for i in 0..<n {
            for p in 0..<size { sums[p] += Double(train.scalars[i * size + p]) }
        }
        return Tensor(uncheckedShape: [1] + Array(train.shape.dropFirst()), scalars: sums.map { Float($0 / Double(n)) })
    }

    /// The MSE of answering `mean` for every image of `test`.
    package static func baselineMSE(mean: Tensor<Float>, test: Tensor<Float>) throws -> Double {
        let n = test.shape.first ?? 0
        let repeated = Tensor(uncheckedShape: [n] + Array(mean.shape.dropFirst()),
                              scalars: Array([[Float]](repeating: mean.scalars, count: n).joined()))
        return try meanSquaredError(repeated, test)
    }

    /// Inputs above reconstructions, the first `count` test digits, magnified `scale` times.
    public static func picture(inputs: Tensor<Float>, reconstructions: Tensor<Float>, count: Int = 10,
                               scale: Int = 3, title: String) throws -> Canvas {
        let count = min(count, inputs.shape[0])
        let tile = inputs.shape[1] * scale, gap = 8
        let labelW = Canvas.textWidth("reconstruction", scale: 2) + 16
        let titleH = Canvas.textHeight(scale: 2) + 18
        var canvas = try Canvas(width: max(labelW + count * (tile + gap) + gap, Canvas.textWidth(title, scale: 2) + 20),
                                height: titleH + 2 * (tile + gap) + gap)
        canvas.draw(text: title, x: 10, y: 8, scale: 2)
        for (r, (label, batch)) in [("input", inputs), ("reconstruction", reconstructions)].enumerated() {
            let y = titleH + r * (tile + gap)
            canvas.draw(text: label, x: 8, y: y + tile / 2 - 7, scale: 2)
            for i in 0..<count {
                try canvas.draw(image: try images(batch, i..<(i + 1)), x: labelW + i * (tile + gap), y: y,
                                scale: scale, low: 0, high: 1)
            }
        }
        return canvas
    }
}

/// What `convlab autoencoder` reports.
package struct AutoencoderReport: Sendable, Equatable, Codable {
    /// The test MSE of the trained autoencoder.
    package var testMSE: Double
    /// The test MSE of always answering the mean training digit.
    package var baselineMSE: Double
    package var epochs: Int
    package var trainCount: Int
    package var testCount: Int
}

/// Trains the autoencoder on `train` and measures it on `test` (both `[N, 28, 28, 1]` in [0, 1]).
/// - Returns: the trainer (holding the model), the test reconstructions and the report.
package func trainAutoencoder(train: Tensor<Float>, test: Tensor<Float>, epochs: Int, batchSize: Int = 128,
                             learningRate: Float = 1e-3, seed: UInt64 = 1, kernels: Kernels,
                             onStep: ((Int, Float) -> Void)? = nil,
                             onEpoch: ((Int, Float, Double) -> Void)? = nil) throws
    -> (trainer: ImageRegression, reconstructions: Tensor<Float>, report: AutoencoderReport) {
    let model = try ConvAutoencoder.makeModel()
    model.initialize(seed: seed)
    let trainer = ImageRegression(model: model, optimizer: .adam(learningRate: learningRate), kernels: kernels)
    var generator = SeededGenerator(seed: seed &+ 1)
    var reconstructions = try trainer.predict(test)
    for epoch in stride(from: 1, through: epochs, by: 1) {
        let loss = try trainer.trainEpoch(targets: train, batchSize: batchSize, generator: &generator,
                                          makeInput: { $0 }, onStep: onStep)
        reconstructions = try trainer.predict(test)
        onEpoch?(epoch, loss, try meanSquaredError(reconstructions, test))
    }
    let baseline = try ConvAutoencoder.baselineMSE(mean: try ConvAutoencoder.meanImage(train), test: test)
    let report = AutoencoderReport(testMSE: try meanSquaredError(reconstructions, test), baselineMSE: baseline,
                                   epochs: epochs, trainCount: train.shape[0], testCount: test.shape[0])
    return (trainer, reconstructions, report)
}
