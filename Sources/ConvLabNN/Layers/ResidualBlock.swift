import ConvLabCore

/// Tutorial #03's residual block (He et al. 2016, pre-activation form):
///
///     s = x
///     x = conv2(relu(bn2(conv1(relu(bn1(x))))))     3x3 SAME convs, C -> C
///     y = x + s
///
/// The skip adds the upstream gradient straight through: `dInput = dOutput + d(branch)`.
public final class ResidualBlock: Layer {
    public let name: String
    /// The branch's first batch norm, on the block's input.
    public let bn1: BatchNorm
    /// ReLU after `bn1`.
    public let relu1: ActivationLayer
    /// The first 3x3 SAME convolution, `C -> C`.
    public let conv1: Conv2D
    /// The second batch norm.
    public let bn2: BatchNorm
    /// ReLU after `bn2`.
    public let relu2: ActivationLayer
    /// The second 3x3 SAME convolution, `C -> C`; its output is added to the block's input.
    public let conv2: Conv2D

    /// - Parameters:
    ///   - name: the scope, `res1`; the branch's layers are `res1/bn1` ... `res1/conv2`.
    ///   - channels: `C`, kept through the block so the skip can add.
    ///   - weightInitializer: for both convolutions (He normal by default).
    public init(_ name: String, channels: Int, weightInitializer: Initializer = .heNormal) {
        self.name = name
        bn1 = BatchNorm(name + "/bn1", channels: channels)
        relu1 = ActivationLayer(name + "/relu1", .relu)
        conv1 = Conv2D(name + "/conv1", kernel: 3, inputChannels: channels, filters: channels,
                       weightInitializer: weightInitializer)
        bn2 = BatchNorm(name + "/bn2", channels: channels)
        relu2 = ActivationLayer(name + "/relu2", .relu)
        conv2 = Conv2D(name + "/conv2", kernel: 3, inputChannels: channels, filters: channels,
                       weightInitializer: weightInitializer)
    }

    private var branch: [any Layer] { [bn1, relu1, conv1, bn2, relu2, conv2] }

    public var kind: String { "ResidualBlock" }
    public var variables: [Variable] { branch.flatMap(\.variables) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        var shape = inputShape
        for layer in branch { shape = try layer.outputShape(for: shape) }
        return shape
    }

    /// The branch, then the skip: `branch(input) + input`.
    public func forward(_ input: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let branchOutput = try branch.reduce(input) { try $1.forward($0, context: context) }
        return try context.kernels.ops.addForward(branchOutput, input)
    }

    /// The branch's backward pass plus the skip's: `dInput = d(branch) + dOutput`.
    public func backward(_ dOutput: Tensor<Float>, context: LayerContext) throws -> Tensor<Float> {
        let dBranch = try branch.reversed().reduce(dOutput) { try $1.backward($0, context: context) }
        return try context.kernels.ops.addForward(dBranch, dOutput)
    }
}
