import ExerciseKit

// Exercise 18 · Depthwise convolution   (lecture module 16, Lectures/16-depthwise-separable.md)
// Check: swift run exercises        Hint: swift run exercises hint 18

/// `tf.nn.depthwise_conv2d`: every input channel is convolved with its OWN filters, channels are
/// never mixed. With a channel multiplier M, channel c makes M output channels, at c * M + m:
///
///   y[n, i, j, c*M + m] = sum over a < KH, b < KW of  x[n, i*sh + a - padTop, j*sw + b - padLeft, c] * w[a, b, c, m]
///
/// (no sum over c). A 3x3 depthwise filter on 32 channels has 3*3*32 = 288 weights where a full
/// conv2d to 32 channels has 3*3*32*32 = 9216. Window geometry as in exercise 06 (dilation 1).
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - filter: w, shape [KH, KW, C, M]
///   - strides: (sh, sw); padding: .valid or .same
/// - Returns: y, shape [N, OH, OW, C * M]
public func depthwiseConv2D(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
    // TODO: exercise 06's loops, with the channel fixed per output and the output channel c * M + m.
    return Tensor(zeros: [0])
}
