import ExerciseKit
import Foundation

// Exercise 22 · He and Glorot standard deviations   (lecture module 8, Lectures/08-dense-softmax.md)
// Check: swift run exercises        Hint: swift run exercises hint 22

/// The fans of a weight, as TF and Keras count them: how many inputs feed one output (fanIn)
/// and how many outputs one input feeds (fanOut).
///
///   dense  [In, Out]           fanIn = In,             fanOut = Out
///   conv   [KH, KW, C, O]      fanIn = KH * KW * C,    fanOut = KH * KW * O
///
/// - Parameter shape: 2 axes (dense) or 4 axes (conv, HWIO)
public func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    // TODO: the product of the receptive field (all axes but the last two) times the channels.
    return (fanIn: 0, fanOut: 0)
}

/// The scale of a weight initializer. Each scheme chooses the VARIANCE of the weights:
///
///   He (for ReLU):    variance = 2 / fanIn
///   Glorot (Xavier):  variance = 2 / (fanIn + fanOut)
///
/// and draws them from a normal distribution (return its standard deviation, sqrt(variance))
/// or from a uniform one on [-limit, limit] (return the limit; a uniform on [-L, L] has
/// variance L^2 / 3). (Keras draws its "normal" schemes from a truncated normal and widens it
/// to keep this variance; here only the target standard deviation is asked.)
///
/// - Returns: the standard deviation (normal schemes) or the limit (uniform schemes)
public func initScale(_ scheme: InitScheme, shape: [Int]) -> Double {
    // TODO: the variance from the fans, then the standard deviation or the limit.
    return 0
}
