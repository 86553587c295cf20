import ExerciseKit
import Foundation

// Exercise 29 · Nearest and bilinear resize, and PSNR   (lecture module 17, Lectures/17-srcnn.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    func source(_ o: Int, _ input: Int, _ output: Int) -> Int {
        min(Int(((Double(o) + 0.5) * Double(input) / Double(output)).rounded(.down)), input - 1)
    }
    var y = Tensor(zeros: [n, size.h, size.w, c])
    for b in 0..<n {
        for i in 0..<size.h {
            for j in 0..<size.w {
                for k in 0..<c { y[b, i, j, k] = image[b, source(i, h, size.h), source(j, w, size.w), k] }
            }
        }
    }
    return y
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
    let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    /// The two input cells output cell o blends, and their weights.
    func taps(_ o: Int, _ input: Int, _ output: Int) -> [(index: Int, weight: Double)] {
        let position = (Double(o) + 0.5) * Double(input) / Double(output) - 0.5
        let f = position.rounded(.down), t = position - f
        func clamp(_ i: Int) -> Int { min(max(i, 0), input - 1) }
        return [(clamp(Int(f)), 1 - t), (clamp(Int(f) + 1), t)]
    }
    var y = Tensor(zeros: [n, size.h, size.w, c])
    for b in 0..<n {
        for i in 0..<size.h {
            for j in 0..<size.w {
                for row in taps(i, h, size.h) {
                    for column in taps(j, w, size.w) {
                        for k in 0..<c { y[b, i, j, k] += row.weight * column.weight * image[b, row.index, column.index, k] }
                    }
                }
            }
        }
    }
    return y
}

/// The peak signal-to-noise ratio of `image` against `reference` (same shape), in dB:
///
///   PSNR = 10 * log10(peak^2 / MSE),   MSE = mean over all elements of (image - reference)^2
///
/// +infinity when the two are equal (MSE 0). Peak 1 for pixels in [0, 1], 255 for bytes.
public func psnr(_ image: Tensor, reference: Tensor, peak: Double) -> Double {
    let squares = zip(image.scalars, reference.scalars).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let mse = squares / Double(image.scalars.count)
    return mse == 0 ? .infinity : 10 * log10(peak * peak / mse)
}
