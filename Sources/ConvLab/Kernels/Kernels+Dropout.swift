extension Kernels {
    /// `Reference.dropoutForward` or its fast twin (the mask comes from the same draws on both
    /// paths: the fast twin also draws one value per element, in order, on one thread).
    public func dropoutForward(_ x: Tensor<Float>, keepProbability: Float, generator: inout SeededGenerator)
        throws -> (output: Tensor<Float>, mask: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.dropoutForward(x, keepProbability: keepProbability, generator: &generator)
        case .fast:
            return try Fast.dropoutForward(x, keepProbability: keepProbability, generator: &generator)
        }
    }

    /// `Reference.dropoutBackward` or its fast twin.
    public func dropoutBackward(dOutput: Tensor<Float>, mask: Tensor<Float>) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.dropoutBackward(dOutput: dOutput, mask: mask)
        case .fast:
            return try Fast.dropoutBackward(dOutput: dOutput, mask: mask)
        }
    }
}
