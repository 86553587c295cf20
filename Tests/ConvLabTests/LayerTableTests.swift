import ConvLab
import Testing

/// `LayerTable` on a network small enough to work out by hand, and on the case studies against
/// the counts their sources publish: torchvision's `num_params` and `_ops` (multiply-adds, in
/// billions, rounded to three digits) in `torchvision/models/*.py`, CS231n's VGG-16 list, and the
/// ResNet paper's "3.6 billion FLOPs (multiply-adds)" for its 34-layer net and "19.6 billion" for
/// VGG-19.
@Suite("LayerTable: shapes, parameters, multiply-adds, activations")
struct LayerTableTests {
    // 8x8x3 -> conv 3x3/2 with 4 filters, SAME -> 4x4x4: (3*3*3 + 1) * 4 = 112 parameters and
    // 4*4*4 * 27 = 1,728 multiply-adds; max pool 2x2/2 -> 2x2x4; dense 5 on 16 inputs: 16*5 + 5
    // = 85 parameters and 80 multiply-adds. Activations 192 + 64 + 16 + 5 = 277.
    @Test func smallNetworkByHand() throws {
        let table = try LayerTable(input: [8, 8, 3], layers: [
            .conv("c", kernel: 3, filters: 4, stride: 2),
            .maxPool("p"),
            .dense("d", outputs: 5, relu: false),
        ])
        #expect(table.rows.map(\.outputShape) == [[8, 8, 3], [4, 4, 4], [2, 2, 4], [1, 1, 5]])
        #expect(table.rows.map(\.parameters) == [0, 112, 0, 85])
        #expect(table.rows.map(\.multiplyAdds) == [0, 1_728, 0, 80])
        #expect(table.parameters == 197 && table.multiplyAdds == 1_808 && table.activations == 277)
        #expect(table.rows[1].summary == "conv 3x3/2 4 SAME +ReLU" && table.rows[3].summary == "fc 5")
        #expect(table.weightLayers() == 2)
    }

    // Groups split the input channels: 2 groups of a 4 -> 6 conv 1x1 hold 1*1*2*6 + 6 = 18
    // parameters, half of the ungrouped 30; batch norm adds gamma and beta per filter.
    @Test func groupsAndBatchNorm() throws {
        let grouped = try LayerTable(input: [5, 5, 4], layers: [.conv("g", kernel: 1, filters: 6, groups: 2)])
        let plain = try LayerTable(input: [5, 5, 4], layers: [.conv("g", kernel: 1, filters: 6)])
        #expect(grouped.parameters == 18 && plain.parameters == 30)
        #expect(grouped.multiplyAdds == 5 * 5 * 6 * 2)
        let normalized = try LayerTable(input: [5, 5, 4], layers: [.conv("b", kernel: 1, filters: 6, bias: false, batchNorm: true)])
        #expect(normalized.parameters == 4 * 6 + 2 * 6)
    }

    // A residual block adds a row for the sum; its branch and shortcut rows are nested.
    @Test func residualBlock() throws {
        let table = try LayerTable(input: [6, 6, 2], layers: [
            .residual("block", branch: [.conv("a", kernel: 3, filters: 4, stride: 2)],
                      shortcut: [.conv("s", kernel: 1, filters: 4, stride: 2, relu: false)]),
        ])
        #expect(table.rows.map(\.name) == ["input", "a", "s", "block"])
        #expect(table.rows.map(\.nesting) == [0, 1, 1, 0])
        #expect(table.rows.map(\.inShortcut) == [false, false, true, false])
        #expect(table.outputShape == [3, 3, 4])
        #expect(table.weightLayers() == 1 && table.weightLayers(countingShortcuts: true) == 2)
    }

    @Test func errorsNameTheLayer() {
        // 3 input channels do not split into 2 groups.
        #expect(throws: ConvLabError.argument(op: "LayerTable (g)",
                                              message: "2 groups must divide both the 3 input channels and the 4 filters")) {
            try LayerTable(input: [4, 4, 3], layers: [.conv("g", kernel: 1, filters: 4, groups: 2)])
        }
        // A VALID 5x5 window does not fit a 4x4 input.
        #expect(throws: ConvLabError.self) {
            try LayerTable(input: [4, 4, 1], layers: [.conv("big", kernel: 5, filters: 1, padding: .valid)])
        }
        // The identity shortcut keeps 2 channels but the branch makes 4.
        #expect(throws: ConvLabError.self) {
            try LayerTable(input: [4, 4, 2], layers: [.residual("r", branch: [.conv("a", kernel: 3, filters: 4)])])
        }
        #expect(throws: ConvLabError.self) { try LayerTable(input: [4, 4], layers: []) }
        #expect(throws: ConvLabError.self) { try LayerTable(input: [4, 4, 1], layers: [.dense("d", outputs: 0)]) }
        // A product beyond Int.max is an error, not a trap.
        #expect(throws: ConvLabError.self) {
            try LayerTable(input: [1 << 40, 1 << 40, 1], layers: [.conv("huge", kernel: 1, filters: 1 << 20)])
        }
        // So is a batch norm's 2 * filters, even where the weights alone still fit.
        #expect(throws: ConvLabError.self) {
            try LayerTable(input: [1, 1, 1], layers: [.conv("bn", kernel: 1, filters: Int.max / 2 + 1, bias: false, batchNorm: true)])
        }
    }

    // torchvision: vgg16 138,357,544 parameters and 15.47 GMACs; vgg19 143,667,240 and 19.632.
    // CS231n lists VGG-16's weights without biases (13,416 of them) and its rows of memory add up
    // to 15,237,608 values with the input.
    @Test func vgg() throws {
        let vgg16 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg16)
        #expect(vgg16.parameters == 138_357_544)
        #expect((Double(vgg16.multiplyAdds) / 1e7).rounded() / 100 == 15.47)
        #expect(vgg16.activations == 15_237_608)
        #expect(vgg16.rows[1].parameters == 1_728 + 64)      // CS231n: (3*3*3)*64 = 1,728 weights
        #expect(vgg16.rows.first { $0.name == "fc6" }!.parameters == 102_760_448 + 4_096)
        #expect(vgg16.weightLayers() == 16)
        let vgg19 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg19)
        #expect(vgg19.parameters == 143_667_240)
        #expect((Double(vgg19.multiplyAdds) / 1e6).rounded() / 1000 == 19.632)
        #expect(vgg19.weightLayers() == 19)
    }

    // torchvision: resnet18 11,689,512 parameters and 1.814 GMACs; resnet34 21,797,672 and 3.664.
    @Test func resNet() throws {
        let resNet18 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.resNet18)
        #expect(resNet18.parameters == 11_689_512)
        #expect((Double(resNet18.multiplyAdds) / 1e6).rounded() / 1000 == 1.814)
        #expect(resNet18.weightLayers() == 18)
        #expect(resNet18.rows.first { $0.name == "maxpool" }!.outputShape == [56, 56, 64])
        #expect(resNet18.outputShape == [1, 1, 1000])
        let resNet34 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.resNet34)
        #expect(resNet34.parameters == 21_797_672)
        #expect((Double(resNet34.multiplyAdds) / 1e6).rounded() / 1000 == 3.664)
        #expect(resNet34.weightLayers() == 34)
    }

    // torchvision's alexnet: 61,100,840 parameters, 0.714 GMACs. The two-GPU AlexNet of the paper
    // ("60 million parameters"), worked out layer by layer: 34,944 + 307,456 + 885,120 + 663,936
    // + 442,624 + 37,752,832 + 16,781,312 + 4,097,000 = 60,965,224.
    @Test func alexNet() throws {
        let oneTower = try LayerTable(input: [227, 227, 3], layers: CaseStudy.alexNetOneTower)
        #expect(oneTower.parameters == 61_100_840)
        #expect((Double(oneTower.multiplyAdds) / 1e6).rounded() / 1000 == 0.714)
        let paper = try LayerTable(input: [227, 227, 3], layers: CaseStudy.alexNet)
        #expect(paper.rows.filter { $0.parameters > 0 }.map(\.parameters)
                == [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 4_097_000])
        #expect(paper.parameters == 60_965_224)
        #expect(paper.rows.map(\.outputShape).map { $0[0] } == [227, 55, 27, 27, 13, 13, 13, 13, 6, 1, 1, 1])
    }

    // LeNet-5 as rebuilt today: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706 parameters;
    // 32 -> 28 -> 14 -> 10 -> 5 -> 1.
    @Test func leNet5() throws {
        let table = try LayerTable(input: [32, 32, 1], layers: CaseStudy.leNet5)
        #expect(table.rows.map { $0.outputShape[0] } == [32, 28, 14, 10, 5, 1, 1, 1])
        #expect(table.parameters == 61_706)
        #expect(table.rows.first { $0.name == "C1" }!.parameters == 156)
    }

    // Lecture 7's network is the pattern with N = 1, M = 2, K = 1: the table agrees with the
    // layers ConvLab trains, shape by shape and in its parameter count (3,274,634).
    @Test func patternMatchesLecture7() throws {
        let layers = try CaseStudy.pattern(n: 1, m: 2, k: 1, kernel: 5, filters: [32, 64], hidden: 1024, classes: 10)
        #expect(layers.map(\.name) == ["conv1_1", "pool1", "conv2_1", "pool2", "fc1", "scores"])
        let table = try LayerTable(input: [28, 28, 1], layers: layers)
        let model = try ModelRecipe.lecture7.build(seed: 1)
        #expect(table.parameters == model.parameterCount)
        let trained = try model.summaryRows(inputShape: [1, 28, 28, 1]).filter { $0.parameters > 0 || $0.kind.hasPrefix("MaxPool") }
        #expect(trained.map { $0.outputShape.dropFirst().reduce(1, *) } == table.rows.dropFirst().map(\.activations))
        #expect(throws: ConvLabError.self) { try CaseStudy.pattern(n: 1, m: 2, k: 0, filters: [8], hidden: 0, classes: 10) }
    }
}
