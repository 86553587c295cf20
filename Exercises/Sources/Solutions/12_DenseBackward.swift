import ExerciseKit

// Exercise 12 · Dense layer, backward   (lecture module 8, Lectures/08-dense-softmax.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

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
    let n = input.count, inCount = weights.count, outCount = weights[0].count
    var dInput = [[Double]](repeating: [Double](repeating: 0, count: inCount), count: n)
    var dWeights = [[Double]](repeating: [Double](repeating: 0, count: outCount), count: inCount)
    var dBias = [Double](repeating: 0, count: outCount)
    for b in 0..<n {
        for o in 0..<outCount {
            dBias[o] += dOutput[b][o]
            for i in 0..<inCount {
                dInput[b][i] += dOutput[b][o] * weights[i][o]
                dWeights[i][o] += input[b][i] * dOutput[b][o]
            }
        }
    }
    return (dInput: dInput, dWeights: dWeights, dBias: dBias)
}
