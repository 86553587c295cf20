import ExerciseKit
import Foundation

// Exercise 17 · One full training step   (lecture module 11, Lectures/11-mnist-convnet.md)
// Check: swift run exercises        Hint: swift run exercises hint 17

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
    // TODO: forward, loss, backward, update.
    return 0
}
