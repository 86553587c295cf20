import ExerciseKit
import Foundation

// Exercise 15 · One Adam step   (lecture module 13, Lectures/13-deeper-networks.md)
// Check: swift run exercises        Hint: swift run exercises hint 15

/// One step of Adam (Kingma & Ba; the form of `tf.keras.optimizers.Adam`), for every parameter k:
///
///   t    = t + 1                                   (count the step FIRST: t is 1 on the first step)
///   m_k  = beta1 * m_k + (1 - beta1) * g_k         (running mean of gradients)
///   v_k  = beta2 * v_k + (1 - beta2) * g_k^2       (running mean of squared gradients)
///   mHat = m_k / (1 - beta1^t)                     (bias correction: m and v start at 0)
///   vHat = v_k / (1 - beta2^t)
///   p_k  = p_k - learningRate * mHat / (sqrt(vHat) + epsilon)
///
/// - Parameters:
///   - parameters: p, updated in place, shape [K]
///   - gradients: g = dL/dp, shape [K]
///   - state: m, v (shape [K]) and t, updated in place
///   - learningRate, beta1, beta2, epsilon: the hyper-parameters (TF: 0.001, 0.9, 0.999, 1e-7)
public func adamStep(parameters: inout [Double], gradients: [Double], state: inout AdamState,
                     learningRate: Double, beta1: Double, beta2: Double, epsilon: Double) {
    // TODO: update state.step, state.m, state.v and parameters.
}
