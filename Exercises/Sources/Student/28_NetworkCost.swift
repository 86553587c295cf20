import ExerciseKit

// Exercise 28 · Parameters and multiply-adds of a network   (lecture module 15, Lectures/15-architectures.md)
// Check: swift run exercises        Hint: swift run exercises hint 28

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
    // TODO: walk the layers with the current shape; one LayerCost per layer.
    return []
}
