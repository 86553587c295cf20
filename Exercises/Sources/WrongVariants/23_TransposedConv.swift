import ExerciseKit
import Solutions

/// Typical wrong answers to exercise 23.
public enum Wrong23 {
    /// VALID as (I - 1) * S + K always: too small when the stride is larger than the kernel.
    public static func validSizeAlwaysMinimal(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        padding == .same ? inputSize * stride : (inputSize - 1) * stride + kernelSize
    }

    /// SAME as (I - 1) * S + 1: the smallest size a SAME conv2d maps back to I, not TF's.
    public static func sameSizeMinimal(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        padding == .same ? (inputSize - 1) * stride + 1 : inputSize * stride + max(kernelSize - stride, 0)
    }

    struct Scatter {
        var assign = false
        var noPaddingOffset = false
        var flipsFilter = false
        var firstOutputChannelOnly = false

        func callAsFunction(_ input: Tensor, _ filter: Tensor, _ strides: Size2, _ padding: Padding) -> Tensor {
            let (n, h, w, o) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
            let (kh, kw, c) = (filter.shape[0], filter.shape[1], filter.shape[2])
            let oh = Solutions.transposedOutputSize(inputSize: h, kernelSize: kh, stride: strides.h, padding: padding)
            let ow = Solutions.transposedOutputSize(inputSize: w, kernelSize: kw, stride: strides.w, padding: padding)
            let padTop = padding == .same && !noPaddingOffset ? max((h - 1) * strides.h + kh - oh, 0) / 2 : 0
            let padLeft = padding == .same && !noPaddingOffset ? max((w - 1) * strides.w + kw - ow, 0) / 2 : 0
            var output = Tensor(zeros: [n, oh, ow, c])
            for b in 0..<n { for i in 0..<h { for j in 0..<w { for q in 0..<(firstOutputChannelOnly ? 1 : o) {
                for a in 0..<kh { for d in 0..<kw {
                    let row = i * strides.h + a - padTop, col = j * strides.w + d - padLeft
                    if row < 0 || row >= oh || col < 0 || col >= ow { continue }
                    for k in 0..<c {
                        let weight = flipsFilter ? filter[kh - 1 - a, kw - 1 - d, k, q] : filter[a, d, k, q]
                        let term = input[b, i, j, q] * weight
                        if assign { output[b, row, col, k] = term } else { output[b, row, col, k] += term }
                    }
                } }
            } } } }
            return output
        }
    }

    /// `=` instead of `+=`: where windows overlap (stride < kernel) only the last one counts.
    public static func assignInsteadOfAdd(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
        Scatter(assign: true)(input, filter, strides, padding)
    }

    /// SAME without the padding offset: everything lands padTop rows too low.
    public static func ignoresPaddingOffset(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
        Scatter(noPaddingOffset: true)(input, filter, strides, padding)
    }

    /// Rotates the filter 180 degrees (the full-convolution picture applied to the scatter).
    public static func flipsFilter(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
        Scatter(flipsFilter: true)(input, filter, strides, padding)
    }

    /// Forgets the sum over the input's channels (o).
    public static func firstChannelOnly(_ input: Tensor, filter: Tensor, strides: Size2, padding: Padding) -> Tensor {
        Scatter(firstOutputChannelOnly: true)(input, filter, strides, padding)
    }
}
