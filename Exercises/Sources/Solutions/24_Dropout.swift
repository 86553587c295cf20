import ExerciseKit

// Exercise 24 · Dropout, forward and backward   (lecture module 12, Lectures/12-overfitting.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// Inverted dropout, as ConvLab's `Reference.dropoutForward`: in training, each element is kept
/// with probability `keepProbability` and then scaled by 1 / keepProbability, so the expected
/// output equals the input and evaluation needs no rescaling. The random numbers are given:
///
///   training:    mask[k] = 1 / keep   if uniforms[k] < keep,   else 0
///                output[k] = x[k] * mask[k]
///   evaluation:  output = x, mask all 1 (dropout is off)
///
/// - Parameters:
///   - x: any values; uniforms: one draw in [0, 1) per element of x
///   - keepProbability: in (0, 1]; 1 keeps everything
///   - training: false for evaluation
/// - Returns: the output and the mask (both x's length)
public func dropoutForward(_ x: [Double], keepProbability: Double, uniforms: [Double],
                           training: Bool) -> (output: [Double], mask: [Double]) {
    guard training else { return (x, Array(repeating: 1, count: x.count)) }
    let mask = uniforms.map { $0 < keepProbability ? 1 / keepProbability : 0 }
    return (zip(x, mask).map { $0 * $1 }, mask)
}

/// The backward pass: output = x * mask is linear in x, so dInput = dOutput * mask with the
/// forward pass's mask (a dropped element gets no gradient; a kept one is scaled like its value).
public func dropoutBackward(dOutput: [Double], mask: [Double]) -> [Double] {
    zip(dOutput, mask).map { $0 * $1 }
}
