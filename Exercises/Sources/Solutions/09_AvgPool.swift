import ExerciseKit

// Exercise 09 · Average pooling with SAME's divisor   (lecture module 5, Lectures/05-pooling.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
                    var sum = 0.0
                    var count = 0
                    for di in 0..<window.h {
                        let row = i * strides.h + di - rows.padBefore
                        if row < 0 || row >= h { continue }
                        for dj in 0..<window.w {
                            let col = j * strides.w + dj - cols.padBefore
                            if col < 0 || col >= w { continue }
                            sum += input[b, row, col, k]
                            count += 1
                        }
                    }
                    output[b, i, j, k] = sum / Double(count)
                }
            }
        }
    }
    return output
}
