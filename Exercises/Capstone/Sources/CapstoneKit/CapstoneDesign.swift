import ConvLab

/// A network design for the capstone: the layers, how they are trained, for how long.
///
/// The layers take MNIST digits `[N, 28, 28, 1]` (pixels in [0, 1], or standardized when
/// `standardizeInputs` is set) and end in 10 logits `[N, 10]`; the loss is softmax
/// cross-entropy. Every layer is one of ConvLab's (`Conv2D`, `DepthwiseConv2D`,
/// `SeparableConv2D`, `MaxPool2D`, `AvgPool2D`, `BatchNorm`, `ActivationLayer`, `Dropout`,
/// `Flatten`, `Dense`, `ResidualBlock`), run on the fast path.
public struct CapstoneDesign: Sendable {
    /// A short name for the leaderboard line.
    public var name: String
    /// Makes the layers (fresh, uninitialized; the harness initializes them from `seed`).
    public var layers: @Sendable () -> [any Layer]
    /// Makes the optimizer (`.sgd(learningRate:)`, `.momentum(...)`, `.rmsProp(...)`, `.adam(...)`).
    public var optimizer: @Sendable () -> Optimizer
    /// Examples per training step.
    public var batchSize: Int
    /// Passes over the training digits.
    public var epochs: Int
    /// The learning rate of each epoch (1, 2, ...); nil keeps the optimizer's.
    public var learningRate: (@Sendable (_ epoch: Int) -> Float)?
    /// Standardize the pixels with the training set's mean and standard deviation.
    public var standardizeInputs: Bool
    /// Seeds the weights, the shuffles and the dropout masks.
    public var seed: UInt64

    public init(name: String, layers: @escaping @Sendable () -> [any Layer], optimizer: @escaping @Sendable () -> Optimizer,
                batchSize: Int, epochs: Int, learningRate: (@Sendable (_ epoch: Int) -> Float)? = nil,
                standardizeInputs: Bool = false, seed: UInt64 = 2017) {
        self.name = name
        self.layers = layers
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRate = learningRate
        self.standardizeInputs = standardizeInputs
        self.seed = seed
    }
}

/// What a network costs: trainable parameters, and multiply-adds for one 28x28 digit's forward
/// pass (the measure of lecture module 15 and of exercise 28).
///
/// Multiply-adds: a convolution `OH * OW * KH * KW * C * O` (every tap of every output, padding
/// included), a depthwise convolution `OH * OW * KH * KW * C * M`, a separable one its depthwise
/// part plus `OH * OW * (C * M) * O`, a dense layer `In * Out`; biases, activations, pooling and
/// batch norm count 0.
public struct NetworkCost: Sendable, Equatable {
    public var parameters: Int
    public var multiplyAdds: Int
    /// Layer kinds this count does not know (counted as 0 multiply-adds).
    public var unknownKinds: [String]

    public static func of(_ layers: [any Layer], inputShape: [Int] = [1, 28, 28, 1]) throws -> NetworkCost {
        var cost = NetworkCost(parameters: 0, multiplyAdds: 0, unknownKinds: [])
        var shape = inputShape
        for layer in layers {
            let output = try layer.outputShape(for: shape)
            cost.parameters += layer.parameterCount
            cost.multiplyAdds += try multiplyAdds(layer, input: shape, output: output, unknown: &cost.unknownKinds)
            shape = output
        }
        return cost
    }

    static func multiplyAdds(_ layer: any Layer, input: [Int], output: [Int], unknown: inout [String]) throws -> Int {
        let positions = output.count == 4 ? output[1] * output[2] : 1
        switch layer {
        case let conv as Conv2D: return positions * conv.weights.value.count
        case let depthwise as DepthwiseConv2D: return positions * depthwise.weights.value.count
        case let separable as SeparableConv2D:
            return positions * (separable.depthwiseWeights.value.count + separable.pointwiseWeights.value.count)
        case let dense as Dense: return dense.weights.value.count
        case let block as ResidualBlock:
            var total = 0
            var shape = input
            for inner in [block.bn1, block.relu1, block.conv1, block.bn2, block.relu2, block.conv2] as [any Layer] {
                let next = try inner.outputShape(for: shape)
                total += try multiplyAdds(inner, input: shape, output: next, unknown: &unknown)
                shape = next
            }
            return total
        case is Pool2D, is BatchNorm, is ActivationLayer, is Dropout, is Flatten: return 0
        default:
            if !unknown.contains(layer.kind) { unknown.append(layer.kind) }
            return 0
        }
    }
}
