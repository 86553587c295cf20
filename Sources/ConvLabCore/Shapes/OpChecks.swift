/// The argument checks of the ops that need no geometry struct, stated once: the reference loops
/// and the fast kernels both call these, so both paths throw the same `ConvLabError`, naming the
/// op and the shapes, before either computes anything.
package enum OpCheck {
    /// Throws unless the upstream gradient `dOutput` has the forward output's shape.
    package static func outputGradient(_ shape: [Int], expected: [Int], op: String) throws {
        guard shape == expected else {
            throw ConvLabError.shape(op: op,
                message: "dOutput is \(describeShape(shape)) but the output is \(describeShape(expected))")
        }
    }

    /// `other` must have `x`'s shape (an elementwise backward pass's `dOutput`, dropout's mask).
    package static func sameShape(_ other: [Int], _ x: [Int], names: (other: String, x: String) = ("dOutput", "x"),
                                  op: String) throws {
        guard other == x else {
            throw ConvLabError.shape(op: op,
                message: "\(names.other) is \(describeShape(other)) but \(names.x) is \(describeShape(x))")
        }
    }

    /// A scalar argument that must be finite (leaky ReLU's alpha).
    package static func finite<Scalar: TensorScalar>(_ value: Scalar, name: String, op: String) throws {
        guard value.isFinite else {
            throw ConvLabError.argument(op: op, message: "\(name) must be finite, got \(value)")
        }
    }

    /// The channels `C` of a channels-last tensor, which must have rank >= 1.
    package static func channels(_ shape: [Int], name: String, op: String) throws -> Int {
        guard let channels = shape.last else {
            throw ConvLabError.shape(op: op, message: "\(name) must have rank >= 1 (channels last), got a scalar []")
        }
        return channels
    }

    /// Bias add's `[C]` bias for an input `[..., C]`; returns `C`.
    package static func bias(_ bias: [Int], for input: [Int], op: String) throws -> Int {
        let channels = try channels(input, name: "input", op: op)
        guard bias == [channels] else {
            throw ConvLabError.shape(op: op,
                message: "bias must be [\(channels)] for input \(describeShape(input)), got \(describeShape(bias))")
        }
        return channels
    }

    /// Throws unless `shape` has as many axes as `layout` names: "`name` must be rank R `layout`,
    /// got `shape`", then `hint`.
    /// - Parameters:
    ///   - layout: the axes, `[N,H,W,C]`.
    package static func rank(_ shape: [Int], _ layout: String, name: String, op: String, hint: String = "") throws {
        let rank = layout.split(separator: ",").count
        guard shape.count == rank else {
            throw ConvLabError.shape(op: op, message: "\(name) must be rank \(rank) \(layout), got \(describeShape(shape))\(hint)")
        }
    }

    /// Maxout's group size `C / units` for `x: [..., C]`.
    package static func maxoutGroupSize(_ shape: [Int], units: Int, op: String) throws -> Int {
        let channels = try channels(shape, name: "x", op: op)
        guard units >= 1 else {
            throw ConvLabError.argument(op: op, message: "units must be >= 1, got \(units) (x \(describeShape(shape)))")
        }
        guard channels >= 1, channels % units == 0 else {
            throw ConvLabError.shape(op: op,
                message: "\(channels) channels cannot be split into \(units) units (x \(describeShape(shape)))")
        }
        return channels / units
    }

    /// `(N, In, Out)` after checking that `input @ weights` is defined.
    package static func dense(input: [Int], weights: [Int], op: String) throws -> (batch: Int, inputs: Int, outputs: Int) {
        let pair = "(\(describeShape(input)) @ \(describeShape(weights)))"
        try OpCheck.rank(input, "[N,In]", name: "input", op: op, hint: "; flatten images first")
        try OpCheck.rank(weights, "[In,Out]", name: "weights", op: op)
        guard input[1] == weights[0] else {
            throw ConvLabError.shape(op: op,
                message: "input has \(input[1]) features but weights expect \(weights[0]) \(pair)")
        }
        return (input[0], input[1], weights[1])
    }

    /// The dense layer's `[Out]` bias.
    package static func denseBias(_ bias: [Int], weights: [Int], op: String) throws {
        guard bias == [weights[1]] else {
            throw ConvLabError.shape(op: op,
                message: "bias must be [\(weights[1])] for weights \(describeShape(weights)), got \(describeShape(bias))")
        }
    }

    /// The labels of a cross-entropy: the logits' shape.
    package static func labels(_ labels: [Int], logits: [Int], op: String) throws {
        guard labels == logits else {
            throw ConvLabError.shape(op: op,
                message: "labels are \(describeShape(labels)) but logits are \(describeShape(logits))")
        }
    }

    /// A regression loss's prediction and target: one shape, at least one element.
    package static func regression(prediction: [Int], target: [Int], op: String) throws {
        try sameShape(prediction, target, names: ("prediction", "target"), op: op)
        guard prediction.reduce(1, *) > 0 else {
            throw ConvLabError.shape(op: op,
                message: "the mean of no elements is undefined (prediction \(describeShape(prediction)))")
        }
    }

    /// The upstream gradient of a scalar loss: shape `[]`.
    package static func scalarGradient(_ shape: [Int], op: String) throws {
        guard shape == [] else {
            throw ConvLabError.shape(op: op, message: "dOutput must be a scalar [] like the loss, got \(describeShape(shape))")
        }
    }

    /// Dropout's keep probability, in (0, 1] (NaN is refused too).
    package static func keepProbability<Scalar: TensorScalar>(_ keep: Scalar, shape: [Int], op: String) throws {
        guard keep > 0 && keep <= 1 else {
            throw ConvLabError.argument(op: op,
                message: "keepProbability must be in (0, 1], got \(keep) (x \(describeShape(shape)))")
        }
    }

    /// Batch norm's epsilon: finite and > 0, so `1 / sqrt(var + epsilon)` is finite.
    package static func epsilon<Scalar: TensorScalar>(_ epsilon: Scalar, op: String) throws {
        guard epsilon > 0, epsilon.isFinite else {
            throw ConvLabError.argument(op: op,
                message: "epsilon must be a finite number > 0 (it keeps 1/sqrt(var + epsilon) finite), got \(epsilon)")
        }
    }

    /// Batch norm in inference mode: the four parameters share the trailing axes of `x`, and every
    /// `variance + epsilon` is positive.
    package static func batchNormInference<Scalar: TensorScalar>(
        x: [Int], gamma: [Int], beta: [Int], mean: [Int], variance: Tensor<Scalar>, epsilon: Scalar, op: String
    ) throws {
        guard gamma.count <= x.count, Array(x.suffix(gamma.count)) == gamma else {
            throw ConvLabError.shape(op: op,
                message: "gamma \(describeShape(gamma)) must be the trailing axes of x \(describeShape(x))")
        }
        for (name, shape) in [("beta", beta), ("mean", mean), ("variance", variance.shape)] where shape != gamma {
            throw ConvLabError.shape(op: op, message: "\(name) is \(describeShape(shape)) but gamma is \(describeShape(gamma))")
        }
        try self.epsilon(epsilon, op: op)
        if let p = variance.scalars.firstIndex(where: { !($0 + epsilon > 0) }) {
            throw ConvLabError.argument(op: op,
                message: "variance[\(p)] + epsilon = \(variance.scalars[p] + epsilon) is not positive")
        }
    }

    /// The geometry of a resize's backward pass: `dOutput [N, OH, OW, C]` against the forward
    /// input's shape `[N, H, W, C]`.
    package static func resizeBackward(inputShape: [Int], dOutput: [Int], method: ResizeMethod,
                                       op: String) throws -> ResizeGeometry {
        guard dOutput.count == 4, inputShape.count == 4, dOutput[0] == inputShape[0], dOutput[3] == inputShape[3] else {
            throw ConvLabError.shape(op: op,
                message: "dOutput \(describeShape(dOutput)) must be [N,OH,OW,C] with the N and C of inputShape \(describeShape(inputShape))")
        }
        return try ResizeGeometry(input: inputShape, size: Size2(dOutput[1], dOutput[2]), method: method, op: op)
    }
}
