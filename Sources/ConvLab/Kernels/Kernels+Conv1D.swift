extension Kernels {
    /// `Reference.conv1DForward` or its fast twin.
    public func conv1DForward(_ input: Tensor<Float>, filter: Tensor<Float>, stride: Int = 1,
                              padding: Padding, dilation: Int = 1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.conv1DForward(input, filter: filter, stride: stride,
                                               padding: padding, dilation: dilation)
        case .fast:
            return try Fast.conv1DForward(input, filter: filter, stride: stride,
                                          padding: padding, dilation: dilation)
        }
    }

    /// `Reference.conv1DBackward` or its fast twin.
    public func conv1DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                               stride: Int = 1, padding: Padding, dilation: Int = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.conv1DBackward(input, filter: filter, dOutput: dOutput, stride: stride,
                                                padding: padding, dilation: dilation)
        case .fast:
            return try Fast.conv1DBackward(input, filter: filter, dOutput: dOutput, stride: stride,
                                           padding: padding, dilation: dilation)
        }
    }
}
