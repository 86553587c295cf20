import ConvLabCore
import ConvLabData

/// What one case may cost the runner. Every tensor it reads or makes holds at most `values`
/// values, zero dimensions counted as one; the op does at most `work` multiply-adds or
/// comparisons by its `- Complexity:` formula, three times that with a backward pass. The
/// standard budget (2^22 values, 16 MiB of Float; 2^30 operations) is far above TF's golden
/// cases (the largest of the dev set has 1,568 values) and refuses, with an error naming the
/// budget, the case that would exhaust memory or run for hours: a resize `size` of 2^32, a
/// 2^31-wide pooling window over a large image, a filter with a million output channels.
package struct ConformanceBudget: Sendable, Equatable {
    /// The most values one tensor may hold, zero dimensions counted as one.
    package var values: Int
    /// The most operations one case may do, forward and backward together.
    package var work: Int

    /// 2^22 values per tensor, 2^30 operations per case.
    package static let standard = ConformanceBudget(values: 1 << 22, work: 1 << 30)
}

/// One case of a `cnn-golden-v1` file (see `../shared/conformance/FORMAT.md`): an op, its
/// attributes, its input tensors and optionally the upstream gradient `dy`.
///
/// Only `id`, `op`, `attrs`, `inputs` and `grads.dy` are read; any other key is ignored. A
/// missing or ill-typed entry becomes an error that names it (the attributes' through
/// `OpAttributes`), so the runner can report the case and go on with the next one.
package struct ConformanceCase: Sendable {
    package let id: String
    package let op: String
    package let attrs: [String: JSONValue]
    package let inputs: [String: JSONValue]
    /// `grads.dy`, still undecoded; `nil` means forward only.
    package let dy: JSONValue?
    /// What computing the case may cost.
    package let budget: ConformanceBudget

    /// Reads the case envelope. Tensors are decoded later, when the op asks for them.
    /// - Throws: `ConvLabError.argument` when `id` or `op` is missing or not a string, or when
    ///   `attrs`, `inputs` or `grads` is not an object.
    package init(_ value: JSONValue, budget: ConformanceBudget = .standard) throws {
        self.budget = budget
        guard case let .object(members) = value else {
            throw ConvLabError.argument(op: "case", message: "a case must be an object, found \(value.kind)")
        }
        guard case let .string(id)? = members["id"] else {
            throw ConvLabError.argument(op: "case", message: "missing string 'id'")
        }
        self.id = id
        guard case let .string(op)? = members["op"] else {
            throw ConvLabError.argument(op: "case", message: "missing string 'op'")
        }
        self.op = op
        self.attrs = try ConformanceCase.object(members["attrs"], name: "attrs")
        self.inputs = try ConformanceCase.object(members["inputs"], name: "inputs")
        let grads = try ConformanceCase.object(members["grads"], name: "grads")
        self.dy = grads["dy"]
    }

    private static func object(_ value: JSONValue?, name: String) throws -> [String: JSONValue] {
        switch value {
        case nil, .null?: return [:]
        case let .object(members)?: return members
        case let other?:
            throw ConvLabError.argument(op: "case", message: "'\(name)' must be an object, found \(other.kind)")
        }
    }

    // MARK: - Tensors

    /// The input tensor `name`.
    /// - Throws: when it is missing, malformed, or holds NaN or infinity.
    package func input(_ name: String) throws -> Tensor<Float> {
        guard let value = inputs[name] else {
            let present = inputs.keys.sorted().joined(separator: ", ")
            throw ConvLabError.argument(op: op, message: "missing input tensor '\(name)' (inputs present: \(present.isEmpty ? "none" : present))")
        }
        return try ConformanceCase.tensor(value, name: "input '\(name)'", op: op, budget: budget)
    }

    /// The upstream gradient `grads.dy`, checked against the forward output's shape; `nil` when
    /// the case is forward only.
    package func upstreamGradient(matching output: Tensor<Float>) throws -> Tensor<Float>? {
        guard let dy else { return nil }
        let gradient = try ConformanceCase.tensor(dy, name: "grads.dy", op: op, budget: budget)
        guard gradient.shape == output.shape else {
            throw ConvLabError.shape(op: op,
                message: "grads.dy has shape \(describeShape(gradient.shape)) but y has shape \(describeShape(output.shape))")
        }
        return gradient
    }

    /// Decodes `{"shape": [...], "data": [...]}` into a float32 tensor, converting each number
    /// once from its text.
    /// - Throws: on a missing key, a negative or non-integral dimension, a shape beyond the
    ///   runner's budget (`ConformanceBudget.values`, zero dimensions counted as one), a count that does not
    ///   match the shape, a non-number, or a non-finite value (`"nan"`, `"inf"`, or text beyond
    ///   float32's range).
    package static func tensor(_ value: JSONValue, name: String, op: String,
                              budget: ConformanceBudget = .standard) throws -> Tensor<Float> {
        guard case let .array(shapeValues)? = value["shape"] else {
            throw ConvLabError.argument(op: op, message: "\(name) needs a 'shape' array")
        }
        guard case let .array(dataValues)? = value["data"] else {
            throw ConvLabError.argument(op: op, message: "\(name) needs a 'data' array")
        }
        var shape: [Int] = []
        for dimension in shapeValues {
            guard let size = dimension.intValue, size >= 0 else {
                throw ConvLabError.shape(op: op, message: "\(name) has an invalid dimension in its shape (\(describe(dimension)))")
            }
            shape.append(size)
        }
        // The runner's budget, checked before anything is allocated.
        let count: Int
        do {
            count = try TensorShape.elementCount(shape, op: op, limit: budget.values)
        } catch let ConvLabError.shape(_, message) {
            throw ConvLabError.shape(op: op, message: "\(name): \(message) (the conformance runner's budget per tensor)")
        }
        guard dataValues.count == count else {
            throw ConvLabError.shape(op: op,
                message: "\(name) has \(dataValues.count) values but shape \(describeShape(shape)) needs \(count)")
        }
        var scalars: [Float] = []
        scalars.reserveCapacity(count)
        for (index, element) in dataValues.enumerated() {
            switch element {
            case .number:
                guard let scalar = element.floatValue, scalar.isFinite else {
                    throw ConvLabError.argument(op: op,
                        message: "\(name) value \(index) is not finite in float32: \(describe(element))")
                }
                scalars.append(scalar)
            case let .string(text):
                throw ConvLabError.argument(op: op, message: "\(name) value \(index) is non-finite (\"\(text)\")")
            default:
                throw ConvLabError.argument(op: op, message: "\(name) value \(index) is \(element.kind), not a number")
            }
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    /// A number as written (`1e99`, `2.5`), anything else by its kind.
    static func describe(_ value: JSONValue) -> String {
        if case let .number(text) = value { return text }
        return value.kind
    }
}
