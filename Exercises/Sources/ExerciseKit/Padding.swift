/// TensorFlow's two padding modes.
/// - VALID: no padding; the window only visits positions where it fits entirely.
/// - SAME: pad with zeros so that `output = ceil(input / stride)`; an odd total puts the extra
///   row or column at the end (bottom/right).
public enum Padding: String, Sendable, CaseIterable, CustomStringConvertible {
    case valid = "VALID"
    case same = "SAME"

    public var description: String { rawValue }
}

/// A pair (height, width) for window sizes, strides and dilations.
public struct Size2: Equatable, Sendable, CustomStringConvertible {
    public var h: Int
    public var w: Int
    public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
    public var description: String { "[\(h),\(w)]" }
}

/// The activation functions of exercise 10.
public enum Activation: String, Sendable, CaseIterable, CustomStringConvertible {
    case sigmoid, tanh, relu, leakyReLU, elu
    /// The negative slope of leaky ReLU, as `tf.nn.leaky_relu`'s default.
    public static let leakyAlpha = 0.2
    public var description: String { rawValue }
}

/// Adam's running state for one parameter array (exercise 15).
public struct AdamState: Equatable, Sendable {
    /// First moment (running mean of gradients), one per parameter.
    public var m: [Double]
    /// Second moment (running mean of squared gradients), one per parameter.
    public var v: [Double]
    /// How many steps were taken (t in the formulas); 0 before the first step.
    public var step: Int
    public init(count: Int) { m = Array(repeating: 0, count: count); v = m; step = 0 }
}

/// The network of exercise 17: conv 3x3 (+ bias) -> ReLU -> flatten -> dense (+ bias) -> softmax.
public struct TinyConvNet: Equatable, Sendable {
    /// [3, 3, 1, F]
    public var filter: Tensor
    /// [F]
    public var filterBias: [Double]
    /// [OH * OW * F][classes], rows in the flatten order of a [OH, OW, F] activation
    public var weights: [[Double]]
    /// [classes]
    public var bias: [Double]
    public init(filter: Tensor, filterBias: [Double], weights: [[Double]], bias: [Double]) {
        self.filter = filter; self.filterBias = filterBias; self.weights = weights; self.bias = bias
    }
}

/// One layer of a stack, as the receptive field sees it (exercise 21): a window of `kernel`
/// taps, `dilation` cells apart, moving `stride` cells at a time. A pooling layer is a window
/// too (kernel = window, dilation 1).
public struct WindowLayer: Equatable, Sendable, CustomStringConvertible {
    public var kernel: Int
    public var stride: Int
    public var dilation: Int
    public init(kernel: Int, stride: Int = 1, dilation: Int = 1) {
        self.kernel = kernel; self.stride = stride; self.dilation = dilation
    }
    public var description: String {
        "(kernel \(kernel), stride \(stride)" + (dilation == 1 ? ")" : ", dilation \(dilation))")
    }
}

/// The initialization schemes of exercise 22.
public enum InitScheme: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Glorot/Xavier: variance 2 / (fanIn + fanOut), drawn uniform or normal.
    case glorotUniform, glorotNormal
    /// He: variance 2 / fanIn, drawn uniform or normal.
    case heUniform, heNormal
    public var description: String { rawValue }
}

/// One layer of a network description (exercise 28). Convolutions and pooling take square
/// windows; `dense` needs a flat input (after `flatten`).
public enum LayerSpec: Equatable, Sendable, CustomStringConvertible {
    /// conv2d with `filters` filters of `kernel` x `kernel` x C, plus one bias per filter.
    case conv(kernel: Int, filters: Int, stride: Int, padding: Padding)
    /// depthwise conv2d: `multiplier` filters of `kernel` x `kernel` per input channel, plus one
    /// bias per output channel (C * multiplier).
    case depthwise(kernel: Int, multiplier: Int, stride: Int, padding: Padding)
    /// max pooling over `window` x `window` windows.
    case maxPool(window: Int, stride: Int, padding: Padding)
    /// [H, W, C] -> [H * W * C]
    case flatten
    /// a fully connected layer with `outputs` outputs, plus one bias per output.
    case dense(outputs: Int)

    public var description: String {
        switch self {
        case let .conv(k, f, s, p): return "conv(\(k)x\(k), \(f) filters, stride \(s), \(p))"
        case let .depthwise(k, m, s, p): return "depthwise(\(k)x\(k), multiplier \(m), stride \(s), \(p))"
        case let .maxPool(w, s, p): return "maxPool(\(w)x\(w), stride \(s), \(p))"
        case .flatten: return "flatten"
        case let .dense(o): return "dense(\(o))"
        }
    }
}

/// What one layer of exercise 28 produces and costs.
public struct LayerCost: Equatable, Sendable, CustomStringConvertible {
    /// The output shape of one example: [H, W, C] for images, [F] after `flatten` or `dense`.
    public var shape: [Int]
    /// Trainable scalars (weights and biases).
    public var parameters: Int
    /// Multiply-adds for one example's forward pass.
    public var multiplyAdds: Int
    public init(shape: [Int], parameters: Int, multiplyAdds: Int) {
        self.shape = shape; self.parameters = parameters; self.multiplyAdds = multiplyAdds
    }
    public var description: String { "(shape \(describeShape(shape)), parameters \(parameters), multiplyAdds \(multiplyAdds))" }
}
