import ExerciseKit

// Exercise 23 · Transposed convolution   (lecture module 10, Lectures/10-backprop-2d.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The output size of a transposed convolution along one axis, as Keras's `Conv2DTranspose`
/// infers it (`deconv_output_length` without output padding):
///
///   SAME:   inputSize * stride
///   VALID:  inputSize * stride + max(kernelSize - stride, 0)
///
/// VALID is (I - 1) * S + K while the kernel is at least the stride; with a stride larger than
/// the kernel the windows no longer touch, and the output keeps I * S cells.
public func transposedOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
    switch padding {
    case .same: return inputSize * stride
    case .valid: return inputSize * stride + max(kernelSize - stride, 0)
    }
}

/// `tf.nn.conv2d_transpose`: conv2d (exercise 06, dilation 1) run backwards. Every input cell
/// SCATTERS its value, weighted by the filter, into the output window that a conv2d from the
/// output back to the input would have read:
///
///   out[n, i*sh + a - padTop, j*sw + b - padLeft, c] += input[n, i, j, o] * filter[a, b, c, o]
///
/// for every n, i, j, o and tap a, b, c whose output cell is inside. The output is
/// [N, OH, OW, C] with OH = transposedOutputSize(H, KH, sh, padding); padTop and padLeft are the
/// SAME padding a conv2d from OH to H would use (exercise 02: max((H - 1)*sh + KH - OH, 0) / 2),
/// 0 for VALID. It is exactly the dInput of exercise 13 with `input` as dOutput.
///
/// - Parameters:
///   - input: [N, H, W, O]
///   - filter: [KH, KW, C, O], the filter of the conv2d it reverses (C inputs, O outputs)
///   - strides: (sh, sw); padding: .valid or .same
/// - Returns: [N, OH, OW, C]
public func conv2DTranspose(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
    let (n, h, w, o) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (kh, kw, c) = (filter.shape[0], filter.shape[1], filter.shape[2])
    let oh = transposedOutputSize(inputSize: h, kernelSize: kh, stride: strides.h, padding: padding)
    let ow = transposedOutputSize(inputSize: w, kernelSize: kw, stride: strides.w, padding: padding)
    // The padding of the conv2d that maps OH back to H.
    let padTop = padding == .same ? max((h - 1) * strides.h + kh - oh, 0) / 2 : 0
    let padLeft = padding == .same ? max((w - 1) * strides.w + kw - ow, 0) / 2 : 0
    var output = Tensor(zeros: [n, oh, ow, c])
    for b in 0..<n {
        for i in 0..<h {
            for j in 0..<w {
                for q in 0..<o {
                    let value = input[b, i, j, q]
                    for a in 0..<kh {
                        let row = i * strides.h + a - padTop
                        if row < 0 || row >= oh { continue }
                        for d in 0..<kw {
                            let col = j * strides.w + d - padLeft
                            if col < 0 || col >= ow { continue }
                            for k in 0..<c { output[b, row, col, k] += value * filter[a, d, k, q] }
                        }
                    }
                }
            }
        }
    }
    return output
}
