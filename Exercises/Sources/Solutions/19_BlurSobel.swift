import ExerciseKit

// Exercise 19 · Blur and Sobel kernels, per channel   (lecture module 3, Lectures/03-kernels.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The binomial blur of `size` x `size` taps: row `size - 1` of Pascal's triangle (1 1, 1 2 1,
/// 1 3 3 1, ...) times itself, divided by the sum of all weights so they sum to 1 and a flat
/// region keeps its brightness. Size 3 is the lecture's blur:
///
///   [[1, 2, 1],                                    [[0.0625, 0.125, 0.0625],
///    [2, 4, 2],  / 16   =                           [0.125,  0.25,  0.125 ],
///    [1, 2, 1]]                                     [0.0625, 0.125, 0.0625]]
///
/// - Parameter size: >= 1 (size 1 is [[1]], the identity).
/// - Returns: `size` rows of `size` weights.
public func binomialBlur(size: Int) -> [[Double]] {
    // Pascal's row size - 1: each entry is the sum of the two above it.
    var row: [Double] = [1]
    for _ in 1..<max(size, 1) {
        row = zip([0] + row, row + [0]).map { $0 + $1 }
    }
    let total = row.reduce(0, +) * row.reduce(0, +)
    return row.map { a in row.map { b in a * b / total } }
}

/// The lecture's top Sobel kernel, which lights up horizontal edges (bright above, dark below):
/// a difference down the rows (1, 0, -1) times a blur along the columns (1, 2, 1).
///
///   [[ 1,  2,  1],
///    [ 0,  0,  0],
///    [-1, -2, -1]]
public func topSobel() -> [[Double]] {
    let difference: [Double] = [1, 0, -1], smooth: [Double] = [1, 2, 1]
    return difference.map { d in smooth.map { d * $0 } }
}

/// Applies one kernel to every channel of an image ON ITS OWN, as `tf.nn.depthwise_conv2d` with
/// the kernel repeated per channel (filter [KH, KW, C, 1]): colours stay colours. Cross-
/// correlation (the kernel is not flipped), SAME padding with TF's split (the odd extra row or
/// column at the bottom/right, exercise 02), the same stride along both axes:
///
///   y[n, i, j, c] = sum over a, b of  x[n, i*stride + a - padTop, j*stride + b - padLeft, c] * kernel[a][b]
///
/// Not kernels.py's way: its [3, 3, 3, 3] filter sums the three channels into every output.
///
/// - Parameters:
///   - image: x, shape [N, H, W, C]
///   - kernel: KH rows of KW weights (any size, also larger than the image)
///   - stride: >= 1
/// - Returns: y, shape [N, ceil(H / stride), ceil(W / stride), C]
public func filterPerChannel(_ image: Tensor, kernel: [[Double]], stride: Int) -> Tensor {
    let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    let kh = kernel.count, kw = kernel.first?.count ?? 0
    let oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride
    let padTop = max((oh - 1) * stride + kh - h, 0) / 2
    let padLeft = max((ow - 1) * stride + kw - w, 0) / 2
    var output = Tensor(zeros: [n, oh, ow, c])
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for k in 0..<c {
                    var sum = 0.0
                    for a in 0..<kh {
                        let row = i * stride + a - padTop
                        if row < 0 || row >= h { continue }
                        for q in 0..<kw {
                            let col = j * stride + q - padLeft
                            if col < 0 || col >= w { continue }
                            sum += image[b, row, col, k] * kernel[a][q]
                        }
                    }
                    output[b, i, j, k] = sum
                }
            }
        }
    }
    return output
}
