/// The shapes and taps of an image resize as TF2's `tf.image.resize` computes them
/// (`antialias=False`, half-pixel centres), shared by the reference loops, the fast twin and the
/// `Resize` layer. The formulas are in `Reference/Resize.swift`'s header.

public enum ResizeMethod: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Each output copies the input pixel its centre falls in.
    case nearest
    /// Each output blends the 2 x 2 input pixels around its centre.
    case bilinear
    /// Each output blends the 4 x 4 input pixels around its centre with Keys' cubic (`a = -0.5`).
    case bicubic

    public var description: String { rawValue }

    /// Parses "nearest", "bilinear" or "bicubic".
    public init(parsing text: String) throws {
        guard let method = ResizeMethod(rawValue: text.lowercased()) else {
            throw ConvLabError.argument(op: "resize", message: "method '\(text)' is not nearest, bilinear or bicubic")
        }
        self = method
    }
}

/// One input position read by an output position along one axis, and its weight.
package struct ResizeTap: Equatable, Sendable {
    /// The input position (row or column) read.
    package let source: Int
    /// Its weight; the taps of one output position sum to 1.
    package let weight: Double
}

/// The validated shapes of one resize and its per-axis taps, shared by forward and backward (so
/// the backward pass is the exact adjoint) and by a fast twin.
package struct ResizeGeometry: Equatable, Sendable, OutputShaped {
    /// `N`.
    package let batch: Int
    /// `C`, resized one by one.
    package let channels: Int
    /// `(H, W)`.
    package let inputSize: Size2
    /// `(OH, OW)`.
    package let outputSize: Size2
    /// `rowTaps[i]`: the input rows output row `i` reads.
    package let rowTaps: [[ResizeTap]]
    /// `colTaps[j]`: the input columns output column `j` reads.
    package let colTaps: [[ResizeTap]]

    /// - Throws: `ConvLabError` naming `op` for a non-NHWC input, an empty image, a size below 1,
    ///   or an output beyond `TensorShape.maximumExtent`.
    package init(input: [Int], size: Size2, method: ResizeMethod, op: String = "resize") throws {
        try OpCheck.rank(input, "[N,H,W,C]", name: "input", op: op)
        guard input[1] >= 1, input[2] >= 1, input[0] >= 0, input[3] >= 0 else {
            throw ConvLabError.shape(op: op, message: "input \(describeShape(input)) needs H >= 1 and W >= 1")
        }
        guard size.h >= 1, size.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "size \(size) must be >= 1 on both axes (input \(describeShape(input)))")
        }
        // The output must be a tensor ConvLab can hold (checked product): a size of 2^32 is an
        // error here, before a tap table of that length is built.
        _ = try TensorShape.extent([input[0], size.h, size.w, input[3]], op: op)
        batch = input[0]
        channels = input[3]
        inputSize = Size2(input[1], input[2])
        outputSize = size
        rowTaps = ResizeGeometry.taps(input: input[1], output: size.h, method: method)
        colTaps = ResizeGeometry.taps(input: input[2], output: size.w, method: method)
    }

    /// `[N, H, W, C]`.
    package var input: NHWC { NHWC(batch, inputSize.h, inputSize.w, channels) }
    /// `[N, OH, OW, C]`.
    package var output: NHWC { NHWC(batch, outputSize.h, outputSize.w, channels) }
    /// `[N, OH, OW, C]`.
    package var outputShape: [Int] { output.shape }

    /// The row-major offset of `x[n, r, s, c]` in the `[N, H, W, C]` input.
    @inline(__always) package func inputIndex(_ n: Int, _ r: Int, _ s: Int, _ c: Int) -> Int { input.index(n, r, s, c) }
    /// The row-major offset of `y[n, i, j, c]` in the `[N, OH, OW, C]` output.
    @inline(__always) package func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ c: Int) -> Int { output.index(n, i, j, c) }

    /// The taps of every output position along one axis of `input` positions resized to `output`
    /// (both `>= 1`), by the rules in this file's header.
    package static func taps(input: Int, output: Int, method: ResizeMethod) -> [[ResizeTap]] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            switch method {
            case .nearest:
                let source = Int((Float(o) + 0.5) * scale)  // floor: the product is >= 0
                return [ResizeTap(source: min(source, input - 1), weight: 1)]
            case .bilinear:
                let position = (Float(o) + 0.5) * scale - 0.5
                let f = Int(position.rounded(.down))
                let t = Double(position - Float(f))
                return [ResizeTap(source: clamp(f, input), weight: 1 - t),
                        ResizeTap(source: clamp(f + 1, input), weight: t)]
            case .bicubic:
                let position = (Float(o) + 0.5) * scale - 0.5
                let f = Int(position.rounded(.down))
                let t = Double(position - Float(f))
                let candidates = [(f - 1, keysCubic(1 + t)), (f, keysCubic(t)),
                                  (f + 1, keysCubic(1 - t)), (f + 2, keysCubic(2 - t))]
                // Drop taps outside the image (no edge clamping) and renormalise the rest to sum 1.
                let inside = candidates.filter { $0.0 >= 0 && $0.0 < input }
                let total = inside.reduce(0) { $0 + $1.1 }
                return inside.map { ResizeTap(source: $0.0, weight: $0.1 / total) }
            }
        }
    }

    private static func clamp(_ position: Int, _ size: Int) -> Int { min(max(position, 0), size - 1) }

    /// Keys' cubic convolution kernel with `a = -0.5` (TF's and PIL's bicubic):
    /// `(a+2)|t|³ - (a+3)|t|² + 1` for `|t| <= 1`, `a|t|³ - 5a|t|² + 8a|t| - 4a` for `1 < |t| < 2`, else 0.
    static func keysCubic(_ t: Double) -> Double {
        let a = -0.5, x = abs(t)
        if x <= 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
        if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
        return 0
    }
}
