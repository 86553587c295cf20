import ConvLabCore

/// How a variable's first value is drawn. Every random draw comes from `SeededGenerator`, so one
/// seed gives the same weights on every platform.
///
/// Fans follow TF/Keras: for a dense `[In, Out]` weight, `fanIn = In`, `fanOut = Out`; for a
/// conv filter `[KH, KW, C, O]`, `fanIn = KH*KW*C`, `fanOut = KH*KW*O`.
public enum Initializer: Sendable, Equatable {
    /// Every element `value` (`tf.constant_initializer`; the notebook's biases use 0.1).
    case constant(Float)
    /// Every element 0 (Keras's default for biases).
    case zeros
    /// `tf.random_normal_initializer(mean, stddev)`.
    case randomNormal(mean: Float = 0, stddev: Float = 1)
    /// `tf.truncated_normal(stddev)`: a normal draw, redrawn while it lies more than two standard
    /// deviations from the mean (the notebook's weights: stddev 0.1).
    case truncatedNormal(mean: Float = 0, stddev: Float)
    /// Glorot/Xavier normal (Keras `glorot_normal`): truncated normal with
    /// `stddev = sqrt(2 / (fanIn + fanOut)) / 0.87962566`, the divisor undoing the truncation's
    /// shrinkage so the variance is `2 / (fanIn + fanOut)`.
    case glorotNormal
    /// Glorot/Xavier uniform (Keras `glorot_uniform`, also `tf.get_variable`'s default):
    /// uniform in `[-limit, limit)` with `limit = sqrt(6 / (fanIn + fanOut))`.
    case glorotUniform
    /// He (Keras `he_normal`, `VarianceScaling(scale: 2, mode: fan_in, truncated normal)`):
    /// truncated normal with `stddev = sqrt(2 / fanIn) / 0.87962566`, variance `2 / fanIn`.
    case heNormal

    /// The standard deviation of a unit normal truncated to [-2, 2], as Keras's VarianceScaling uses.
    static let truncatedUnitStddev = 0.87962566103423978

    /// `(fanIn, fanOut)` of a weight shape.
    package static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (receptive * shape[shape.count - 2], receptive * shape[shape.count - 1])
        }
    }

    /// A tensor of `shape` drawn from this initializer.
    public func make(shape: [Int], generator: inout SeededGenerator) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        let (fanIn, fanOut) = Initializer.fans(shape)
        var scalars = [Float]()
        scalars.reserveCapacity(count)
        switch self {
        case .constant(let value):
            scalars = Array(repeating: value, count: count)
        case .zeros:
            scalars = Array(repeating: 0, count: count)
        case let .randomNormal(mean, stddev):
            for _ in 0..<count { scalars.append(mean + stddev * Float(generator.nextNormal())) }
        case let .truncatedNormal(mean, stddev):
            for _ in 0..<count { scalars.append(mean + stddev * Float(Initializer.truncatedUnit(&generator))) }
        case .glorotNormal:
            let stddev = (2 / Double(fanIn + fanOut)).squareRoot() / Initializer.truncatedUnitStddev
            for _ in 0..<count { scalars.append(Float(stddev * Initializer.truncatedUnit(&generator))) }
        case .glorotUniform:
            let limit = (6 / Double(fanIn + fanOut)).squareRoot()
            for _ in 0..<count { scalars.append(Float(generator.nextUniform(-limit, limit))) }
        case .heNormal:
            let stddev = (2 / Double(fanIn)).squareRoot() / Initializer.truncatedUnitStddev
            for _ in 0..<count { scalars.append(Float(stddev * Initializer.truncatedUnit(&generator))) }
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// A unit normal draw, redrawn until it lies in [-2, 2] (`tf.truncated_normal`'s rule).
    static func truncatedUnit(_ generator: inout SeededGenerator) -> Double {
        while true {
            let x = generator.nextNormal()
            if abs(x) <= 2 { return x }
        }
    }
}
