extension Kernels {
    /// `Reference.separableConv2DForward` or its fast twin.
    public func separableConv2DForward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                       pointwiseFilter: Tensor<Float>, strides: Size2 = 1,
                                       padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        switch path {
        case .reference:
            return try Reference.separableConv2DForward(input, depthwiseFilter: depthwiseFilter,
                                                        pointwiseFilter: pointwiseFilter, strides: strides,
                                                        padding: padding, dilations: dilations)
        case .fast:
            return try Fast.separableConv2DForward(input, depthwiseFilter: depthwiseFilter,
                                                   pointwiseFilter: pointwiseFilter, strides: strides,
                                                   padding: padding, dilations: dilations)
        }
    }

    /// `Reference.separableConv2DBackward` or its fast twin.
    public func separableConv2DBackward(_ input: Tensor<Float>, depthwiseFilter: Tensor<Float>,
                                        pointwiseFilter: Tensor<Float>, dOutput: Tensor<Float>,
                                        strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dDepthwiseFilter: Tensor<Float>, dPointwiseFilter: Tensor<Float>) {
        switch path {
        case .reference:
            return try Reference.separableConv2DBackward(input, depthwiseFilter: depthwiseFilter,
                                                         pointwiseFilter: pointwiseFilter, dOutput: dOutput,
                                                         strides: strides, padding: padding, dilations: dilations)
        case .fast:
            return try Fast.separableConv2DBackward(input, depthwiseFilter: depthwiseFilter,
                                                    pointwiseFilter: pointwiseFilter, dOutput: dOutput,
                                                    strides: strides, padding: padding, dilations: dilations)
        }
    }
}
