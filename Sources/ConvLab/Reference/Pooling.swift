/// Pooling: max pool and average pool as `tf.nn.max_pool2d` / `tf.nn.avg_pool2d`, forward and
/// backward, in plain loops.
///
/// Both slide a `KH x KW` window over each channel separately:
///
///     max: y[n, i, j, c] = max  over real cells (row, col) of the window of x[n, row, col, c]
///     avg: y[n, i, j, c] = mean over real cells (row, col) of the window of x[n, row, col, c]
///
/// with `row = i*sh + a - padTop`, `col = j*sw + b - padLeft` (`WindowAxis`, TF's SAME/VALID rule).
/// Padded cells never take part: max pool treats them as -infinity, and average pool leaves them
/// out of the sum *and* of the divisor, so a SAME border window of 2 real cells divides by 2.
///
/// Ties in max pool: the first maximum in row-major window order wins (top row first, then left
/// to right). TF's CPU `MaxPoolGrad` visits input cells in row-major order and replaces its
/// running maximum only on a strictly greater value, which picks the same element.
///
/// This file promises the formulas and nothing else: no SIMD, no threads, no argmax caching.
extension Reference {
    /// Max pooling, as `tf.nn.max_pool2d`.
    /// - Parameters:
    ///   - input: `[N, H, W, C]` (NHWC).
    ///   - windowSize: `(KH, KW)`, each >= 1.
    ///   - strides: `(sh, sw)`, each >= 1.
    ///   - padding: `.same`, `.valid` or `.explicit` pads, each smaller than the window (TF's
    ///     rule); padded cells are ignored (as if -infinity).
    /// - Returns: `[N, OH, OW, C]` with `OH = ceil(H / sh)` for SAME, `floor((H - KH) / sh) + 1`
    ///   for VALID; likewise for `OW`.
    /// - Throws: `ConvLabError` naming `maxPool` and the shapes when the input is not rank 4, a
    ///   dimension is 0, a window or stride is < 1, or a VALID window does not fit.
    /// - Complexity: `N * OH * OW * C * KH * KW` comparisons.
    public static func maxPoolForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, windowSize: Size2, strides: Size2, padding: Padding
    ) throws -> Tensor<Scalar> {
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "maxPool")
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    for c in 0..<g.channels {
                        let winner = maxPoolWinner(input.scalars, g, n, i, j, c)
                        output.scalars[g.outputIndex(n, i, j, c)] = input.scalars[winner]
                    }
                }
            }
        }
        return output
    }

    /// The gradient of `maxPoolForward`: each window's upstream gradient goes to the element that
    /// won its maximum (the first maximum in row-major window order on a tie, as TF's CPU kernel),
    ///
    ///     dInput[n, row*, col*, c] += dOutput[n, i, j, c]
    ///
    /// summed (`+=`) where overlapping windows (stride < window) pick the same element.
    /// - Parameters: as `maxPoolForward`, plus `dOutput: [N, OH, OW, C]`.
    /// - Returns: `dInput: [N, H, W, C]`.
    /// - Throws: `ConvLabError` naming `maxPoolBackward` when a shape or argument is wrong.
    /// - Complexity: `N * OH * OW * C * KH * KW` comparisons.
    public static func maxPoolBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, dOutput: Tensor<Scalar>, windowSize: Size2, strides: Size2,
        padding: Padding
    ) throws -> Tensor<Scalar> {
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "maxPoolBackward")
        try g.checkOutputGradient(dOutput.shape, op: "maxPoolBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    for c in 0..<g.channels {
                        // Search the window again, exactly as the forward pass did.
                        let winner = maxPoolWinner(input.scalars, g, n, i, j, c)
                        dInput.scalars[winner] += dOutput.scalars[g.outputIndex(n, i, j, c)]
                    }
                }
            }
        }
        return dInput
    }

    /// The flat input index of the maximum of window `(i, j)` in channel `c` of image `n`:
    /// the first maximum in row-major window order, skipping padded cells.
    private static func maxPoolWinner<Scalar: TensorScalar>(
        _ x: [Scalar], _ g: PoolGeometry, _ n: Int, _ i: Int, _ j: Int, _ c: Int
    ) -> Int {
        var best = -1
        // Only the taps over real cells (`WindowAxis.taps`): padded cells never win.
        for a in g.rows.taps(forOutput: i) {
            let row = i * g.rows.stride + a - g.rows.padBefore
            for b in g.cols.taps(forOutput: j) {
                let col = j * g.cols.stride + b - g.cols.padBefore
                let index = g.inputIndex(n, row, col, c)
                // Strictly greater: an equal value later in the window does not take over.
                if best < 0 || x[index] > x[best] { best = index }
            }
        }
        // TF's SAME rule pads at most KH - 1 rows, so every window holds a real cell.
        return best
    }

    /// Average pooling, as `tf.nn.avg_pool2d`: the mean of the real cells of each window.
    /// - Parameters:
    ///   - input: `[N, H, W, C]` (NHWC).
    ///   - windowSize: `(KH, KW)`, each >= 1.
    ///   - strides: `(sh, sw)`, each >= 1.
    ///   - padding: `.same` or `.valid` (TF's avg pool takes no explicit pads); padded cells are
    ///     left out of the sum and the divisor.
    /// - Returns: `[N, OH, OW, C]`, sizes as `maxPoolForward`.
    /// - Throws: `ConvLabError` naming `avgPool` and the shapes (as `maxPoolForward`).
    /// - Complexity: `N * OH * OW * C * KH * KW` additions.
    public static func avgPoolForward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, windowSize: Size2, strides: Size2, padding: Padding
    ) throws -> Tensor<Scalar> {
        try padding.requireAlgorithm(op: "avgPool", tfName: "tf.nn.avg_pool2d")
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "avgPool")
        var output = Tensor<Scalar>.zerosUnchecked(g.outputShape)
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    let divisor = Scalar(g.realCells(i, j))
                    for c in 0..<g.channels {
                        var sum: Scalar = 0
                        for a in g.rows.taps(forOutput: i) {
                            let row = i * g.rows.stride + a - g.rows.padBefore
                            for b in g.cols.taps(forOutput: j) {
                                let col = j * g.cols.stride + b - g.cols.padBefore
                                sum += input.scalars[g.inputIndex(n, row, col, c)]
                            }
                        }
                        output.scalars[g.outputIndex(n, i, j, c)] = sum / divisor
                    }
                }
            }
        }
        return output
    }

    /// The gradient of `avgPoolForward`: each window spreads its upstream gradient evenly over
    /// its real cells,
    ///
    ///     dInput[n, row, col, c] += dOutput[n, i, j, c] / count(i, j)
    ///
    /// summed (`+=`) over every window that covers the cell.
    /// - Parameters: as `avgPoolForward`, plus `dOutput: [N, OH, OW, C]`. The input's values are
    ///   not needed, only its shape; it is taken to keep the signature of `maxPoolBackward`.
    /// - Returns: `dInput: [N, H, W, C]`.
    /// - Throws: `ConvLabError` naming `avgPoolBackward` when a shape or argument is wrong.
    /// - Complexity: `N * OH * OW * C * KH * KW` additions.
    public static func avgPoolBackward<Scalar: TensorScalar>(
        _ input: Tensor<Scalar>, dOutput: Tensor<Scalar>, windowSize: Size2, strides: Size2,
        padding: Padding
    ) throws -> Tensor<Scalar> {
        try padding.requireAlgorithm(op: "avgPoolBackward", tfName: "tf.nn.avg_pool2d")
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "avgPoolBackward")
        try g.checkOutputGradient(dOutput.shape, op: "avgPoolBackward")
        var dInput = Tensor<Scalar>.zerosUnchecked(input.shape)
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    let divisor = Scalar(g.realCells(i, j))
                    for c in 0..<g.channels {
                        let share = dOutput.scalars[g.outputIndex(n, i, j, c)] / divisor
                        for a in g.rows.taps(forOutput: i) {
                            let row = i * g.rows.stride + a - g.rows.padBefore
                            for b in g.cols.taps(forOutput: j) {
                                let col = j * g.cols.stride + b - g.cols.padBefore
                                dInput.scalars[g.inputIndex(n, row, col, c)] += share
                            }
                        }
                    }
                }
            }
        }
        return dInput
    }
}

/// The validated shapes of one pooling call and its index arithmetic, shared by the reference
/// and fast twins so both agree on every output size, pad and divisor.
public struct PoolGeometry: Equatable, Sendable {
    /// `N`.
    public let batch: Int
    /// The height axis: `H`, the window's `KH`, `sh`, TF's pads and `OH`.
    public let rows: WindowAxis
    /// The width axis: `W`, the window's `KW`, `sw`, TF's pads and `OW`.
    public let cols: WindowAxis
    /// `C`, pooled one by one.
    public let channels: Int

    /// - Throws: `ConvLabError` naming `op` and the input shape.
    public init(input: [Int], windowSize: Size2, strides: Size2, padding: Padding,
                op: String = "pool") throws {
        guard input.count == 4 else {
            throw ConvLabError.shape(op: op, message: "input must be rank 4 [N,H,W,C], got \(describeShape(input))")
        }
        guard input.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.shape(op: op, message: "every dimension of the input must be >= 1, got \(describeShape(input))")
        }
        guard windowSize.h >= 1 && windowSize.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "windowSize \(windowSize) must be >= 1 in both axes (input \(describeShape(input)))")
        }
        guard strides.h >= 1 && strides.w >= 1 else {
            throw ConvLabError.argument(op: op, message: "strides \(strides) must be >= 1 in both axes (input \(describeShape(input)))")
        }
        if padding == .valid && (windowSize.h > input[1] || windowSize.w > input[2]) {
            throw ConvLabError.shape(op: op,
                message: "VALID window \(windowSize) does not fit the \(input[1])x\(input[2]) image of input \(describeShape(input))")
        }
        batch = input[0]
        channels = input[3]
        if case .explicit(let pads) = padding,
           max(pads.top, pads.bottom) >= windowSize.h || max(pads.left, pads.right) >= windowSize.w {
            // TF's CheckPaddingSize: so every window still holds a real cell.
            throw ConvLabError.argument(op: op,
                message: "explicit pads \(padding) must be smaller than the window \(windowSize) on every side, as in TF (input \(describeShape(input)))")
        }
        (rows, cols) = try WindowAxis.pair(height: input[1], width: input[2], kernel: windowSize, strides: strides,
                                           padding: padding, op: op)
        _ = try TensorShape.extent(outputShape, op: op)   // explicit pads can outgrow the input
    }

    /// `[N, OH, OW, C]`.
    public var outputShape: [Int] { [batch, rows.output, cols.output, channels] }

    /// How many cells of window `(i, j)` lie inside the image: average pool's divisor.
    public func realCells(_ i: Int, _ j: Int) -> Int {
        rows.taps(forOutput: i).count * cols.taps(forOutput: j).count
    }

    /// The row-major offset of `x[n, h, w, c]` in the `[N, H, W, C]` input.
    @inline(__always) public func inputIndex(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Int {
        ((n * rows.input + h) * cols.input + w) * channels + c
    }
    /// The row-major offset of `y[n, i, j, c]` in the `[N, OH, OW, C]` output.
    @inline(__always) public func outputIndex(_ n: Int, _ i: Int, _ j: Int, _ c: Int) -> Int {
        ((n * rows.output + i) * cols.output + j) * channels + c
    }

    /// Throws unless `shape` is this call's output shape.
    public func checkOutputGradient(_ shape: [Int], op: String) throws {
        guard shape == outputShape else {
            throw ConvLabError.shape(op: op,
                message: "dOutput is \(describeShape(shape)) but the output is \(describeShape(outputShape)) (input \(describeShape([batch, rows.input, cols.input, channels])))")
        }
    }
}
