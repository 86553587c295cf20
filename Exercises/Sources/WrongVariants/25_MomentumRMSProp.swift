import ExerciseKit
import Foundation

/// Typical wrong answers to exercise 25.
public enum Wrong25 {
    /// The velocity as a moving average, (1 - momentum) * gradient: steps ten times shorter.
    public static func velocityAsAverage(parameters: inout [Double], gradient: [Double], velocity: inout [Double],
                                         learningRate: Double, momentum: Double) {
        for k in parameters.indices {
            velocity[k] = momentum * velocity[k] + (1 - momentum) * gradient[k]
            parameters[k] -= learningRate * velocity[k]
        }
    }

    /// Moves with the old velocity, then updates it: one step behind.
    public static func parametersBeforeVelocity(parameters: inout [Double], gradient: [Double], velocity: inout [Double],
                                                learningRate: Double, momentum: Double) {
        for k in parameters.indices {
            parameters[k] -= learningRate * velocity[k]
            velocity[k] = momentum * velocity[k] + gradient[k]
        }
    }

    /// Epsilon outside the root (Keras's form, not tf.train's).
    public static func epsilonOutsideRoot(parameters: inout [Double], gradient: [Double], meanSquare: inout [Double],
                                          learningRate: Double, decay: Double, epsilon: Double) {
        for k in parameters.indices {
            meanSquare[k] = decay * meanSquare[k] + (1 - decay) * gradient[k] * gradient[k]
            parameters[k] -= learningRate * gradient[k] / (meanSquare[k].squareRoot() + epsilon)
        }
    }

    /// decay and 1 - decay swapped: the new gradient gets weight 0.9.
    public static func decaySwapped(parameters: inout [Double], gradient: [Double], meanSquare: inout [Double],
                                    learningRate: Double, decay: Double, epsilon: Double) {
        for k in parameters.indices {
            meanSquare[k] = (1 - decay) * meanSquare[k] + decay * gradient[k] * gradient[k]
            parameters[k] -= learningRate * gradient[k] / (meanSquare[k] + epsilon).squareRoot()
        }
    }

    /// Divides by the mean square itself, not its root.
    public static func noSquareRoot(parameters: inout [Double], gradient: [Double], meanSquare: inout [Double],
                                    learningRate: Double, decay: Double, epsilon: Double) {
        for k in parameters.indices {
            meanSquare[k] = decay * meanSquare[k] + (1 - decay) * gradient[k] * gradient[k]
            parameters[k] -= learningRate * gradient[k] / (meanSquare[k] + epsilon)
        }
    }

    /// Uses the old mean square for the step, then updates it.
    public static func staleMeanSquare(parameters: inout [Double], gradient: [Double], meanSquare: inout [Double],
                                       learningRate: Double, decay: Double, epsilon: Double) {
        for k in parameters.indices {
            parameters[k] -= learningRate * gradient[k] / (meanSquare[k] + epsilon).squareRoot()
            meanSquare[k] = decay * meanSquare[k] + (1 - decay) * gradient[k] * gradient[k]
        }
    }
}
