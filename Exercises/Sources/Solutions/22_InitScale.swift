import ExerciseKit
import Foundation

// Exercise 22 · He and Glorot standard deviations   (lecture module 8, Lectures/08-dense-softmax.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// The fans of a weight, as TF and Keras count them: how many inputs feed one output (fanIn)
/// and how many outputs one input feeds (fanOut).
///
///   dense  [In, Out]           fanIn = In,             fanOut = Out
///   conv   [KH, KW, C, O]      fanIn = KH * KW * C,    fanOut = KH * KW * O
///
/// - Parameter shape: 2 axes (dense) or 4 axes (conv, HWIO)
public func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    let receptive = shape.dropLast(2).reduce(1, *)
    return (receptive * shape[shape.count - 2], receptive * shape[shape.count - 1])
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
    let (fanIn, fanOut) = fans(shape)
    let variance: Double
    switch scheme {
    case .heUniform, .heNormal: variance = 2 / Double(fanIn)
    case .glorotUniform, .glorotNormal: variance = 2 / Double(fanIn + fanOut)
    }
    switch scheme {
    case .heNormal, .glorotNormal: return variance.squareRoot()
    case .heUniform, .glorotUniform: return (3 * variance).squareRoot()
    }
}
