extension Fast {
    /// `tf.nn.conv2d_transpose` has no fast kernel yet: the reference loops run it, recorded as a
    /// fallback so `convlab bench` lists it. (The fast `conv2DBackward` computes the same values as
    /// its `dInput`, but also a `dFilter` this op does not need.)
    public static func conv2DTranspose(_ input: Tensor<Float>, filter: Tensor<Float>, outputSize: Size2? = nil,
                                       strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try referenceFallback("conv2DTranspose", "no fast twin") {
            try Reference.conv2DTranspose(input, filter: filter, outputSize: outputSize, strides: strides,
                                          padding: padding, dilations: dilations)
        }
    }
}
