/// The other formulas of the lectures: explicit padding, the lab's SAME pad formula,
/// parameter counts and activation memory.

/// Output size with explicit zero padding `P` on both sides: `(W - F + 2P) / S + 1`.
///
/// The notebook warns that libraries differ when `(W - F + 2P)` is not a multiple of `S`
/// (some floor, some refuse); ConvLab refuses.
/// - Throws: `ConvLabError.argument` when the division is not exact or the window does not fit.
public func explicitPaddingOutputSize(input: Int, kernel: Int, padding: Int, stride: Int) throws -> Int {
    guard input >= 1, kernel >= 1, padding >= 0, stride >= 1 else {
        throw ConvLabError.argument(op: "outputSize",
            message: "need W >= 1, F >= 1, P >= 0, S >= 1 (got W=\(input), F=\(kernel), P=\(padding), S=\(stride))")
    }
    let span = input - kernel + 2 * padding
    guard span >= 0 else {
        throw ConvLabError.argument(op: "outputSize",
            message: "a \(kernel)-wide filter does not fit \(input) + 2*\(padding) padded input")
    }
    guard span % stride == 0 else {
        throw ConvLabError.argument(op: "outputSize",
            message: "(W - F + 2P) / S + 1 = (\(input) - \(kernel) + 2*\(padding)) / \(stride) + 1 is not an integer")
    }
    return span / stride + 1
}

/// Lab 11-0's SAME padding formula:
/// `P_start = floor((S * ceil(I / S) - I + F - S) / 2)`, `P_end = ceil((S * ceil(I / S) - I + F - S) / 2)`.
///
/// It equals TensorFlow's rule whenever `S * ceil(I / S) - I + F - S >= 0`. When that quantity is
/// negative (a stride larger than the kernel with an input that divides evenly, e.g. I = 4, F = 1,
/// S = 2 gives -1), the lab's formula yields a negative pad, while TF clamps the total at 0.
public func labSamePadding(input: Int, kernel: Int, stride: Int) -> (start: Int, end: Int) {
    let out = (input + stride - 1) / stride
    let total = stride * out - input + kernel - stride
    // floor and ceil of total / 2 for a possibly negative total.
    let start = total >= 0 ? total / 2 : -((-total + 1) / 2)
    return (start, total - start)
}

/// Learnable parameters of a conv layer: `(F * F * D1 + 1) * K`
/// (`F x F` kernel over `D1` input channels, one bias per filter, `K` filters).
public func convParameterCount(kernel: Int, inputDepth: Int, filters: Int, bias: Bool = true) -> Int {
    (kernel * kernel * inputDepth + (bias ? 1 : 0)) * filters
}

/// Parameters of a dense layer: `(inputs + 1) * outputs` (weights plus one bias per output).
public func denseParameterCount(inputs: Int, outputs: Int, bias: Bool = true) -> Int {
    (inputs + (bias ? 1 : 0)) * outputs
}

/// The notebook's activation-memory estimate: the activations of a stack of layers, and the
/// bytes to hold them *and* their gradients (two copies) in `bytesPerValue`-byte floats.
public struct ActivationMemory: Equatable, Sendable {
    /// The values all the layers output, summed.
    public let activations: Int
    /// The bytes of those values and their gradients: `activations * bytesPerValue * 2`.
    public let bytesWithGradients: Int

    /// - Parameters:
    ///   - shapes: the output shape of each layer (batch dimension excluded).
    ///   - bytesPerValue: 4 for Float, 8 for Double.
    public init(layerOutputs shapes: [[Int]], bytesPerValue: Int = 4) {
        activations = shapes.map { $0.reduce(1, *) }.reduce(0, +)
        bytesWithGradients = activations * bytesPerValue * 2
    }
}

/// The text `convlab shapes` prints: the output size and TF's actual pads on both sides, so a
/// student can check SAME/VALID by hand (TF's extra bottom/right pad is a classic confusion).
/// - Throws: as `WindowAxis.init`.
package func shapesReport(input: Int, kernel: Int, stride: Int = 1, dilation: Int = 1,
                         padding: Padding) throws -> String {
    let axis = try WindowAxis(input: input, kernel: kernel, stride: stride, dilation: dilation,
                              padding: padding, op: "shapes")
    var lines = [
        "input \(input), kernel \(kernel) (effective \(axis.effectiveKernel)), stride \(stride), dilation \(dilation), \(padding)",
        "output \(axis.output)",
        "pad top/left \(axis.padBefore), bottom/right \(axis.padAfter)",
    ]
    switch padding {
    case .same:
        lines.append("SAME: out = ceil(\(input) / \(stride)) = \(axis.output); "
            + "padTotal = max((\(axis.output) - 1) * \(stride) + \(axis.effectiveKernel) - \(input), 0) = \(axis.padBefore + axis.padAfter)")
        let lab = labSamePadding(input: input, kernel: kernel, stride: stride)
        if lab.start != axis.padBefore || lab.end != axis.padAfter {
            lines.append("note: lab 11-0's P_start/P_end formula gives \(lab.start)/\(lab.end) here; TF clamps the total at 0")
        }
    case .valid:
        let used = (axis.output - 1) * stride + axis.effectiveKernel
        lines.append("VALID: out = floor((\(input) - \(axis.effectiveKernel)) / \(stride)) + 1 = \(axis.output)"
            + (used < input ? "; the last \(input - used) input row(s) are never read" : ""))
    case .explicit:
        break  // unreachable: WindowAxis(padding:) above throws for four-sided pads
    }
    return lines.joined(separator: "\n")
}
