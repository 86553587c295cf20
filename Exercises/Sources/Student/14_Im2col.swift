import ExerciseKit

// Exercise 14 · im2col: convolution as a matrix product   (lecture module 18, Lectures/18-making-it-fast.md)
// Check: swift run exercises        Hint: swift run exercises hint 14

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
    // TODO: one row per output position, one column per filter tap.
    return []
}
