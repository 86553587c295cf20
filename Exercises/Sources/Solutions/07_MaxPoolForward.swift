import ExerciseKit

// Exercise 07 · Max pooling, forward   (lecture module 5, Lectures/05-pooling.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let rows = axis(h, window.h, strides.h)
    let cols = axis(w, window.w, strides.w)
    var output = Tensor(zeros: [n, rows.output, cols.output, c])
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for k in 0..<c {
                    var best = -Double.infinity
                    for di in 0..<window.h {
                        let row = i * strides.h + di - rows.padBefore
                        if row < 0 || row >= h { continue }
                        for dj in 0..<window.w {
                            let col = j * strides.w + dj - cols.padBefore
                            if col < 0 || col >= w { continue }
                            best = max(best, input[b, row, col, k])
                        }
                    }
                    output[b, i, j, k] = best
                }
            }
        }
    }
    return output
}
