import ExerciseKit

// Exercise 02 · SAME padding amounts (top, bottom, left, right)   (lecture module 2, Lectures/02-padding.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    func split(_ i: Int, _ f: Int, _ s: Int) -> (start: Int, end: Int) {
        let out = (i + s - 1) / s
        let total = max((out - 1) * s + f - i, 0)
        return (total / 2, total - total / 2)
    }
    let rows = split(input.h, kernel.h, stride.h)
    let cols = split(input.w, kernel.w, stride.w)
    return (top: rows.start, bottom: rows.end, left: cols.start, right: cols.end)
}
