import ExerciseKit
import Foundation

// Exercise 25 · One momentum step and one RMSProp step   (lecture module 13, Lectures/13-deeper-networks.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// One step of momentum, as `tf.train.MomentumOptimizer` (not Nesterov): the velocity
/// accumulates the gradients, and the parameters move along the velocity.
///
///   velocity[k]   = momentum * velocity[k] + gradient[k]
///   parameters[k] -= learningRate * velocity[k]
///
/// With momentum 0 it is plain gradient descent; with 0.9 a steady gradient builds up a step
/// ten times as long.
public func momentumStep(parameters: inout [Double], gradient: [Double], velocity: inout [Double],
                         learningRate: Double, momentum: Double) {
    for k in parameters.indices {
        velocity[k] = momentum * velocity[k] + gradient[k]
        parameters[k] -= learningRate * velocity[k]
    }
}

/// One step of RMSProp, as `tf.train.RMSPropOptimizer` without momentum: each parameter's step
/// is divided by a running root-mean-square of its own gradients.
///
///   meanSquare[k]  = decay * meanSquare[k] + (1 - decay) * gradient[k]^2
///   parameters[k] -= learningRate * gradient[k] / sqrt(meanSquare[k] + epsilon)
///
/// (epsilon INSIDE the root, as tf.train; TF starts meanSquare at 1, Keras at 0 with epsilon
/// outside. The caller gives the starting state.)
public func rmsPropStep(parameters: inout [Double], gradient: [Double], meanSquare: inout [Double],
                        learningRate: Double, decay: Double, epsilon: Double) {
    for k in parameters.indices {
        meanSquare[k] = decay * meanSquare[k] + (1 - decay) * gradient[k] * gradient[k]
        parameters[k] -= learningRate * gradient[k] / (meanSquare[k] + epsilon).squareRoot()
    }
}
