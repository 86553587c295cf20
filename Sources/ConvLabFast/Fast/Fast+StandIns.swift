// The fast path's stand-ins: ops with no fast twin yet.

import ConvLabCore

/// Each op here runs the reference loops on the fast path, recorded as a fallback, so `convlab
/// bench` and the cross-check tests list it. The stand-in lives on `Fast`, not in a protocol
/// extension: `Reference` conforms too, and a default there would shadow its generic op (the
/// Float call would then pick the default and call itself). A fast twin, in its own `Fast+Op.swift`, replaces it.
extension Fast {
    /// `tf.nn.conv2d_transpose`. (The fast `conv2DBackward` computes the same values as its
    /// `dInput`, but also a `dFilter` this op does not need.)
    public static func conv2DTranspose(_ input: Tensor<Float>, filter: Tensor<Float>, outputSize: Size2? = nil,
                                       strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        try referenceFallback("conv2DTranspose", "no fast twin") {
            try Reference.conv2DTranspose(input, filter: filter, outputSize: outputSize, strides: strides,
                                          padding: padding, dilations: dilations)
        }
    }
}
