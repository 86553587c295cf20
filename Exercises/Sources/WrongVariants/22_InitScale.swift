import ExerciseKit
import Solutions

/// Typical wrong answers to exercise 22. The fans and the scale are checked separately, so each
/// variant is one function with the mistake.
public enum Wrong22 {
    /// Counts only the channels, not the kernel's area: a 5x5 conv looks like a dense layer.
    public static func channelsOnly(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        (shape[shape.count - 2], shape[shape.count - 1])
    }

    /// fanOut counts the input channels too (KH * KW * C for both).
    public static func fanOutFromInputs(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        let receptive = shape.dropLast(2).reduce(1, *)
        return (receptive * shape[shape.count - 2], receptive * shape[shape.count - 2])
    }

    /// He without the 2: LeCun's variance 1 / fanIn.
    public static func heWithoutTwo(_ scheme: InitScheme, shape: [Int]) -> Double {
        let (fanIn, _) = Solutions.fans(shape)
        switch scheme {
        case .heNormal: return (1 / Double(fanIn)).squareRoot()
        case .heUniform: return (3 / Double(fanIn)).squareRoot()
        default: return Solutions.initScale(scheme, shape: shape)
        }
    }

    /// Glorot with fanIn only.
    public static func glorotFanInOnly(_ scheme: InitScheme, shape: [Int]) -> Double {
        let (fanIn, _) = Solutions.fans(shape)
        switch scheme {
        case .glorotNormal: return (2 / Double(2 * fanIn)).squareRoot()
        case .glorotUniform: return (6 / Double(2 * fanIn)).squareRoot()
        default: return Solutions.initScale(scheme, shape: shape)
        }
    }

    /// The uniform schemes return the standard deviation, not the limit (missing sqrt(3)).
    public static func uniformLimitIsStd(_ scheme: InitScheme, shape: [Int]) -> Double {
        switch scheme {
        case .heUniform: return Solutions.initScale(.heNormal, shape: shape)
        case .glorotUniform: return Solutions.initScale(.glorotNormal, shape: shape)
        default: return Solutions.initScale(scheme, shape: shape)
        }
    }

    /// Returns the variance, not its square root.
    public static func varianceNotStd(_ scheme: InitScheme, shape: [Int]) -> Double {
        let scale = Solutions.initScale(scheme, shape: shape)
        return scale * scale
    }
}
