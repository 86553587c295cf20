import ExerciseKit

// Exercise 01 · Output size, VALID and SAME   (lecture module 1, Lectures/01-convolution.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// How many positions a window of `kernelSize` cells takes along an axis of `inputSize` cells
/// when it moves `stride` cells at a time, as TensorFlow counts them.
///
/// - VALID: no padding. The window only stops where it fits entirely; leftover cells at the end
///   are never visited. 28 inputs, kernel 5, stride 1 -> 24.
/// - SAME: zeros are added so that every input cell starts a window when stride is 1: the output
///   depends only on the input size and the stride. 28 inputs, kernel 5, stride 1 -> 28;
///   7 inputs, kernel 3, stride 2 -> 4.
///
/// - Returns: the output size (an `Int` >= 0; 0 when a VALID kernel is larger than the input).
public func outputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
    switch padding {
    case .valid:
        guard kernelSize <= inputSize else { return 0 }
        return (inputSize - kernelSize) / stride + 1
    case .same:
        return (inputSize + stride - 1) / stride
    }
}
