extension Kernels {
    /// `Reference.softmaxCrossEntropyForward` or its fast twin.
    public func softmaxCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>,
                                           axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: axis)
        case .fast:
            return try Fast.softmaxCrossEntropyForward(labels: labels, logits: logits, axis: axis)
        }
    }

    /// `Reference.softmaxCrossEntropyBackward` or its fast twin.
    public func softmaxCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>,
                                            dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits,
                                                             dOutput: dOutput, axis: axis)
        case .fast:
            return try Fast.softmaxCrossEntropyBackward(labels: labels, logits: logits,
                                                             dOutput: dOutput, axis: axis)
        }
    }

    /// `Reference.sigmoidCrossEntropyForward` or its fast twin.
    public func sigmoidCrossEntropyForward(labels: Tensor<Float>, logits: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.sigmoidCrossEntropyForward(labels: labels, logits: logits)
        case .fast:
            return try Fast.sigmoidCrossEntropyForward(labels: labels, logits: logits)
        }
    }

    /// `Reference.sigmoidCrossEntropyBackward` or its fast twin.
    public func sigmoidCrossEntropyBackward(labels: Tensor<Float>, logits: Tensor<Float>,
                                            dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.sigmoidCrossEntropyBackward(labels: labels, logits: logits, dOutput: dOutput)
        case .fast:
            return try Fast.sigmoidCrossEntropyBackward(labels: labels, logits: logits, dOutput: dOutput)
        }
    }

    /// `Reference.meanSquaredErrorForward` or its fast twin.
    public func meanSquaredErrorForward(prediction: Tensor<Float>, target: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.meanSquaredErrorForward(prediction: prediction, target: target)
        case .fast:
            return try Fast.meanSquaredErrorForward(prediction: prediction, target: target)
        }
    }

    /// `Reference.meanSquaredErrorBackward` or its fast twin.
    public func meanSquaredErrorBackward(prediction: Tensor<Float>, target: Tensor<Float>,
                                         dOutput: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.meanSquaredErrorBackward(prediction: prediction, target: target, dOutput: dOutput)
        case .fast:
            return try Fast.meanSquaredErrorBackward(prediction: prediction, target: target, dOutput: dOutput)
        }
    }
}
