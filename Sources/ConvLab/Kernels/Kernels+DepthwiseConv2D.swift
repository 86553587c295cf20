extension Kernels {
    /// `Reference.depthwiseConv2DForward` or its fast twin.
    public func depthwiseConv2DForward(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2 = 1,
                                       padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.depthwiseConv2DForward(input, filter: filter, strides: strides,
                                                        padding: padding, dilations: dilations)
        case .fast:
            return try Fast.depthwiseConv2DForward(input, filter: filter, strides: strides,
                                                   padding: padding, dilations: dilations)
        }
    }

    /// `Reference.depthwiseConv2DBackward` or its fast twin.
    public func depthwiseConv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.depthwiseConv2DBackward(input, filter: filter, dOutput: dOutput,
                                                         strides: strides, padding: padding, dilations: dilations)
        case .fast:
            return try Fast.depthwiseConv2DBackward(input, filter: filter, dOutput: dOutput,
                                                    strides: strides, padding: padding, dilations: dilations)
        }
    }
}
