/// The networks of CS231n's case studies written as `LayerSpec`s, for `LayerTable`, and the
/// notebook's architecture pattern. Every spec uses TensorFlow's SAME/VALID padding; where a
/// network was published with explicit padding, the SAME/VALID choice here gives the same output
/// sizes (noted per network).
public enum CaseStudy {
    /// The notebook's (and CS231n's) pattern
    /// `INPUT -> [[CONV -> RELU] * N -> POOL?] * M -> [FC -> RELU] * K -> FC`:
    /// `M` stages of `N` convolutions (`kernel` x `kernel`, SAME, stride 1, the stage's filter
    /// count from `filters`) each followed by a 2x2 max pool when `pool` is true, then `K` hidden
    /// dense layers of `hidden` units with ReLU, then a dense layer of `classes` units without.
    /// - Throws: `ConvLabError.argument` when `filters` does not hold one count per stage or a
    ///   count is negative.
    public static func pattern(n: Int, m: Int, k: Int, kernel: Int = 3, filters: [Int], pool: Bool = true,
                               hidden: Int, classes: Int) throws -> [LayerSpec] {
        guard n >= 0, m >= 0, k >= 0, filters.count == m else {
            throw ConvLabError.argument(op: "CaseStudy.pattern",
                message: "need N, M, K >= 0 and one filter count per stage (M = \(m)), got N \(n), K \(k), filters \(filters)")
        }
        var layers: [LayerSpec] = []
        for stage in 0..<m {
            for conv in 0..<n {
                layers.append(.conv("conv\(stage + 1)_\(conv + 1)", kernel: kernel, filters: filters[stage]))
            }
            if pool { layers.append(.maxPool("pool\(stage + 1)")) }
        }
        for fc in 0..<k {
            layers.append(.dense("fc\(fc + 1)", outputs: hidden))
        }
        layers.append(.dense("scores", outputs: classes, relu: false))
        return layers
    }

    /// LeNet-5 as it is usually rebuilt today (LeCun et al. 1998, on 32x32x1): C1 conv 5x5 with
    /// 6 maps, S2 2x2 average pool, C3 conv 5x5 with 16 maps, S4 pool, C5 conv 5x5 with 120 maps,
    /// F6 84 units, 10 outputs. The paper's own version differs in three places that change the
    /// parameter count: its pools have a trainable weight and bias per map, C3 connects each map
    /// to only some of S2's maps, and the output layer is 10 Euclidean RBF units.
    public static let leNet5: [LayerSpec] = [
        .conv("C1", kernel: 5, filters: 6, padding: .valid, relu: false),
        .averagePool("S2"),
        .conv("C3", kernel: 5, filters: 16, padding: .valid, relu: false),
        .averagePool("S4"),
        .conv("C5", kernel: 5, filters: 120, padding: .valid, relu: false),
        .dense("F6", outputs: 84, relu: false),
        .dense("output", outputs: 10, relu: false),
    ]

    /// AlexNet as published (Krizhevsky, Sutskever, Hinton 2012), split over two GPUs: conv2,
    /// conv4 and conv5 see only their own GPU's half of the maps (`groups: 2`). The input is
    /// 227x227x3, which makes conv1's (227 - 11) / 4 + 1 = 55 work (the paper says 224, see
    /// CS231n). The response-normalization layers have no parameters and are left out.
    public static let alexNet: [LayerSpec] = [
        .conv("conv1", kernel: 11, filters: 96, stride: 4, padding: .valid),
        .maxPool("pool1", window: 3, stride: 2),
        .conv("conv2", kernel: 5, filters: 256, groups: 2),
        .maxPool("pool2", window: 3, stride: 2),
        .conv("conv3", kernel: 3, filters: 384),
        .conv("conv4", kernel: 3, filters: 384, groups: 2),
        .conv("conv5", kernel: 3, filters: 256, groups: 2),
        .maxPool("pool5", window: 3, stride: 2),
        .dense("fc6", outputs: 4096),
        .dense("fc7", outputs: 4096),
        .dense("fc8", outputs: 1000, relu: false),
    ]

    /// torchvision's `alexnet`: the one-GPU variant (64, 192, 384, 256, 256 filters, no groups).
    /// torchvision pads its 224x224 input by 2 for conv1 and floors, (224 + 4 - 11) / 4 + 1 = 55;
    /// a 227x227 VALID input gives the same 55x55, and every later size, here.
    public static let alexNetOneTower: [LayerSpec] = [
        .conv("conv1", kernel: 11, filters: 64, stride: 4, padding: .valid),
        .maxPool("pool1", window: 3, stride: 2),
        .conv("conv2", kernel: 5, filters: 192),
        .maxPool("pool2", window: 3, stride: 2),
        .conv("conv3", kernel: 3, filters: 384),
        .conv("conv4", kernel: 3, filters: 256),
        .conv("conv5", kernel: 3, filters: 256),
        .maxPool("pool5", window: 3, stride: 2),
        .dense("fc6", outputs: 4096),
        .dense("fc7", outputs: 4096),
        .dense("fc8", outputs: 1000, relu: false),
    ]

    /// VGG (Simonyan and Zisserman 2014) on 224x224x3: stages of 3x3 SAME convolutions, each
    /// stage ending in a 2x2 max pool, then fc 4096, 4096, 1000. `convs` holds the number of
    /// convolutions per stage: `[2, 2, 3, 3, 3]` is VGG-16 (configuration D), `[2, 2, 4, 4, 4]`
    /// VGG-19 (E).
    public static func vgg(convs: [Int]) -> [LayerSpec] {
        let widths = [64, 128, 256, 512, 512]
        var layers: [LayerSpec] = []
        for (stage, count) in convs.enumerated() {
            for k in 0..<max(count, 0) {
                layers.append(.conv("conv\(stage + 1)_\(k + 1)", kernel: 3, filters: widths[min(stage, 4)]))
            }
            layers.append(.maxPool("pool\(stage + 1)"))
        }
        return layers + [.dense("fc6", outputs: 4096), .dense("fc7", outputs: 4096),
                         .dense("fc8", outputs: 1000, relu: false)]
    }

    public static let vgg16 = vgg(convs: [2, 2, 3, 3, 3])
    public static let vgg19 = vgg(convs: [2, 2, 4, 4, 4])

    /// A ResNet of basic blocks (He et al. 2016) on 224x224x3, as torchvision builds it: conv1
    /// 7x7/2 with 64 maps, a 3x3/2 max pool, four stages of blocks (64, 128, 256, 512 maps; the
    /// first block of stages 2-4 halves the size with stride 2), global average pooling, fc 1000.
    /// A block is two 3x3 convolutions with batch norm (no biases) plus a shortcut: the identity,
    /// or a 1x1/2 convolution with batch norm where the shape changes (the paper's option B).
    /// `blocks` per stage: `[2, 2, 2, 2]` is ResNet-18, `[3, 4, 6, 3]` ResNet-34. SAME padding
    /// gives the sizes of torchvision's explicit pads (3 for conv1, 1 for the pool and the 3x3s).
    public static func resNet(blocks: [Int]) -> [LayerSpec] {
        var layers: [LayerSpec] = [
            .conv("conv1", kernel: 7, filters: 64, stride: 2, bias: false, batchNorm: true),
            .maxPool("maxpool", window: 3, stride: 2, padding: .same),
        ]
        var channels = 64
        for (stage, count) in blocks.enumerated() {
            let width = 64 << stage
            for block in 0..<max(count, 0) {
                let name = "layer\(stage + 1).\(block)"
                let stride = stage > 0 && block == 0 ? 2 : 1
                let branch: [LayerSpec] = [
                    .conv(name + ".conv1", kernel: 3, filters: width, stride: stride, bias: false, batchNorm: true),
                    .conv(name + ".conv2", kernel: 3, filters: width, bias: false, batchNorm: true, relu: false),
                ]
                let shortcut: [LayerSpec] = stride == 1 && channels == width ? [] : [
                    .conv(name + ".shortcut", kernel: 1, filters: width, stride: stride, bias: false, batchNorm: true, relu: false),
                ]
                layers.append(.residual(name, branch: branch, shortcut: shortcut))
                channels = width
            }
        }
        return layers + [.globalAveragePool("avgpool"), .dense("fc", outputs: 1000, relu: false)]
    }

    public static let resNet18 = resNet(blocks: [2, 2, 2, 2])
    public static let resNet34 = resNet(blocks: [3, 4, 6, 3])
}
