import ExerciseKit

// Exercise 08 · Max pooling, backward   (lecture module 9, Lectures/09-backprop.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The gradient of max pooling. Each window passed on ONE input value, its max; so the window's
/// upstream gradient dOutput[n, i, j, c] goes to that input cell, and every other cell of the
/// window gets nothing from this window.
///
///   dInput[n, r*, q*, c] += dOutput[n, i, j, c]    where (r*, q*) is the argmax of window (i, j)
///
/// Windows overlap when the stride is smaller than the window (3x3 windows, stride 2): one cell
/// can be the max of several windows, and then it receives the SUM of their gradients.
/// Window geometry and padding as in exercise 07 (padded cells are never the max). Ties do not
/// occur in the checks (TF would pick the first max in row-major window order).
///
/// - Parameters:
///   - input: x, shape [N, H, W, C] (the forward input)
///   - dOutput: shape [N, OH, OW, C]
///   - window, strides, padding: as the forward pass
/// - Returns: dInput, shape [N, H, W, C]
public func maxPoolBackward(_ input: Tensor, dOutput: Tensor, window: Size2, strides: Size2,
                            padding: Padding) -> Tensor {
    func padBefore(_ size: Int, _ kernel: Int, _ stride: Int, _ output: Int) -> Int {
        padding == .valid ? 0 : max((output - 1) * stride + kernel - size, 0) / 2
    }
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (oh, ow) = (dOutput.shape[1], dOutput.shape[2])
    let padTop = padBefore(h, window.h, strides.h, oh)
    let padLeft = padBefore(w, window.w, strides.w, ow)
    var dInput = Tensor(zeros: input.shape)
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for k in 0..<c {
                    var best = -Double.infinity
                    var bestRow = -1, bestCol = -1
                    for di in 0..<window.h {
                        let row = i * strides.h + di - padTop
                        if row < 0 || row >= h { continue }
                        for dj in 0..<window.w {
                            let col = j * strides.w + dj - padLeft
                            if col < 0 || col >= w { continue }
                            if input[b, row, col, k] > best {
                                best = input[b, row, col, k]
                                bestRow = row
                                bestCol = col
                            }
                        }
                    }
                    dInput[b, bestRow, bestCol, k] += dOutput[b, i, j, k]
                }
            }
        }
    }
    return dInput
}
