import ConvLabCore
import ConvLabData
import ConvLabNN

/// The dispatcher: a case's op is looked up in `OpTable` by its FORMAT.md name, its inputs and
/// attributes are handed over as they are, and the op runs on the chosen `Kernels` path.
///
/// Every case runs forward; when it carries `grads.dy`, it also runs the op's backward with
/// `dOutput = dy`, which gives `dX = ∂L/∂X` for `L = sum(y * dy)`. Gradients are named
/// `"d" + input name` (`x`→`dx`, `logits`→`dlogits`). Labels and targets get none.
extension ConformanceCase {
    /// The op names this runner computes: every op of the table.
    package static var supportedOps: [String] { OpTable.all.map(\.name) }

    /// The case as an op call: its attributes, and its input tensors decoded when the op reads them.
    package var call: OpCall {
        OpCall(op: op, attributes: OpAttributes(attrs.mapValues(ConformanceCase.attribute))) { [self] name in try input(name) }
    }

    /// Throws unless an output of `shape` whose every value costs `costPerValue` operations
    /// fits this case's budget (`ConformanceBudget`), a backward pass counting twice more.
    func checkBudget(output shape: [Int], costPerValue: Int) throws {
        let values: Int
        do {
            values = try TensorShape.extent(shape, op: op, limit: budget.values)
        } catch let ConvLabError.shape(_, message) {
            throw ConvLabError.argument(op: op, message: "output: \(message) (the conformance runner's budget per tensor)")
        }
        let passes = dy == nil ? 1 : 3
        let (work, overflow) = values.multipliedReportingOverflow(by: Swift.max(costPerValue, 1) * passes)
        guard !overflow, work <= budget.work else {
            throw ConvLabError.argument(op: op,
                message: "output \(describeShape(shape)) at \(costPerValue) operations per value\(passes > 1 ? ", forward and backward," : "") is more than the runner's budget of \(budget.work) operations per case")
        }
    }

    /// Computes this case on `kernels`' path.
    /// - Throws: `ConvLabError` for an unknown op, a missing or malformed tensor or attribute, or
    ///   shapes the op rejects; the message names the op and the offending shapes.
    package func compute(with kernels: Kernels) throws -> ConformanceResult {
        guard let descriptor = OpTable.named(op) else {
            throw ConvLabError.argument(op: "conformance",
                message: "unknown op '\(op)' (supported: \(ConformanceCase.supportedOps.joined(separator: ", ")))")
        }
        let call = self.call
        for cost in try descriptor.cost(of: call) {
            try checkBudget(output: cost.shape, costPerValue: cost.perValue)
        }
        let outputs = try descriptor.forward(call, on: kernels.ops)
        guard let dy = try upstreamGradient(matching: outputs[0]) else {
            return ConformanceResult(id: id, output: outputs[0], gradients: [])
        }
        return ConformanceResult(id: id, output: outputs[0],
                                 gradients: try descriptor.backward(call, outputs: outputs, dy: dy, on: kernels.ops))
    }

    /// A JSON attribute as an op attribute (objects and null, which no op reads, become text).
    static func attribute(_ value: JSONValue) -> OpAttributes.Value {
        switch value {
        case .number(let text): .number(text)
        case .string(let text): .text(text)
        case .bool(let flag): .flag(flag)
        case .array(let elements): .list(elements.map(attribute))
        case .object, .null: .text(value.kind)
        }
    }
}
