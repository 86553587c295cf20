import ExerciseKit

// Exercise 19 · Blur and Sobel kernels, per channel   (lecture module 3, Lectures/03-kernels.md)
// Check: swift run exercises        Hint: swift run exercises hint 19

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
    // TODO: Pascal's row, the outer product with itself, then divide by the total.
    return []
}

/// The lecture's top Sobel kernel, which lights up horizontal edges (bright above, dark below):
/// a difference down the rows (1, 0, -1) times a blur along the columns (1, 2, 1).
///
///   [[ 1,  2,  1],
///    [ 0,  0,  0],
///    [-1, -2, -1]]
public func topSobel() -> [[Double]] {
    // TODO: the outer product of [1, 0, -1] (rows) with [1, 2, 1] (columns).
    return []
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
    // TODO: exercise 06's loops with one channel at a time: no sum over the channels.
    return Tensor(zeros: [0])
}
