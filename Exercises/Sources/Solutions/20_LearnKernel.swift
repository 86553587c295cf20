import ExerciseKit

// Exercise 20 · Learn a kernel by gradient descent   (lecture module 4, Lectures/04-learning-a-kernel.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// Recovers a hidden kernel from one example: `target` is `conv2D(image, k*)` (VALID, stride 1,
/// exercise 04) for a kernel k* of `kernelSize` x `kernelSize` that you do not know. Start from
/// the kernel of zeros and take `steps` steps of gradient descent on the mean squared error
///
///   y      = conv2D(image, k)                                 [OH][OW], M = OH * OW outputs
///   L(k)   = (1/M) * sum over i, j of (y[i][j] - target[i][j])^2
///   dL/dk[a][b] = (2/M) * sum over i, j of (y[i][j] - target[i][j]) * image[i + a][j + b]
///   k     -= learningRate * dL/dk
///
/// With a blur or a Sobel kernel behind the target, a few hundred steps bring k back to it.
///
/// - Parameters:
///   - image: x, H rows of W values
///   - target: OH rows of OW values, OH = H - kernelSize + 1, OW = W - kernelSize + 1
///   - kernelSize: K >= 1
///   - learningRate: the step size; steps: how many steps (>= 0)
/// - Returns: the kernel after the last step, and the loss BEFORE each step (`steps` values)
public func learnKernel(image: [[Double]], target: [[Double]], kernelSize: Int, learningRate: Double,
                        steps: Int) -> (kernel: [[Double]], losses: [Double]) {
    let k = kernelSize
    let oh = target.count, ow = target.first?.count ?? 0
    let m = Double(oh * ow)
    var kernel = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    var losses: [Double] = []
    for _ in 0..<steps {
        // Forward and the error of every output.
        var loss = 0.0
        var error = [[Double]](repeating: [Double](repeating: 0, count: ow), count: oh)
        for i in 0..<oh {
            for j in 0..<ow {
                var y = 0.0
                for a in 0..<k { for b in 0..<k { y += image[i + a][j + b] * kernel[a][b] } }
                error[i][j] = y - target[i][j]
                loss += error[i][j] * error[i][j]
            }
        }
        losses.append(loss / m)
        // Every output used every tap: the gradient of a tap sums over all outputs.
        var gradient = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<oh {
            for j in 0..<ow {
                for a in 0..<k { for b in 0..<k { gradient[a][b] += 2 / m * error[i][j] * image[i + a][j + b] } }
            }
        }
        for a in 0..<k { for b in 0..<k { kernel[a][b] -= learningRate * gradient[a][b] } }
    }
    return (kernel, losses)
}
