import ExerciseKit
import Solutions

/// Typical wrong answers to exercise 24.
public enum Wrong24 {
    /// Keeps without scaling by 1 / keep: the expected output shrinks to keep * x.
    public static func noRescale(_ x: [Double], keepProbability: Double, uniforms: [Double], training: Bool) -> (output: [Double], mask: [Double]) {
        guard training else { return (x, Array(repeating: 1, count: x.count)) }
        let mask = uniforms.map { $0 < keepProbability ? 1.0 : 0 }
        return (zip(x, mask).map { $0 * $1 }, mask)
    }

    /// Keeps where u >= keep: drops with probability keep instead of 1 - keep.
    public static func keepsTheWrongSide(_ x: [Double], keepProbability: Double, uniforms: [Double], training: Bool) -> (output: [Double], mask: [Double]) {
        guard training else { return (x, Array(repeating: 1, count: x.count)) }
        let mask = uniforms.map { $0 >= keepProbability ? 1 / keepProbability : 0 }
        return (zip(x, mask).map { $0 * $1 }, mask)
    }

    /// u <= keep keeps: the boundary draw u == keep is kept.
    public static func boundaryKept(_ x: [Double], keepProbability: Double, uniforms: [Double], training: Bool) -> (output: [Double], mask: [Double]) {
        guard training else { return (x, Array(repeating: 1, count: x.count)) }
        let mask = uniforms.map { $0 <= keepProbability ? 1 / keepProbability : 0 }
        return (zip(x, mask).map { $0 * $1 }, mask)
    }

    /// Drops in evaluation too.
    public static func dropsInEvaluation(_ x: [Double], keepProbability: Double, uniforms: [Double], training: Bool) -> (output: [Double], mask: [Double]) {
        Solutions.dropoutForward(x, keepProbability: keepProbability, uniforms: uniforms, training: true)
    }

    /// Backward passes the gradient everywhere, ignoring which elements were dropped.
    public static func backwardIgnoresMask(dOutput: [Double], mask: [Double]) -> [Double] { dOutput }

    /// Backward with a 0/1 mask: forgets the 1 / keep scale.
    public static func backwardWithoutScale(dOutput: [Double], mask: [Double]) -> [Double] {
        zip(dOutput, mask).map { $1 > 0 ? $0 : 0 }
    }
}
