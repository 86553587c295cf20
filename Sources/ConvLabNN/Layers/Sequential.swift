import Foundation
import ConvLabCore

/// A stack of layers applied in order: the lectures' networks.
public final class Sequential {
    /// The layers, applied in this order.
    public let layers: [any Layer]
    /// When true, `forward` and `backward` add each layer's wall-clock seconds to `timings`
    /// (`convlab train --profile`: where an epoch's time goes).
    package var recordsTimings = false
    /// Seconds per layer name, forward and backward, since timing was switched on.
    package private(set) var timings: [String: (forward: Double, backward: Double)] = [:]

    /// - Parameter layers: applied in order; their variables must have distinct names.
    /// - Throws: `ConvLabError.argument` when two variables share a name (a checkpoint could not tell
    ///   them apart).
    public init(_ layers: [any Layer]) throws {
        self.layers = layers
        var seen = Set<String>()
        for variable in layers.flatMap(\.variables) {
            guard seen.insert(variable.name).inserted else {
                throw ConvLabError.argument(op: "Sequential", message: "two variables are named '\(variable.name)'")
            }
        }
    }

    /// Every variable, in layer order: what the optimizer updates and the checkpoint saves.
    public var variables: [Variable] { layers.flatMap(\.variables) }

    /// The trainable variables.
    public var trainableVariables: [Variable] { variables.filter(\.trainable) }

    /// The number of trainable scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Fills every variable from its initializer, drawing from one generator in layer order, so
    /// the same seed gives the same weights on every platform.
    public func initialize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for variable in variables {
            variable.value = variable.initializer.make(shape: variable.shape, generator: &generator)
        }
    }

    /// Restarts the mask stream of every dropout layer from `seed` (one sub-seed per layer).
    public func reseedDropout(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for case let dropout as Dropout in layers { dropout.reseed(generator.next()) }
    }

    /// The last layer's output shape for an input shape (batch dimension included).
    /// - Throws: `ConvLabError.shape` naming the first layer the shape does not fit.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        try layers.reduce(inputShape) { try $1.outputShape(for: $0) }
    }

    /// Every layer's forward pass in order; returns the last output (the logits).
    /// - Throws: `ConvLabError` naming the first layer that fails.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard recordsTimings else { return try layers.reduce(input) { try $1.forward($0, context: context) } }
        var x = input
        for layer in layers {
            let start = Date()
            x = try layer.forward(x, context: context)
            timings[layer.name, default: (0, 0)].forward += Date().timeIntervalSince(start)
        }
        return x
    }

    /// Back-propagates `dOutput` (the gradient of the loss with respect to the last output)
    /// through every layer, filling each variable's `gradient`; returns the input's gradient.
    @discardableResult
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        guard recordsTimings else { return try layers.reversed().reduce(dOutput) { try $1.backward($0, context: context) } }
        var d = dOutput
        for layer in layers.reversed() {
            let start = Date()
            d = try layer.backward(d, context: context)
            timings[layer.name, default: (0, 0)].backward += Date().timeIntervalSince(start)
        }
        return d
    }

    /// `backward` for training, where nobody reads the gradient of the network's input: the
    /// same variable gradients, but the first layer skips its `dInput` (`Layer.backwardParameters`;
    /// for lecture 7's conv1 that is most of its backward pass).
    public func backwardParameters(_ dOutput: Tensor<Float>, context: LayerContext) throws {
        var d = dOutput
        for (index, layer) in layers.enumerated().reversed() {
            let start = recordsTimings ? Date() : nil
            if index == 0 {
                try layer.backwardParameters(d, context: context)
            } else {
                d = try layer.backward(d, context: context)
            }
            if let start { timings[layer.name, default: (0, 0)].backward += Date().timeIntervalSince(start) }
        }
    }

    /// The timing table: layer, forward and backward seconds, share of the total.
    package func timingReport() -> String {
        let total = timings.values.reduce(0) { $0 + $1.forward + $1.backward }
        var lines = ["layer             forward s  backward s  share"]
        for layer in layers {
            guard let t = timings[layer.name] else { continue }
            lines.append(leftAligned(layer.name, 16) + String(format: "  %9.2f  %10.2f  %4.0f%%", t.forward, t.backward,
                                                             100 * (t.forward + t.backward) / max(total, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }

    /// One row of the summary.
    package struct SummaryRow: Sendable, Equatable {
        /// The layer's scope.
        package var name: String
        /// The layer's kind, `Conv2D+ReLU`.
        package var kind: String
        /// The layer's output shape.
        package var outputShape: [Int]
        /// The layer's trainable scalars.
        package var parameters: Int
    }

    /// Each layer's output shape (for a batch of `inputShape[0]`) and trainable parameter count.
    package func summaryRows(inputShape: [Int]) throws -> [SummaryRow] {
        var shape = inputShape
        return try layers.map { layer in
            shape = try layer.outputShape(for: shape)
            return SummaryRow(name: layer.name, kind: layer.kind, outputShape: shape, parameters: layer.parameterCount)
        }
    }

    /// The summary table: layer, output shape, parameter count, with the batch shown as `B`.
    ///
    ///     layer     kind           output shape      parameters
    ///     conv1     Conv2D+ReLU    [B,28,28,32]             832
    public func summary(inputShape: [Int]) throws -> String {
        let rows = try summaryRows(inputShape: [1] + inputShape.dropFirst())
        func spell(_ shape: [Int]) -> String { "[B," + shape.dropFirst().map(String.init).joined(separator: ",") + "]" }
        var table: [[String]] = [["layer", "kind", "output shape", "parameters"],
                                 ["input", "", spell([1] + inputShape.dropFirst()), ""]]
        for row in rows {
            table.append([row.name, row.kind, spell(row.outputShape), thousands(row.parameters)])
        }
        table.append(["total", "", "", thousands(parameterCount)])
        let widths = (0..<4).map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            leftAligned(cells[0], widths[0]) + "  " + leftAligned(cells[1], widths[1]) + "  "
                + leftAligned(cells[2], widths[2]) + "  " + rightAligned(cells[3], widths[3])
        }.joined(separator: "\n")
    }
}
