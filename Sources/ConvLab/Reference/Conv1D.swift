/// Conv1D: 1-D cross-correlation as `tf.nn.conv1d`, forward and backward, in plain loops.
///
/// Lab 11-0 draws it as one filter `w0, w1, w2` sliding along a sequence:
///
///     y0 = x0*w0 + x1*w1 + x2*w2
///     y1 = x1*w0 + x2*w1 + x3*w2
///
/// With a batch, channels and several filters this is
///
///     y[n, i, o] = Σ_{k, c} xp[n, i*s + k*d, c] * w[k, c, o]
///
/// where `xp` is the input zero-padded by `WindowAxis` (TF's SAME/VALID rule) and there is no
/// kernel flip. TF computes conv1d as a conv2d of height 1; here the loop is written out so the
/// 1-D formula can be read directly.
extension Reference {
    /// 1-D cross-correlation, as `tf.nn.conv1d`.
    /// - Parameters:
    ///   - input:  `[N, W, C]` (NWC)
    ///   - filter: `[K, C, O]`
    ///   - stride: `s`; dilation > 1 is allowed only with stride 1, as in TF.
    ///   - padding: `.same` or `.valid`.
    ///   - dilation: `d`.
    /// - Returns: `[N, OW, O]` with `OW = ceil(W / s)` for SAME, `floor((W - EK) / s) + 1` for VALID,
    ///   where `EK = (K - 1) * d + 1`.
    /// - Throws: `ConvLabError` naming `conv1d` and both shapes when they do not fit.
    /// - Complexity: `N * OW * O * K * C` multiply-adds.
    public static func conv1DForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>,
        stride: Int = 1, padding: Padding, dilation: Int = 1
    ) throws -> Tensor<Scalar> {
        let g = try Conv1DGeometry(input: input.shape, filter: filter.shape,
                                   stride: stride, padding: padding, dilation: dilation)
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        let x = input.scalars, w = filter.scalars
        for n in 0..<g.batch {
            for i in 0..<g.width.output {
                for o in 0..<g.outChannels {
                    var sum: Scalar = 0
                    for k in 0..<g.width.kernel {
                        // Tap k reads input position i*s + k*d - padLeft; padding contributes 0.
                        guard let position = g.width.inputPosition(output: i, tap: k) else { continue }
                        for c in 0..<g.inChannels {
                            sum += x[g.inputIndex(n, position, c)] * w[g.filterIndex(k, c, o)]
                        }
                    }
                    output.scalars[g.outputIndex(n, i, o)] = sum
                }
            }
        }
        return output
    }

    /// The gradients of `conv1DForward` for an upstream gradient `dOutput`.
    ///
    ///     dInput[n, p, c]  += dOutput[n, i, o] * w[k, c, o]
    ///     dFilter[k, c, o] += dOutput[n, i, o] * x[n, p, c]      with p = i*s + k*d - padLeft
    ///
    /// accumulated (`+=`) over every output whose window covers the element.
    /// - Parameters: as `conv1DForward`, plus `dOutput: [N, OW, O]`.
    /// - Returns: `dInput: [N, W, C]` and `dFilter: [K, C, O]`.
    /// - Throws: `ConvLabError` naming the op when the shapes do not fit.
    /// - Complexity: `2 * N * OW * O * K * C` multiply-adds.
    public static func conv1DBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, filter: Tensor<Scalar>, dOutput: Tensor<Scalar>,
        stride: Int = 1, padding: Padding, dilation: Int = 1
    ) throws -> (dInput: Tensor<Scalar>, dFilter: Tensor<Scalar>) {
        let g = try Conv1DGeometry(input: input.shape, filter: filter.shape,
                                   stride: stride, padding: padding, dilation: dilation)
        try g.checkOutputGradient(dOutput.shape, op: "conv1DBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        var dFilter = Tensor<Scalar>.zerosUnchecked(filter.shape)
        let x = input.scalars, w = filter.scalars, dy = dOutput.scalars
        for n in 0..<g.batch {
            for i in 0..<g.width.output {
                for o in 0..<g.outChannels {
                    let upstream = dy[g.outputIndex(n, i, o)]
                    for k in 0..<g.width.kernel {
                        guard let position = g.width.inputPosition(output: i, tap: k) else { continue }
                        for c in 0..<g.inChannels {
                            let xi = g.inputIndex(n, position, c), wi = g.filterIndex(k, c, o)
                            dInput.scalars[xi] += upstream * w[wi]
                            dFilter.scalars[wi] += upstream * x[xi]
                        }
                    }
                }
            }
        }
        return (dInput, dFilter)
    }
}

/// The validated shapes of one conv1d call and its index arithmetic, shared with a fast twin.
public struct Conv1DGeometry: Equatable, Sendable {
    /// `N`.
    public let batch: Int
    /// The one axis: `W`, `K`, the stride, the dilation, TF's pads and `OW`.
    public let width: WindowAxis
    /// `C`.
    public let inChannels: Int
    /// `O`.
    public let outChannels: Int

    /// - Throws: `ConvLabError` naming `op` and both shapes.
    public init(input: [Int], filter: [Int], stride: Int, padding: Padding, dilation: Int,
                op: String = "conv1d") throws {
        let pair = "(\(describeShape(input)) * \(describeShape(filter)))"
        guard input.count == 3 else {
            throw ConvLabError.shape(op: op, message: "input must be rank 3 [N,W,C], got \(describeShape(input))")
        }
        guard filter.count == 3 else {
            throw ConvLabError.shape(op: op, message: "filter must be rank 3 [K,C,O], got \(describeShape(filter))")
        }
        guard filter[1] == input[2] else {
            throw ConvLabError.shape(op: op,
                message: "filter has \(filter[1]) input channels but input has \(input[2]) \(pair)")
        }
        guard input.allSatisfy({ $0 >= 1 }), filter.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension must be >= 1 \(pair)")
        }
        if stride > 1 && dilation > 1 {
            throw ConvLabError.argument(op: op,
                message: "stride \(stride) with dilation \(dilation): TF allows dilation > 1 only with stride 1")
        }
        try padding.requireAlgorithm(op: op, tfName: "tf.nn.conv1d")
        batch = input[0]
        inChannels = input[2]
        outChannels = filter[2]
        width = try WindowAxis(input: input[1], kernel: filter[0], stride: stride, dilation: dilation,
                               padding: padding, op: op, axis: "width")
    }

    /// `[N, OW, O]`.
    public var outputShape: [Int] { [batch, width.output, outChannels] }

    /// The row-major offset of `x[n, p, c]` in the `[N, W, C]` input.
    @inline(__always) public func inputIndex(_ n: Int, _ p: Int, _ c: Int) -> Int {
        (n * width.input + p) * inChannels + c
    }
    /// The row-major offset of `w[k, c, o]` in the `[K, C, O]` filter.
    @inline(__always) public func filterIndex(_ k: Int, _ c: Int, _ o: Int) -> Int {
        (k * inChannels + c) * outChannels + o
    }
    /// The row-major offset of `y[n, i, o]` in the `[N, OW, O]` output.
    @inline(__always) public func outputIndex(_ n: Int, _ i: Int, _ o: Int) -> Int {
        (n * width.output + i) * outChannels + o
    }

    /// Throws unless `shape` is this call's output shape.
    public func checkOutputGradient(_ shape: [Int], op: String) throws {
        guard shape == outputShape else {
            throw ConvLabError.shape(op: op,
                message: "dOutput is \(describeShape(shape)) but the output is \(describeShape(outputShape))")
        }
    }
}
