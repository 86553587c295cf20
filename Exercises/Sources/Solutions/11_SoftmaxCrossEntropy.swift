import ExerciseKit
import Foundation

// Exercise 11 · Numerically stable softmax cross-entropy   (lecture module 8, Lectures/08-dense-softmax.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    var loss: [Double] = []
    var dLogits: [[Double]] = []
    for (z, y) in zip(logits, labels) {
        let m = z.max() ?? 0
        let logSumExp = log(z.reduce(0) { $0 + exp($1 - m) })
        var rowLoss = 0.0
        var gradient: [Double] = []
        for j in z.indices {
            let logSoftmax = (z[j] - m) - logSumExp
            rowLoss -= y[j] * logSoftmax
            gradient.append(exp(logSoftmax) - y[j])
        }
        loss.append(rowLoss)
        dLogits.append(gradient)
    }
    return (loss: loss, dLogits: dLogits)
}
