import ExerciseKit

// Exercise 06 · Stride, dilation and padding   (lecture module 1, Lectures/01-convolution.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    func axis(_ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int) -> (output: Int, padBefore: Int) {
        let effective = (kernel - 1) * dilation + 1
        switch padding {
        case .valid:
            return (size >= effective ? (size - effective) / stride + 1 : 0, 0)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max((output - 1) * stride + effective - size, 0) / 2)
        }
    }
    let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, o) = (filter.shape[0], filter.shape[1], filter.shape[3])
    let rows = axis(h, kh, strides.h, dilations.h)
    let cols = axis(w, kw, strides.w, dilations.w)
    var output = Tensor(zeros: [n, rows.output, cols.output, o])
    for b in 0..<n {
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for f in 0..<o {
                    var sum = 0.0
                    for di in 0..<kh {
                        // seek to input row i*sh + a*dh - padTop
                        let row = i * strides.h + di * dilations.h - rows.padBefore
                        if row < 0 || row >= h { continue }
                        for dj in 0..<kw {
                            let col = j * strides.w + dj * dilations.w - cols.padBefore
                            if col < 0 || col >= w { continue }
                            for k in 0..<c {
                                sum += input[b, row, col, k] * filter[di, dj, k, f]
                            }
                        }
                    }
                    output[b, i, j, f] = sum
                }
            }
        }
    }
    return output
}
