import ExerciseKit

// Exercise 13 · conv2d backward: dInput and dFilter   (lecture module 9, Lectures/09-backprop.md)
// Check: swift run exercises        Hint: swift run exercises hint 13

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
    // TODO: the forward loops again, with two += lines instead of the sum.
    return (dInput: Tensor(zeros: [0]), dFilter: Tensor(zeros: [0]))
}
