import ConvLab
import Foundation

/// Module 18, "Making it fast": the code `Lectures/18-making-it-fast.md` walks through.
enum MakingItFastLecture {
    static let lecture = Lecture(
        number: 18, title: "Making it fast: im2col, GEMM, SIMD and threads",
        markdown: "18-making-it-fast.md", source: "Lecture18MakingItFast.swift",
        snippets: [
            Snippet("micro-kernel", microKernel),
            Snippet("im2col", im2col),
            Snippet("gemm-sizes", gemmSizes),
            Snippet("padding-taps", paddingTaps),
            Snippet("fast-versus-reference", fastVersusReference),
            Snippet("measured-peak", measuredPeak),
            Snippet("what-each-step-bought", whatEachStepBought),
            Snippet("against-pytorch", againstPyTorch),
            Snippet("winograd-f23", winogradByHand),
            Snippet("winograd-counts", winogradCounts),
            Snippet("winograd-rounding", winogradRounding),
            Snippet("winograd-measured", winogradMeasured),
            Snippet("answers", answers),
        ],
        figures: [Figure("im2col.svg", { Array(try im2colFigure().utf8) })])

    /// The toy image's convolution as one matrix product: patches x flattened filter.
    static func im2col(_ out: inout Transcript) throws {
        // @code im2col
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let filter = try Tensor<Double>(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        let g = try Conv2DGeometry(input: image.shape, filter: filter.shape, strides: 1, padding: .valid, dilations: 1)
        // Row p of the patch matrix is the window under output pixel p, in (a, b, c) order:
        // the same order as the HWIO filter's rows, so the filter flattens to a [KH*KW*C, O] matrix.
        var patches: [[Double]] = []
        for i in 0..<g.rows.output {
            for j in 0..<g.cols.output {
                var row: [Double] = []
                for a in 0..<2 { for b in 0..<2 { row.append(image[0, i + a, j + b, 0]) } }
                patches.append(row)
            }
        }
        let matrix = try Tensor<Double>(patches)                                     // [4, 4]
        let weights = try filter.reshaped([4, 1])                                    // [KH*KW*C, O]
        let product = try Reference.denseForward(matrix, weights: weights, bias: Tensor([0]))
        out.say("patch matrix \(shape: matrix.shape) (one row per output pixel):")
        try out.grid(matrix)
        out.say("filter as a matrix \(shape: weights.shape): \(try weights.reshaped([4]))")
        out.say("patches x filter = \(try product.reshaped([2, 2]))")
        out.say("conv2d            = \(try Reference.conv2DForward(image, filter: filter, padding: .valid).reshaped([2, 2]))")
        // @end
    }

    /// The matrix products a convnet's layers become, and what an explicit im2col would cost.
    static func gemmSizes(_ out: inout Transcript) throws {
        // @code gemm-sizes
        var table = Table("layer (one image)", "M = pixels", "K = KH*KW*C", "N = O", "flops", "im2col buffer / input")
        let layers: [(String, [Int], [Int])] = [
            ("lecture 7 conv1", [1, 28, 28, 1], [5, 5, 1, 32]),
            ("lecture 7 conv2", [1, 14, 14, 32], [5, 5, 32, 64]),
            ("tutorial #03 conv2", [1, 14, 14, 4], [3, 3, 4, 8]),
            ("224x224, 3x3, 64 -> 64", [1, 224, 224, 64], [3, 3, 64, 64]),
        ]
        for (name, input, filter) in layers {
            let g = try Conv2DGeometry(input: input, filter: filter, strides: 1, padding: .same, dilations: 1)
            let m = g.batch * g.rows.output * g.cols.output
            let k = filter[0] * filter[1] * filter[2]
            let n = filter[3]
            let blowup = Double(m * k) / Double(input.reduce(1, *))
            table.row("\(name)", "\(thousands(m))", "\(k)", "\(n)", "\(thousands(2 * m * k * n))", "\(blowup, decimals: 1)x")
        }
        out.say(table)
        // @end
    }

    /// How many of a SAME convolution's multiply-adds read padding.
    static func paddingTaps(_ out: inout Transcript) throws {
        // @code padding-taps
        var table = Table("layer (one image)", "multiply-adds, nominal", "on real input", "real share")
        for (name, input, filter) in [("lecture 7 conv1", [1, 28, 28, 1], [5, 5, 1, 32]),
                                      ("lecture 7 conv2", [1, 14, 14, 32], [5, 5, 32, 64])] {
            let g = try Conv2DGeometry(input: input, filter: filter, strides: 1, padding: .same, dilations: 1)
            // Nominal: every tap of every window. Real: only the taps that land inside the image.
            let count = ConvMultiplyAdds(g)
            table.row("\(name)", "\(thousands(count.nominal))", "\(thousands(count.real))", "\(100 * count.realShare, decimals: 1)%")
        }
        out.say(table)
        // @end
    }

    /// The fast path computes what the reference computes.
    static func fastVersusReference(_ out: inout Transcript) throws {
        // @code fast-versus-reference
        var generator = SeededGenerator(seed: 16)
        for (input, filter, stride, padding) in [([2, 9, 9, 3], [3, 3, 3, 5], 1, Padding.same),
                                                 ([1, 12, 10, 4], [5, 5, 4, 7], 2, .valid)] {
            let x = try Tensor<Float>(shape: input, scalars: (0..<input.reduce(1, *)).map { _ in Float(generator.nextNormal()) })
            let w = try Tensor<Float>(shape: filter, scalars: (0..<filter.reduce(1, *)).map { _ in Float(generator.nextNormal()) })
            let s = Size2(stride, stride)
            let reference = try Reference.conv2DForward(x, filter: w, strides: s, padding: padding)
            let fast = try Fast.conv2DForward(x, filter: w, strides: s, padding: padding)
            let error = try fast.maxAbsDifference(reference)
            // Different summation orders (and FMA) change the last bits: compared within 1e-4.
            out.say("conv2d \(shape: input) * \(shape: filter), stride \(stride), \(padding): \(shape: fast.shape), "
                    + "max |fast - reference| \(error < 1e-4 ? "below 1e-4" : "TOO LARGE")")
        }
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let g = try Conv2DGeometry(input: [1, 28, 28, 32], filter: [3, 3, 32, 64], strides: 1, padding: .same, dilations: 1)
        let m = g.rows.output * g.cols.output, k = 3 * 3 * 32, n = 64
        out.say("1. patch matrix \(m) x \(k) = \(thousands(m * k)) numbers, \(Double(m * k) / Double(28 * 28 * 32), decimals: 1) times the input")
        out.say("2. M·K·N = \(m) x \(k) x \(n) = \(thousands(m * k * n)) multiply-adds")
        // @end
    }

    /// im2col on the toy image: each 2x2 window becomes one row of the patch matrix (same
    /// colour), the filter a column, and the product the convolution's output.
    static func im2colFigure() throws -> String {
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let filter = try Tensor<Double>(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        let y = try Reference.conv2DForward(image, filter: filter, padding: .valid)
        let colours = ["#fdae6b", "#9ecae1", "#a1d99b", "#bcbddc"]
        let cell = 34.0, top = 60.0
        var d = Diagram(width: 880, height: 250)
        d.text("image, 2x2 windows", x: 70 + 1.5 * cell, y: 30, size: 12, bold: true)
        d.grid(rows: 3, columns: 3, x: 70, y: top, cell: cell, fill: { _, _ in "#ffffff" },
               label: { String(Int(image[0, $0, $1, 0])) }, size: 14)
        for p in 0..<4 {
            let (i, j) = (p / 2, p % 2)
            let inset = 3.0 + Double(p)
            d.rect(x: 70 + Double(j) * cell + inset, y: top + Double(i) * cell + inset, width: 2 * cell - 2 * inset,
                   height: 2 * cell - 2 * inset, stroke: colours[p], strokeWidth: 3)
        }
        d.arrow(from: (70 + 3 * cell + 10, top + 1.5 * cell), to: (230, top + 1.5 * cell))
        d.text("patch matrix [4, 4]", x: 240 + 2 * cell, y: 30, size: 12, bold: true)
        d.grid(rows: 4, columns: 4, x: 240, y: top - 10, cell: cell, fill: { r, _ in colours[r] },
               label: { r, c in String(Int(image[0, r / 2 + c / 2, r % 2 + c % 2, 0])) }, size: 14)
        d.text("x", x: 240 + 4 * cell + 18, y: top - 10 + 2 * cell + 5, size: 18)
        d.text("filter [4, 1]", x: 440 + cell / 2, y: 30, size: 12, bold: true)
        d.grid(rows: 4, columns: 1, x: 440, y: top - 10, cell: cell, fill: { _, _ in "#eeeeee" },
               label: { r, _ in String(Int(filter.scalars[r])) }, size: 14)
        d.text("=", x: 440 + cell + 24, y: top - 10 + 2 * cell + 5, size: 18)
        d.text("output [4, 1]", x: 540 + cell / 2, y: 30, size: 12, bold: true)
        d.grid(rows: 4, columns: 1, x: 540, y: top - 10, cell: cell, fill: { r, _ in colours[r] },
               label: { r, _ in String(Int(y.scalars[r])) }, size: 14)
        d.arrow(from: (540 + cell + 10, top + 1.5 * cell), to: (660, top + 1.5 * cell))
        d.text("reshaped: conv2d 2x2", x: 680 + cell, y: 30, size: 12, bold: true)
        d.grid(rows: 2, columns: 2, x: 680, y: top + 0.5 * cell, cell: cell, fill: { colours[$0 * 2 + $1] },
               label: { String(Int(y[0, $0, $1, 0])) }, size: 14)
        d.text("one row per output pixel, one column per filter weight (a, b, c)", x: 440, y: 235, size: 12)
        return d.svg
    }

    /// Loads per multiply-add: one dot product at a time against ConvLab's 6 x 16 register tile.
    static func microKernel(_ out: inout Transcript) throws {
        // @code micro-kernel
        let lanes = SIMD8<Float>.scalarCount
        out.say("SIMD8<Float>: \(lanes) lanes, \(MemoryLayout<SIMD8<Float>>.size * 8) bits")
        // Per step of k, a tile of C that is rows x columns needs one column of A (rows values) and
        // one row of B (columns values), and does rows x columns multiply-adds with them.
        var table = Table("tile of C", "SIMD8 registers of sums", "floats loaded per k", "multiply-adds per k", "per float loaded")
        for (rows, columns) in [(1, 1), (1, 16), (6, 16), (4, 16)] {
            let loads = rows + columns, fmas = rows * columns
            table.row("\(rows) x \(columns)", "\((fmas + lanes - 1) / lanes)", "\(loads)", "\(fmas)",
                      "\(Double(fmas) / Double(loads), decimals: 2)")
        }
        out.say(table)
        // @end
    }
}

// MARK: - Winograd's algorithm: fewer multiplications for the evaluation pass

extension MakingItFastLecture {
    /// F(2, 3) by hand: two outputs of a 3-tap filter from four numbers, with four multiplications.
    static func winogradByHand(_ out: inout Transcript) throws {
        // @code winograd-f23
        let t = WinogradTransform(outputTile: 2, kernel: 3)   // the points 0, 1, -1 and infinity
        let d: [Float] = [1, 2, 3, 4], g: [Float] = [1, 0, -1]
        func times(_ matrix: [Float], _ v: [Float]) -> [Float] {   // a row-major matrix times a vector
            stride(from: 0, to: matrix.count, by: v.count).map { row in
                v.indices.reduce(0) { $0 + matrix[row + $1] * v[$1] }
            }
        }
        let u = times(t.filterMatrix, g)   // G g: the filter at the four points, once per filter
        let v = times(t.inputMatrix, d)    // B^T d: the data, by additions and subtractions
        let m = zip(u, v).map { $0 * $1 }  // the four multiplications
        let y = times(t.outputMatrix, m)   // A^T m: back to outputs, by additions
        out.say("B^T (4 x 4):")
        try out.grid(Tensor(shape: [4, 4], scalars: t.inputMatrix))
        out.say("G (4 x 3):")
        try out.grid(Tensor(shape: [4, 3], scalars: t.filterMatrix))
        out.say("A^T (2 x 4):")
        try out.grid(Tensor(shape: [2, 4], scalars: t.outputMatrix))
        out.say("G g = \(u), B^T d = \(v)")
        out.say("products m = \(m)")
        out.say("Winograd: A^T m = \(y)")
        out.say("direct:   \((0..<2).map { i in (0..<3).reduce(Float(0)) { $0 + d[i + $1] * g[$1] } })")
        // @end
    }

    /// Multiplications per image of lecture 7's conv2: the direct product against F(4x4, 5x5).
    static func winogradCounts(_ out: inout Transcript) throws {
        // @code winograd-counts
        let g = try Conv2DGeometry(input: [1, 14, 14, 32], filter: [5, 5, 32, 64], strides: 1, padding: .same, dilations: 1)
        let direct = ConvMultiplyAdds(g)
        let t = WinogradTransform(outputTile: 4, kernel: 5)                       // 8 x 8 tiles
        let tiles = ((14 + t.outputTile - 1) / t.outputTile) * ((14 + t.outputTile - 1) / t.outputTile)
        let winograd = tiles * t.alpha * t.alpha * 32 * 64   // one product per tile point and channel pair
        var table = Table("lecture 7 conv2, one image", "multiplications", "direct real / this")
        table.row("direct, every tap", "\(thousands(direct.nominal))", "")
        table.row("direct, padding taps skipped", "\(thousands(direct.real))", "1.00")
        table.row("F(4x4, 5x5), \(tiles) tiles of 8 x 8", "\(thousands(winograd))",
                  "\(Double(direct.real) / Double(winograd), decimals: 2)")
        out.say(table)
        // @end
    }

    /// What the transforms cost in rounding: both Float convolutions against the same one in Double.
    static func winogradRounding(_ out: inout Transcript) throws {
        // @code winograd-rounding
        var generator = SeededGenerator(seed: 18)
        func normal(_ shape: [Int], _ scale: Double) throws -> Tensor<Float> {
            try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(scale * generator.nextNormal()) })
        }
        let x = try normal([1, 14, 14, 32], 1), w = try normal([5, 5, 32, 64], 0.05)
        let exact = try Reference.conv2DForward(Tensor<Double>(x), filter: Tensor<Double>(w), padding: .same)
        let direct = try Tensor<Double>(Fast.conv2DForward(x, filter: w, padding: .same)).maxAbsDifference(exact)
        let winograd = try Tensor<Double>(Fast.conv2DInference(x, filter: w, padding: .same)).maxAbsDifference(exact)
        let largest = exact.scalars.map(abs).max()!
        out.say("largest |y|: \(largest, decimals: 2)")
        out.say("direct product, max error: \(direct < 1e-5 ? "below 1e-5" : "ABOVE 1e-5")")
        out.say("F(4x4, 5x5),    max error: \(winograd < 1e-4 ? "below 1e-4" : "ABOVE 1e-4"), "
                + "\(winograd > 4 * direct ? "more than 4 times" : "NOT 4 times") the direct product's")
        // @end
    }

    /// conv2's forward pass both ways, from the committed run.
    static func winogradMeasured(_ out: inout Transcript) throws {
        // @code winograd-measured
        let run = try figures(benchRun), torch = try figures(torchRun)
        var table = Table("batch 128, 2 threads", "ms", "GFLOP/s (nominal)")
        for (label, name) in [("conv2 forward, direct product", "conv2_forward"),
                              ("conv2 forward, F(4x4, 5x5)", "conv2_inference_forward")] {
            table.row("\(label)", "\(try run[name + "_ms"], decimals: 2)", "\(try run[name + "_gflops"], decimals: 1)")
        }
        out.say(table)
        out.say("PyTorch's conv2 (inference mode): \(try torch["torch_conv2_forward_gflops_threads2"], decimals: 1) GFLOP/s nominal")
        // @end
    }
}

// MARK: - Measured on one machine: committed runs of `convlab bench` and PyTorch

extension MakingItFastLecture {
    /// `convlab bench` on this build: the peak probe, conv2's, fc's and the depthwise conv's
    /// rates, every layer of lecture 7's network and the whole network on 1 and 2 threads.
    static let benchRun = CommittedRun(
        "swift run -c release convlab bench --ops conv2,fc,dw3x3_forward,convnet --layers --json "
            + "> Lectures/results/bench-convnet.jsonl")
    /// The same bench on the build the steps of "Closing the gap" started from (commit ee79340),
    /// whose `--json` has no per-layer figures, so its text is kept.
    static let benchBefore = CommittedRun(
        "swift run -c release convlab bench --ops convnet --layers > Lectures/results/bench-convnet-ee79340.txt")
    /// PyTorch on the same network and work, run right after `benchRun`.
    static let torchRun = CommittedRun(
        "python3 Benchmarks/torch_convnet_bench.py --seconds 1.5 > Lectures/results/torch-convnet.jsonl")
    package static let committedRuns = [benchRun, benchBefore, torchRun]

    /// The `{"name", "value"}` lines of a `convlab bench --json` or `torch_convnet_bench.py` run.
    static func figures(_ run: CommittedRun) throws -> BenchFigures {
        var values: [String: Double] = [:]
        for object in try run.objects() {
            if let name = object["name"] as? String, let value = (object["value"] as? NSNumber)?.doubleValue {
                values[name] = value
            }
        }
        return BenchFigures(values: values, path: run.path)
    }

    /// The text of a `convlab bench --layers` run: each layer's CPU milliseconds (forward,
    /// backward) and the images per second of the training step and of inference per thread count.
    static func textFigures(_ run: CommittedRun) throws -> (layers: [String: (forward: Double, backward: Double)],
                                                           train: [Int: Double], infer: [Int: Double]) {
        let text = try run.text()
        var layers: [String: (forward: Double, backward: Double)] = [:], train: [Int: Double] = [:], infer: [Int: Double] = [:]
        for line in text.split(separator: "\n") {
            // "    conv1 (Conv2D+relu)   forward  4.10 (  8.02)   backward 11.93 ( 23.51)"
            let words = line.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
                .split(separator: " ").map(String.init)
            if let f = words.firstIndex(of: "forward"), let b = words.firstIndex(of: "backward"), b == f + 3, words.count > b + 2,
               let forward = Double(words[f + 2]), let backward = Double(words[b + 2]) {
                layers[words[0]] = (forward, backward)
            }
            // "  lecture 7 convnet, batch 128, 2 threads: train 1144.2 images/s (...), infer 4451.0 images/s (...)"
            if let t = words.firstIndex(of: "train"), let i = words.firstIndex(of: "infer"), t >= 2,
               let threads = Int(words[t - 2]), let trainRate = Double(words[t + 1]), let inferRate = Double(words[i + 1]) {
                train[threads] = trainRate
                infer[threads] = inferRate
            }
        }
        guard !layers.isEmpty, !train.isEmpty else {
            throw ConvLabError.file(path: run.path, offset: nil, message: "holds no per-layer or training lines; rerun: \(run.command)")
        }
        return (layers, train, infer)
    }

    /// The machine's measured peak beside what the kernels reached on it.
    static func measuredPeak(_ out: inout Transcript) throws {
        // @code measured-peak
        let run = try figures(benchRun)
        let peak = try run["peak_gflops"]
        out.say("load average when the run started: \(try run["load_average_1min"], decimals: 2) (on 2 cores)")
        out.say("peak, measured: \(try run["peak_gflops_1thread"], decimals: 1) GFLOP/s on 1 thread, \(peak, decimals: 1) on 2")
        var table = Table("op (batch 128, 2 threads)", "GFLOP/s", "share of the measured peak")
        for (label, name) in [("conv2 forward, nominal multiply-adds", "conv2_forward"),
                              ("conv2 forward, real multiply-adds", "conv2_forward_real"),
                              ("conv2 backward", "conv2_backward"),
                              ("fc forward, 128 x 3136 x 1024", "fc_forward"),
                              ("fc backward", "fc_backward"),
                              ("depthwise 3x3 forward, [128,28,28,32]", "dw3x3_forward")] {
            let gflops = try run[name + "_gflops"]
            table.row("\(label)", "\(gflops, decimals: 1)", "\(100 * gflops / peak, decimals: 0)%")
        }
        out.say(table)
        // @end
    }

    /// Each layer's CPU time before and after the steps of "Closing the gap", and the whole network.
    static func whatEachStepBought(_ out: inout Transcript) throws {
        // @code what-each-step-bought
        let before = try textFigures(benchBefore), after = try figures(benchRun)
        var table = Table("layer (batch 128, CPU ms)", "forward, before", "after", "backward, before", "after")
        for layer in ["conv1", "pool1", "conv2", "pool2", "fc"] {
            guard let old = before.layers[layer] else { continue }
            table.row("\(layer)", "\(old.forward, decimals: 1)", "\(try after["layer_\(layer)_forward_cpu_ms"], decimals: 1)",
                      "\(old.backward, decimals: 1)", "\(try after["layer_\(layer)_backward_cpu_ms"], decimals: 1)")
        }
        out.say(table)
        for threads in [1, 2] {
            let suffix = threads == 2 ? "" : "_1thread"
            guard let oldTrain = before.train[threads], let oldInfer = before.infer[threads] else { continue }
            let train = try after["train_images_per_s" + suffix], infer = try after["infer_images_per_s" + suffix]
            out.say("\(threads) thread\(threads == 1 ? "" : "s"): training \(oldTrain, decimals: 0) -> \(train, decimals: 0) images/s "
                    + "(\(train / oldTrain, decimals: 2)x), inference \(oldInfer, decimals: 0) -> \(infer, decimals: 0) (\(infer / oldInfer, decimals: 2)x)")
        }
        // @end
    }

    /// ConvLab against PyTorch: one pair of runs, the ratios.
    static func againstPyTorch(_ out: inout Transcript) throws {
        // @code against-pytorch
        let convlab = try figures(benchRun), torch = try figures(torchRun)
        var table = Table("lecture 7's convnet, batch 128", "ConvLab", "PyTorch", "ratio")
        for (label, mine, theirs, decimals) in [("training images/s, 1 thread", "train_images_per_s_1thread", "torch_train_images_per_s_threads1", 0),
                                                ("training images/s, 2 threads", "train_images_per_s", "torch_train_images_per_s_threads2", 0),
                                                ("inference images/s, 1 thread", "infer_images_per_s_1thread", "torch_infer_images_per_s_threads1", 0),
                                                ("inference images/s, 2 threads", "infer_images_per_s", "torch_infer_images_per_s_threads2", 0),
                                                ("conv2 forward GFLOP/s (nominal), 2 threads", "conv2_inference_forward_gflops", "torch_conv2_forward_gflops_threads2", 1)] {
            let a = try convlab[mine], b = try torch[theirs]
            table.row("\(label)", "\(a, decimals: decimals)", "\(b, decimals: decimals)", "\(a / b, decimals: 2)")
        }
        out.say(table)
        // @end
    }
}

/// A committed bench run's figures by name; a missing one is an error naming the file.
struct BenchFigures {
    let values: [String: Double]
    let path: String

    subscript(name: String) -> Double {
        get throws {
            guard let value = values[name] else {
                throw ConvLabError.file(path: path, offset: nil, message: "has no figure '\(name)'")
            }
            return value
        }
    }
}
