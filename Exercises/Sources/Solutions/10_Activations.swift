import ExerciseKit
import Foundation

// Exercise 10 · Activations and their derivatives   (lecture module 7, Lectures/07-activations.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// One activation function and its derivative at `x`, for the backward pass
/// (dInput = dOutput * derivative).
///
///   sigmoid    s(x) = 1 / (1 + e^-x)             s'(x) = s(x) * (1 - s(x))
///   tanh       t(x) = tanh(x)                    t'(x) = 1 - t(x)^2
///   relu       max(x, 0)                         1 if x > 0, else 0   (0 at x == 0, as TF)
///   leakyReLU  x if x > 0, else alpha * x        1 if x > 0, else alpha (alpha at 0; alpha = 0.2)
///   elu        x if x > 0, else e^x - 1          1 if x > 0, else e^x
///
/// The values must stay finite for large |x|: sigmoid(1000) is 1 and sigmoid(-1000) is 0, not NaN.
/// `Foundation` gives `exp`, `tanh`, `expm1`; `Activation.leakyAlpha` is alpha.
///
/// - Returns: `(value, derivative)` at x.
public func activation(_ kind: Activation, _ x: Double) -> (value: Double, derivative: Double) {
    switch kind {
    case .sigmoid:
        // Only ever exponentiate a non-positive number: exp never overflows.
        let s = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
        return (s, s * (1 - s))
    case .tanh:
        let t = tanh(x)
        return (t, 1 - t * t)
    case .relu:
        return x > 0 ? (x, 1) : (0, 0)
    case .leakyReLU:
        return x > 0 ? (x, 1) : (Activation.leakyAlpha * x, Activation.leakyAlpha)
    case .elu:
        return x > 0 ? (x, 1) : (expm1(x), exp(x))
    }
}
