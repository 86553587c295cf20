import ExerciseKit

// Exercise 02 · SAME padding amounts (top, bottom, left, right)   (lecture module 2, Lectures/02-padding.md)
// Check: swift run exercises        Hint: swift run exercises hint 02

/// How many zero rows and columns TensorFlow's SAME padding adds on each side of an image of
/// `input` (height, width) for a `kernel` (height, width) moving by `stride` (height, width).
///
/// Per axis, with input I, kernel F, stride S:
///   out      = ceil(I / S)                            (the SAME output size, exercise 01)
///   padTotal = max((out - 1) * S + F - I, 0)          (cells the last window hangs over)
/// The total is split between the start (top/left) and the end (bottom/right). When it is odd,
/// TensorFlow puts the extra cell at the END: 8 cells, kernel 3, stride 2 -> top 0, bottom 1.
///
/// - Returns: `(top, bottom, left, right)`, each >= 0.
public func samePadding(input: Size2, kernel: Size2, stride: Size2) -> (top: Int, bottom: Int, left: Int, right: Int) {
    // TODO: compute padTotal for the rows and for the columns, then split each one.
    return (top: 0, bottom: 0, left: 0, right: 0)
}
