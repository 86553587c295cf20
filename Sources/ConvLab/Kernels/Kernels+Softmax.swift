extension Kernels {
    /// `Reference.softmaxForward` or its fast twin.
    public func softmaxForward(_ x: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softmaxForward(x, axis: axis)
        case .fast:
            return try Fast.softmaxForward(x, axis: axis)
        }
    }

    /// `Reference.softmaxBackward` or its fast twin.
    public func softmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.softmaxBackward(x, dOutput: dOutput, axis: axis)
        case .fast:
            return try Fast.softmaxBackward(x, dOutput: dOutput, axis: axis)
        }
    }

    /// `Reference.logSoftmaxForward` or its fast twin.
    public func logSoftmaxForward(_ x: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.logSoftmaxForward(x, axis: axis)
        case .fast:
            return try Fast.logSoftmaxForward(x, axis: axis)
        }
    }

    /// `Reference.logSoftmaxBackward` or its fast twin.
    public func logSoftmaxBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>, axis: Int = -1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.logSoftmaxBackward(x, dOutput: dOutput, axis: axis)
        case .fast:
            return try Fast.logSoftmaxBackward(x, dOutput: dOutput, axis: axis)
        }
    }
}
