import ConvLabCore

/// L2 weight decay, the penalty the lectures' TensorFlow code adds to its loss as
/// `loss + lambda * tf.nn.l2_loss(W)`, where `tf.nn.l2_loss(t) = sum(t ** 2) / 2`:
///
///     penalty  = lambda / 2 * Σ w²        over every decayed weight
///     gradient = lambda * w               added to each weight's data gradient
///
/// With plain gradient descent the update becomes `w -= lr * (g + lambda * w)`, i.e. the weight
/// first shrinks by the factor `1 - lr * lambda` ("weight decay"). Keras' `regularizers.L2(l2)`
/// writes the same penalty without the half, `l2 * Σ w²`, so its `l2` is `lambda / 2`.
///
/// Only weights are decayed by default: variables of rank 2 or more (dense `[In, Out]`, conv
/// `[KH, KW, C, O]`), not biases or batch norm's gamma and beta (CS231n: "it is not common to
/// regularize the bias parameters").
public struct L2Penalty: Sendable, Equatable {
    /// `lambda`.
    public let strength: Float

    /// - Throws: `ConvLabError.argument` naming `L2Penalty` when `strength` is negative or not finite.
    public init(strength: Float) throws {
        guard strength >= 0, strength.isFinite else {
            throw ConvLabError.argument(op: "L2Penalty", message: "strength must be a finite number >= 0, got \(strength)")
        }
        self.strength = strength
    }

    /// Whether `variable` is decayed: trainable and of rank 2 or more.
    public static func decays(_ variable: Variable) -> Bool {
        variable.trainable && variable.shape.count >= 2
    }

    /// `lambda / 2 * Σ w²` over the decayed variables among `variables`, summed in Double.
    public func penalty(_ variables: [Variable]) -> Double {
        var sum = 0.0
        for variable in variables where L2Penalty.decays(variable) {
            for w in variable.value.scalars { sum += Double(w) * Double(w) }
        }
        return Double(strength) / 2 * sum
    }

    /// Adds `lambda * w` to the gradient of every decayed variable among `variables`, after the
    /// backward pass has filled the data gradients and before the optimizer's step.
    /// - Throws: `ConvLabError.shape` naming `L2Penalty` when a decayed variable's gradient does
    ///   not have its shape (no backward pass has filled it).
    public func addGradient(to variables: [Variable]) throws {
        for variable in variables where L2Penalty.decays(variable) {
            guard variable.gradient.shape == variable.shape else {
                throw ConvLabError.shape(op: "L2Penalty",
                    message: "\(variable.name) is \(describeShape(variable.shape)) but its gradient is \(describeShape(variable.gradient.shape))")
            }
            for i in 0..<variable.value.count {
                variable.gradient.scalars[i] += strength * variable.value.scalars[i]
            }
        }
    }
}

/// Early stopping on a validation score: after each epoch, `record` the score; training stops
/// once `patience` epochs in a row have not beaten the best score so far (Keras'
/// `EarlyStopping(monitor, patience, mode="max", restore_best_weights=True)`), and the weights of
/// the best epoch are kept so they can be put back.
public struct EarlyStopping: Sendable {
    /// Epochs without improvement to wait before stopping, >= 1.
    public let patience: Int
    /// The epoch with the best score so far and the score (nil before the first `record`).
    public private(set) var best: (epoch: Int, score: Double)?
    /// Epochs recorded since the best one.
    private(set) var epochsSinceBest = 0
    /// The weights at the best epoch, one tensor per variable of the model, in order.
    private(set) var bestWeights: [Tensor<Float>] = []

    /// - Throws: `ConvLabError.argument` naming `EarlyStopping` when `patience < 1`.
    public init(patience: Int) throws {
        guard patience >= 1 else {
            throw ConvLabError.argument(op: "EarlyStopping", message: "patience must be >= 1, got \(patience)")
        }
        self.patience = patience
    }

    /// Records epoch `epoch`'s validation `score` (higher is better, e.g. accuracy) and, when it
    /// beats the best so far, a copy of `model`'s weights.
    /// - Returns: whether training should stop now.
    public mutating func record(epoch: Int, score: Double, model: Sequential) -> Bool {
        if best == nil || score > best!.score {
            best = (epoch, score)
            epochsSinceBest = 0
            bestWeights = model.variables.map(\.value)
        } else {
            epochsSinceBest += 1
        }
        return epochsSinceBest >= patience
    }

    /// Puts the best epoch's weights back into `model`.
    /// - Throws: `ConvLabError.argument` when nothing was recorded, `.shape` when `model` is not
    ///   the model that was recorded (a different number or shape of variables).
    package func restoreBest(into model: Sequential) throws {
        guard best != nil else {
            throw ConvLabError.argument(op: "EarlyStopping", message: "no epoch was recorded, so there are no best weights")
        }
        let variables = model.variables
        guard variables.count == bestWeights.count,
              zip(variables, bestWeights).allSatisfy({ $0.shape == $1.shape }) else {
            throw ConvLabError.shape(op: "EarlyStopping",
                message: "the model has \(variables.count) variables \(variables.map { describeShape($0.shape) }) "
                    + "but \(bestWeights.count) were recorded")
        }
        for (variable, value) in zip(variables, bestWeights) { variable.value = value }
    }
}
