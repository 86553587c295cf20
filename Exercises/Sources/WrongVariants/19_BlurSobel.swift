import ExerciseKit
import Solutions

/// Typical wrong answers to exercise 19. Each replaces one of the three functions; the check
/// takes all three, so each variant pairs its mistake with the reference for the other two.
public enum Wrong19 {
    /// The blur's integer weights, not divided by their sum: a flat region gets 16 times brighter.
    public static func blurNotNormalized(size: Int) -> [[Double]] {
        var row: [Double] = [1]
        for _ in 1..<max(size, 1) { row = zip([0] + row, row + [0]).map { $0 + $1 } }
        return row.map { a in row.map { a * $0 } }
    }

    /// The box blur (all weights equal) instead of the binomial one.
    public static func boxBlur(size: Int) -> [[Double]] {
        Array(repeating: Array(repeating: 1 / Double(size * size), count: size), count: size)
    }

    /// The left Sobel kernel (vertical edges): the difference along the columns.
    public static func leftSobel() -> [[Double]] {
        [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    }

    /// A wrong way to apply the kernel (one of the channel, flip and padding mistakes).
    struct Apply {
        var sumsChannels = false
        var flipsKernel = false
        var extraPaddingAtStart = false
        var valid = false

        func callAsFunction(_ image: Tensor, _ kernel: [[Double]], _ stride: Int) -> Tensor {
            let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
            let kh = kernel.count, kw = kernel.first?.count ?? 0
            func axis(_ size: Int, _ k: Int) -> (Int, Int) {
                if valid { return (size >= k ? (size - k) / stride + 1 : 0, 0) }
                let out = (size + stride - 1) / stride
                let total = max((out - 1) * stride + k - size, 0)
                return (out, extraPaddingAtStart ? total - total / 2 : total / 2)
            }
            let (oh, padTop) = axis(h, kh), (ow, padLeft) = axis(w, kw)
            var output = Tensor(zeros: [n, oh, ow, c])
            for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for k in 0..<c {
                var sum = 0.0
                for a in 0..<kh { for q in 0..<kw {
                    let row = i * stride + a - padTop, col = j * stride + q - padLeft
                    if row < 0 || row >= h || col < 0 || col >= w { continue }
                    let weight = flipsKernel ? kernel[kh - 1 - a][kw - 1 - q] : kernel[a][q]
                    for m in (sumsChannels ? 0..<c : k..<(k + 1)) { sum += image[b, row, col, m] * weight }
                } }
                output[b, i, j, k] = sum
            } } } }
            return output
        }
    }

    /// kernels.py's [3, 3, 3, 3] filter: every output channel sums all input channels.
    public static func sumsChannels(_ image: Tensor, kernel: [[Double]], stride: Int) -> Tensor {
        Apply(sumsChannels: true)(image, kernel, stride)
    }

    /// The mathematician's convolution (kernel rotated 180 degrees): the Sobel's sign flips.
    public static func flipsKernel(_ image: Tensor, kernel: [[Double]], stride: Int) -> Tensor {
        Apply(flipsKernel: true)(image, kernel, stride)
    }

    /// SAME's odd extra row or column at the top/left.
    public static func extraPaddingAtStart(_ image: Tensor, kernel: [[Double]], stride: Int) -> Tensor {
        Apply(extraPaddingAtStart: true)(image, kernel, stride)
    }

    /// VALID instead of SAME: the image shrinks.
    public static func validPadding(_ image: Tensor, kernel: [[Double]], stride: Int) -> Tensor {
        Apply(valid: true)(image, kernel, stride)
    }
}
