import ExerciseKit

// Exercise 26 · Residual block, backward   (lecture module 13, Lectures/13-deeper-networks.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The backward pass of a residual block: a small branch F plus the skip connection,
///
///   z = input * w1          [N][D] x [D][H] -> [N][H]
///   h = relu(z)
///   y = input + h * w2      [N][H] x [H][D] -> [N][D]     (the skip adds the input back)
///
/// (ConvLab's ResidualBlock has the same shape, y = x + F(x), with batch norm and convolutions
/// inside F.) Given dOutput = dL/dy:
///
///   dW2    = h^T * dOutput                       (summed over the batch)
///   dH     = dOutput * w2^T;   dZ = dH where z > 0, else 0
///   dW1    = input^T * dZ
///   dInput = dOutput + dZ * w1^T                 (the skip passes dOutput straight through)
///
/// - Parameters:
///   - input: [N][D]; w1: [D][H]; w2: [H][D]; dOutput: [N][D]
/// - Returns: dInput [N][D], dW1 [D][H], dW2 [H][D]
public func residualBackward(input: [[Double]], w1: [[Double]], w2: [[Double]], dOutput: [[Double]])
    -> (dInput: [[Double]], dW1: [[Double]], dW2: [[Double]]) {
    let n = input.count, d = w1.count, hidden = w2.count
    func zeros(_ rows: Int, _ columns: Int) -> [[Double]] { Array(repeating: Array(repeating: 0, count: columns), count: rows) }
    // Forward: z and h.
    var z = zeros(n, hidden)
    for b in 0..<n { for k in 0..<hidden { for i in 0..<d { z[b][k] += input[b][i] * w1[i][k] } } }
    let h = z.map { $0.map { max($0, 0) } }
    // Backward through h * w2, the ReLU, and input * w1; the skip adds dOutput.
    var dW2 = zeros(hidden, d), dH = zeros(n, hidden)
    for b in 0..<n { for k in 0..<hidden { for j in 0..<d {
        dW2[k][j] += h[b][k] * dOutput[b][j]
        dH[b][k] += dOutput[b][j] * w2[k][j]
    } } }
    var dW1 = zeros(d, hidden), dInput = dOutput
    for b in 0..<n { for k in 0..<hidden where z[b][k] > 0 { for i in 0..<d {
        dW1[i][k] += input[b][i] * dH[b][k]
        dInput[b][i] += dH[b][k] * w1[i][k]
    } } }
    return (dInput, dW1, dW2)
}
