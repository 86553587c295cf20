import ExerciseKit
import Foundation

// Exercise 10 · Activations and their derivatives   (lecture module 7, Lectures/07-activations.md)
// Check: swift run exercises        Hint: swift run exercises hint 10

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
        // TODO: the value and the derivative of sigmoid at x.
        return (0, 0)
    case .tanh:
        // TODO: the value and the derivative of tanh at x.
        return (0, 0)
    case .relu:
        // TODO: the value and the derivative of relu at x.
        return (0, 0)
    case .leakyReLU:
        // TODO: the value and the derivative of leakyReLU at x.
        return (0, 0)
    case .elu:
        // TODO: the value and the derivative of elu at x.
        return (0, 0)
    }
}
