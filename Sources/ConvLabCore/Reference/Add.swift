/// Add: the elementwise sum of two tensors of one shape, as `tf.math.add` without broadcasting.
/// It is the skip connection of a residual block, `y = branch(x) + x`:
///
///     y[k] = a[k] + b[k]           dA = dOutput,   dB = dOutput
///
/// The gradient passes to both inputs unchanged, so no backward function is needed.
extension Reference {
    /// The elementwise sum `a + b`.
    /// - Parameters: `a` and `b`, one shape.
    /// - Returns: the same shape.
    /// - Throws: `ConvLabError.shape` naming `add` when the shapes differ.
    /// - Complexity: `count(a)` additions.
    public static func addForward<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) throws -> Tensor<Scalar> {
        try OpCheck.sameShape(b.shape, a.shape, names: ("b", "a"), op: "add")
        var sum = a
        for k in 0..<a.count { sum.scalars[k] += b.scalars[k] }
        return sum
    }
}
