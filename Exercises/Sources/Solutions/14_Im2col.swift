import ExerciseKit

// Exercise 14 · im2col: convolution as a matrix product   (lecture module 18, Lectures/18-making-it-fast.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// Unrolls every window of the input into one row of a matrix, so that conv2d becomes a single
/// matrix product (GEMM), the trick behind fast convolution:
///
///   columns = im2col(input)                         shape [N*OH*OW][KH*KW*C]
///   y       = columns x filter reshaped [KH*KW*C, O]  shape [N*OH*OW][O] = [N, OH, OW, O]
///
/// Row r = (n * OH + i) * OW + j holds window (n, i, j); column (a * KW + b) * C + c holds the
/// input cell under filter tap (a, b, c), i.e. x[n, i*sh + a - padTop, j*sw + b - padLeft, c],
/// or 0 where that cell is padding. (This is the filter's own row-major order, so the filter
/// needs no transposing.) Window geometry as in exercise 06 with dilation 1.
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - kernel: (KH, KW); strides: (sh, sw); padding: .valid or .same
/// - Returns: the matrix, shape [N*OH*OW][KH*KW*C]
public func im2col(_ input: Tensor, kernel: Size2, strides: Size2, padding: Padding) -> [[Double]] {
    func axis(_ size: Int, _ k: Int, _ stride: Int) -> (output: Int, padBefore: Int) {
        switch padding {
        case .valid:
            return (size >= k ? (size - k) / stride + 1 : 0, 0)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max((output - 1) * stride + k - size, 0) / 2)
        }
    }
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let rows = axis(h, kernel.h, strides.h)
    let cols = axis(w, kernel.w, strides.w)
    var matrix: [[Double]] = []
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                var row = [Double](repeating: 0, count: kernel.h * kernel.w * c)
                for di in 0..<kernel.h {
                    let r = i * strides.h + di - rows.padBefore
                    if r < 0 || r >= h { continue }
                    for dj in 0..<kernel.w {
                        let q = j * strides.w + dj - cols.padBefore
                        if q < 0 || q >= w { continue }
                        for k in 0..<c {
                            row[(di * kernel.w + dj) * c + k] = input[b, r, q, k]
                        }
                    }
                }
                matrix.append(row)
            }
        }
    }
    return matrix
}
