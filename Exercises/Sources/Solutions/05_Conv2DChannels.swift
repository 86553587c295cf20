import ExerciseKit

// Exercise 05 · Many channels and many filters   (lecture module 1, Lectures/01-convolution.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, o) = (filter.shape[0], filter.shape[1], filter.shape[3])
    let (oh, ow) = (h - kh + 1, w - kw + 1)
    var output = Tensor(zeros: [n, oh, ow, o])
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for f in 0..<o {
                    var sum = 0.0
                    for di in 0..<kh {
                        for dj in 0..<kw {
                            for k in 0..<c {
                                sum += input[b, i + di, j + dj, k] * filter[di, dj, k, f]
                            }
                        }
                    }
                    output[b, i, j, f] = sum
                }
            }
        }
    }
    return output
}
