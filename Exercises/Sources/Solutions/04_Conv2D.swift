import ExerciseKit

// Exercise 04 · 2-D convolution with loops   (lecture module 1, Lectures/01-convolution.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let kh = filter.count, kw = filter[0].count
    let oh = image.count - kh + 1, ow = image[0].count - kw + 1
    var output = [[Double]](repeating: [Double](repeating: 0, count: ow), count: oh)
    for i in 0..<oh {
        for j in 0..<ow {
            for a in 0..<kh {
                for b in 0..<kw {
                    output[i][j] += image[i + a][j + b] * filter[a][b]
                }
            }
        }
    }
    return output
}
