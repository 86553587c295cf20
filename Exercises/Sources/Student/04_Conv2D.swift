import ExerciseKit

// Exercise 04 · 2-D convolution with loops   (lecture module 1, Lectures/01-convolution.md)
// Check: swift run exercises        Hint: swift run exercises hint 04

/// 2-D cross-correlation of one grey image with one filter, VALID padding, stride 1:
///
///   y[i][j] = sum over a in 0..<KH, b in 0..<KW of  x[i + a][j + b] * w[a][b]
///
/// The lab's toy example: x = [[1,2,3],[4,5,6],[7,8,9]] with the 2x2 filter of ones gives
/// [[12,16],[24,28]] (12 = 1+2+4+5).
///
/// - Parameters:
///   - image: x, shape [H][W] (rows of equal length)
///   - filter: w, shape [KH][KW], KH <= H, KW <= W
/// - Returns: y, shape [H - KH + 1][W - KW + 1]
public func conv2D(_ image: [[Double]], filter: [[Double]]) -> [[Double]] {
    // TODO: four nested loops: output row, output column, filter row, filter column.
    return []
}
