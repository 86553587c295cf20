import ExerciseKit

// Exercise 07 · Max pooling, forward   (lecture module 5, Lectures/05-pooling.md)
// Check: swift run exercises        Hint: swift run exercises hint 07

/// `tf.nn.max_pool`: the largest value of each window, per channel.
///
/// Output size and padTop/padLeft as in exercises 01/02 (kernel = window, no dilation):
///   y[n, i, j, c] = max over a < WH, b < WW of  x[n, i*sh + a - padTop, j*sw + b - padLeft, c]
///
/// Padded cells do NOT take part: a window of [-3, -5 | padding] has max -3, not 0.
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - window: (WH, WW); strides: (sh, sw); padding: .valid or .same
/// - Returns: y, shape [N, OH, OW, C]
public func maxPoolForward(_ input: Tensor, window: Size2, strides: Size2, padding: Padding) -> Tensor {
    // TODO: for every output cell, the max over the real input cells of its window.
    return Tensor(zeros: [0])
}
