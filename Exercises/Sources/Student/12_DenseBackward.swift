import ExerciseKit

// Exercise 12 · Dense layer, backward   (lecture module 8, Lectures/08-dense-softmax.md)
// Check: swift run exercises        Hint: swift run exercises hint 12

/// The gradients of a fully connected layer y = x W + b, for a batch:
///
///   forward:  y[n][o] = sum_i x[n][i] * W[i][o] + b[o]
///   dInput[n][i]   = sum_o dOutput[n][o] * W[i][o]        (dOutput W^T)
///   dWeights[i][o] = sum_n x[n][i] * dOutput[n][o]        (x^T dOutput: summed over the batch)
///   dBias[o]       = sum_n dOutput[n][o]                  (summed, not averaged)
///
/// - Parameters:
///   - input: x, shape [N][In]
///   - weights: W, shape [In][Out]
///   - dOutput: dL/dy, shape [N][Out]
/// - Returns: dInput [N][In], dWeights [In][Out], dBias [Out]
public func denseBackward(input: [[Double]], weights: [[Double]], dOutput: [[Double]])
    -> (dInput: [[Double]], dWeights: [[Double]], dBias: [Double]) {
    // TODO: three sums; each gradient has the shape of the thing it is the gradient of.
    return (dInput: [], dWeights: [], dBias: [])
}
