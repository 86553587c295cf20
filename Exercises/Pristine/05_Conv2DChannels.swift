import ExerciseKit

// Exercise 05 · Many channels and many filters   (lecture module 1, Lectures/01-convolution.md)
// Check: swift run exercises        Hint: swift run exercises hint 05

/// conv2d over a batch of colour images with a bank of filters, VALID padding, stride 1, as
/// `tf.nn.conv2d`:
///
///   y[n, i, j, o] = sum over a < KH, b < KW, c < C of  x[n, i + a, j + b, c] * w[a, b, c, o]
///
/// Every filter o sees ALL input channels c and makes ONE output channel. A 32x32x3 image with six
/// 5x5x3 filters gives a 28x28x6 output (6 * (5*5*3 + 1) = 456 parameters with biases).
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]   (NHWC: batch, rows, columns, channels)
///   - filter: w, shape [KH, KW, C, O] (HWIO: the input channels C must match)
/// - Returns: y, shape [N, H - KH + 1, W - KW + 1, O]
///
/// `Tensor(zeros: [N, OH, OW, O])` makes the output; `x[n, i, j, c]` reads and writes one element.
public func conv2DChannels(_ input: Tensor, filter: Tensor) -> Tensor {
    // TODO: seven nested loops; the sum runs over a, b and c.
    return Tensor(zeros: [0])
}
