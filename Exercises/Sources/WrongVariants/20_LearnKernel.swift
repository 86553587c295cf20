import ExerciseKit

/// Typical wrong answers to exercise 20.
public enum Wrong20 {
    /// One change at a time to the reference loop.
    struct Descent {
        var ascent = false
        var factor = 2.0
        var mean = true
        var assignGradient = false
        var lossAfterStep = false
        var flippedTap = false

        func callAsFunction(_ image: [[Double]], _ target: [[Double]], _ k: Int, _ lr: Double, _ steps: Int) -> (kernel: [[Double]], losses: [Double]) {
            let oh = target.count, ow = target.first?.count ?? 0
            let m = mean ? Double(oh * ow) : 1
            var kernel = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            var losses: [Double] = []
            func errors() -> (loss: Double, error: [[Double]]) {
                var loss = 0.0
                var error = [[Double]](repeating: [Double](repeating: 0, count: ow), count: oh)
                for i in 0..<oh { for j in 0..<ow {
                    var y = 0.0
                    for a in 0..<k { for b in 0..<k { y += image[i + a][j + b] * kernel[a][b] } }
                    error[i][j] = y - target[i][j]
                    loss += error[i][j] * error[i][j]
                } }
                return (loss / Double(oh * ow), error)
            }
            for _ in 0..<steps {
                let (loss, error) = errors()
                if !lossAfterStep { losses.append(loss) }
                var gradient = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
                for i in 0..<oh { for j in 0..<ow { for a in 0..<k { for b in 0..<k {
                    let x = flippedTap ? image[i + k - 1 - a][j + k - 1 - b] : image[i + a][j + b]
                    let term = factor / m * error[i][j] * x
                    if assignGradient { gradient[a][b] = term } else { gradient[a][b] += term }
                } } } }
                for a in 0..<k { for b in 0..<k { kernel[a][b] += (ascent ? 1 : -1) * lr * gradient[a][b] } }
                if lossAfterStep { losses.append(errors().loss) }
            }
            return (kernel, losses)
        }
    }

    /// `k += learningRate * gradient`: climbs the loss.
    public static func gradientAscent(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(ascent: true)(image, target, kernelSize, learningRate, steps)
    }

    /// The derivative of the square without its 2.
    public static func missingFactorTwo(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(factor: 1)(image, target, kernelSize, learningRate, steps)
    }

    /// The gradient of the sum, not the mean: steps M times too long.
    public static func sumNotMean(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(mean: false)(image, target, kernelSize, learningRate, steps)
    }

    /// `=` instead of `+=`: each tap's gradient from the last output only.
    public static func assignInsteadOfAdd(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(assignGradient: true)(image, target, kernelSize, learningRate, steps)
    }

    /// Records the loss after each step instead of before it.
    public static func lossAfterStep(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(lossAfterStep: true)(image, target, kernelSize, learningRate, steps)
    }

    /// Pairs tap (a, b) with the input of the flipped tap (K-1-a, K-1-b).
    public static func flippedTap(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double, steps: Int) -> (kernel: [[Double]], losses: [Double]) {
        Descent(flippedTap: true)(image, target, kernelSize, learningRate, steps)
    }
}
