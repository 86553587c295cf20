import ExerciseKit

// Exercise 06 · Stride, dilation and padding   (lecture module 1, Lectures/01-convolution.md)
// Check: swift run exercises        Hint: swift run exercises hint 06

/// Full `tf.nn.conv2d`: strides, dilations and VALID or SAME padding.
///
/// With a dilation d the filter's taps are d cells apart: the effective kernel is
/// EKH = (KH - 1) * dh + 1 (and EKW likewise). Per axis (exercises 01 and 02):
///   VALID: OH = (H - EKH) / sh + 1, no padding
///   SAME:  OH = ceil(H / sh), padTotal = max((OH - 1) * sh + EKH - H, 0), padTop = padTotal / 2
///
///   y[n, i, j, o] = sum over a, b, c of  x[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, c] * w[a, b, c, o]
///
/// where a read outside the image is a padded zero (skip it).
///
/// - Parameters:
///   - input: x, shape [N, H, W, C]
///   - filter: w, shape [KH, KW, C, O]
///   - strides: (sh, sw); dilations: (dh, dw); padding: .valid or .same
/// - Returns: y, shape [N, OH, OW, O]
public func conv2DStrided(_ input: Tensor, filter: Tensor, strides: Size2, dilations: Size2,
                          padding: Padding) -> Tensor {
    // TODO: the output size and padTop/padLeft per axis, then the loops of exercise 05 with the
    // new input index; skip taps that land in the padding.
    return Tensor(zeros: [0])
}
