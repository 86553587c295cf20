extension Kernels {
    /// `Reference.conv2DTranspose` on both paths: there is no fast twin yet (the fast path's
    /// `conv2DBackward` computes the same `dInput`, plus a `dFilter` this op does not need).
    public func conv2DTranspose(_ input: Tensor<Float>, filter: Tensor<Float>, outputSize: Size2? = nil,
                                strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try Reference.conv2DTranspose(input, filter: filter, outputSize: outputSize, strides: strides,
                                      padding: padding, dilations: dilations)
    }
}
