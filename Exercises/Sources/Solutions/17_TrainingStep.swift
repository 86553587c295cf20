import ExerciseKit
import Foundation

// Exercise 17 · One full training step   (lecture module 11, Lectures/11-mnist-convnet.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// One step of stochastic gradient descent on a tiny convnet, everything by hand:
///
///   forward   z  = conv2d(images, filter) + filterBias     VALID, stride 1   [N, OH, OW, F]
///             a  = relu(z)                                                   [N, OH, OW, F]
///             f  = a flattened per example (row-major: i, then j, then F)    [N][OH*OW*F]
///             logits = f * weights + bias                                    [N][classes]
///             loss = mean over the batch of softmax cross-entropy(logits, one-hot(labels))
///   backward  the gradient of that MEAN loss for all four parameters (note the 1/N)
///   update    every parameter p -= learningRate * dL/dp
///
/// Your earlier exercises are the pieces: conv2DChannels (05), activation(.relu, _) (10),
/// softmaxCrossEntropy (11), denseBackward (12), conv2DBackward (13). dFilterBias[f] is the
/// sum of dz over n, i, j.
///
/// - Parameters:
///   - model: the parameters, updated in place (see `TinyConvNet` for the shapes)
///   - images: [N, H, W, 1]
///   - labels: N class indices in 0..<classes
///   - learningRate: the SGD step size
/// - Returns: the mean loss BEFORE the update
public func trainingStep(model: inout TinyConvNet, images: Tensor, labels: [Int], learningRate: Double) -> Double {
    let n = images.shape[0], classes = model.bias.count
    // Forward.
    var z = conv2DChannels(images, filter: model.filter)
    let filters = z.shape[3]
    for k in z.scalars.indices { z.scalars[k] += model.filterBias[k % filters] }
    let a = Tensor(shape: z.shape, scalars: z.scalars.map { activation(.relu, $0).value })
    let perExample = a.scalars.count / n
    let flat = (0..<n).map { Array(a.scalars[($0 * perExample)..<(($0 + 1) * perExample)]) }
    let logits = flat.map { row in
        (0..<classes).map { o in model.bias[o] + row.indices.reduce(0) { $0 + row[$1] * model.weights[$1][o] } }
    }
    let oneHot = labels.map { label in (0..<classes).map { $0 == label ? 1.0 : 0.0 } }
    let (losses, dLogitsSum) = softmaxCrossEntropy(logits: logits, labels: oneHot)
    let loss = losses.reduce(0, +) / Double(n)

    // Backward: the mean over the batch scales every gradient by 1/N.
    let dLogits = dLogitsSum.map { $0.map { $0 / Double(n) } }
    let dense = denseBackward(input: flat, weights: model.weights, dOutput: dLogits)
    var dz = Tensor(shape: z.shape, scalars: dense.dInput.flatMap { $0 })
    for k in dz.scalars.indices { dz.scalars[k] *= activation(.relu, z.scalars[k]).derivative }
    var dFilterBias = [Double](repeating: 0, count: filters)
    for k in dz.scalars.indices { dFilterBias[k % filters] += dz.scalars[k] }
    let conv = conv2DBackward(images, filter: model.filter, dOutput: dz, strides: Size2(1, 1), padding: .valid)

    // Update.
    for k in model.filter.scalars.indices { model.filter.scalars[k] -= learningRate * conv.dFilter.scalars[k] }
    for f in 0..<filters { model.filterBias[f] -= learningRate * dFilterBias[f] }
    for i in model.weights.indices {
        for o in 0..<classes { model.weights[i][o] -= learningRate * dense.dWeights[i][o] }
    }
    for o in 0..<classes { model.bias[o] -= learningRate * dense.dBias[o] }
    return loss
}
