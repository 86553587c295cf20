import ExerciseKit

// Exercise 08 · Max pooling, backward   (lecture module 9, Lectures/09-backprop.md)
// Check: swift run exercises        Hint: swift run exercises hint 08

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
    // TODO: find each window's argmax again, then route dOutput to it.
    return Tensor(zeros: [0])
}
