import ExerciseKit
import Foundation

// Exercise 29 · Nearest and bilinear resize, and PSNR   (lecture module 17, Lectures/17-srcnn.md)
// Check: swift run exercises        Hint: swift run exercises hint 29

/// Resizes images as TF2's `tf.image.resize(..., method: "nearest")` (half-pixel centres, no
/// antialiasing). Per axis, with scale = input size / output size, output cell o reads input
///
///   min(floor((o + 0.5) * scale), inputSize - 1)
///
/// (the input cell under the output cell's centre). Channels and examples are independent.
///
/// - Parameters: image [N, H, W, C]; size (OH, OW), each >= 1
/// - Returns: [N, OH, OW, C]
public func resizeNearest(_ image: Tensor, size: Size2) -> Tensor {
    // TODO: one source row per output row and one source column per output column.
    return Tensor(zeros: [0])
}

/// Resizes images as TF2's `tf.image.resize(..., method: "bilinear")`. Per axis, output cell o
/// sits at position p = (o + 0.5) * scale - 0.5 in input coordinates; with f = floor(p) and
/// t = p - f it blends input f (weight 1 - t) and input f + 1 (weight t), both indices clamped
/// to [0, inputSize - 1]. The two axes combine as a product of weights:
///
///   y[n, i, j, c] = sum over the 2 rows r and 2 columns s of  u(i, r) * v(j, s) * x[n, r, s, c]
///
/// [[1, 2], [3, 4]] to 4x4 gives the rows [1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], ...
public func resizeBilinear(_ image: Tensor, size: Size2) -> Tensor {
    // TODO: the two taps and weights per output row and per output column, then the products.
    return Tensor(zeros: [0])
}

/// The peak signal-to-noise ratio of `image` against `reference` (same shape), in dB:
///
///   PSNR = 10 * log10(peak^2 / MSE),   MSE = mean over all elements of (image - reference)^2
///
/// +infinity when the two are equal (MSE 0). Peak 1 for pixels in [0, 1], 255 for bytes.
public func psnr(_ image: Tensor, reference: Tensor, peak: Double) -> Double {
    // TODO: the mean squared error, then the decibels.
    return 0
}
