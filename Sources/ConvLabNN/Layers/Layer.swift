import ConvLabCore

/// Layers: objects that hold their parameters, remember what their backward pass needs, and do
/// their arithmetic only through `Kernels` (so a whole network moves between the reference loops
/// and the fast kernels with one switch).
///
/// The flow of one training step, as in the lectures' graphs:
///
///     logits = model.forward(images, context)          // each layer caches its input
///     dLogits = loss gradient
///     model.backward(dLogits, context)                  // each layer fills its gradients
///     optimizer.apply(model.variables)                  // value -= f(gradient)

/// One named tensor of a model: `conv1/weights`, `conv1/biases`, `bn1/moving_mean`.
///
/// Names follow the lectures' variable scopes (`tf.variable_scope('conv1')` + `'weights'`).
/// A variable is a class so the layer that uses it, the optimizer that updates it and the
/// checkpoint that saves it all see the same storage.
public final class Variable {
    /// The scoped name, `scope/name`.
    public let name: String
    /// The current value.
    public var value: Tensor<Float>
    /// The gradient of the loss with respect to `value`, filled by the last backward pass.
    public var gradient: Tensor<Float>
    /// `false` for state that is saved but not trained (batch norm's moving statistics).
    public let trainable: Bool
    /// How `Sequential.initialize(seed:)` fills the value.
    public let initializer: Initializer

    /// A variable of `shape`, zero until `Sequential.initialize(seed:)` fills it from `initializer`.
    /// - Parameters:
    ///   - name: the scoped name, `conv1/weights`.
    ///   - shape: the value's shape; the gradient gets the same shape (none for untrained state).
    ///   - initializer: how the value is filled.
    ///   - trainable: `false` for saved state the optimizer leaves alone.
    public init(name: String, shape: [Int], initializer: Initializer, trainable: Bool = true) {
        self.name = name
        self.value = Tensor.zerosUnchecked(shape)
        self.gradient = Tensor.zerosUnchecked(trainable ? shape : [0])
        self.trainable = trainable
        self.initializer = initializer
    }

    /// The value's shape.
    public var shape: [Int] { value.shape }
}

/// Whether a forward pass trains (dropout drops, batch norm uses batch statistics and updates
/// its moving averages) or evaluates (dropout is the identity, batch norm uses moving averages).
public enum Mode: Sendable {
    /// Dropout drops; batch norm normalizes with the batch's statistics and updates its moving ones.
    case training
    /// Dropout is the identity; batch norm normalizes with its moving statistics.
    case evaluation
}

/// What every forward and backward pass needs besides the tensors.
public struct LayerContext: Sendable {
    /// The path (reference or fast) every op of the pass runs on.
    public var kernels: Kernels
    /// Training or evaluation.
    public var mode: Mode
    /// Whether dropout layers drop units. It follows the mode unless set: the course's 2017
    /// script scored its test set with dropout still on, and its July 2017 revision ran optimizer
    /// steps on the test batches with `keep_prob` 1 (`Trainer`'s scorings need both).
    public var dropout: Bool

    /// A context for one pass; `dropout` defaults to whether the mode is training.
    public init(kernels: Kernels, mode: Mode, dropout: Bool? = nil) {
        self.kernels = kernels
        self.mode = mode
        self.dropout = dropout ?? (mode == .training)
    }
}

/// A layer of a sequential model.
///
/// `forward` caches whatever `backward` needs (its input, pre-activations, a dropout mask), so
/// `backward` must follow the `forward` of the same batch. `backward` fills the gradients of the
/// layer's variables (overwriting, not accumulating) and returns the gradient for its input.
public protocol Layer: AnyObject {
    /// The scope name, `conv1`.
    var name: String { get }
    /// The kind shown in summaries, `Conv2D`.
    var kind: String { get }
    /// The variables, trainable and not, in a fixed order.
    var variables: [Variable] { get }
    /// The output shape for an input shape (batch dimension included).
    /// - Throws: `ConvLabError.shape` when the input does not fit the layer.
    func outputShape(for inputShape: [Int]) throws -> [Int]
    /// The layer's output for a batch; caches what `backward` will need.
    /// - Parameters:
    ///   - input: a batch, `[N, ...]`, of the shape `outputShape(for:)` accepts.
    ///   - context: the kernels to run on and whether this is a training pass.
    /// - Returns: the output, `outputShape(for: input.shape)`.
    /// - Throws: `ConvLabError` naming the layer when the input does not fit.
    func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float>
    /// Back-propagates the gradient of the loss with respect to this layer's last output: fills
    /// the gradients of the layer's variables (overwriting them) and returns the gradient with
    /// respect to the input.
    /// - Parameters:
    ///   - dOutput: the gradient with respect to the output of the last `forward`, the same shape.
    ///   - context: the same kernels as that forward pass.
    /// - Returns: `dInput`, the input's shape.
    /// - Throws: `ConvLabError` when the layer needs its forward pass's cache and has none, or a
    ///   shape does not fit.
    func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float>
    /// `backward` for a layer whose input gradient nobody reads (a network's first layer): fills
    /// the same variable gradients and may skip computing `dInput`.
    /// - Throws: as `backward`.
    func backwardParameters(_ dOutput: Tensor<Float>, context: LayerContext) throws
}

extension Layer {
    public var variables: [Variable] { [] }

    /// `backward`, its `dInput` dropped.
    public func backwardParameters(_ dOutput: Tensor<Float>, context: LayerContext) throws {
        _ = try backward(dOutput, context: context)
    }

    /// The number of trainable scalars.
    public var parameterCount: Int {
        variables.filter(\.trainable).reduce(0) { $0 + $1.value.count }
    }
}

/// The error a layer throws when `backward` is called with no cached forward pass.
func missingForward(_ layer: some Layer) -> ConvLabError {
    ConvLabError.argument(op: layer.name, message: "backward called before forward")
}

/// Checks the channel count of an NHWC input against what a layer was built for.
func checkChannels(_ shape: [Int], expected: Int, layer: String, kind: String) throws {
    guard shape.count == 4 else {
        throw ConvLabError.shape(op: layer,
            message: "\(kind) needs an NHWC input [N,H,W,C], got \(describeShape(shape))")
    }
    guard shape[3] == expected else {
        throw ConvLabError.shape(op: layer,
            message: "\(kind) was built for \(expected) input channels but the input has \(shape[3]) (\(describeShape(shape)))")
    }
}
