import ExerciseKit

// Exercise 03 · 1-D convolution   (lecture module 1, Lectures/01-convolution.md)
// Check: swift run exercises        Hint: swift run exercises hint 03

/// 1-D convolution as deep learning means it (cross-correlation, the filter is NOT flipped),
/// VALID padding, stride 1:
///
///   y[i] = sum over k in 0..<K of  x[i + k] * w[k]        for i in 0..<(N - K + 1)
///
/// The lecture's picture: y0 = x0*w0 + x1*w1 + x2*w2, then y1 = x1*w0 + x2*w1 + x3*w2.
///
/// - Parameters:
///   - signal: x, shape [N]
///   - filter: w, shape [K]
/// - Returns: y, shape [N - K + 1]; empty when the filter is longer than the signal (K > N: no
///   position fits)
public func conv1D(_ signal: [Double], filter: [Double]) -> [Double] {
    // TODO: one output per window position; each output is a sum of K products.
    return []
}
