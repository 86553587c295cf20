import ExerciseKit
import Foundation

// Exercise 11 · Numerically stable softmax cross-entropy   (lecture module 8, Lectures/08-dense-softmax.md)
// Check: swift run exercises        Hint: swift run exercises hint 11

/// `tf.nn.softmax_cross_entropy_with_logits`, forward and backward, one row per example.
///
///   softmax(z)_j = e^(z_j) / sum_k e^(z_k)
///   loss         = - sum_j labels_j * log(softmax(z)_j)
///   dLogits_j    = softmax(z)_j - labels_j            (d loss / d z_j, labels summing to 1)
///
/// Stability: e^1000 overflows to infinity. Subtract the row's max m first (softmax does not
/// change: e^(z-m) / sum e^(z-m)), and compute log softmax as (z_j - m) - log(sum_k e^(z_k - m))
/// instead of log(softmax), which is log(0) = -infinity for a very unlikely class.
/// Logits [1000, 0] with labels [0, 1] have loss 1000 (finite), and dLogits [1, -1].
///
/// - Parameters:
///   - logits: z, shape [N][K]
///   - labels: shape [N][K], each row a probability distribution (one-hot or soft)
/// - Returns: `loss` shape [N] (one per example), `dLogits` shape [N][K]
public func softmaxCrossEntropy(logits: [[Double]], labels: [[Double]]) -> (loss: [Double], dLogits: [[Double]]) {
    // TODO: per row: the max, the log of the sum of exponentials, the loss, the gradient.
    return (loss: [], dLogits: [])
}
