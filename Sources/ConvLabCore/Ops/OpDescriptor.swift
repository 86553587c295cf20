/// One op of the table (`OpTable.all`): its name, its inputs, and how to run it forward and
/// backward on either path. The conformance runner looks ops up by name, `convlab bench` times
/// each one's benchmark shapes, and the cross-check tests run every op on both paths; none of them
/// lists the ops again.
package struct OpDescriptor: Sendable, CustomStringConvertible {
    /// The name in conformance files (FORMAT.md's, TF's `tf.nn` name), benchmarks and test labels.
    package let name: String
    /// The inputs in order; each differentiable one gets the gradient `"d" + name`.
    package let inputs: [OpInput]
    /// The forward pass: its outputs, `y` first (batch norm adds its statistics, dropout its mask).
    let forward: @Sendable (any KernelOps.Type, OpCall) throws -> [Tensor<Float>]
    /// The gradients of `L = sum(y * dy)` with respect to the differentiable inputs, in their
    /// order, given the forward outputs; nil for a forward-only op.
    let backward: (@Sendable (any KernelOps.Type, OpCall, _ outputs: [Tensor<Float>], _ dy: Tensor<Float>) throws
                   -> [Tensor<Float>])?
    /// The shapes `convlab bench` times at a batch size.
    package let benchmarks: @Sendable (_ batch: Int) -> [OpExample]
    /// What a call will cost, known before it runs (see `OpCost`); the conformance runner checks
    /// it against its budget per case.
    let cost: @Sendable (OpCall) throws -> [OpCost]

    /// Registers an op (see `OpTable`).
    /// - Parameters:
    ///   - name: the conformance name.
    ///   - inputs: the inputs in order.
    ///   - benchmarks: the calls `convlab bench` times at a batch size.
    ///   - cost: the outputs whose size and work a call's inputs and attributes decide; none for an
    ///     op whose work is a small multiple of its inputs' size (those are bounded when read).
    ///   - forward: the forward pass on a path.
    ///   - backward: the gradients of the differentiable inputs; nil for a forward-only op.
    package init(_ name: String, inputs: [OpInput], benchmarks: @escaping @Sendable (Int) -> [OpExample] = { _ in [] },
                cost: @escaping @Sendable (OpCall) throws -> [OpCost] = { _ in [] },
                forward: @escaping @Sendable (any KernelOps.Type, OpCall) throws -> [Tensor<Float>],
                backward: (@Sendable (any KernelOps.Type, OpCall, [Tensor<Float>], Tensor<Float>) throws -> [Tensor<Float>])?) {
        self.name = name
        self.inputs = inputs
        self.benchmarks = benchmarks
        self.cost = cost
        self.forward = forward
        self.backward = backward
    }

    /// The outputs of `call` whose size and work its inputs and attributes decide, computed from
    /// their shapes without running the op.
    /// - Throws: the op's own error when the shapes or attributes do not fit.
    package func cost(of call: OpCall) throws -> [OpCost] { try cost(call) }

    package var description: String { name }

    /// The gradients' names, in order: `"d" + input` for each differentiable input.
    var gradientNames: [String] { inputs.filter(\.differentiable).map { "d" + $0.name } }

    package var hasBackward: Bool { backward != nil }

    /// Runs the forward pass on a path (`Reference.self`, `Fast.self`, or `Kernels(path).ops`).
    package func forward(_ call: OpCall, on ops: any KernelOps.Type) throws -> [Tensor<Float>] {
        try forward(ops, call)
    }

    /// Runs the backward pass for the upstream gradient `dy` of `outputs[0]`.
    /// - Throws: `ConvLabError.argument` for a forward-only op, or the op's own errors.
    package func backward(_ call: OpCall, outputs: [Tensor<Float>], dy: Tensor<Float>,
                         on ops: any KernelOps.Type) throws -> [(name: String, tensor: Tensor<Float>)] {
        guard let backward else {
            throw ConvLabError.argument(op: name, message: "has no backward pass (forward only)")
        }
        return Array(zip(gradientNames, try backward(ops, call, outputs, dy))).map { (name: $0.0, tensor: $0.1) }
    }
}

/// One output of an op call and the work behind each of its values (multiply-adds or comparisons,
/// by the op's `- Complexity:` formula), known before the op runs.
package struct OpCost: Sendable, Equatable {
    /// The output's shape.
    package let shape: [Int]
    /// The operations one output value costs.
    package let perValue: Int

    /// An output of `shape` whose values cost `perValue` operations each.
    package init(_ shape: [Int], perValue: Int) {
        self.shape = shape
        self.perValue = perValue
    }
}

/// An input of an op: its name and, for the benchmarks and the cross-checks, how its values are
/// drawn.
package struct OpInput: Sendable {
    package let name: String
    /// Whether it gets a gradient (labels, targets and moving statistics do not).
    let differentiable: Bool
    /// The values of example tensors.
    package let values: ExampleValues

    package init(_ name: String, differentiable: Bool = true, values: ExampleValues = .uniform(1)) {
        self.name = name
        self.differentiable = differentiable
        self.values = values
    }
}

/// How the values of an example input are drawn from a seeded generator.
package enum ExampleValues: Sendable, Equatable {
    /// Uniform in `[-scale, scale]`.
    case uniform(Float)
    /// Uniform in `[-1, 1]` plus `offset` (batch norm's `1000 ± 1`, a gamma near 1.5).
    case offset(Float)
    /// Uniform in `[-120, 120]`, starting with -1000, 1000, -100, 100, -30, 30, 0, -0.5, 0.5:
    /// where a careless `exp` overflows.
    case large
    /// A scaled permutation of `0..<count`: no two values tie (max pool's winner is unique).
    case distinct
    /// Values in {-1, 0, 1}: most groups tie for their maximum (maxout's tie rule).
    case ties
    /// Uniform in `[low, high]` (probabilities, variances).
    case range(Float, Float)
    /// Rows alternately one-hot and uniform in `[0, 1]` (labels that need not sum to 1).
    case labels
    /// One-hot rows along the last axis.
    case oneHot

    /// A tensor of `shape` with these values.
    package func tensor(_ shape: [Int], generator: inout SeededGenerator) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        func uniform(_ low: Float, _ high: Float) -> [Float] {
            (0..<count).map { _ in Float(generator.nextUniform(Double(low), Double(high))) }
        }
        var values: [Float]
        switch self {
        case .uniform(let scale): values = uniform(-1, 1).map { $0 * scale }
        case .offset(let offset): values = uniform(-1, 1).map { $0 + offset }
        case .large:
            values = uniform(-120, 120)
            for (k, value) in ([-1000, 1000, -100, 100, -30, 30, 0, -0.5, 0.5] as [Float]).prefix(count).enumerated() {
                values[k] = value
            }
        case .distinct:
            var order = Array(0..<count)
            for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
            values = order.map { Float($0) / Float(count) - 0.5 }
        case .ties: values = uniform(-1, 1).map { ($0 * 1.4).rounded() }
        case .range(let low, let high): values = uniform(low, high)
        case .labels, .oneHot:
            values = self == .labels ? uniform(0, 1) : Array(repeating: 0, count: count)
            let classes = Swift.max(shape.last ?? 1, 1)
            for row in 0..<(count / classes) where self == .oneHot || row % 2 == 0 {
                let hot = self == .oneHot ? generator.nextInt(below: classes) : (row * 7) % classes
                for k in 0..<classes { values[row * classes + k] = k == hot ? 1 : 0 }
            }
        }
        return Tensor(uncheckedShape: shape, scalars: values)
    }
}

/// The inputs and attributes of one call of an op. Tensors are fetched by name when the op asks
/// for them, so a conformance case decodes only what its op reads.
package struct OpCall: Sendable {
    package let op: String
    package let attributes: OpAttributes
    private let tensors: @Sendable (String) throws -> Tensor<Float>

    package init(op: String, attributes: OpAttributes, tensors: @escaping @Sendable (String) throws -> Tensor<Float>) {
        self.op = op
        self.attributes = attributes
        self.tensors = tensors
    }

    /// A call with the given tensors.
    package init(op: String, attributes: OpAttributes = [:], tensors: [String: Tensor<Float>]) {
        self.init(op: op, attributes: attributes) { name in
            guard let tensor = tensors[name] else {
                throw ConvLabError.argument(op: op, message: "missing input tensor '\(name)' (inputs present: \(tensors.keys.sorted().joined(separator: ", ")))")
            }
            return tensor
        }
    }

    /// The input tensor `name`.
    package func input(_ name: String) throws -> Tensor<Float> { try tensors(name) }
}

/// One call of an op at fixed shapes: what `convlab bench` times (and the cross-check tests run).
package struct OpExample: Sendable {
    /// The benchmark's name, e.g. `conv1` (`conv1_forward` and `conv1_backward` in the output).
    package var label: String
    /// Each input's shape, by name; inputs left out are not used by this call.
    package var shapes: [String: [Int]]
    /// Values that differ from the op's default for an input.
    package var values: [String: ExampleValues]
    package var attributes: OpAttributes
    /// Floating-point operations of one forward call (multiply-add = 2; the backward pass counts
    /// twice); 0 when not meaningful.
    package var flops: Double
    /// How far the fast path may be from the reference: forward, and the gradients.
    package var tolerance: Tolerance
    package var gradientTolerance: Tolerance

    package init(_ label: String, shapes: [String: [Int]], values: [String: ExampleValues] = [:],
                attributes: OpAttributes = [:], flops: Double = 0,
                tolerance: Tolerance = Tolerance(atol: 1e-4, rtol: 1e-4), gradientTolerance: Tolerance? = nil) {
        self.label = label
        self.shapes = shapes
        self.values = values
        self.attributes = attributes
        self.flops = flops
        self.tolerance = tolerance
        self.gradientTolerance = gradientTolerance ?? tolerance
    }

    /// The call with seeded tensors for `op`'s inputs.
    package func call(for op: OpDescriptor, seed: UInt64) -> OpCall {
        var generator = SeededGenerator(seed: seed)
        var tensors: [String: Tensor<Float>] = [:]
        for input in op.inputs {
            guard let shape = shapes[input.name] else { continue }
            tensors[input.name] = (values[input.name] ?? input.values).tensor(shape, generator: &generator)
        }
        return OpCall(op: op.name, attributes: attributes, tensors: tensors)
    }
}
