import ExerciseKit
import Solutions

/// Typical wrong answers to exercise 28: the reference with one line changed.
public enum Wrong28 {
    static func adjust(_ input: [Int], _ layers: [LayerSpec], _ change: (LayerSpec, [Int], LayerCost) -> LayerCost) -> [LayerCost] {
        var shape = input
        var result: [LayerCost] = []
        for layer in layers {
            let right = Solutions.networkCost(input: shape, layers: [layer])[0]
            let cost = change(layer, shape, right)
            result.append(cost)
            shape = cost.shape
        }
        return result
    }

    /// Forgets the convolutions' biases.
    public static func convWithoutBias(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
        adjust(input, layers) { layer, _, cost in
            guard case let .conv(_, filters, _, _) = layer else { return cost }
            return LayerCost(shape: cost.shape, parameters: cost.parameters - filters, multiplyAdds: cost.multiplyAdds)
        }
    }

    /// Multiply-adds counted at the input's positions (H * W), ignoring the stride.
    public static func macsAtInputSize(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
        adjust(input, layers) { layer, shape, cost in
            guard case .conv = layer, cost.shape[0] * cost.shape[1] > 0 else { return cost }
            return LayerCost(shape: cost.shape, parameters: cost.parameters,
                             multiplyAdds: cost.multiplyAdds / (cost.shape[0] * cost.shape[1]) * shape[0] * shape[1])
        }
    }

    /// Dense parameters without the bias.
    public static func denseWithoutBias(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
        adjust(input, layers) { layer, _, cost in
            guard case let .dense(outputs) = layer else { return cost }
            return LayerCost(shape: cost.shape, parameters: cost.parameters - outputs, multiplyAdds: cost.multiplyAdds)
        }
    }

    /// A depthwise layer costed like a conv2d with C * M filters (sums over the channels).
    public static func depthwiseLikeConv(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
        adjust(input, layers) { layer, shape, cost in
            guard case let .depthwise(k, m, s, p) = layer else { return cost }
            let conv = Solutions.networkCost(input: shape, layers: [.conv(kernel: k, filters: shape[2] * m, stride: s, padding: p)])[0]
            return LayerCost(shape: cost.shape, parameters: conv.parameters, multiplyAdds: conv.multiplyAdds)
        }
    }

    /// VALID sizes computed like SAME ones (ceil(H / S)).
    public static func validLikeSame(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
        adjust(input, layers) { layer, shape, cost in
            switch layer {
            case let .conv(k, f, s, .valid): return Solutions.networkCost(input: shape, layers: [.conv(kernel: k, filters: f, stride: s, padding: .same)])[0]
            case let .maxPool(w, s, .valid): return Solutions.networkCost(input: shape, layers: [.maxPool(window: w, stride: s, padding: .same)])[0]
            default: return cost
            }
        }
    }
}
