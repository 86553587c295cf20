/// One case of a `cnn-golden-v1` file (see `../shared/conformance/FORMAT.md`): an op, its
/// attributes, its input tensors and optionally the upstream gradient `dy`.
///
/// Only `id`, `op`, `attrs`, `inputs` and `grads.dy` are read; any other key is ignored. A
/// missing or ill-typed entry becomes an error that names it (the attributes' through
/// `OpAttributes`), so the runner can report the case and go on with the next one.
public struct ConformanceCase: Sendable {
    public let id: String
    public let op: String
    public let attrs: [String: JSONValue]
    public let inputs: [String: JSONValue]
    /// `grads.dy`, still undecoded; `nil` means forward only.
    public let dy: JSONValue?

    /// Reads the case envelope. Tensors are decoded later, when the op asks for them.
    /// - Throws: `ConvLabError.argument` when `id` or `op` is missing or not a string, or when
    ///   `attrs`, `inputs` or `grads` is not an object.
    public init(_ value: JSONValue) throws {
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
    public func input(_ name: String) throws -> Tensor<Float> {
        guard let value = inputs[name] else {
            let present = inputs.keys.sorted().joined(separator: ", ")
            throw ConvLabError.argument(op: op, message: "missing input tensor '\(name)' (inputs present: \(present.isEmpty ? "none" : present))")
        }
        return try ConformanceCase.tensor(value, name: "input '\(name)'", op: op)
    }

    /// The upstream gradient `grads.dy`, checked against the forward output's shape; `nil` when
    /// the case is forward only.
    public func upstreamGradient(matching output: Tensor<Float>) throws -> Tensor<Float>? {
        guard let dy else { return nil }
        let gradient = try ConformanceCase.tensor(dy, name: "grads.dy", op: op)
        guard gradient.shape == output.shape else {
            throw ConvLabError.shape(op: op,
                message: "grads.dy has shape \(describeShape(gradient.shape)) but y has shape \(describeShape(output.shape))")
        }
        return gradient
    }

    /// Decodes `{"shape": [...], "data": [...]}` into a float32 tensor, converting each number
    /// once from its text.
    /// - Throws: on a missing key, a negative or non-integral dimension, a count that does not
    ///   match the shape, a non-number, or a non-finite value (`"nan"`, `"inf"`, or text beyond
    ///   float32's range).
    public static func tensor(_ value: JSONValue, name: String, op: String) throws -> Tensor<Float> {
        guard case let .array(shapeValues)? = value["shape"] else {
            throw ConvLabError.argument(op: op, message: "\(name) needs a 'shape' array")
        }
        guard case let .array(dataValues)? = value["data"] else {
            throw ConvLabError.argument(op: op, message: "\(name) needs a 'data' array")
        }
        var shape: [Int] = []
        var count = 1
        for dimension in shapeValues {
            guard let size = dimension.intValue, size >= 0 else {
                throw ConvLabError.shape(op: op, message: "\(name) has an invalid dimension in its shape (\(dimension.kind))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw ConvLabError.shape(op: op, message: "\(name) shape is too large") }
            shape.append(size)
            count = product
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
