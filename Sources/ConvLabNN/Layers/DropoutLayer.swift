import ConvLabCore

/// Inverted dropout, `tf.nn.dropout(h, keep_prob)`: while training, each element is kept with
/// probability `keep` and scaled by `1 / keep` (so evaluation needs no rescaling); while
/// evaluating, the identity (the notebook feeds `keep_prob: 1` at test time). The context's
/// `dropout` flag overrides the mode either way.
///
/// The mask comes from the layer's own `SeededGenerator`, reseeded by the trainer at every epoch
/// (`reseed`), so a resumed run draws the same masks as an uninterrupted one.
public final class Dropout: Layer {
    public let name: String
    /// `keep`, the probability that an element survives a training pass.
    public let keepProbability: Float
    private var generator: SeededGenerator
    /// The mask of the last forward pass (0 or `1 / keep` per element); nil when it dropped nothing.
    public private(set) var mask: Tensor<Float>?

    /// - Parameters:
    ///   - name: the scope, `dropout`.
    ///   - keepProbability: in (0, 1]; 1 keeps everything.
    ///   - seed: starts the mask stream (the trainer reseeds it every epoch).
    public init(_ name: String, keepProbability: Float, seed: UInt64 = 0) {
        self.name = name
        self.keepProbability = keepProbability
        self.generator = SeededGenerator(seed: seed)
    }

    public var kind: String { "Dropout(keep \(keepProbability))" }

    /// Restarts the mask stream.
    func reseed(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// Training: `dropoutForward` (each element kept with probability `keep`, scaled by
    /// `1 / keep`). Evaluation, or `keep = 1`: the input itself.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard context.dropout, keepProbability < 1 else {
            mask = nil
            return input
        }
        let (output, mask) = try context.kernels.ops.dropoutForward(input, keepProbability: keepProbability,
                                                                generator: &generator)
        self.mask = mask
        return output
    }

    /// `dOutput` through the last training pass's mask (scaled by `1 / keep`); the identity after
    /// an evaluation pass.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard let mask else { return dOutput }  // evaluation mode or keep = 1: the identity
        return try context.kernels.ops.dropoutBackward(dOutput: dOutput, mask: mask)
    }
}
