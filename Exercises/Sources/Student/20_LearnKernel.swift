import ExerciseKit

// Exercise 20 · Learn a kernel by gradient descent   (lecture module 4, Lectures/04-learning-a-kernel.md)
// Check: swift run exercises        Hint: swift run exercises hint 20

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
    // TODO: per step: forward (y), loss, gradient (a sum over every output), update.
    return (kernel: [], losses: [])
}
