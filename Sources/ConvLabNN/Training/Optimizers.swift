import ConvLabCore
import ConvLabFast

/// The optimizers of tutorial #03 with TensorFlow's update rules. Each keeps per-variable slots
/// (named `conv1/weights/m`, ...) so a checkpoint can save and resume them exactly.
///
/// Rules, for a variable `w` with gradient `g` at step `t = 1, 2, ...` (all in Float, as TF):
///
/// - SGD (`tf.train.GradientDescentOptimizer(lr)`):      `w -= lr * g`
/// - Momentum (`tf.train.MomentumOptimizer(lr, momentum)`, not Nesterov):
///       `a = momentum * a + g;  w -= lr * a`                              (a starts at 0)
/// - RMSProp (`tf.train.RMSPropOptimizer(lr, decay: 0.9, momentum: 0, epsilon: 1e-10)`):
///       `ms = decay * ms + (1 - decay) * g^2;  mom = momentum * mom + lr * g / sqrt(ms + eps);  w -= mom`
///       (ms starts at 1, as in tf.train; Keras's RMSprop starts it at 0 and puts eps outside the root)
/// - Adam (Kingma & Ba, TF's "epsilon hat" form, `tf.train.AdamOptimizer` / `keras.optimizers.Adam`):
///       `m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g^2`
///       `lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t);  w -= lr_t * m / (sqrt(v) + eps)`
///       defaults lr 0.001, b1 0.9, b2 0.999; eps 1e-7 here (Keras, as the TF 2.21 comparison
///       runs used); `tf.train.AdamOptimizer` used 1e-8 (pass `epsilon: 1e-8`).
public final class Optimizer {
    public enum Rule: Sendable, Equatable {
        case sgd
        case momentum(Float)
        case rmsProp(decay: Float, momentum: Float, epsilon: Float)
        case adam(beta1: Float, beta2: Float, epsilon: Float)

        /// `tf.train.RMSPropOptimizer`'s defaults.
        static let rmsPropDefaults = Rule.rmsProp(decay: 0.9, momentum: 0, epsilon: 1e-10)
        /// Keras's Adam defaults (epsilon 1e-7).
        static let adamDefaults = Rule.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
    }

    public let rule: Rule
    public var learningRate: Float
    /// The number of updates applied so far (`t` in Adam's bias correction), at most
    /// `maximumStep`.
    public var step: Int = 0

    /// The largest step count (2^31 - 1, about 68 years of steps at one a millisecond); a
    /// checkpoint claiming more is refused, and `apply` refuses to count past it.
    package static let maximumStep = Int(Int32.max)

    /// The slots this rule keeps per variable: what `slots` may hold (as `variable/slot`).
    var slotNames: [String] {
        switch rule {
        case .sgd: return []
        case .momentum: return ["a"]
        case .rmsProp: return ["ms", "mom"]
        case .adam: return ["m", "v"]
        }
    }
    /// Per-variable state, keyed `variable/slot`: `a` (momentum), `ms`, `mom` (RMSProp), `m`, `v` (Adam).
    package var slots: [String: Tensor<Float>] = [:]

    public init(_ rule: Rule, learningRate: Float) {
        self.rule = rule
        self.learningRate = learningRate
    }

    public static func sgd(learningRate: Float) -> Optimizer { Optimizer(.sgd, learningRate: learningRate) }
    public static func momentum(learningRate: Float, momentum: Float = 0.9) -> Optimizer {
        Optimizer(.momentum(momentum), learningRate: learningRate)
    }
    public static func rmsProp(learningRate: Float = 0.001) -> Optimizer {
        Optimizer(.rmsPropDefaults, learningRate: learningRate)
    }
    public static func adam(learningRate: Float = 0.001, epsilon: Float = 1e-7) -> Optimizer {
        Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: epsilon), learningRate: learningRate)
    }

    public var description: String {
        switch rule {
        case .sgd: return "gradient descent, lr \(learningRate)"
        case .momentum(let m): return "momentum \(m), lr \(learningRate)"
        case let .rmsProp(decay, momentum, epsilon):
            return "RMSProp, lr \(learningRate), decay \(decay), momentum \(momentum), eps \(epsilon)"
        case let .adam(b1, b2, eps): return "Adam, lr \(learningRate), b1 \(b1), b2 \(b2), eps \(eps)"
        }
    }

    /// Removes and returns the slot `variable/slot` (created filled with `initial` on first use);
    /// taking it out of the dictionary lets it be updated in place without a copy. `apply` has
    /// checked that a present slot holds exactly the variable's shape.
    private func takeSlot(_ variable: Variable, _ name: String, initial: Float = 0) -> Tensor<Float> {
        slots.removeValue(forKey: "\(variable.name)/\(name)")
            ?? Tensor(uncheckedShape: variable.shape, scalars: Array(repeating: initial, count: variable.value.count))
    }

    /// Applies one update to every trainable variable from its `gradient`.
    /// - Throws: `ConvLabError.shape` when a gradient's or a slot's shape differs from its
    ///   variable's (nothing is then updated), `.argument` when `step` would pass `maximumStep`.
    public func apply(to variables: [Variable]) throws {
        guard (0..<Optimizer.maximumStep).contains(step) else {
            throw ConvLabError.argument(op: "optimizer", message: "step \(step) is outside 0..<\(Optimizer.maximumStep)")
        }
        for variable in variables where variable.trainable {
            guard variable.gradient.shape == variable.shape, variable.gradient.count == variable.value.count else {
                throw ConvLabError.shape(op: "optimizer",
                    message: "\(variable.name) is \(describeShape(variable.shape)) but its gradient is \(describeShape(variable.gradient.shape))")
            }
            // The update loops read and write the variable's count through raw pointers, so a
            // slot set from outside (a checkpoint, a caller of `slots`) must match exactly.
            for name in slotNames {
                if let slot = slots["\(variable.name)/\(name)"], slot.shape != variable.shape || slot.count != variable.value.count {
                    throw ConvLabError.shape(op: "optimizer",
                        message: "slot \(variable.name)/\(name) is \(describeShape(slot.shape)) but the variable is \(describeShape(variable.shape))")
                }
            }
        }
        step += 1
        let lr = learningRate
        for variable in variables where variable.trainable {
            let count = variable.value.count
            guard count > 0 else { continue }
            switch rule {
            case .sgd:
                variable.withUpdate { w, g in
                    forEachChunk(count) { range in
                        for i in range { w[i] -= lr * g[i] }
                    }
                }
            case .momentum(let momentum):
                var a = takeSlot(variable, "a")
                variable.withUpdate(&a) { w, g, a in
                    forEachChunk(count) { range in
                        for i in range {
                            a[i] = momentum * a[i] + g[i]
                            w[i] -= lr * a[i]
                        }
                    }
                }
                slots["\(variable.name)/a"] = a
            case let .rmsProp(decay, momentum, epsilon):
                var ms = takeSlot(variable, "ms", initial: 1), mom = takeSlot(variable, "mom")
                variable.withUpdate(&ms, &mom) { w, g, ms, mom in
                    forEachChunk(count) { range in
                        for i in range {
                            ms[i] = decay * ms[i] + (1 - decay) * g[i] * g[i]
                            mom[i] = momentum * mom[i] + lr * g[i] / (ms[i] + epsilon).squareRoot()
                            w[i] -= mom[i]
                        }
                    }
                }
                slots["\(variable.name)/ms"] = ms
                slots["\(variable.name)/mom"] = mom
            case let .adam(beta1, beta2, epsilon):
                var m = takeSlot(variable, "m"), v = takeSlot(variable, "v")
                let t = Float(step)
                let lrT = lr * (1 - Float.pow(beta2, t)).squareRoot() / (1 - Float.pow(beta1, t))
                variable.withUpdate(&m, &v) { w, g, m, v in
                    forEachChunk(count) { range in
                        // Eight weights at a time, then the rest one by one: the same operations
                        // in the same order per weight (square root and division are exactly
                        // rounded), so the result is bit for bit the scalar loop's.
                        typealias V = SIMD8<Float>
                        func load(_ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
                        func store(_ x: V, _ p: UnsafeMutablePointer<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: V.self) }
                        var i = range.lowerBound
                        while i + V.scalarCount <= range.upperBound {
                            let gi = load(g, i)
                            let mi = beta1 * load(m, i) + (1 - beta1) * gi
                            let vi = beta2 * load(v, i) + (1 - beta2) * gi * gi
                            store(mi, m, i)
                            store(vi, v, i)
                            store(load(w, i) - lrT * mi / (vi.squareRoot() + epsilon), w, i)
                            i += V.scalarCount
                        }
                        for i in i..<range.upperBound {
                            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                            w[i] -= lrT * m[i] / (v[i].squareRoot() + epsilon)
                        }
                    }
                }
                slots["\(variable.name)/m"] = m
                slots["\(variable.name)/v"] = v
            }
        }
    }

    /// Runs an elementwise update over `0..<count` in chunks on the fast path's threads. Every
    /// element's update reads and writes only that element, so the chunks are independent and
    /// the result does not depend on the thread count; on one core the Adam update of lecture 7's
    /// 3.3 million weights took about 12 ms of a 200 ms training step.
    private func forEachChunk(_ count: Int, _ update: (Range<Int>) -> Void) {
        Fast.parallelChunks(count, update)
    }
}

extension Variable {
    /// Calls `update(w, g)` with pointers to the value and the gradient, valid only for the call.
    fileprivate func withUpdate(_ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>) -> Void) {
        gradient.scalars.withUnsafeBufferPointer { g in
            value.withUnsafeMutableBufferPointer { w in update(w.baseAddress!, g.baseAddress!) }
        }
    }

    /// The same with a pointer to one optimizer slot (the variable's shape).
    fileprivate func withUpdate(_ slot: inout Tensor<Float>,
                                _ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        slot.withUnsafeMutableBufferPointer { s in withUpdate { w, g in update(w, g, s.baseAddress!) } }
    }

    /// The same with pointers to two optimizer slots.
    fileprivate func withUpdate(_ first: inout Tensor<Float>, _ second: inout Tensor<Float>,
                                _ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>,
                                           UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        second.withUnsafeMutableBufferPointer { t in withUpdate(&first) { w, g, s in update(w, g, s, t.baseAddress!) } }
    }
}
