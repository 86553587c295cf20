extension Kernels {
    /// `Reference.batchNormForward` (training mode) or its fast twin.
    public func batchNormForward(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>, epsilon: Float,
                                 axes: [Int] = [0, 1, 2])
        throws -> (output: Tensor<Float>, mean: Tensor<Float>, variance: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: axes)
        case .fast:
            return try Fast.batchNormForward(x, gamma: gamma, beta: beta, epsilon: epsilon, axes: axes)
        }
    }

    /// `Reference.batchNormBackward` or its fast twin.
    public func batchNormBackward(_ x: Tensor<Float>, gamma: Tensor<Float>, dOutput: Tensor<Float>, epsilon: Float,
                                  axes: [Int] = [0, 1, 2])
        throws -> (dInput: Tensor<Float>, dGamma: Tensor<Float>, dBeta: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.batchNormBackward(x, gamma: gamma, dOutput: dOutput, epsilon: epsilon, axes: axes)
        case .fast:
            return try Fast.batchNormBackward(x, gamma: gamma, dOutput: dOutput, epsilon: epsilon, axes: axes)
        }
    }

    /// `Reference.batchNormInference` or its fast twin.
    public func batchNormInference(_ x: Tensor<Float>, gamma: Tensor<Float>, beta: Tensor<Float>,
                                   mean: Tensor<Float>, variance: Tensor<Float>, epsilon: Float) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.batchNormInference(x, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                                    epsilon: epsilon)
        case .fast:
            return try Fast.batchNormInference(x, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                                    epsilon: epsilon)
        }
    }
}
