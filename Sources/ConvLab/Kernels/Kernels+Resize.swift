extension Kernels {
    /// `Reference.resizeForward` or its fast twin.
    public func resizeForward(_ x: Tensor<Float>, size: Size2, method: ResizeMethod) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.resizeForward(x, size: size, method: method)
        case .fast:
            return try Fast.resizeForward(x, size: size, method: method)
        }
    }

    /// `Reference.resizeBackward` or its fast twin.
    public func resizeBackward(inputShape: [Int], dOutput: Tensor<Float>, method: ResizeMethod) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.resizeBackward(inputShape: inputShape, dOutput: dOutput, method: method)
        case .fast:
            return try Fast.resizeBackward(inputShape: inputShape, dOutput: dOutput, method: method)
        }
    }
}
