import Foundation
import ConvLabCore

/// The moving mean and variance a batch-norm layer uses at inference, updated after each training
/// batch as tutorial #03's `BatchNorm` does with TF's `moving_averages.assign_moving_average`;
/// the `BatchNorm` layer keeps its state in this form (saved in its variables).
///
/// TF's rule, for a variable `v`, a new batch statistic `value` and a `decay` close to 1:
///
///     v -= (v - value) * (1 - decay)        i.e.  v = decay * v + (1 - decay) * value
///
/// With `zero_debias=True` (the tutorial's choice) TF assumes `v` started at 0, which biases the
/// first averages towards 0 (after `t` updates with a constant `c`, `v = c * (1 - decay^t)`). It
/// keeps the plain average in a hidden `biased` accumulator and a step counter `t`, and sets
///
///     biased = decay * biased + (1 - decay) * value;   t += 1;   v = biased / (1 - decay^t)
///
/// (Adam's bias correction), so `v` equals `c` from the first update. Both moving statistics start
/// at 0 as in the tutorial (`moving_mean` and `moving_variance` initialised to 0.0), with its
/// default `decay = 0.999`.
public struct BatchNormMovingAverages<Scalar: TensorScalar>: Sendable, Equatable {
    /// How much of the old average each update keeps, in `[0, 1)`.
    public let decay: Scalar
    /// TF's `zero_debias`.
    public let zeroDebias: Bool
    /// The accumulators before the bias correction (the averages themselves without `zeroDebias`).
    private(set) var biasedMean: Tensor<Scalar>
    private(set) var biasedVariance: Tensor<Scalar>
    /// Updates applied so far (TF's `local_step`).
    public private(set) var step: Int

    /// Averages that have seen no batch yet.
    /// - Parameters:
    ///   - shape: the parameters' shape, e.g. `[C]`.
    ///   - decay: in `[0, 1)`; the tutorial uses 0.999.
    ///   - zeroDebias: TF's `zero_debias`; the tutorial passes `true`.
    /// - Throws: `ConvLabError` naming `batchNormMovingAverages` for a negative dimension or a decay
    ///   outside `[0, 1)`.
    public init(shape: [Int], decay: Scalar = 0.999, zeroDebias: Bool = true) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw ConvLabError.shape(op: "batchNormMovingAverages", message: "negative dimension in \(describeShape(shape))")
        }
        try self.init(biasedMean: .zerosUnchecked(shape), biasedVariance: .zerosUnchecked(shape), step: 0,
                      decay: decay, zeroDebias: zeroDebias)
    }

    /// Averages restored from saved accumulators and their step count.
    /// - Throws: `ConvLabError` for a decay outside `[0, 1)`, a negative step, or accumulators of two shapes.
    public init(biasedMean: Tensor<Scalar>, biasedVariance: Tensor<Scalar>, step: Int, decay: Scalar = 0.999,
                zeroDebias: Bool = true) throws {
        let op = "batchNormMovingAverages"
        guard decay >= 0, decay < 1 else {
            throw ConvLabError.argument(op: op, message: "decay must be in [0, 1), got \(decay)")
        }
        guard step >= 0 else { throw ConvLabError.argument(op: op, message: "step must be >= 0, got \(step)") }
        try OpCheck.sameShape(biasedVariance.shape, biasedMean.shape, names: ("the variance", "the mean"), op: op)
        self.decay = decay
        self.zeroDebias = zeroDebias
        self.biasedMean = biasedMean
        self.biasedVariance = biasedVariance
        self.step = step
    }

    /// The moving mean to pass to `batchNormInference`.
    public var mean: Tensor<Scalar> { debiased(biasedMean) }
    /// The moving variance to pass to `batchNormInference`.
    public var variance: Tensor<Scalar> { debiased(biasedVariance) }

    /// `biased / (1 - decay^t)` with zero-debiasing (the correction computed in Double, as the
    /// layer always has), the accumulator itself without it or before any update.
    private func debiased(_ biased: Tensor<Scalar>) -> Tensor<Scalar> {
        guard zeroDebias, step > 0 else { return biased }
        let correction = 1 - Scalar(Foundation.pow(Double(decay), Double(step)))
        return biased.map { $0 / correction }
    }

    /// Folds one training batch's statistics (from `batchNormForward`) into the averages.
    /// - Throws: `ConvLabError` when a statistic's shape differs from the averages'.
    public mutating func update(batchMean: Tensor<Scalar>, batchVariance: Tensor<Scalar>) throws {
        for (name, tensor) in [("batchMean", batchMean), ("batchVariance", batchVariance)] where tensor.shape != biasedMean.shape {
            throw ConvLabError.shape(op: "batchNormMovingAverages",
                message: "\(name) is \(describeShape(tensor.shape)) but the moving averages are \(describeShape(biasedMean.shape))")
        }
        step += 1
        for p in 0..<biasedMean.count {
            biasedMean.scalars[p] -= (biasedMean.scalars[p] - batchMean.scalars[p]) * (1 - decay)
            biasedVariance.scalars[p] -= (biasedVariance.scalars[p] - batchVariance.scalars[p]) * (1 - decay)
        }
    }
}
