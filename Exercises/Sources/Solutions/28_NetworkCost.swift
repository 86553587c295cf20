import ExerciseKit

// Exercise 28 · Parameters and multiply-adds of a network   (lecture module 15, Lectures/15-architectures.md)
// Reference solution (shown by `swift run exercises diff NN` once the exercise passes).

/// What each layer of a network outputs and costs, for ONE example of `input` = [H, W, C]:
///
///   layer                    output                     parameters            multiply-adds
///   conv(K, F, S, pad)       [OH, OW, F]                K*K*C*F + F           OH*OW * K*K*C * F
///   depthwise(K, M, S, pad)  [OH, OW, C*M]              K*K*C*M + C*M         OH*OW * K*K * C*M
///   maxPool(K, S, pad)       [OH, OW, C]                0                     0
///   flatten                  [H*W*C]                    0                     0
///   dense(Out)               [Out]     (input [In])     In*Out + Out          In*Out
///
/// OH and OW follow exercise 01 (VALID: 0 when the window does not fit; SAME: ceil(H / S)).
/// Every tap of every output counts as a multiply-add, padding included; biases, ReLUs and
/// pooling count as free (they are additions and comparisons). CS 20SI lecture 7's convnet has
/// 3,274,634 parameters.
///
/// - Parameters:
///   - input: [H, W, C] of one example
///   - layers: from the input to the output
/// - Returns: one `LayerCost` per layer: its output shape, parameters and multiply-adds
public func networkCost(input: [Int], layers: [LayerSpec]) -> [LayerCost] {
    func size(_ input: Int, _ kernel: Int, _ stride: Int, _ padding: Padding) -> Int {
        switch padding {
        case .valid: return input >= kernel ? (input - kernel) / stride + 1 : 0
        case .same: return (input + stride - 1) / stride
        }
    }
    var shape = input
    var costs: [LayerCost] = []
    for layer in layers {
        switch layer {
        case let .conv(k, filters, stride, padding):
            let (h, w, c) = (size(shape[0], k, stride, padding), size(shape[1], k, stride, padding), shape[2])
            costs.append(LayerCost(shape: [h, w, filters], parameters: k * k * c * filters + filters,
                                   multiplyAdds: h * w * k * k * c * filters))
        case let .depthwise(k, multiplier, stride, padding):
            let (h, w, c) = (size(shape[0], k, stride, padding), size(shape[1], k, stride, padding), shape[2])
            costs.append(LayerCost(shape: [h, w, c * multiplier], parameters: k * k * c * multiplier + c * multiplier,
                                   multiplyAdds: h * w * k * k * c * multiplier))
        case let .maxPool(window, stride, padding):
            costs.append(LayerCost(shape: [size(shape[0], window, stride, padding), size(shape[1], window, stride, padding), shape[2]],
                                   parameters: 0, multiplyAdds: 0))
        case .flatten:
            costs.append(LayerCost(shape: [shape.reduce(1, *)], parameters: 0, multiplyAdds: 0))
        case let .dense(outputs):
            let inputs = shape.reduce(1, *)
            costs.append(LayerCost(shape: [outputs], parameters: inputs * outputs + outputs, multiplyAdds: inputs * outputs))
        }
        shape = costs[costs.count - 1].shape
    }
    return costs
}
