import ConvLabCore

// Fast softmax and log-softmax over the last axis: twins of `Reference.softmaxForward` /
// `softmaxBackward` and `Reference.logSoftmaxForward` / `logSoftmaxBackward`.
//
// The reference walks any axis through `SoftmaxAxis.index(outer, k, inner)` and, in the backward
// passes, builds the whole softmax tensor first and reads it back. Over the last axis a slice is
// one contiguous row, so here each row is read straight from memory, rows are split across
// `Fast.threads` threads, and the backward passes keep `exp(x - max)` of the row they are working
// on in the output row itself (overwritten by the gradient in the same loop) instead of in a
// second tensor; `exp` is the four-lane version of `Fast+Math.swift`. Every row still subtracts
// its maximum before `exp`, so logits of +-1000 give finite results, as in the reference. Another
// axis (with elements after it) falls back to the reference, recorded as a fallback.

extension Fast {
    /// The largest of `row[0..<length]` (-infinity when empty), as `SoftmaxAxis.maximum`.
    @inline(__always)
    static func rowMaximum(_ row: UnsafePointer<Float>, _ length: Int) -> Float {
        var m = -Float.infinity
        for k in 0..<length { m = Swift.max(m, row[k]) }
        return m
    }

    /// Writes `exp(row[k] - maximum)` into `into[k]`, four lanes at a time, and returns their sum
    /// (added in order of k, as the reference).
    @inline(__always)
    static func shiftedExponentials(_ row: UnsafePointer<Float>, _ length: Int, maximum m: Float,
                                    into out: UnsafeMutablePointer<Float>) -> Float {
        var k = 0
        while k + 4 <= length {
            storeLanes(expOfNonPositive(loadLanes(row + k) - m), out + k)
            k += 4
        }
        if k < length { storeLanes(expOfNonPositive(loadLanes(row + k, length - k) - m), out + k, length - k) }
        var sum: Float = 0
        for k in 0..<length { sum += out[k] }
        return sum
    }

    /// `Σ_k exp(row[k] - maximum)`, four lanes at a time, added in order of k.
    @inline(__always)
    static func sumOfShiftedExponentials(_ row: UnsafePointer<Float>, _ length: Int, maximum m: Float) -> Float {
        var sum: Float = 0
        var k = 0
        while k + 4 <= length {
            let e = expOfNonPositive(loadLanes(row + k) - m)
            sum += e[0]
            sum += e[1]
            sum += e[2]
            sum += e[3]
            k += 4
        }
        if k < length {
            let e = expOfNonPositive(loadLanes(row + k, length - k) - m)
            for lane in 0..<(length - k) { sum += e[lane] }
        }
        return sum
    }

    /// The rows of a validated layout when its axis is the last one in memory (nothing after it)
    /// and not empty; nil for the shapes the reference handles instead (a real fallback).
    static func lastAxisRows(_ layout: SoftmaxAxis) -> (rows: Int, length: Int)? {
        layout.inner == 1 && layout.length > 0 ? (layout.outer, layout.length) : nil
    }

    /// Why a layout falls back to the reference.
    static func fallbackReason(_ layout: SoftmaxAxis) -> String {
        layout.length == 0 ? "an empty axis" : "axis \(layout.axis) of \(describeShape(layout.shape)) is not the last"
    }

    /// What the four softmax ops share around their row kernels: checks `x` along `axis` (and, for
    /// a backward pass, the upstream gradient `dOutput`) under the name `op`; then, when the axis
    /// is the last in memory, runs `body(x row, dOutput row, result row, length)` over the rows
    /// and returns the tensor of result rows, and otherwise returns `reference()`, recorded as a
    /// fallback of `op`.
    @inline(__always)
    static func softmaxRows(_ op: String, _ x: Tensor<Float>, dOutput: Tensor<Float>? = nil, axis: Int,
                            reference: () throws -> Tensor<Float>,
                            _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)
        throws -> Tensor<Float> {
        let layout = try SoftmaxAxis(x.shape, axis: axis, op: op)
        if let dOutput { try layout.check(dOutput.shape, name: "dOutput", op: op) }
        guard let (rows, length) = lastAxisRows(layout) else {
            return try referenceFallback(op, fallbackReason(layout), reference)
        }
        let dOutput = dOutput ?? x   // a forward pass reads no upstream rows
        return tensor(x.shape) { values in
            withBases(x.scalars, dOutput.scalars) { source, upstream in
                forEachRow(rows, length: length) { r in
                    body(source + r * length, upstream + r * length, values + r * length, length)
                }
            }
        }
    }

    /// Softmax over the last axis, as `Reference.softmaxForward` (other axes: the reference).
    /// - Returns: the shape of `x`; every row sums to 1.
    /// - Throws: `ConvLabError` (the reference's checks) for a scalar `x` or an axis out of range.
    /// - Complexity: three passes over each row, one `exp` per element.
    public static func softmaxForward(_ x: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        try softmaxRows("softmax", x, axis: axis, reference: { try Reference.softmaxForward(x, axis: axis) }) { row, _, y, length in
            let sum = shiftedExponentials(row, length, maximum: rowMaximum(row, length), into: y)
            for k in 0..<length { y[k] /= sum }
        }
    }

    /// `dx_k = y_k * (dy_k - Σ_j dy_j * y_j)` per row, as `Reference.softmaxBackward`.
    /// - Returns: `dInput`, the shape of `x`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ or `axis` is out of range.
    public static func softmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        try softmaxRows("softmaxBackward", x, dOutput: dOutput, axis: axis,
                        reference: { try Reference.softmaxBackward(x, dOutput: dOutput, axis: axis) }) { row, dy, dx, length in
            // dx holds the row's softmax y until the last loop replaces it with the gradient.
            let sum = shiftedExponentials(row, length, maximum: rowMaximum(row, length), into: dx)
            var dot: Float = 0
            for k in 0..<length {
                dx[k] /= sum
                dot += dy[k] * dx[k]
            }
            for k in 0..<length { dx[k] = dx[k] * (dy[k] - dot) }
        }
    }

    /// Log-softmax over the last axis, `x_k - m - log Σ_j exp(x_j - m)`, as
    /// `Reference.logSoftmaxForward` (other axes: the reference).
    /// - Returns: the shape of `x`.
    /// - Throws: `ConvLabError` (the reference's checks) for a scalar `x` or an axis out of range.
    /// - Complexity: three passes over each row, one `exp` per element and one `log` per row.
    public static func logSoftmaxForward(_ x: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        try softmaxRows("logSoftmax", x, axis: axis, reference: { try Reference.logSoftmaxForward(x, axis: axis) }) { row, _, y, length in
            let m = rowMaximum(row, length)
            // The exponentials land in y only to be summed; y is rewritten just below.
            let logSum = Float.log(shiftedExponentials(row, length, maximum: m, into: y))
            for k in 0..<length { y[k] = row[k] - m - logSum }
        }
    }

    /// `dx_k = dy_k - softmax(x)_k * Σ_j dy_j` per row, as `Reference.logSoftmaxBackward`.
    /// - Returns: `dInput`, the shape of `x`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ or `axis` is out of range.
    public static func logSoftmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        try softmaxRows("logSoftmaxBackward", x, dOutput: dOutput, axis: axis,
                        reference: { try Reference.logSoftmaxBackward(x, dOutput: dOutput, axis: axis) }) { row, dy, dx, length in
            let sum = shiftedExponentials(row, length, maximum: rowMaximum(row, length), into: dx)
            var total: Float = 0
            for k in 0..<length { total += dy[k] }
            for k in 0..<length { dx[k] = dy[k] - (dx[k] / sum) * total }
        }
    }
}
