import ExerciseKit

// Exercise 13 · conv2d backward: dInput and dFilter   (lecture module 9, Lectures/09-backprop.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The gradients of exercise 06's conv2d (dilation 1), given dOutput = dL/dy.
///
/// The forward pass multiplied each pair (input cell, filter tap) once per output cell that used
/// it, so the backward pass visits the SAME index triples and adds in both directions:
///
///   for every n, i, j, o and every tap a, b, c whose input cell (row, col) is inside the image,
///   with row = i*sh + a - padTop, col = j*sw + b - padLeft:
///     dInput[n, row, col, c] += filter[a, b, c, o] * dOutput[n, i, j, o]
///     dFilter[a, b, c, o]    += input[n, row, col, c] * dOutput[n, i, j, o]
///
/// Padded cells have no gradient (they are not inputs). Every sum runs over the whole batch.
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - filter: w, shape [KH, KW, C, O]
///   - dOutput: shape [N, OH, OW, O]
///   - strides: (sh, sw); padding: .valid or .same
/// - Returns: dInput [N, H, W, C], dFilter [KH, KW, C, O]
public func conv2DBackward(_ input: Tensor, filter: Tensor, dOutput: Tensor, strides: Size2,
                           padding: Padding) -> (dInput: Tensor, dFilter: Tensor) {
    func padBefore(_ size: Int, _ kernel: Int, _ stride: Int, _ output: Int) -> Int {
        padding == .valid ? 0 : max((output - 1) * stride + kernel - size, 0) / 2
    }
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, o) = (filter.shape[0], filter.shape[1], filter.shape[3])
    let (oh, ow) = (dOutput.shape[1], dOutput.shape[2])
    let padTop = padBefore(h, kh, strides.h, oh)
    let padLeft = padBefore(w, kw, strides.w, ow)
    var dInput = Tensor(zeros: input.shape)
    var dFilter = Tensor(zeros: filter.shape)
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for f in 0..<o {
                    let upstream = dOutput[b, i, j, f]
                    for di in 0..<kh {
                        let row = i * strides.h + di - padTop
                        if row < 0 || row >= h { continue }
                        for dj in 0..<kw {
                            let col = j * strides.w + dj - padLeft
                            if col < 0 || col >= w { continue }
                            for k in 0..<c {
                                dInput[b, row, col, k] += filter[di, dj, k, f] * upstream
                                dFilter[di, dj, k, f] += input[b, row, col, k] * upstream
                            }
                        }
                    }
                }
            }
        }
    }
    return (dInput: dInput, dFilter: dFilter)
}
