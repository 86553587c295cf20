/// Conv2D: 2-D cross-correlation as `tf.nn.conv2d`, forward and backward, in plain loops.
///
/// This file promises the textbook formula and nothing else: no SIMD, no threads, no im2col.
/// `Fast.conv2DForward` is its twin for speed and is tested against it.
///
///     y[n, i, j, o] = Σ_{a, b, c} xp[n, i*sh + a*dh, j*sw + b*dw, c] * w[a, b, c, o]
///
/// where `xp` is the input zero-padded by `WindowAxis` (TF's SAME/VALID rule), and there is no
/// kernel flip. Bias is a separate op (`biasAddForward`), as in TF.
extension Reference {
    /// 2-D cross-correlation, as `tf.nn.conv2d`.
    /// - Parameters:
    ///   - input:  `[N, H, W, C]` (NHWC)
    ///   - filter: `[KH, KW, C, O]` (HWIO)
    ///   - strides: `(sh, sw)`; dilation > 1 is allowed only with stride 1, as in TF.
    ///   - padding: `.same`, `.valid` or `.explicit` pads (TF's `[[0,0],[top,bottom],[left,right],[0,0]]`).
    ///   - dilations: `(dh, dw)`.
    /// - Returns: `[N, OH, OW, O]` with `OH = ceil(H / sh)` for SAME, `floor((H - EKH) / sh) + 1`
    ///   for VALID, `floor((H + top + bottom - EKH) / sh) + 1` for explicit pads, where
    ///   `EKH = (KH - 1) * dh + 1`; likewise for `OW`.
    /// - Throws: `ConvLabError` naming `conv2d` and both shapes when they do not fit.
    /// - Complexity: `N * OH * OW * O * KH * KW * C` multiply-adds.
    public static func conv2DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> Tensor<Scalar> {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        let x = input.scalars, w = filter.scalars
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    for o in 0..<g.outChannels {
                        var sum: Scalar = 0
                        for a in 0..<g.rows.kernel {
                            // Seek to input row i*sh + a*dh - padTop; rows outside the image are zero padding.
                            guard let row = g.rows.inputPosition(output: i, tap: a) else { continue }
                            for b in 0..<g.cols.kernel {
                                guard let col = g.cols.inputPosition(output: j, tap: b) else { continue }
                                for c in 0..<g.inChannels {
                                    sum += x[g.inputIndex(n, row, col, c)] * w[g.filterIndex(a, b, c, o)]
                                }
                            }
                        }
                        output.scalars[g.outputIndex(n, i, j, o)] = sum
                    }
                }
            }
        }
        return output
    }

    /// The gradients of `conv2DForward` for an upstream gradient `dOutput`.
    ///
    /// Each output element touched `x[n, row, col, c]` and `w[a, b, c, o]` once, so
    ///
    ///     dInput[n, row, col, c] += dOutput[n, i, j, o] * w[a, b, c, o]
    ///     dFilter[a, b, c, o]    += dOutput[n, i, j, o] * x[n, row, col, c]
    ///
    /// summed (`+=`, never `=`) over every output position whose window covers the element.
    /// - Parameters: as `conv2DForward`, plus `dOutput: [N, OH, OW, O]`.
    /// - Returns: `dInput: [N, H, W, C]` and `dFilter: [KH, KW, C, O]`.
    /// - Throws: `ConvLabError` naming `conv2DBackward` when `dOutput` has the wrong shape.
    public static func conv2DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, dOutput: Tensor<Scalar>,
        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1
    ) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "conv2DBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        var dFilter = Tensor<Scalar>.zerosUnchecked(filter.shape)
        let x = input.scalars, w = filter.scalars, dy = dOutput.scalars
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    for o in 0..<g.outChannels {
                        let upstream = dy[g.outputIndex(n, i, j, o)]
                        for a in 0..<g.rows.kernel {
                            guard let row = g.rows.inputPosition(output: i, tap: a) else { continue }
                            for b in 0..<g.cols.kernel {
                                guard let col = g.cols.inputPosition(output: j, tap: b) else { continue }
                                for c in 0..<g.inChannels {
                                    let xi = g.inputIndex(n, row, col, c), wi = g.filterIndex(a, b, c, o)
                                    dInput.scalars[xi] += upstream * w[wi]
                                    dFilter.scalars[wi] += upstream * x[xi]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dInput, dFilter)
    }
}

/// The validated shapes of one conv2d call and its index arithmetic, shared by the reference
/// and fast twins so both agree on every output size and pad.
public struct Conv2DGeometry: Equatable, Sendable {
    /// `N`.
    public let batch: Int
    /// The height axis: `H`, `KH`, `sh`, `dh`, TF's pads and `OH`.
    public let rows: WindowAxis
    /// The width axis: `W`, `KW`, `sw`, `dw`, TF's pads and `OW`.
    public let cols: WindowAxis
    /// `C`.
    public let inChannels: Int
    /// `O`.
    public let outChannels: Int

    /// - Throws: `ConvLabError` naming `op` and both shapes.
    public init(input: [Int], filter: [Int], strides: Size2, padding: Padding, dilations: Size2,
                op: String = "conv2d") throws {
        let pair = "(\(describeShape(input)) * \(describeShape(filter)))"
        guard input.count == 4 else {
            throw ConvLabError.shape(op: op, message: "input must be rank 4 [N,H,W,C], got \(describeShape(input))")
        }
        guard filter.count == 4 else {
            throw ConvLabError.shape(op: op, message: "filter must be rank 4 [KH,KW,C,O], got \(describeShape(filter))")
        }
        guard filter[2] == input[3] else {
            throw ConvLabError.shape(op: op,
                message: "filter has \(filter[2]) input channels but input has \(input[3]) \(pair)")
        }
        guard input.allSatisfy({ $0 >= 1 }), filter.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension must be >= 1 \(pair)")
        }
        if (strides.h > 1 || strides.w > 1) && (dilations.h > 1 || dilations.w > 1) {
            throw ConvLabError.argument(op: op,
                message: "strides \(strides) with dilations \(dilations): TF allows dilation > 1 only with stride 1")
        }
        batch = input[0]
        inChannels = input[3]
        outChannels = filter[3]
        (rows, cols) = try WindowAxis.pair(height: input[1], width: input[2], kernel: Size2(filter[0], filter[1]),
                                           strides: strides, dilations: dilations, padding: padding, op: op)
        // Both sides must be tensors ConvLab can hold (checked products): explicit pads can make
        // the output far larger than the input, and a transposed conv passes its output here.
        _ = try TensorShape.extent(input, op: op)
        _ = try TensorShape.extent(outputShape, op: op)
    }

    /// `[N, OH, OW, O]`.
    public var outputShape: [Int] { [batch, rows.output, cols.output, outChannels] }

    /// The row-major offset of `x[n, h, w, c]` in the `[N, H, W, C]` input.
    @inline(__always) public func inputIndex(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int {
        ((n * rows.input + h) * cols.input + w) * inChannels + c
    }
    /// The row-major offset of `w[a, b, c, o]` in the `[KH, KW, C, O]` filter.
    @inline(__always) public func filterIndex(_ a: Int, _ b: Int, _ c: Int, _ o: Int) -> Int {
        ((a * cols.kernel + b) * inChannels + c) * outChannels + o
    }
    /// The row-major offset of `y[n, i, j, o]` in the `[N, OH, OW, O]` output.
    @inline(__always) public func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ o: Int) -> Int {
        ((n * rows.output + i) * cols.output + j) * outChannels + o
    }

    /// Throws unless `shape` is this call's output shape.
    public func checkOutputGradient(_ shape: [Int], op: String) throws {
        guard shape == outputShape else {
            throw ConvLabError.shape(op: op,
                message: "dOutput is \(describeShape(shape)) but the output is \(describeShape(outputShape))")
        }
    }
}
