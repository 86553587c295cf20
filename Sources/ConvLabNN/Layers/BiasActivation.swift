import ConvLabCore

/// The tail the convolution and dense layers share, `activation(linear + bias)` as the lectures
/// write `relu(conv2d(x, w) + b)`: it adds the bias per output channel (unless the layer's own op
/// already did: the dense layer's GEMM starts from the bias rows), applies the optional
/// activation and keeps what the activation's backward pass reads.
///
/// With ReLU that is the output, not the pre-activation: `relu(z) > 0` exactly where `z > 0`, so
/// `reluBackward(relu(z), dOutput)` equals `reluBackward(z, dOutput)` (TF's ReluGrad reads its
/// op's output the same way), and the bias add and the ReLU become one pass over the tensor.
struct BiasActivation {
    let activation: Activation?
    /// The pre-activation, or the output when the activation is ReLU; nil before any forward pass.
    private var saved: Tensor<Float>?

    init(_ activation: Activation?) { self.activation = activation }

    /// `activation(linear + bias)`, or `activation(linear)` when `bias` is nil.
    mutating func forward(_ linear: Tensor<Float>, bias: Tensor<Float>?, kernels k: Kernels) throws -> Tensor<Float> {
        let ops = k.ops
        if activation == .relu {
            let y = try bias.map { try ops.biasReLUForward(linear, bias: $0) } ?? ops.reluForward(linear)
            saved = y
            return y
        }
        let z = try bias.map { try ops.biasAddForward(linear, bias: $0) } ?? linear
        saved = z
        return try activation?.forward(z, kernels: k) ?? z
    }

    /// The gradient of `linear + bias` (the activation's backward pass); nil before any forward pass.
    func backward(_ dOutput: Tensor<Float>, kernels k: Kernels) throws -> Tensor<Float>? {
        guard let saved else { return nil }
        return try activation?.backward(saved, dOutput: dOutput, kernels: k) ?? dOutput
    }
}
