/// Losses: softmax cross-entropy and sigmoid cross-entropy with logits, and mean squared error,
/// as `tf.nn.softmax_cross_entropy_with_logits`, `tf.nn.sigmoid_cross_entropy_with_logits` and
/// `tf.keras.losses.MeanSquaredError` (mean over every element), forward and backward.
///
///     softmaxCE(z, x)  = -Σ_k z_k * logSoftmax(x)_k          per example, along `axis`
///     sigmoidCE(z, x)  = max(x, 0) - x * z + log1p(exp(-|x|))  elementwise
///     mse(p, t)        = (1 / count) * Σ (p - t)^2             one scalar
///
/// `x` are logits, `z` labels. Both cross-entropies are written so that logits of +-1000 give
/// finite, correct losses: softmax through log-sum-exp with the maximum subtracted, sigmoid
/// through `log1p(exp(-|x|))`, which never sees a positive exponent. Labels and targets get no
/// gradient.
extension Reference {
    // MARK: - Softmax cross-entropy

    /// Softmax cross-entropy with logits: `-Σ_k labels_k * logSoftmax(logits)_k` along `axis`.
    /// - Parameters:
    ///   - labels: the same shape as `logits`; each slice along `axis` is usually a probability
    ///     distribution (one-hot or soft).
    ///   - logits: any shape of rank >= 1, e.g. `[N, K]`.
    ///   - axis: the class axis, in `-rank..<rank` (default: the last).
    /// - Returns: the per-example loss, `logits`' shape without `axis` (`[N]` for `[N, K]`).
    /// - Throws: `ConvLabError` naming `softmaxCrossEntropy` when the shapes differ, `logits` is a
    ///   scalar or `axis` is out of range.
    /// - Complexity: `3 * count(logits)` passes of `exp`/add.
    public static func softmaxCrossEntropyForward<Scalar: TensorScalar>(
        labels: Tensor<Scalar>, logits: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let op = "softmaxCrossEntropy"
        let layout = try SoftmaxAxis(logits.shape, axis: axis, op: op)
        try OpCheck.labels(labels.shape, logits: logits.shape, op: op)
        var loss = Tensor<Scalar>.zerosUnchecked(layout.reducedShape)
        layout.forEachSlice { slice, position in
            let m = layout.maximum(logits.scalars, slice)
            let logSum = layout.logSumExpShifted(logits.scalars, slice, maximum: m)
            var sum: Scalar = 0
            for index in slice {
                let logProbability = logits.scalars[index] - m - logSum
                sum -= labels.scalars[index] * logProbability
            }
            loss.scalars[position] = sum
        }
        return loss
    }

    /// The gradient of `softmaxCrossEntropyForward` with respect to the logits:
    ///
    ///     dLogits_k = dOutput * (softmax(logits)_k * Σ_j labels_j - labels_k)
    ///
    /// which is TF's `dOutput * (softmax - labels)` whenever each label slice sums to 1, and
    /// stays the exact derivative when it does not (TF's kernel assumes the sum is 1).
    /// - Parameters:
    ///   - labels: as in the forward pass.
    ///   - logits: as in the forward pass.
    ///   - axis: as in the forward pass.
    ///   - dOutput: the per-example upstream gradient, `logits`' shape without `axis`.
    /// - Returns: `dLogits`, `logits`' shape.
    /// - Throws: `ConvLabError` naming `softmaxCrossEntropyBackward` when a shape is wrong.
    public static func softmaxCrossEntropyBackward<Scalar: TensorScalar>(
        labels: Tensor<Scalar>, logits: Tensor<Scalar>, dOutput: Tensor<Scalar>, axis: Int = -1
    ) throws -> Tensor<Scalar> {
        let op = "softmaxCrossEntropyBackward"
        let layout = try SoftmaxAxis(logits.shape, axis: axis, op: op)
        try OpCheck.labels(labels.shape, logits: logits.shape, op: op)
        try OpCheck.outputGradient(dOutput.shape, expected: layout.reducedShape, op: op)
        let p = try softmaxForward(logits, axis: axis)
        var dLogits = Tensor<Scalar>.zerosUnchecked(logits.shape)
        layout.forEachSlice { slice, position in
            let upstream = dOutput.scalars[position]
            var labelSum: Scalar = 0
            for index in slice { labelSum += labels.scalars[index] }
            for index in slice { dLogits.scalars[index] = upstream * (p.scalars[index] * labelSum - labels.scalars[index]) }
        }
        return dLogits
    }

    // MARK: - Sigmoid cross-entropy

    /// Sigmoid cross-entropy with logits, elementwise:
    /// `max(x, 0) - x * z + log1p(exp(-|x|))`, which equals `-z log s - (1 - z) log(1 - s)` with
    /// `s = sigmoid(x)` but never overflows.
    /// - Parameters:
    ///   - labels: `z`, the same shape as `logits`, usually in [0, 1].
    ///   - logits: `x`, any shape.
    /// - Returns: the same shape.
    /// - Throws: `ConvLabError` naming `sigmoidCrossEntropy` when the shapes differ.
    public static func sigmoidCrossEntropyForward<Scalar: TensorScalar>(
        labels: Tensor<Scalar>, logits: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try OpCheck.labels(labels.shape, logits: logits.shape, op: "sigmoidCrossEntropy")
        var loss = Tensor<Scalar>.zerosUnchecked(logits.shape)
        for k in 0..<logits.count {
            let x = logits.scalars[k], z = labels.scalars[k]
            loss.scalars[k] = Swift.max(x, 0) - x * z + Scalar.log1p(Scalar.exp(-abs(x)))
        }
        return loss
    }

    /// The gradient of `sigmoidCrossEntropyForward`: `dLogits = dOutput * (sigmoid(x) - z)`.
    /// - Parameters: `labels`, `logits` and `dOutput`, all the same shape.
    /// - Returns: `dLogits`, the same shape.
    /// - Throws: `ConvLabError` naming `sigmoidCrossEntropyBackward` when the shapes differ.
    public static func sigmoidCrossEntropyBackward<Scalar: TensorScalar>(
        labels: Tensor<Scalar>, logits: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        let op = "sigmoidCrossEntropyBackward"
        try OpCheck.labels(labels.shape, logits: logits.shape, op: op)
        try OpCheck.sameShape(dOutput.shape, logits.shape, names: ("dOutput", "logits"), op: op)
        var dLogits = Tensor<Scalar>.zerosUnchecked(logits.shape)
        for k in 0..<logits.count {
            let s = stableSigmoid(logits.scalars[k])
            dLogits.scalars[k] = dOutput.scalars[k] * (s - labels.scalars[k])
        }
        return dLogits
    }

    // MARK: - Mean squared error

    /// Mean squared error over every element: `(1 / count) * Σ (prediction - target)^2`.
    /// - Parameters:
    ///   - prediction: any shape with at least one element.
    ///   - target: the same shape.
    /// - Returns: a scalar tensor, shape `[]`.
    /// - Throws: `ConvLabError` naming `meanSquaredError` when the shapes differ or are empty.
    public static func meanSquaredErrorForward<Scalar: TensorScalar>(
        prediction: Tensor<Scalar>, target: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        try OpCheck.regression(prediction: prediction.shape, target: target.shape, op: "meanSquaredError")
        var sum: Scalar = 0
        for k in 0..<prediction.count {
            let difference = prediction.scalars[k] - target.scalars[k]
            sum += difference * difference
        }
        return Tensor(scalar: sum / Scalar(prediction.count))
    }

    /// The gradient of `meanSquaredErrorForward`:
    /// `dPrediction = dOutput * 2 * (prediction - target) / count`.
    /// - Parameters:
    ///   - prediction: as in the forward pass.
    ///   - target: as in the forward pass.
    ///   - dOutput: the upstream gradient of the scalar loss, shape `[]` (1 for the loss itself).
    /// - Returns: `dPrediction`, `prediction`'s shape.
    /// - Throws: `ConvLabError` naming `meanSquaredErrorBackward` when a shape is wrong.
    public static func meanSquaredErrorBackward<Scalar: TensorScalar>(
        prediction: Tensor<Scalar>, target: Tensor<Scalar>, dOutput: Tensor<Scalar>
    ) throws -> Tensor<Scalar> {
        let op = "meanSquaredErrorBackward"
        try OpCheck.regression(prediction: prediction.shape, target: target.shape, op: op)
        try OpCheck.scalarGradient(dOutput.shape, op: op)
        let scale = 2 * dOutput.scalars[0] / Scalar(prediction.count)
        var dPrediction = Tensor<Scalar>.zerosUnchecked(prediction.shape)
        for k in 0..<prediction.count {
            dPrediction.scalars[k] = scale * (prediction.scalars[k] - target.scalars[k])
        }
        return dPrediction
    }
}
