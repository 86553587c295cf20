/// Resize: image resizing as TF2's `tf.image.resize` (`antialias=False`, half-pixel centres),
/// forward and backward, in plain loops.
///
/// Resizing is separable: each output row `i` reads a few input rows `r` with weights `u(i, r)`,
/// each output column `j` a few input columns `s` with weights `v(j, s)`, and
///
///     y[n, i, j, c] = Σ_r Σ_s u(i, r) * v(j, s) * x[n, r, s, c]
///
/// `ResizeGeometry.taps` lists those `(source, weight)` pairs per axis, with `scale = in / out` and
/// the half-pixel position `pos = (o + 0.5) * scale - 0.5` of output `o` in input coordinates:
/// - nearest:  the one input `min(floor((o + 0.5) * scale), in - 1)`.
/// - bilinear: `f = floor(pos)`, `t = pos - f`: `f` with `1 - t` and `f + 1` with `t`, both
///   clamped to `[0, in - 1]`. Shrinking does not average areas: it samples.
/// - bicubic:  Keys' cubic with `a = -0.5` on taps `f-1, f, f+1, f+2` (weights `k(1+t), k(t),
///   k(1-t), k(2-t)`); taps outside the image are dropped and the rest renormalised to sum to 1.
///
/// Positions are computed in Float, as TF's kernels do, so nearest picks TF's pixel even where
/// rounding decides; TF also rounds the bicubic `t` to a multiple of 1/1024, which this does not.
/// Every op here is linear in `x`, so the backward pass is the adjoint: it scatters each
/// `dOutput` element back to the inputs it read, with the same weights.
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

extension Reference {
    /// Resizes images, as `tf.image.resize(x, size, method, antialias=False)`.
    /// - Parameters:
    ///   - x: `[N, H, W, C]` (NHWC), `H, W >= 1`.
    ///   - size: `(OH, OW)`, each `>= 1`.
    ///   - method: `.nearest`, `.bilinear` or `.bicubic`.
    /// - Returns: `[N, OH, OW, C]`.
    /// - Throws: `ConvLabError` naming `resize` and the shapes when they do not fit.
    /// - Complexity: `N * OH * OW * C * T²` multiply-adds, with `T` = 1, 2 or 4 taps per axis.
    public static func resizeForward<Scalar: TensorScalar>(
        _ x: Tensor<Scalar>, size: Size2, method: ResizeMethod
    ) throws -> Tensor<Scalar> {
        let g = try ResizeGeometry(input: x.shape, size: size, method: method, op: "resize")
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        for n in 0..<g.batch {
            for i in 0..<g.outputSize.h {
                for j in 0..<g.outputSize.w {
                    for c in 0..<g.channels {
                        var sum: Scalar = 0
                        for rowTap in g.rowTaps[i] {
                            for colTap in g.colTaps[j] {
                                let weight = Scalar(rowTap.weight * colTap.weight)
                                sum += weight * x.scalars[g.inputIndex(n, rowTap.source, colTap.source, c)]
                            }
                        }
                        output.scalars[g.outputIndex(n, i, j, c)] = sum
                    }
                }
            }
        }
        return output
    }

    /// The gradient of `resizeForward` with respect to its input, for an upstream gradient
    /// `dOutput`: the adjoint of the forward map,
    ///
    ///     dInput[n, r, s, c] += u(i, r) * v(j, s) * dOutput[n, i, j, c]
    ///
    /// accumulated over every output that read input `(r, s)`.
    /// - Parameters:
    ///   - inputShape: the forward input's shape `[N, H, W, C]`.
    ///   - dOutput: `[N, OH, OW, C]`; its `OH, OW` are the forward `size`.
    ///   - method: the forward method.
    /// - Returns: `dInput`, of shape `inputShape`.
    /// - Throws: `ConvLabError` naming `resizeBackward` when the shapes do not fit.
    /// - Complexity: as `resizeForward`.
    public static func resizeBackward<Scalar: TensorScalar>(
        inputShape: [Int], dOutput: Tensor<Scalar>, method: ResizeMethod
    ) throws -> Tensor<Scalar> {
        let op = "resizeBackward"
        guard dOutput.rank == 4, inputShape.count == 4,
              dOutput.shape[0] == inputShape[0], dOutput.shape[3] == inputShape[3] else {
            throw ConvLabError.shape(op: op,
                message: "dOutput \(describeShape(dOutput.shape)) must be [N,OH,OW,C] with the N and C of inputShape \(describeShape(inputShape))")
        }
        let g = try ResizeGeometry(input: inputShape, size: Size2(dOutput.shape[1], dOutput.shape[2]),
                                   method: method, op: op)
        var dInput = Tensor<Scalar>.zerosUnchecked(inputShape)
        for n in 0..<g.batch {
            for i in 0..<g.outputSize.h {
                for j in 0..<g.outputSize.w {
                    for c in 0..<g.channels {
                        let upstream = dOutput.scalars[g.outputIndex(n, i, j, c)]
                        for rowTap in g.rowTaps[i] {
                            for colTap in g.colTaps[j] {
                                let weight = Scalar(rowTap.weight * colTap.weight)
                                dInput.scalars[g.inputIndex(n, rowTap.source, colTap.source, c)] += weight * upstream
                            }
                        }
                    }
                }
            }
        }
        return dInput
    }
}

/// One input position read by an output position along one axis, and its weight.
public struct ResizeTap: Equatable, Sendable {
    /// The input position (row or column) read.
    public let source: Int
    /// Its weight; the taps of one output position sum to 1.
    public let weight: Double
}

/// The validated shapes of one resize and its per-axis taps, shared by forward and backward (so
/// the backward pass is the exact adjoint) and by a fast twin.
public struct ResizeGeometry: Equatable, Sendable {
    /// `N`.
    public let batch: Int
    /// `C`, resized one by one.
    public let channels: Int
    /// `(H, W)`.
    public let inputSize: Size2
    /// `(OH, OW)`.
    public let outputSize: Size2
    /// `rowTaps[i]`: the input rows output row `i` reads.
    public let rowTaps: [[ResizeTap]]
    /// `colTaps[j]`: the input columns output column `j` reads.
    public let colTaps: [[ResizeTap]]

    /// - Throws: `ConvLabError` naming `op` for a non-NHWC input, an empty image, a size below 1,
    ///   or an output beyond `TensorShape.maximumExtent`.
    public init(input: [Int], size: Size2, method: ResizeMethod, op: String = "resize") throws {
        guard input.count == 4 else {
            throw ConvLabError.shape(op: op, message: "input must be rank 4 [N,H,W,C], got \(describeShape(input))")
        }
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

    /// `[N, OH, OW, C]`.
    public var outputShape: [Int] { [batch, outputSize.h, outputSize.w, channels] }

    /// The row-major offset of `x[n, r, s, c]` in the `[N, H, W, C]` input.
    @inline(__always) public func inputIndex(_ n: Int, _ r: Int, _ s: Int, _ c: Int) -> Int {
        ((n * inputSize.h + r) * inputSize.w + s) * channels + c
    }
    /// The row-major offset of `y[n, i, j, c]` in the `[N, OH, OW, C]` output.
    @inline(__always) public func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ c: Int) -> Int {
        ((n * outputSize.h + i) * outputSize.w + j) * channels + c
    }

    /// The taps of every output position along one axis of `input` positions resized to `output`
    /// (both `>= 1`), by the rules in this file's header.
    public static func taps(input: Int, output: Int, method: ResizeMethod) -> [[ResizeTap]] {
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
