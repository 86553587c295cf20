import ExerciseKit

/// Typical wrong answers to exercise 26.
public enum Wrong26 {
    struct Backward {
        var skip = true
        var branch = true
        var maskFromOutput = false
        var dW2FromZ = false
        var assignWeights = false

        func callAsFunction(_ input: [[Double]], _ w1: [[Double]], _ w2: [[Double]], _ dOutput: [[Double]])
            -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
            let n = input.count, d = w1.count, hidden = w2.count
            func zeros(_ r: Int, _ c: Int) -> [[Double]] { Array(repeating: Array(repeating: 0, count: c), count: r) }
            var z = zeros(n, hidden)
            for b in 0..<n { for k in 0..<hidden { for i in 0..<d { z[b][k] += input[b][i] * w1[i][k] } } }
            let h = z.map { $0.map { max($0, 0) } }
            var y = input
            for b in 0..<n { for j in 0..<d { for k in 0..<hidden { y[b][j] += h[b][k] * w2[k][j] } } }
            var dW2 = zeros(hidden, d), dH = zeros(n, hidden)
            for b in 0..<n { for k in 0..<hidden { for j in 0..<d {
                let term = (dW2FromZ ? z[b][k] : h[b][k]) * dOutput[b][j]
                if assignWeights { dW2[k][j] = term } else { dW2[k][j] += term }
                dH[b][k] += dOutput[b][j] * w2[k][j]
            } } }
            var dW1 = zeros(d, hidden), dInput = skip ? dOutput : zeros(n, d)
            for b in 0..<n { for k in 0..<hidden {
                let open = maskFromOutput ? y[b].reduce(0, +) > 0 : z[b][k] > 0
                guard open else { continue }
                for i in 0..<d {
                    dW1[i][k] += input[b][i] * dH[b][k]
                    if branch { dInput[b][i] += dH[b][k] * w1[i][k] }
                }
            } }
            return (dInput, dW1, dW2)
        }
    }

    /// Forgets the skip: dInput only through the branch (the vanishing-gradient network again).
    public static func dropsSkip(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
        Backward(skip: false)(input, w1, w2, dOutput)
    }

    /// Only the skip: dInput = dOutput, as if the branch had no input.
    public static func skipOnly(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
        Backward(branch: false)(input, w1, w2, dOutput)
    }

    /// The ReLU's mask taken from the block's output instead of z.
    public static func maskFromOutput(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
        Backward(maskFromOutput: true)(input, w1, w2, dOutput)
    }

    /// dW2 from z (before the ReLU) instead of h.
    public static func dW2FromPreActivation(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
        Backward(dW2FromZ: true)(input, w1, w2, dOutput)
    }

    /// `=` instead of `+=` for dW2: only the last example counts.
    public static func assignInsteadOfAdd(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]]) -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
        Backward(assignWeights: true)(input, w1, w2, dOutput)
    }
}
