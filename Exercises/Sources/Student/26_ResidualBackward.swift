import ExerciseKit

// Exercise 26 · Residual block, backward   (lecture module 13, Lectures/13-deeper-networks.md)
// Check: swift run exercises        Hint: swift run exercises hint 26

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
    // TODO: the forward pass again (z, h), then the four gradient lines above.
    return (dInput: [], dW1: [], dW2: [])
}
