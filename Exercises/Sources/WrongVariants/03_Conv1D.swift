import ExerciseKit

/// Typical wrong answers to exercise 03.
public enum Wrong03 {
    /// `=` instead of `+=`: each output keeps only its last product.
    public static func assignInsteadOfAdd(_ signal: [Double], filter: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: max(signal.count - filter.count + 1, 0))
        for i in 0..<output.count { for k in 0..<filter.count { output[i] = signal[i + k] * filter[k] } }
        return output
    }

    /// Flips the filter (the mathematician's convolution); deep learning's "conv" does not.
    public static func flipsFilter(_ signal: [Double], filter: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: max(signal.count - filter.count + 1, 0))
        for i in 0..<output.count {
            for k in 0..<filter.count { output[i] += signal[i + k] * filter[filter.count - 1 - k] }
        }
        return output
    }

    /// Off by one: N - K outputs, the last window is lost.
    public static func oneOutputShort(_ signal: [Double], filter: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: max(signal.count - filter.count, 0))
        for i in 0..<output.count { for k in 0..<filter.count { output[i] += signal[i + k] * filter[k] } }
        return output
    }
}
