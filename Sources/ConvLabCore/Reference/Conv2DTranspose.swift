/// Conv2DTranspose: the transpose of a strided conv2d, as `tf.nn.conv2d_transpose` (TF's
/// `Conv2DBackpropInput`): each input cell scatters a copy of the kernel, scaled by its value,
/// into the output, and overlapping copies add.
///
///     y[n, i*sh + a*dh - padTop, j*sw + b*dw - padLeft, o] += x[n, i, j, c] * w[a, b, o, c]
///
/// Copies that land in the padding are dropped. The pads are those of the forward conv2d that
/// maps an output-sized image back to the input's size (`WindowAxis`), so this is exactly
/// `conv2DBackward`'s `dInput` with `x` as the upstream gradient. This file promises that loop and
/// nothing else.
extension Reference {
    /// Transposed 2-D convolution, as `tf.nn.conv2d_transpose`.
    /// - Parameters:
    ///   - input: `[N, H, W, C]` (NHWC).
    ///   - filter: `[KH, KW, O, C]`: TF's layout `[height, width, output_channels, in_channels]`,
    ///     which is the HWIO filter of the forward conv2d from `O` channels to `C`.
    ///   - outputSize: `(OH, OW)`, TF's `output_shape`. When nil, the size
    ///     `tf.keras.layers.Conv2DTranspose` computes: `H * sh` for SAME,
    ///     `H * sh + max(EKH - sh, 0)` for VALID, `(H - 1) * sh + EKH - top - bottom` for explicit
    ///     pads, with `EKH = (KH - 1) * dh + 1`; likewise for `OW`.
    ///   - strides: those of the forward conv2d: the output grows by them.
    ///   - padding: that of the forward conv2d.
    ///   - dilations: those of the forward conv2d; dilation > 1 only with stride 1.
    /// - Returns: `[N, OH, OW, O]`.
    /// - Throws: `ConvLabError` naming `conv2DTranspose` and the shapes when the filter's last
    ///   dimension is not `C`, or when a conv2d of an `[N, OH, OW, O]` image does not give back
    ///   `H x W` (TF refuses such an `output_shape` too).
    /// - Complexity: `N * H * W * C * KH * KW * O` multiply-adds.
    public static func conv2DTranspose<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, outputSize: Size2? = nil,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> Tensor<Scalar> {
        let g = try Conv2DTransposeGeometry(input: input.shape, filter: filter.shape, outputSize: outputSize,
                                            strides: strides, padding: padding, dilations: dilations)
        let conv = g.forward
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        let x = input.scalars, w = filter.scalars
        // Input cell (i, j) is output (i, j) of the forward conv: walk that conv's windows and taps.
        conv.forEachWindow { n, i, j in
            for c in 0..<conv.outChannels {
                let value = x[conv.outputIndex(n, i, j, c)]
                conv.forEachTap(i, j) { a, b, row, col in
                    for o in 0..<conv.inChannels {
                        output.scalars[conv.inputIndex(n, row, col, o)] += value * w[conv.filterIndex(a, b, o, c)]
                    }
                }
            }
        }
        return output
    }
}

/// The validated shapes of one transposed convolution: the forward conv2d it is the transpose of,
/// from the `[N, OH, OW, O]` output back to the `[N, H, W, C]` input.
public struct Conv2DTransposeGeometry: Equatable, Sendable {
    /// The forward conv2d: its input is this op's output, its output this op's input.
    public let forward: Conv2DGeometry

    /// - Throws: `ConvLabError` naming `op` and the shapes.
    public init(input: [Int], filter: [Int], outputSize: Size2?, strides: Size2, padding: Padding,
                dilations: Size2, op: String = "conv2DTranspose") throws {
        let pair = "(\(describeShape(input)) * \(describeShape(filter)))"
        guard input.count == 4, filter.count == 4 else {
            throw ConvLabError.shape(op: op, message: "input must be [N,H,W,C] and filter [KH,KW,O,C] \(pair)")
        }
        guard input.allSatisfy({ $0 >= 1 }), filter.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension must be >= 1 \(pair)")
        }
        guard filter[3] == input[3] else {
            throw ConvLabError.shape(op: op,
                message: "filter [KH,KW,O,C] has C = \(filter[3]) but input has \(input[3]) channels \(pair)")
        }
        let size = try outputSize ?? Self.defaultOutputSize(input: Size2(input[1], input[2]),
            kernel: Size2(filter[0], filter[1]), strides: strides, padding: padding, dilations: dilations, op: op)
        guard size.h >= 1, size.w >= 1 else {
            throw ConvLabError.shape(op: op, message: "output size \(size) must be >= 1 in both axes \(pair)")
        }
        let conv = try Conv2DGeometry(input: [input[0], size.h, size.w, filter[2]], filter: filter,
                                      strides: strides, padding: padding, dilations: dilations, op: op)
        guard conv.outputShape == input else {
            throw ConvLabError.shape(op: op,
                message: "a \(padding) conv2d with strides \(strides) of the \(size.h)x\(size.w) output gives \(conv.rows.output)x\(conv.cols.output), not the input's \(input[1])x\(input[2]) \(pair)")
        }
        forward = conv
    }

    /// `[N, OH, OW, O]`: the forward conv2d's input shape.
    public var outputShape: [Int] { [forward.batch, forward.rows.input, forward.cols.input, forward.inChannels] }

    /// The output size `tf.keras.layers.Conv2DTranspose` picks (its `deconv_output_length` with no
    /// output padding): `H * s` for SAME, `H * s + max(E - s, 0)` for VALID, and for explicit pads
    /// the smallest size that maps back, `(H - 1) * s + E - padBefore - padAfter`.
    /// - Throws: `ConvLabError.argument` for a non-positive kernel, stride or dilation, or sizes that
    ///   overflow.
    public static func defaultOutputSize(input: Size2, kernel: Size2, strides: Size2, padding: Padding,
                                         dilations: Size2, op: String = "conv2DTranspose") throws -> Size2 {
        func axis(_ h: Int, _ k: Int, _ s: Int, _ d: Int, _ pads: (Int, Int)?, _ name: String) throws -> Int {
            guard k >= 1, s >= 1, d >= 1 else {
                throw ConvLabError.argument(op: op, message: "\(name) kernel \(k), stride \(s) and dilation \(d) must be >= 1")
            }
            let (span, o1) = (k - 1).multipliedReportingOverflow(by: d)
            let (product, o2) = h.multipliedReportingOverflow(by: s)
            guard !o1, !o2, span < Int.max, product <= Int.max - span - 1 else {
                throw ConvLabError.argument(op: op, message: "\(name) size \(h) x stride \(s) with kernel \(k), dilation \(d) overflows")
            }
            let effective = span + 1
            switch padding {
            case .same: return product
            case .valid: return product + Swift.max(effective - s, 0)
            case .explicit: return product - s + effective - pads!.0 - pads!.1
            }
        }
        var rowPads: (Int, Int)? = nil, colPads: (Int, Int)? = nil
        if case .explicit(let p) = padding { rowPads = (p.top, p.bottom); colPads = (p.left, p.right) }
        return Size2(try axis(input.h, kernel.h, strides.h, dilations.h, rowPads, "height"),
                     try axis(input.w, kernel.w, strides.w, dilations.w, colPads, "width"))
    }
}
