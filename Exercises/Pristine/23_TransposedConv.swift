import ExerciseKit

// Exercise 23 · Transposed convolution   (lecture module 10, Lectures/10-backprop-2d.md)
// Check: swift run exercises        Hint: swift run exercises hint 23

/// The output size of a transposed convolution along one axis, as Keras's `Conv2DTranspose`
/// infers it (`deconv_output_length` without output padding):
///
///   SAME:   inputSize * stride
///   VALID:  inputSize * stride + max(kernelSize - stride, 0)
///
/// VALID is (I - 1) * S + K while the kernel is at least the stride; with a stride larger than
/// the kernel the windows no longer touch, and the output keeps I * S cells.
public func transposedOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
    // TODO: the two rules above.
    return 0
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
    // TODO: the output size, the padding offset, then scatter with +=.
    return Tensor(zeros: [0])
}
