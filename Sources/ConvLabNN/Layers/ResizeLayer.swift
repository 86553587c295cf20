import ConvLabCore

/// An image resize as a layer, `tf.image.resize(h, size, method)`: the upsampling step of a
/// decoder (nearest 7x7 -> 14x14 copies each pixel into a 2x2 block). No parameters.
///
/// The backward pass is the adjoint of the resize (`Kernels.resizeBackward`): each output
/// gradient flows back to the input pixels it was read from, with the forward weights.
public final class Resize: Layer {
    public let name: String
    /// The output `(OH, OW)`.
    public let size: Size2
    /// Nearest, bilinear or bicubic.
    public let method: ResizeMethod
    private var inputShape: [Int]?

    /// - Parameters:
    ///   - name: the scope, `up1`.
    ///   - size: the output `(OH, OW)`.
    ///   - method: `.nearest`, `.bilinear` or `.bicubic` (TF2 half-pixel centres).
    public init(_ name: String, size: Size2, method: ResizeMethod = .nearest) {
        self.name = name
        self.size = size
        self.method = method
    }

    public var kind: String { "Resize(\(method))" }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 4 else {
            throw ConvLabError.shape(op: name, message: "resize needs [N,H,W,C], got \(describeShape(inputShape))")
        }
        guard size.h >= 1, size.w >= 1 else {
            throw ConvLabError.argument(op: name, message: "resize size must be positive, got [\(size.h),\(size.w)]")
        }
        return [inputShape[0], size.h, size.w, inputShape[3]]
    }

    /// `resizeForward`: `[N, H, W, C]` -> `[N, OH, OW, C]`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let output = try context.kernels.ops.resizeForward(input, size: size, method: method)
        inputShape = input.shape
        return output
    }

    /// `resizeBackward`: each output gradient goes back to the input pixels it was read from.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let inputShape else { throw missingForward(self) }
        return try context.kernels.ops.resizeBackward(inputShape: inputShape, dOutput: dOutput, method: method)
    }
}
