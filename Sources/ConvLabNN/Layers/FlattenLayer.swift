import ConvLabCore

/// `tf.reshape(h, [-1, 7*7*64])`: [N, H, W, C] -> [N, H*W*C], row-major so no scalar moves.
public final class Flatten: Layer {
    public let name: String
    private var inputShape: [Int]?

    /// - Parameter name: the scope (`flatten` by default).
    public init(_ name: String = "flatten") { self.name = name }

    public var kind: String { "Flatten" }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let first = inputShape.first else {
            throw ConvLabError.shape(op: name, message: "cannot flatten a scalar")
        }
        return [first, inputShape.dropFirst().reduce(1, *)]
    }

    /// The same scalars reshaped to `[N, H*W*C]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        inputShape = input.shape
        return try input.reshaped(outputShape(for: input.shape))
    }

    /// `dOutput` reshaped back to the input's shape.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let inputShape else { throw missingForward(self) }
        return try dOutput.reshaped(inputShape)
    }
}
