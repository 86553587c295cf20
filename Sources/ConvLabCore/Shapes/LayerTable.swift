/// A network written down as a list of layer specifications, and the table the case studies of
/// CS231n and the notebook compute by hand: each layer's output volume, parameters, multiply-adds
/// and activations, with totals. Nothing is allocated and nothing is trained, so a 138-million
/// parameter VGG-16 costs a few microseconds.
///
/// The rules, per image (batch 1), for an input volume `H x W x C`:
///
///     conv  KxK, F filters, stride S, groups G:  out = WindowAxis (TF's SAME/VALID) per axis
///           parameters   = K*K*(C/G)*F  (+ F biases)  (+ 2F for a batch norm's gamma and beta)
///           multiply-adds = OH*OW*F * K*K*(C/G)
///     dense N:                                    parameters = H*W*C*N (+ N), multiply-adds = H*W*C*N
///     pooling, global average pooling:            no parameters, no multiply-adds
///     residual block:                             the branch's rows, the shortcut's rows, and one
///                                                 row for the sum (whose shape both must produce)
///
/// Activations are the values a row outputs (`OH*OW*F`); the table's total also counts the input,
/// as CS231n's VGG-16 list does. Biases, batch-norm shifts, ReLUs and the additions of pooling
/// are not multiply-adds; counting only the products of convolutions and dense layers is the
/// convention of the ResNet paper ("FLOPs (multiply-adds)") and of torchvision's `_ops`.
public struct LayerSpec: Sendable, Equatable {
    public enum Operation: Sendable, Equatable {
        case conv(kernel: Int, filters: Int, stride: Int, padding: Padding, groups: Int, bias: Bool, batchNorm: Bool)
        case maxPool(window: Int, stride: Int, padding: Padding)
        case averagePool(window: Int, stride: Int, padding: Padding)
        /// The mean over all rows and columns: `H x W x C -> 1 x 1 x C`.
        case globalAveragePool
        /// A fully connected layer on the flattened input volume: `-> 1 x 1 x outputs`.
        case dense(outputs: Int, bias: Bool)
        /// `branch(x) + shortcut(x)`; an empty shortcut is the identity.
        case residual(branch: [LayerSpec], shortcut: [LayerSpec])
    }

    public var name: String
    public var operation: Operation
    /// A ReLU after the layer (no parameters, no multiply-adds; shown in the table's description).
    public var relu: Bool

    public init(_ name: String, _ operation: Operation, relu: Bool = false) {
        self.name = name
        self.operation = operation
        self.relu = relu
    }

    /// A square convolution, by default SAME with a bias and a ReLU.
    public static func conv(_ name: String, kernel: Int, filters: Int, stride: Int = 1, padding: Padding = .same,
                            groups: Int = 1, bias: Bool = true, batchNorm: Bool = false, relu: Bool = true) -> LayerSpec {
        LayerSpec(name, .conv(kernel: kernel, filters: filters, stride: stride, padding: padding, groups: groups,
                              bias: bias, batchNorm: batchNorm), relu: relu)
    }

    /// Max pooling, by default 2x2 with stride 2, VALID.
    package static func maxPool(_ name: String, window: Int = 2, stride: Int = 2, padding: Padding = .valid) -> LayerSpec {
        LayerSpec(name, .maxPool(window: window, stride: stride, padding: padding))
    }

    /// Average pooling, by default 2x2 with stride 2, VALID.
    static func averagePool(_ name: String, window: Int = 2, stride: Int = 2, padding: Padding = .valid) -> LayerSpec {
        LayerSpec(name, .averagePool(window: window, stride: stride, padding: padding))
    }

    public static func globalAveragePool(_ name: String) -> LayerSpec { LayerSpec(name, .globalAveragePool) }

    /// A dense layer, by default with a bias and a ReLU.
    public static func dense(_ name: String, outputs: Int, bias: Bool = true, relu: Bool = true) -> LayerSpec {
        LayerSpec(name, .dense(outputs: outputs, bias: bias), relu: relu)
    }

    public static func residual(_ name: String, branch: [LayerSpec], shortcut: [LayerSpec] = [],
                                relu: Bool = true) -> LayerSpec {
        LayerSpec(name, .residual(branch: branch, shortcut: shortcut), relu: relu)
    }

    /// What the table prints in its "layer" column: `conv 3x3/1 64 SAME +BN +ReLU`.
    public var summary: String {
        let tail = relu ? " +ReLU" : ""
        switch operation {
        case let .conv(kernel, filters, stride, padding, groups, _, batchNorm):
            return "conv \(kernel)x\(kernel)/\(stride) \(filters) \(padding)" + (groups > 1 ? " groups \(groups)" : "")
                + (batchNorm ? " +BN" : "") + tail
        case let .maxPool(window, stride, padding):
            return "max pool \(window)x\(window)/\(stride) \(padding)"
        case let .averagePool(window, stride, padding):
            return "avg pool \(window)x\(window)/\(stride) \(padding)"
        case .globalAveragePool:
            return "global avg pool"
        case let .dense(outputs, _):
            return "fc \(outputs)" + tail
        case let .residual(_, shortcut):
            return "sum" + (shortcut.isEmpty ? " (identity shortcut)" : "") + tail
        }
    }
}

/// One row of a `LayerTable`.
public struct LayerTableRow: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case input, conv, pool, dense, sum }

    public let name: String
    public let kind: Kind
    /// `LayerSpec.summary`, or "input".
    public let summary: String
    /// The output volume `[H, W, C]`.
    public let outputShape: [Int]
    public let parameters: Int
    public let multiplyAdds: Int
    /// 0 for the network's own layers, 1 inside a residual block's branch or shortcut, and so on.
    public let nesting: Int
    /// Inside a residual block's shortcut (a projection).
    package let inShortcut: Bool

    /// The values the row outputs, `H * W * C` (checked by `LayerTable.init`).
    public var activations: Int { outputShape.reduce(1, *) }
}

/// The layer-by-layer arithmetic of a network given as `LayerSpec`s; see `LayerSpec` for the rules.
public struct LayerTable: Sendable, Equatable {
    /// The input volume `[H, W, C]`.
    public let input: [Int]
    /// The input's row first, then one row per layer (a residual block's inner layers before its sum).
    public let rows: [LayerTableRow]
    public let parameters: Int
    public let multiplyAdds: Int
    /// Every row's activations, the input's included.
    public let activations: Int

    /// - Parameters:
    ///   - input: `[H, W, C]`, every entry >= 1.
    ///   - layers: the network in order.
    /// - Throws: `ConvLabError.argument` naming the layer for a non-positive size, a group count
    ///   that does not divide the channels, or a count beyond `Int.max`; `ConvLabError.shape` for a
    ///   window that does not fit or a residual block whose two paths end in different shapes.
    public init(input: [Int], layers: [LayerSpec]) throws {
        guard input.count == 3, input.allSatisfy({ $0 >= 1 }) else {
            throw ConvLabError.argument(op: "LayerTable",
                message: "the input must be a volume [H,W,C] of positive sizes, got \(describeShape(input))")
        }
        var rows = [LayerTableRow(name: "input", kind: .input, summary: "input", outputShape: input, parameters: 0,
                                  multiplyAdds: 0, nesting: 0, inShortcut: false)]
        _ = try LayerTable.append(layers, to: input, nesting: 0, inShortcut: false, rows: &rows)
        let op = "LayerTable"
        self.input = input
        self.rows = rows
        parameters = try LayerTable.sum(rows.map(\.parameters), op: op)
        multiplyAdds = try LayerTable.sum(rows.map(\.multiplyAdds), op: op)
        activations = try LayerTable.sum(rows.map { try LayerTable.product($0.outputShape, op: op) }, op: op)
    }

    /// The output volume of the last layer.
    public var outputShape: [Int] { rows.last!.outputShape }

    /// The layers with weights, convolutions and dense layers: the "16" of VGG-16, and the "18" of
    /// ResNet-18 when the shortcut projections are left out, as that paper counts its layers.
    public func weightLayers(countingShortcuts: Bool = false) -> Int {
        rows.filter { ($0.kind == .conv || $0.kind == .dense) && (countingShortcuts || !$0.inShortcut) }.count
    }

    /// Appends the rows of `layers` applied to `shape` and returns the output shape.
    private static func append(_ layers: [LayerSpec], to shape: [Int], nesting: Int, inShortcut: Bool,
                               rows: inout [LayerTableRow]) throws -> [Int] {
        var shape = shape
        for layer in layers {
            let op = "LayerTable (\(layer.name))"
            let (h, w, c) = (shape[0], shape[1], shape[2])
            var parameters = 0, multiplyAdds = 0
            let kind: LayerTableRow.Kind
            switch layer.operation {
            case let .conv(kernel, filters, stride, padding, groups, bias, batchNorm):
                guard kernel >= 1, filters >= 1, stride >= 1, groups >= 1 else {
                    throw ConvLabError.argument(op: op,
                        message: "kernel \(kernel), filters \(filters), stride \(stride) and groups \(groups) must be >= 1")
                }
                guard c % groups == 0, filters % groups == 0 else {
                    throw ConvLabError.argument(op: op,
                        message: "\(groups) groups must divide both the \(c) input channels and the \(filters) filters")
                }
                let rowsAxis = try WindowAxis(input: h, kernel: kernel, stride: stride, padding: padding, op: op, axis: "height")
                let columnsAxis = try WindowAxis(input: w, kernel: kernel, stride: stride, padding: padding, op: op, axis: "width")
                let taps = try product([kernel, kernel, c / groups], op: op)
                parameters = try sum([product([taps, filters], op: op), bias ? filters : 0,
                                       batchNorm ? product([2, filters], op: op) : 0], op: op)
                shape = [rowsAxis.output, columnsAxis.output, filters]
                multiplyAdds = try product([rowsAxis.output, columnsAxis.output, filters, taps], op: op)
                kind = .conv
            case let .maxPool(window, stride, padding), let .averagePool(window, stride, padding):
                let rowsAxis = try WindowAxis(input: h, kernel: window, stride: stride, padding: padding, op: op, axis: "height")
                let columnsAxis = try WindowAxis(input: w, kernel: window, stride: stride, padding: padding, op: op, axis: "width")
                shape = [rowsAxis.output, columnsAxis.output, c]
                kind = .pool
            case .globalAveragePool:
                shape = [1, 1, c]
                kind = .pool
            case let .dense(outputs, bias):
                guard outputs >= 1 else {
                    throw ConvLabError.argument(op: op, message: "a dense layer needs >= 1 output, got \(outputs)")
                }
                let inputs = try product(shape, op: op)
                multiplyAdds = try product([inputs, outputs], op: op)
                parameters = try sum([multiplyAdds, bias ? outputs : 0], op: op)
                shape = [1, 1, outputs]
                kind = .dense
            case let .residual(branch, shortcut):
                let branchShape = try append(branch, to: shape, nesting: nesting + 1, inShortcut: inShortcut, rows: &rows)
                let shortcutShape = try append(shortcut, to: shape, nesting: nesting + 1, inShortcut: true, rows: &rows)
                guard branchShape == shortcutShape else {
                    throw ConvLabError.shape(op: op,
                        message: "the branch ends in \(describeShape(branchShape)) but the shortcut in \(describeShape(shortcutShape)); "
                            + "they must match to be added")
                }
                shape = branchShape
                kind = .sum
            }
            rows.append(LayerTableRow(name: layer.name, kind: kind, summary: layer.summary, outputShape: shape,
                                      parameters: parameters, multiplyAdds: multiplyAdds, nesting: nesting,
                                      inShortcut: inShortcut))
        }
        return shape
    }

    private static func product(_ factors: [Int], op: String) throws -> Int {
        try factors.reduce(1) { total, factor in
            let (result, overflow) = total.multipliedReportingOverflow(by: factor)
            guard !overflow else {
                throw ConvLabError.argument(op: op, message: "the product \(factors.map(String.init).joined(separator: " * ")) exceeds Int.max")
            }
            return result
        }
    }

    private static func sum(_ terms: [Int], op: String) throws -> Int {
        try terms.reduce(0) { total, term in
            let (result, overflow) = total.addingReportingOverflow(term)
            guard !overflow else {
                throw ConvLabError.argument(op: op, message: "the sum \(terms.map(String.init).joined(separator: " + ")) exceeds Int.max")
            }
            return result
        }
    }
}
