import ConvLabCore

// Fast losses: twins of `Reference.softmaxCrossEntropyForward` / `...Backward` (class axis
// last), `Reference.sigmoidCrossEntropyForward` / `...Backward` and
// `Reference.meanSquaredErrorForward` / `...Backward`.
//
// The reference indexes every element through `SoftmaxAxis` and its backward pass builds the
// whole softmax tensor before reading it back. Here, with the classes last, each example is one
// contiguous row: the backward pass keeps the row's `exp(logit - max)` in its own `dLogits` row
// and rewrites it in place, and rows are split across `Fast.threads` threads. The sigmoid loss
// and the squared error are one chunked parallel pass each. Exp and log1p are the four-lane
// versions of `Fast+Math.swift`. The formulas are the reference's (log-sum-exp with the row
// maximum subtracted; `max(x, 0) - x z + log1p(exp(-|x|))`), so logits of +-1000 stay finite.
// Another class axis falls back to the reference.

extension Fast {
    /// `-Σ_k labels_k * logSoftmax(logits)_k` per row, as `Reference.softmaxCrossEntropyForward`.
    /// - Returns: the per-example loss, `logits`' shape without the last axis.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ or `axis` is out of range.
    /// - Complexity: three passes over each row, one `exp` per logit.
    public static func softmaxCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>,
                                                  axis: Int = -1) throws -> Tensor<Float> {
        let layout = try SoftmaxAxis(logits.shape, axis: axis, op: "softmaxCrossEntropy")
        try OpCheck.labels(labels.shape, logits: logits.shape, op: "softmaxCrossEntropy")
        guard let (rows, length) = lastAxisRows(layout) else {
            return try referenceFallback("softmaxCrossEntropy", fallbackReason(layout)) {
                try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: axis)
            }
        }
        return tensor(Array(logits.shape.dropLast())) { values in
            withBases(logits.scalars, labels.scalars) { source, targets in
                forEachRow(rows, length: length) { r in
                    let row = source + r * length, z = targets + r * length
                    let m = rowMaximum(row, length)
                    let logSum = Float.log(sumOfShiftedExponentials(row, length, maximum: m))
                    var loss: Float = 0
                    for k in 0..<length { loss -= z[k] * (row[k] - m - logSum) }
                    values[r] = loss
                }
            }
        }
    }

    /// `dLogits_k = dOutput * (softmax(logits)_k * Σ_j labels_j - labels_k)` per row, as
    /// `Reference.softmaxCrossEntropyBackward`.
    /// - Returns: `dLogits`, `logits`' shape.
    /// - Throws: `ConvLabError` (the reference's checks) when a shape is wrong or `axis` is out of range.
    public static func softmaxCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>,
                                                   dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        let layout = try SoftmaxAxis(logits.shape, axis: axis, op: "softmaxCrossEntropyBackward")
        try OpCheck.labels(labels.shape, logits: logits.shape, op: "softmaxCrossEntropyBackward")
        try OpCheck.outputGradient(dOutput.shape, expected: layout.reducedShape, op: "softmaxCrossEntropyBackward")
        guard let (rows, length) = lastAxisRows(layout) else {
            return try referenceFallback("softmaxCrossEntropyBackward", fallbackReason(layout)) {
                try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: dOutput, axis: axis)
            }
        }
        return tensor(logits.shape) { gradient in
            withBases(logits.scalars, labels.scalars, dOutput.scalars) { source, targets, upstream in
                forEachRow(rows, length: length) { r in
                    let row = source + r * length, z = targets + r * length, dx = gradient + r * length
                    // dx holds exp(logit - max) until the last loop turns it into the gradient.
                    let sum = shiftedExponentials(row, length, maximum: rowMaximum(row, length), into: dx)
                    var labelSum: Float = 0
                    for k in 0..<length { labelSum += z[k] }
                    let dy = upstream[r]
                    for k in 0..<length { dx[k] = dy * ((dx[k] / sum) * labelSum - z[k]) }
                }
            }
        }
    }

    /// `max(x, 0) - x * z + log1p(exp(-|x|))` elementwise, as `Reference.sigmoidCrossEntropyForward`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ.
    /// - Complexity: one pass, one `exp` and one `log1p` per element.
    public static func sigmoidCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.labels(labels.shape, logits: logits.shape, op: "sigmoidCrossEntropy")
        return zipLanes(logits, labels, SigmoidCrossEntropyLanes())
    }

    /// `dOutput * (sigmoid(x) - z)` elementwise, as `Reference.sigmoidCrossEntropyBackward`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ.
    public static func sigmoidCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>,
                                                   dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.labels(labels.shape, logits: logits.shape, op: "sigmoidCrossEntropyBackward")
        try OpCheck.sameShape(dOutput.shape, logits.shape, names: ("dOutput", "logits"), op: "sigmoidCrossEntropyBackward")
        return tensor(logits.shape) { dx in
            withBases(logits.scalars, labels.scalars, dOutput.scalars) { x, z, dy in
                parallelChunks(logits.count) { range in
                    var i = range.lowerBound
                    while i + 4 <= range.upperBound {
                        storeLanes(loadLanes(dy + i) * (sigmoid(loadLanes(x + i)) - loadLanes(z + i)), dx + i)
                        i += 4
                    }
                    if i < range.upperBound {
                        let n = range.upperBound - i
                        let s = sigmoid(loadLanes(x + i, n))
                        storeLanes(loadLanes(dy + i, n) * (s - loadLanes(z + i, n)), dx + i, n)
                    }
                }
            }
        }
    }

    /// `(1 / count) * Σ (prediction - target)^2`, as `Reference.meanSquaredErrorForward`: each
    /// chunk of ~64K elements sums its squares on one of the threads, and the chunk sums are
    /// added in chunk order (`reduceColumns` with one column), so the result does not depend on
    /// the thread count.
    /// - Returns: a scalar tensor `[]`.
    /// - Throws: `ConvLabError` (the reference's checks) when the shapes differ or are empty.
    /// - Complexity: one pass.
    public static func meanSquaredErrorForward(prediction: Tensor<Float>, target: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.regression(prediction: prediction.shape, target: target.shape, op: "meanSquaredError")
        let count = prediction.count
        let sum = withBases(prediction.scalars, target.scalars) { p, t in
            reduceColumns(rows: count, columns: 1, sums: 1) { range, partial in
                var sum: Float = 0
                for k in range {
                    let difference = p[k] - t[k]
                    sum += difference * difference
                }
                partial[0] = sum
            }[0]
        }
        return Tensor(scalar: sum / Float(count))
    }

    /// `dOutput * 2 * (prediction - target) / count`, as `Reference.meanSquaredErrorBackward`.
    /// - Throws: `ConvLabError` (the reference's checks) when a shape is wrong.
    public static func meanSquaredErrorBackward(prediction: Tensor<Float>, target: Tensor<Float>,
                                                dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.regression(prediction: prediction.shape, target: target.shape, op: "meanSquaredErrorBackward")
        try OpCheck.scalarGradient(dOutput.shape, op: "meanSquaredErrorBackward")
        let scale = 2 * dOutput.scalars[0] / Float(prediction.count)
        return zipLanes(prediction, target, ScaledDifferenceLanes(scale: scale))
    }
}

/// `max(x, 0) - x z + log1p(exp(-|x|))` for logits `x` and labels `z`.
struct SigmoidCrossEntropyLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ x: Fast.Lanes, _ z: Fast.Lanes) -> Fast.Lanes {
        x.replacing(with: 0, where: x .< 0) - x * z + Fast.log1pOfUnit(Fast.expOfNonPositive(-Fast.absolute(x)))
    }
}

/// `scale * (p - t)`, the mean squared error's gradient.
struct ScaledDifferenceLanes: LanePairOp {
    let scale: Float
    @inline(__always) func callAsFunction(_ p: Fast.Lanes, _ t: Fast.Lanes) -> Fast.Lanes { scale * (p - t) }
}
