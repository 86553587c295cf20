import ExerciseKit

// Exercise 18 · Depthwise convolution   (lecture module 16, Lectures/16-depthwise-separable.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    func axis(_ size: Int, _ kernel: Int, _ stride: Int) -> (output: Int, padBefore: Int) {
        switch padding {
        case .valid:
            return (size >= kernel ? (size - kernel) / stride + 1 : 0, 0)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max((output - 1) * stride + kernel - size, 0) / 2)
        }
    }
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, multiplier) = (filter.shape[0], filter.shape[1], filter.shape[3])
    let rows = axis(h, kh, strides.h)
    let cols = axis(w, kw, strides.w)
    var output = Tensor(zeros: [n, rows.output, cols.output, c * multiplier])
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for k in 0..<c {
                    for m in 0..<multiplier {
                        var sum = 0.0
                        for di in 0..<kh {
                            let row = i * strides.h + di - rows.padBefore
                            if row < 0 || row >= h { continue }
                            for dj in 0..<kw {
                                let col = j * strides.w + dj - cols.padBefore
                                if col < 0 || col >= w { continue }
                                sum += input[b, row, col, k] * filter[di, dj, k, m]
                            }
                        }
                        output[b, i, j, k * multiplier + m] = sum
                    }
                }
            }
        }
    }
    return output
}
