import ConvLab
import Foundation

/// Module 15, "Architectures": the code `Lectures/15-architectures.md` walks through.
enum ArchitecturesLecture {
    static let lecture = Lecture(
        number: 15, title: "Architectures: the pattern, its sizing rules, four case studies, and a baseline",
        markdown: "15-architectures.md", source: "Lecture15Architectures.swift",
        snippets: [
            Snippet("pattern", pattern),
            Snippet("sizing", sizing),
            Snippet("depth", depth),
            Snippet("lenet", leNet),
            Snippet("alexnet", alexNet),
            Snippet("vgg", vgg),
            Snippet("resnet", resNet),
            Snippet("published", published),
            Snippet("where-the-cost-is", whereTheCostIs),
            // Float training on a different CPU moves the last bits: checked to 0.01 (accuracy)
            // and 1% (loss).
            Snippet("baseline-quick", loose: [.absolute(0.01, after: "accuracy"), .relative(0.01, after: "loss")], baselineQuick),
            Snippet("baseline-full", slow: true, loose: [.absolute(0.01, after: "accuracy"), .relative(0.01, after: "loss"),
                                                         .absolute(100, after: "misclassified")]) { $0 = try fullBaseline.get() },
            Snippet("answers", answers),
        ],
        figures: [Figure("vgg16-cost.svg", { Array(try costPicture().utf8) })])

    // MARK: - The pattern

    /// The notebook's pattern, expanded for three networks, with ConvLab's own count beside it.
    static func pattern(_ out: inout Transcript) throws {
        // @code pattern
        // INPUT -> [[CONV -> RELU] * N -> POOL?] * M -> [FC -> RELU] * K -> FC
        let networks: [(name: String, input: [Int], layers: [LayerSpec])] = [
            ("the notebook's CIFAR-10 example, N = 1, M = 1, K = 0", [32, 32, 3],
             try CaseStudy.pattern(n: 1, m: 1, k: 0, kernel: 3, filters: [12], hidden: 0, classes: 10)),
            ("tutorial #03's CNN, N = 1, M = 2, K = 0", [28, 28, 1],
             try CaseStudy.pattern(n: 1, m: 2, k: 0, kernel: 3, filters: [4, 8], hidden: 0, classes: 10)),
            ("lecture 7's convnet, N = 1, M = 2, K = 1", [28, 28, 1],
             try CaseStudy.pattern(n: 1, m: 2, k: 1, kernel: 5, filters: [32, 64], hidden: 1024, classes: 10)),
        ]
        for network in networks {
            let table = try LayerTable(input: network.input, layers: network.layers)
            out.say("\(network.name): \(thousands(table.parameters)) parameters")
            var layers = Table("volume", "layer")
            for row in table.rows { layers.row("\(volume(row.outputShape))", "\(row.summary)") }
            out.say(layers)
        }
        // The layers ConvLab trains for lecture 7 hold exactly as many.
        out.say("ModelRecipe.lecture7: \(thousands(try ModelRecipe.lecture7.build(seed: 1).parameterCount)) parameters")
        // @end
    }

    /// `28x28x32`: the notebook's spelling of a volume.
    static func volume(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }

    // MARK: - Sizing rules

    /// The notebook's rules of thumb, each computed.
    static func sizing(_ out: inout Transcript) throws {
        // @code sizing
        // Stride 1 with P = (F - 1) / 2 keeps the size, for any odd F (TF's SAME does the same).
        for f in [3, 5, 7] {
            let p = (f - 1) / 2
            let explicit = try explicitPaddingOutputSize(input: 32, kernel: f, padding: p, stride: 1)
            out.say("F = \(f), S = 1, P = \(p): 32 -> \(explicit); SAME: 32 -> \(try outputSize(input: 32, kernel: f, padding: .same))")
        }
        // An input divisible by 2 many times halves cleanly at every 2x2 pool; 100 does not.
        for start in [224, 100] {
            out.say(plain: "\(start) through five 2x2 pools: SAME \(try sizeChain(from: start, windows: 5, kernel: 2, stride: 2, padding: .same))"
                    + ", VALID \(try sizeChain(from: start, windows: 5, kernel: 2, stride: 2, padding: .valid))")
        }
        // Channel counts: ConvLab's fast GEMM fills tiles of 16 output channels (its 6 x 16
        // micro-kernel); a count that is a multiple of 16 wastes none of a tile.
        for channels in [64, 60, 100] {
            let tiles = (channels + 15) / 16
            out.say("\(channels) channels: \(tiles) tiles of 16, \(Double(channels) / Double(16 * tiles) * 100, decimals: 1)% of their columns used")
        }
        // @end
    }

    // MARK: - Depth

    /// "Depth" of a volume (its channels) against "depth" of a network (its layers).
    static func depth(_ out: inout Transcript) throws {
        // @code depth
        let vgg16 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg16)
        // The depth of each volume VGG-16 computes: its third dimension.
        let depths = vgg16.rows.map { $0.outputShape[2] }
        out.say(plain: "VGG-16's volume depths: " + depths.map(String.init).joined(separator: " "))
        // The depth of the network: its layers with weights.
        for (name, input, layers) in [("LeNet-5", [32, 32, 1], CaseStudy.leNet5), ("AlexNet", [227, 227, 3], CaseStudy.alexNet),
                                      ("VGG-16", [224, 224, 3], CaseStudy.vgg16), ("ResNet-18", [224, 224, 3], CaseStudy.resNet18)] {
            let table = try LayerTable(input: input, layers: layers)
            let projections = table.weightLayers(countingShortcuts: true) - table.weightLayers()
            out.say("\(name): \(table.rows.count - 1) layers after the input, \(table.weightLayers()) of them with weights"
                    + (projections > 0 ? " (and \(projections) shortcut projections)" : ""))
        }
        // @end
    }

    // MARK: - Case studies

    /// One network's table: every row's output volume, parameters, multiply-adds and activations,
    /// then the totals and the activation memory (4 bytes a value; twice that with gradients).
    static func caseStudy(_ out: inout Transcript, input: [Int], layers: [LayerSpec]) throws -> LayerTable {
        let table = try LayerTable(input: input, layers: layers)
        var rows = Table("layer", "", "output", "parameters", "multiply-adds", "activations")
        for row in table.rows {
            rows.row("\(String(repeating: "  ", count: row.nesting) + row.name)", "\(row.summary)", "\(volume(row.outputShape))",
                     "\(thousands(row.parameters))", "\(thousands(row.multiplyAdds))", "\(thousands(row.activations))")
        }
        rows.row("total", "", "", "\(thousands(table.parameters))", "\(thousands(table.multiplyAdds))", "\(thousands(table.activations))")
        out.say(rows)
        // 4 bytes a Float; 1 MB = 10^6 bytes.
        let megabytes = Double(table.activations) * 4 / 1e6
        out.say("\(table.weightLayers()) weight layers; activations \(megabytes, decimals: 2) MB a forward pass, "
                + "\(2 * megabytes, decimals: 2) MB with their gradients")
        return table
    }

    static func leNet(_ out: inout Transcript) throws {
        // @code lenet
        let table = try caseStudy(&out, input: [32, 32, 1], layers: CaseStudy.leNet5)
        // The paper's LeNet-5, layer by layer (section II-B). A unit's connections are its inputs
        // and its bias. A subsampling unit adds its 4 inputs, multiplies by its map's trainable
        // coefficient and adds its map's trainable bias. C3's maps read 3 (six maps), 4 (nine) or
        // all 6 (one) of S2's maps (Table I). The 10 RBF outputs compare F6's 84 values with codes
        // fixed by hand: 840 connections, no trainable parameter.
        let c3Reads = [Int](repeating: 3, count: 6) + [Int](repeating: 4, count: 9) + [6]
        let c3Position = c3Reads.reduce(0) { $0 + 5 * 5 * $1 + 1 }   // one position of all 16 maps
        let paper: [(layer: String, parameters: Int, connections: Int, stated: String)] = [
            ("C1", 6 * (5 * 5 + 1), 28 * 28 * 6 * (5 * 5 + 1), "156 and 122,304"),
            ("S2", 6 * 2, 14 * 14 * 6 * (4 + 1), "12 and 5,880"),
            ("C3", c3Position, 10 * 10 * c3Position, "1,516 and 151,600"),
            ("S4", 16 * 2, 5 * 5 * 16 * (4 + 1), "32 and 2,000"),
            ("C5", 120 * (5 * 5 * 16 + 1), 120 * (5 * 5 * 16 + 1), "48,120 trainable connections"),
            ("F6", 84 * (120 + 1), 84 * (120 + 1), "10,164 trainable parameters"),
            ("output", 0, 10 * 84, "84 inputs each, fixed codes"),
        ]
        var rows = Table("layer", "output", "trainable parameters", "connections", "section II-B")
        for (k, layer) in paper.enumerated() {
            rows.row("\(layer.layer)", "\(volume(table.rows[k + 1].outputShape))", "\(thousands(layer.parameters))",
                     "\(thousands(layer.connections))", "\(layer.stated)")
        }
        let parameters = paper.reduce(0) { $0 + $1.parameters }, connections = paper.reduce(0) { $0 + $1.connections }
        rows.row("total", "", "\(thousands(parameters))", "\(thousands(connections))", "60,000 and 340,908 (section II-A)")
        out.say(rows)
        let rebuiltPools = table.rows[2].parameters + table.rows[4].parameters, paperPools = paper[1].parameters + paper[3].parameters
        out.say("the rebuilt table against the paper: C3 \(thousands(table.rows[3].parameters)) against \(thousands(paper[2].parameters)), "
                + "the pools \(rebuiltPools) against \(paperPools), the output \(table.rows.last!.parameters) against \(paper[6].parameters); "
                + "in all \(thousands(table.parameters)) against \(thousands(parameters))")
        // @end
    }

    static func alexNet(_ out: inout Transcript) throws {
        // @code alexnet
        let table = try caseStudy(&out, input: [227, 227, 3], layers: CaseStudy.alexNet)
        let convolutions = table.rows.filter { $0.kind == .conv }.reduce(0) { $0 + $1.parameters }
        out.say("the five convolutions hold \(thousands(convolutions)) parameters, "
                + "\(Double(convolutions) / Double(table.parameters) * 100, decimals: 1)%")
        // Section 3.5 gives each convolution's kernels as K x K x (the maps one kernel sees):
        // with groups 2, a kernel sees half of the previous layer's maps.
        let section35 = ["96 of 11x11x3", "256 of 5x5x48", "384 of 3x3x256", "384 of 3x3x192", "256 of 3x3x192"]
        var kernels = Table("layer", "kernels in the table", "section 3.5")
        var convolution = 0
        for (k, spec) in CaseStudy.alexNet.enumerated() {
            guard case let .conv(kernel, filters, _, _, groups, _, _) = spec.operation else { continue }
            let sees = table.rows[k].outputShape[2] / groups   // rows[k] is this layer's input
            kernels.row("\(spec.name)", "\(filters) of \(kernel)x\(kernel)x\(sees)", "\(section35[convolution])")
            convolution += 1
        }
        out.say(kernels)
        // Figure 2's caption: "The network's input is 150,528-dimensional, and the number of neurons
        // in the network's remaining layers is given by" these eight numbers.
        let figure2 = [253_440, 186_624, 64_896, 64_896, 43_264, 4096, 4096, 1000]
        let weighted = table.rows.filter { $0.kind == .conv || $0.kind == .dense }
        var neurons = Table("layer", "outputs in the table", "Figure 2")
        neurons.row("input", "\(thousands(table.rows[0].activations))", "\(thousands(150_528)) = 224·224·3")
        for (row, stated) in zip(weighted, figure2) {
            neurons.row("\(row.name)", "\(thousands(row.activations))", "\(thousands(stated))")
        }
        neurons.row("sum after the input", "\(thousands(weighted.reduce(0) { $0 + $1.activations }))",
                    "\(thousands(figure2.reduce(0, +)))")
        out.say(neurons)
        // @end
    }

    static func vgg(_ out: inout Transcript) throws {
        // @code vgg
        let table = try caseStudy(&out, input: [224, 224, 3], layers: CaseStudy.vgg16)
        let biases = table.rows.filter { $0.kind == .conv || $0.kind == .dense }.reduce(0) { $0 + $1.outputShape[2] }
        out.say("of which biases: \(thousands(biases)); weights alone: \(thousands(table.parameters - biases))")
        // @end
    }

    static func resNet(_ out: inout Transcript) throws {
        // @code resnet
        let table = try caseStudy(&out, input: [224, 224, 3], layers: CaseStudy.resNet18)
        let batchNorm = 2 * table.rows.filter { $0.kind == .conv }.reduce(0) { $0 + $1.outputShape[2] }
        out.say("of which batch norm's gamma and beta: \(thousands(batchNorm)) "
                + "(its moving mean and variance, another \(thousands(batchNorm)) values, are not trained)")
        // Against VGG-16, and the values each network's first fc layer receives.
        let vgg16 = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg16)
        func fcInputs(_ table: LayerTable, _ name: String) -> Int {
            let fc = table.rows.firstIndex { $0.name == name }!
            return table.rows[fc - 1].outputShape.reduce(1, *)
        }
        out.say("VGG-16 holds \(Double(vgg16.parameters) / Double(table.parameters), decimals: 1) times the parameters "
                + "and costs \(Double(vgg16.multiplyAdds) / Double(table.multiplyAdds), decimals: 1) times the multiply-adds")
        out.say("inputs to the first fc layer: ResNet-18 \(thousands(fcInputs(table, "fc"))), VGG-16 \(thousands(fcInputs(vgg16, "fc6")))")
        // @end
    }

    /// Our totals beside the published ones.
    static func published(_ out: inout Transcript) throws {
        // @code published
        // The published figures: torchvision's num_params and _ops (billions of multiply-adds),
        // the papers' abstracts and text, CS231n's VGG-16 list.
        let checks: [(network: String, input: [Int], layers: [LayerSpec], parameters: String, multiplyAdds: String)] = [
            ("AlexNet (paper)", [227, 227, 3], CaseStudy.alexNet, "60 million (paper)", "-"),
            ("AlexNet (torchvision)", [227, 227, 3], CaseStudy.alexNetOneTower, "61,100,840 (torchvision)", "0.714 (torchvision)"),
            ("VGG-16", [224, 224, 3], CaseStudy.vgg16, "138,357,544 (torchvision); 138M (CS231n)", "15.47 (torchvision)"),
            ("VGG-19", [224, 224, 3], CaseStudy.vgg19, "143,667,240 (torchvision)", "19.632 (torchvision); 19.6 (ResNet paper)"),
            ("ResNet-18", [224, 224, 3], CaseStudy.resNet18, "11,689,512 (torchvision)", "1.814 (torchvision)"),
            ("ResNet-34", [224, 224, 3], CaseStudy.resNet34, "21,797,672 (torchvision)", "3.664 (torchvision); 3.6 (ResNet paper)"),
        ]
        var table = Table("network", "parameters", "published", "G multiply-adds", "published")
        for check in checks {
            let computed = try LayerTable(input: check.input, layers: check.layers)
            table.row("\(check.network)", "\(thousands(computed.parameters))", "\(check.parameters)",
                      "\(Double(computed.multiplyAdds) / 1e9, decimals: 3)", "\(check.multiplyAdds)")
        }
        out.say(table)
        // @end
    }

    /// Where VGG-16's parameters and multiply-adds sit, layer by layer.
    static func whereTheCostIs(_ out: inout Transcript) throws {
        // @code where-the-cost-is
        let table = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg16)
        let weighted = table.rows.filter { $0.kind == .conv || $0.kind == .dense }
        let early = weighted.prefix(4), fc = weighted.suffix(3)
        func share(_ rows: some Sequence<LayerTableRow>, _ value: (LayerTableRow) -> Int, of total: Int) -> Double {
            Double(rows.reduce(0) { $0 + value($1) }) / Double(total) * 100
        }
        out.say("the first four convolutions: \(share(early, \.parameters, of: table.parameters), decimals: 1)% of the parameters, "
                + "\(share(early, \.multiplyAdds, of: table.multiplyAdds), decimals: 1)% of the multiply-adds, "
                + "\(share(early, \.activations, of: table.activations), decimals: 1)% of the activations")
        out.say("the three fc layers: \(share(fc, \.parameters, of: table.parameters), decimals: 1)% of the parameters, "
                + "\(share(fc, \.multiplyAdds, of: table.multiplyAdds), decimals: 1)% of the multiply-adds, "
                + "\(share(fc, \.activations, of: table.activations), decimals: 2)% of the activations")
        // @end
    }

    /// Horizontal bars: each weight layer of VGG-16, its share of the parameters and of the
    /// multiply-adds; each column's bars are scaled to its largest share.
    static func costPicture() throws -> String {
        let table = try LayerTable(input: [224, 224, 3], layers: CaseStudy.vgg16)
        let rows = table.rows.filter { $0.kind == .conv || $0.kind == .dense }
        let label = 150.0, barWidth = 220.0, gap = 70.0, rowHeight = 24.0, top = 44.0
        let width = Int(label + 2 * barWidth + gap + 50), height = Int(top + Double(rows.count) * rowHeight + 12)
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = Diagram.document(width: width, height: height, attributes: " font-family=\"sans-serif\" font-size=\"11\"")
        let columns: [(title: String, color: String, value: KeyPath<LayerTableRow, Int>, total: Int)] = [
            ("share of the parameters", "#4e79a7", \.parameters, table.parameters),
            ("share of the multiply-adds", "#e15759", \.multiplyAdds, table.multiplyAdds),
        ]
        for (k, column) in columns.enumerated() {
            let left = label + Double(k) * (barWidth + gap)
            let largest = rows.map { Double($0[keyPath: column.value]) }.max()!
            svg += "<text x=\"\(n(left))\" y=\"\(n(top - 18))\" font-size=\"13\">VGG-16: \(column.title)</text>\n"
            for (r, row) in rows.enumerated() {
                let value = Double(row[keyPath: column.value])
                let length = max(value / largest * barWidth, 0.5)
                let y = top + Double(r) * rowHeight
                svg += "<rect x=\"\(n(left))\" y=\"\(n(y + 4))\" width=\"\(n(length))\" height=\"\(n(rowHeight - 8))\" fill=\"\(column.color)\"/>"
                svg += "<text x=\"\(n(left + length + 4))\" y=\"\(n(y + rowHeight / 2 + 4))\">"
                    + "\(String(format: "%.1f", value / Double(column.total) * 100))%</text>\n"
            }
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowHeight + rowHeight / 2 + 4
            svg += "<text x=\"\(n(label - 8))\" y=\"\(n(y))\" text-anchor=\"end\">\(row.name) \(volume(row.outputShape))</text>\n"
        }
        return svg + "</svg>\n"
    }

    // MARK: - The logistic-regression baseline

    /// Logistic regression as the course's `03_logistic_regression_mnist_sol.py` builds it: one
    /// dense layer 784 -> 10 on the flattened digit, weights from N(0, 0.01), biases 0, softmax
    /// cross-entropy, batch 128.
    static func logisticRegression() throws -> Sequential {
        let model = try Sequential([Flatten("flatten"),
                                    Dense("logits", inputs: 784, outputs: 10, weightInitializer: .randomNormal(stddev: 0.01))])
        model.initialize(seed: 3)
        return model
    }

    /// A training run: `epochs` epochs of batch 128 with `optimizer`.
    static func run(_ model: Sequential, _ optimizer: Optimizer, train: LabeledExamples, test: LabeledExamples,
                    epochs: Int, kernels: Kernels) throws -> [EpochRecord] {
        let trainer = try Trainer(model: model, optimizer: optimizer, loss: .softmaxCrossEntropy,
                                  kernels: kernels, batchSize: 128, seed: 3)
        for _ in 0..<epochs { try trainer.trainEpoch(train, test: test) }
        return trainer.history
    }

    static func baselineQuick(_ out: inout Transcript) throws {
        // @code baseline-quick
        let mnist = try MNIST.embedded()
        let train = try LabeledExamples(mnist.train).prefix(1_000), test = try LabeledExamples(mnist.test).prefix(1_000)
        let model = try logisticRegression()
        out.say("logistic regression: \(thousands(model.parameterCount)) parameters (784 x 10 weights + 10 biases)")
        for record in try run(model, .adam(learningRate: 0.01), train: train, test: test, epochs: 3, kernels: Kernels(.fast)) {
            out.say("epoch \(record.epoch) on 1,000 digits: loss \(record.trainLoss, decimals: 3), "
                    + "accuracy on 1,000 test digits \(record.testAccuracy, decimals: 3)")
        }
        // The script's epoch is int(num_examples / 128) batches; the Trainer also runs the last, smaller one.
        out.say("steps an epoch at batch 128: the script on 55,000 digits \(55_000 / 128), "
                + "the Trainer on 10,000 digits \((10_000 + 127) / 128)")
        // @end
    }

    /// The full comparison (release build): logistic regression for the script's 30 epochs, with
    /// the January 2017 solution's gradient descent and the July 2017 revision's Adam, and lecture
    /// 7's convnet for its 3 epochs, all on the 10,000 embedded digits and scored on the 10,000
    /// test digits.
    static let fullBaseline = Result { () throws -> Transcript in
        var out = Transcript()
        let mnist = try MNIST.embedded()
        let train = try LabeledExamples(mnist.train), test = try LabeledExamples(mnist.test)
        let fast = Kernels(.fast)
        let recipe = ModelRecipe.lecture7
        let runs: [(name: String, parameters: Int, history: [EpochRecord])] = [
            ("logistic regression, gradient descent 0.01", 7_850,
             try run(try logisticRegression(), .sgd(learningRate: 0.01), train: train, test: test, epochs: 30, kernels: fast)),
            ("logistic regression, Adam 0.01", 7_850,
             try run(try logisticRegression(), .adam(learningRate: 0.01), train: train, test: test, epochs: 30, kernels: fast)),
            ("lecture 7's convnet, Adam 0.001", try recipe.build(seed: 3).parameterCount,
             try run(try recipe.build(seed: 3), recipe.optimizer(), train: train, test: test, epochs: recipe.epochs, kernels: fast)),
        ]
        var table = Table("model", "parameters", "epochs", "loss after 25", "final loss", "accuracy", "misclassified")
        for run in runs {
            let last = run.history.last!
            let loss25: Line = run.history.count >= 25 ? "\(run.history[24].trainLoss, decimals: 3)" : "-"
            table.row("\(run.name)", "\(thousands(run.parameters))", "\(run.history.count)", loss25,
                      "\(last.trainLoss, decimals: 3)", "\(last.testAccuracy, decimals: 4)",
                      "\((1 - last.testAccuracy) * 10_000, decimals: 0)")
        }
        out.say(table)
        return out
    }

    // MARK: - Try it

    static func answers(_ out: inout Transcript) throws {
        // @code answers
        // 1. A 3x3 convolution from 256 to 256 channels, with biases, on a 14x14 map.
        let conv = try LayerTable(input: [14, 14, 256], layers: [.conv("conv", kernel: 3, filters: 256)])
        out.say("1. parameters \(thousands(conv.parameters)), multiply-adds \(thousands(conv.multiplyAdds))")
        // 2. VGG-16 on a 448x448 input: the last pool is 14x14x512, and fc6 grows fourfold.
        let big = try LayerTable(input: [448, 448, 3], layers: CaseStudy.vgg16)
        out.say("2. fc6 on 448x448: \(thousands(big.rows.first { $0.name == "fc6" }!.parameters)) parameters")
        // 3. VGG-16 with its three fc layers replaced by global average pooling and one fc 1000.
        let pooled = try LayerTable(input: [224, 224, 3],
                                    layers: CaseStudy.vgg16.dropLast(3) + [.globalAveragePool("gap"), .dense("fc", outputs: 1000, relu: false)])
        out.say("3. parameters \(thousands(pooled.parameters)), of which the fc \(thousands(pooled.rows.last!.parameters))")
        // @end
    }
}
