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
        g.forEachWindow { n, i, j in
            for c in 0..<g.channels {
                let winner = maxPoolWinner(input.scalars, g, n, i, j, c)
                output.scalars[g.outputIndex(n, i, j, c)] = input.scalars[winner]
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
        g.forEachWindow { n, i, j in
            for c in 0..<g.channels {
                // Search the window again, exactly as the forward pass did.
                let winner = maxPoolWinner(input.scalars, g, n, i, j, c)
                dInput.scalars[winner] += dOutput.scalars[g.outputIndex(n, i, j, c)]
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
        // Only the cells inside the image (`forEachTap`): padded cells never win.
        g.forEachTap(i, j) { _, _, row, col in
            let index = g.inputIndex(n, row, col, c)
            // Strictly greater: an equal value later in the window does not take over.
            if best < 0 || x[index] > x[best] { best = index }
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
        g.forEachWindow { n, i, j in
            let divisor = Scalar(g.realCells(i, j))
            for c in 0..<g.channels {
                var sum: Scalar = 0
                g.forEachTap(i, j) { _, _, row, col in
                    sum += input.scalars[g.inputIndex(n, row, col, c)]
                }
                output.scalars[g.outputIndex(n, i, j, c)] = sum / divisor
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
        g.forEachWindow { n, i, j in
            let divisor = Scalar(g.realCells(i, j))
            for c in 0..<g.channels {
                let share = dOutput.scalars[g.outputIndex(n, i, j, c)] / divisor
                g.forEachTap(i, j) { _, _, row, col in
                    dInput.scalars[g.inputIndex(n, row, col, c)] += share
                }
            }
        }
        return dInput
    }
}
