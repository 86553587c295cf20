import Foundation
import ConvLabCore
import ConvLabData
import ConvLabNN

/// Training a network whose target is an image, not a label: super-resolution and the
/// autoencoder. The loss is the mean squared error over every pixel of the batch,
/// `tf.reduce_mean((pred - H)**2)` in tutorial #03, and the optimizer applies the gradient.
///
///     prediction = model.forward(input)
///     loss       = mean((prediction - target)^2)
///     model.backward(dLoss/dPrediction); optimizer.apply(model.variables)
package final class ImageRegression {
    package let model: Sequential
    package let optimizer: Optimizer
    package var kernels: Kernels

    package init(model: Sequential, optimizer: Optimizer, kernels: Kernels) {
        self.model = model
        self.optimizer = optimizer
        self.kernels = kernels
    }

    /// One optimizer step on one batch.
    /// - Returns: the batch's mean squared error before the step.
    /// - Throws: `ConvLabError` when the model's output and `target` differ in shape.
    @discardableResult
    package func step(input: Tensor<Float>, target: Tensor<Float>) throws -> Float {
        let training = LayerContext(kernels: kernels, mode: .training)
        let prediction = try model.forward(input, context: training)
        let loss = try kernels.ops.meanSquaredErrorForward(prediction: prediction, target: target)
        let dPrediction = try kernels.ops.meanSquaredErrorBackward(prediction: prediction, target: target,
                                                               dOutput: Tensor(scalar: 1))
        try model.backwardParameters(dPrediction, context: training)
        try optimizer.apply(to: model.variables)
        return loss.scalars[0]
    }

    /// One pass over `targets` in a shuffled order, `batchSize` images per step (the last batch
    /// may be smaller), the input of each batch made from its targets by `makeInput`.
    /// - Parameters:
    ///   - targets: `[N, ...]`, the images the model must reproduce.
    ///   - batchSize: images per step, at least 1.
    ///   - generator: draws the epoch's order (Fisher-Yates), so a seed fixes the run.
    ///   - makeInput: turns a batch of targets into the model's input (SRCNN: shrink, then enlarge).
    ///   - onStep: called after each step with the images done so far and the step's loss.
    /// - Returns: the mean of the steps' losses.
    @discardableResult
    package func trainEpoch(targets: Tensor<Float>, batchSize: Int, generator: inout SeededGenerator,
                           makeInput: (Tensor<Float>) throws -> Tensor<Float>,
                           onStep: ((Int, Float) -> Void)? = nil) throws -> Float {
        guard batchSize >= 1 else {
            throw ConvLabError.argument(op: "trainEpoch", message: "batch size must be at least 1, got \(batchSize)")
        }
        let order = LabeledImages.shuffledIndices(targets.shape[0], using: &generator)
        var lossSum: Float = 0
        var steps = 0
        for range in batchRanges(count: order.count, size: batchSize) {
            let target = try images(targets, at: Array(order[range]))
            let loss = try step(input: try makeInput(target), target: target)
            lossSum += loss
            steps += 1
            onStep?(range.upperBound, loss)
        }
        return lossSum / Float(max(1, steps))
    }

    /// The model's output for every image of `input`, `batchSize` images at a time.
    /// - Throws: `ConvLabError` for an input with no images (no output shape to give) or one the
    ///   model rejects.
    package func predict(_ input: Tensor<Float>, batchSize: Int = 500) throws -> Tensor<Float> {
        guard input.rank >= 1, input.shape[0] > 0 else {
            throw ConvLabError.shape(op: "predict", message: "no images to predict in \(describeShape(input.shape))")
        }
        let evaluation = LayerContext(kernels: kernels, mode: .evaluation)
        var outputs: [Float] = []
        var outputShape: [Int] = []
        for range in batchRanges(count: input.shape[0], size: batchSize) {
            let output = try model.forward(try images(input, range), context: evaluation)
            outputs += output.scalars
            outputShape = output.shape
        }
        outputShape[0] = input.shape[0]
        return Tensor(uncheckedShape: outputShape, scalars: outputs)
    }
}

/// Consecutive ranges of at most `size` covering `0..<count`.
func batchRanges(count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: max(1, size)).map { $0..<min($0 + max(1, size), count) }
}

/// The images `range` of an `[N, ...]` tensor.
public func images(_ batch: Tensor<Float>, _ range: Range<Int>) throws -> Tensor<Float> {
    guard batch.rank >= 1, range.lowerBound >= 0, range.upperBound <= batch.shape[0] else {
        throw ConvLabError.argument(op: "images", message: "range \(range) outside \(describeShape(batch.shape))")
    }
    let size = batch.count / max(1, batch.shape[0])
    var shape = batch.shape
    shape[0] = range.count
    return Tensor(uncheckedShape: shape,
                  scalars: Array(batch.scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
}

/// The images at `indices` of an `[N, ...]` tensor, in that order (a shuffled batch).
public func images(_ batch: Tensor<Float>, at indices: [Int]) throws -> Tensor<Float> {
    let n = batch.rank >= 1 ? batch.shape[0] : 0
    if let bad = indices.first(where: { $0 < 0 || $0 >= n }) {
        throw ConvLabError.argument(op: "images", message: "index \(bad) outside \(describeShape(batch.shape))")
    }
    let size = batch.count / max(1, n)
    var scalars: [Float] = []
    scalars.reserveCapacity(indices.count * size)
    for i in indices { scalars += batch.scalars[(i * size)..<((i + 1) * size)] }
    var shape = batch.shape
    shape[0] = indices.count
    return Tensor(uncheckedShape: shape, scalars: scalars)
}

/// Peak signal-to-noise ratio of each image of `prediction` against `target`, in dB:
/// `PSNR = 10 log10(peak² / MSE)` with the MSE over that image's pixels (`tf.image.psnr`).
/// An exact copy has infinite PSNR.
/// - Parameters: `prediction`, `target`: `[N, ...]` of the same shape; `peak`: the largest
///   possible pixel value (1 for images in [0, 1]).
/// - Returns: `N` values.
/// - Throws: `ConvLabError.shape` when the shapes differ.
public func peakSignalToNoiseRatio(_ prediction: Tensor<Float>, _ target: Tensor<Float>,
                                   peak: Double = 1) throws -> [Double] {
    guard prediction.shape == target.shape, prediction.rank >= 1, prediction.count > 0 else {
        throw ConvLabError.shape(op: "psnr",
            message: "prediction \(describeShape(prediction.shape)) and target \(describeShape(target.shape)) must have one non-empty shape")
    }
    let n = prediction.shape[0]
    let size = prediction.count / n
    return (0..<n).map { image in
        var squared = 0.0
        for p in (image * size)..<((image + 1) * size) {
            let d = Double(prediction.scalars[p]) - Double(target.scalars[p])
            squared += d * d
        }
        let mse = squared / Double(size)
        return 10 * log10(peak * peak / mse)
    }
}

/// The mean squared error over every pixel of two tensors of one shape, in Double.
public func meanSquaredError(_ prediction: Tensor<Float>, _ target: Tensor<Float>) throws -> Double {
    guard prediction.shape == target.shape, prediction.count > 0 else {
        throw ConvLabError.shape(op: "mse",
            message: "prediction \(describeShape(prediction.shape)) and target \(describeShape(target.shape)) must have one non-empty shape")
    }
    var squared = 0.0
    for (p, t) in zip(prediction.scalars, target.scalars) {
        let d = Double(p) - Double(t)
        squared += d * d
    }
    return squared / Double(prediction.count)
}
