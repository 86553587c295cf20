/// Inverted dropout, `tf.nn.dropout(h, keep_prob)`: while training, each element is kept with
/// probability `keep` and scaled by `1 / keep` (so evaluation needs no rescaling); while
/// evaluating, the identity (the notebook feeds `keep_prob: 1` at test time).
///
/// The mask comes from the layer's own `SeededGenerator`, reseeded by the trainer at every epoch
/// (`reseed`), so a resumed run draws the same masks as an uninterrupted one.
public final class Dropout: Layer {
    public let name: String
    public let keepProbability: Float
    private var generator: SeededGenerator
    private var mask: Tensor<Float>?

    public init(_ name: String, keepProbability: Float, seed: UInt64 = 0) {
        self.name = name
        self.keepProbability = keepProbability
        self.generator = SeededGenerator(seed: seed)
    }

    public var kind: String { "Dropout(keep \(keepProbability))" }

    /// Restarts the mask stream.
    public func reseed(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard context.mode == .training, keepProbability < 1 else {
            mask = nil
            return input
        }
        let (output, mask) = try context.kernels.ops.dropoutForward(input, keepProbability: keepProbability,
                                                                generator: &generator)
        self.mask = mask
        return output
    }

    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let mask else { return dOutput }  // evaluation mode or keep = 1: the identity
        return try context.kernels.ops.dropoutBackward(dOutput: dOutput, mask: mask)
    }
}
