import ExerciseKit

// Exercise 09 · Average pooling with SAME's divisor   (lecture module 5, Lectures/05-pooling.md)
// Check: swift run exercises        Hint: swift run exercises hint 09

/// `tf.nn.avg_pool`: the mean of each window, per channel.
///
///   y[n, i, j, c] = (sum of the window's REAL cells) / (number of real cells)
///
/// With SAME padding a border window hangs over the image; TensorFlow divides by the number of
/// cells inside the image, not by the window area. A 2x2 window at the bottom-right corner of a
/// 3x3 image covers only x[2][2]: its average is x[2][2], not x[2][2] / 4.
/// Window geometry as in exercise 07.
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - window: (WH, WW); strides: (sh, sw); padding: .valid or .same
/// - Returns: y, shape [N, OH, OW, C]
public func avgPoolForward(_ input: Tensor, window: Size2, strides: Size2, padding: Padding) -> Tensor {
    // TODO: a sum and a count per window, over the real cells only.
    return Tensor(zeros: [0])
}
