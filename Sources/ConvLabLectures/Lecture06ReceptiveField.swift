import ConvLab

/// Module 6, "Receptive fields, dilation, 1x1 convolutions and translation": the code
/// `Lectures/06-receptive-field.md` walks through.
enum ReceptiveFieldLecture {
    static let lecture = Lecture(
        number: 6, title: "Receptive fields, dilation, 1x1 convolutions and translation",
        markdown: "06-receptive-field.md", source: "Lecture06ReceptiveField.swift",
        snippets: [
            Snippet("lecture7-fields", lecture7Fields),
            Snippet("measured-fields", measuredFields),
            Snippet("dilation", dilation),
            Snippet("dilated-stacks", dilatedStacks),
            Snippet("one-by-one", oneByOne),
            Snippet("dense-as-conv", denseAsConv),
            Snippet("shift-conv", shiftConv),
            Snippet("shift-stride-pool", shiftStridePool),
            Snippet("shift-network", shiftNetwork),
            Snippet("try-it", tryIt),
        ],
        figures: [
            Figure("receptive-field.svg", { Array(try receptiveFieldFigure().utf8) }),
            Figure("dilation.svg", { Array(try dilationFigure().utf8) }),
        ])

    // MARK: - The receptive field of each layer

    // @code window
    /// A layer as the receptive-field rule sees it, along one axis: a window of `kernel` taps,
    /// `dilation` apart, moved `stride` at a time over an input of `input` rows, with TF's
    /// `padding` (module 2) putting `padBefore` zeros before the first row.
    struct Window {
        let name: String
        let kernel: Int, stride: Int, dilation: Int
        let padding: Padding
        let input: Int, output: Int, padBefore: Int

        init(_ name: String, kernel: Int, stride: Int = 1, dilation: Int = 1, padding: Padding, input: Int) throws {
            let axis = try WindowAxis(input: input, kernel: kernel, stride: stride, dilation: dilation, padding: padding)
            (self.name, self.kernel, self.stride, self.dilation, self.padding) = (name, kernel, stride, dilation, padding)
            (self.input, self.output, self.padBefore) = (input, axis.output, axis.padBefore)
        }
    }

    /// The windows of a sequential model's layers, for a square input of `size`. Convolutions
    /// and pooling are windows; a dense layer after `Flatten` reads the whole map, so it is a
    /// window as large as its input; other layers (dropout) work pixel by pixel and are skipped.
    static func windows(of model: Sequential, inputSize: Int) throws -> [Window] {
        var result: [Window] = []
        var size = inputSize
        for layer in model.layers {
            var window: Window?
            if let conv = layer as? Conv2D {
                window = try Window(conv.name, kernel: conv.weights.shape[0], stride: conv.strides.h,
                                    dilation: conv.dilations.h, padding: conv.padding, input: size)
            } else if let pool = layer as? Pool2D {
                window = try Window(pool.name, kernel: pool.windowSize.h, stride: pool.strides.h,
                                    padding: pool.padding, input: size)
            } else if layer is Dense && size > 1 {
                window = try Window(layer.name, kernel: size, padding: .valid, input: size)  // sees the whole map
            }
            if let window {
                result.append(window)
                size = window.output
            }
        }
        return result
    }
    // @end

    // @code field-rule
    /// Size `r` of one unit's receptive field in the input, the `jump` (input pixels between two
    /// neighbouring units) and where unit 0's field starts, after each window:
    ///
    ///     r_l = r_(l-1) + (k_l - 1) · d_l · jump_(l-1)      jump_l = jump_(l-1) · s_l
    ///     start_l = start_(l-1) - padBefore_l · jump_(l-1)
    static func fields(_ windows: [Window]) -> [(field: Int, jump: Int, start: Int)] {
        var (r, jump, start) = (1, 1, 0)
        return windows.map { w in
            r += (w.kernel - 1) * w.dilation * jump
            start -= w.padBefore * jump
            jump *= w.stride
            return (r, jump, start)
        }
    }
    // @end

    /// Lecture 7's network, built once (3.3 million weights take a moment in a debug build): its
    /// windows and its fc layer.
    static let lecture7 = Result { () throws -> (windows: [Window], fc: (weights: Tensor<Float>, biases: Tensor<Float>)) in
        let model = try ModelRecipe.lecture7.build(seed: 1)
        guard let fc = model.layers.first(where: { $0.name == "fc" }) as? Dense else {
            throw ConvLabError.argument(op: "lecture 6", message: "lecture 7's network has no fc layer")
        }
        return (try windows(of: model, inputSize: 28), (fc.weights.value, fc.biases.value))
    }

    static func lecture7Windows() throws -> [Window] { try lecture7.get().windows }

    static func lecture7Fields(_ out: inout Transcript) throws {
        // @code lecture7-fields
        let windows = try lecture7Windows()        // windows(of: ModelRecipe.lecture7.build(seed: 1), inputSize: 28)
        var table = Table("layer", "out", "kernel", "stride", "pad", "jump", "field", "unit 0 reads rows", "unit 3 reads rows")
        for (w, f) in zip(windows, fields(windows)) {
            func rows(_ unit: Int) -> String { "\(unit * f.jump + f.start)...\(unit * f.jump + f.start + f.field - 1)" }
            table.row("\(w.name)", "\(w.output)", "\(w.kernel)", "\(w.stride)", "\(w.padBefore)", "\(f.jump)", "\(f.field)",
                      "\(rows(0))", "\(w.output > 3 ? rows(3) : "-")")
        }
        out.say(table)
        // @end
    }

    // @code path-counts
    /// How many paths lead from each input pixel to the unit `(row, col)` after the first
    /// `depth` windows: a one-hot gradient carried back through the windows with every weight 1
    /// (conv2d's backward pass, module 9). A pixel has a nonzero count exactly when some choice
    /// of weights lets it change the unit: the nonzero cells are the receptive field.
    static func pathCounts(_ windows: [Window], depth: Int, row: Int, col: Int) throws -> Tensor<Double> {
        let top = windows[depth - 1]
        var gradient = try Tensor<Double>(zeros: [1, top.output, top.output, 1])
        gradient[0, row, col, 0] = 1
        for w in windows[0..<depth].reversed() {
            let ones = try Tensor<Double>(shape: [w.kernel, w.kernel, 1, 1], repeating: 1)
            let input = try Tensor<Double>(zeros: [1, w.input, w.input, 1])   // only its shape matters here
            gradient = try Reference.conv2DBackward(input, filter: ones, dOutput: gradient, strides: Size2(w.stride, w.stride),
                                                    padding: w.padding, dilations: Size2(w.dilation, w.dilation)).dInput
        }
        return gradient
    }
    // @end

    /// The rows (or columns) of `counts` with a nonzero cell, as `first...last`.
    static func extent(_ counts: Tensor<Double>) -> (rows: ClosedRange<Int>, cols: ClosedRange<Int>)? {
        let n = counts.shape[1]
        var rows: [Int] = [], cols: [Int] = []
        for i in 0..<n { for j in 0..<n where counts[0, i, j, 0] != 0 { rows.append(i); cols.append(j) } }
        guard let r0 = rows.min(), let r1 = rows.max(), let c0 = cols.min(), let c1 = cols.max() else { return nil }
        return (r0...r1, c0...c1)
    }

    static func measuredFields(_ out: inout Transcript) throws {
        // @code measured-fields
        let windows = try lecture7Windows()
        var table = Table("layer", "unit", "rows", "columns", "pixels", "most paths to one pixel")
        for (depth, w) in zip(1..., windows) {
            let unit = w.output / 2                       // a unit in the middle of the layer's map
            let counts = try pathCounts(windows, depth: depth, row: unit, col: unit)
            guard let (rows, cols) = extent(counts) else { continue }
            table.row("\(w.name)", "(\(unit),\(unit))", "\(rows.lowerBound)...\(rows.upperBound)",
                      "\(cols.lowerBound)...\(cols.upperBound)", "\(rows.count)x\(cols.count)", "\(Int(counts.scalars.max()!))")
        }
        out.say(table)
        let corner = try pathCounts(windows, depth: 4, row: 0, col: 0)   // pool2's unit (0, 0)
        let pool2 = fields(windows)[3]
        if let (rows, cols) = extent(corner) {
            out.say("pool2 unit (0,0): rows \(rows.lowerBound)...\(rows.upperBound), columns \(cols.lowerBound)...\(cols.upperBound) "
                    + "inside the image; its field of \(pool2.field) starts at row \(pool2.start), in the padding")
        }
        // @end
    }

    // MARK: - Dilation

    static func dilation(_ out: inout Transcript) throws {
        // @code dilation
        var generator = SeededGenerator(seed: 6)
        let image = try Tensor<Double>(shape: [1, 9, 9, 1], scalars: (0..<81).map { _ in generator.nextNormal() })
        let kernel = try Tensor<Double>(shape: [3, 3, 1, 1], scalars: (1...9).map(Double.init))
        let dilated = try Reference.conv2DForward(image, filter: kernel, padding: .valid, dilations: 2)
        // The same 9 weights spread over a 5x5 kernel, with zeros in the gaps.
        var spread = try Tensor<Double>(zeros: [5, 5, 1, 1])
        for a in 0..<3 { for b in 0..<3 { spread[2 * a, 2 * b, 0, 0] = kernel[a, b, 0, 0] } }
        let plain = try Reference.conv2DForward(image, filter: spread, padding: .valid)
        out.say("the dilated 3x3 kernel as a 5x5 kernel:")
        try out.grid(try spread.reshaped([5, 5]))
        out.say("dilation 2: \(shape: dilated.shape); 5x5 with zeros: \(shape: plain.shape); "
                + "max difference \(try dilated.maxAbsDifference(plain) < 1e-12 ? "below 1e-12" : "TOO LARGE")")
        let axis = try WindowAxis(input: 9, kernel: 3, stride: 1, dilation: 2, padding: .valid)
        out.say("effective kernel (3 - 1) * 2 + 1 = \(axis.effectiveKernel), VALID output 9 - 5 + 1 = \(axis.output)")
        do {
            _ = try Reference.conv2DForward(image, filter: kernel, strides: 2, padding: .valid, dilations: 2)
        } catch {
            out.say("stride 2 with dilation 2: \(String(describing: error))")
        }
        // @end
    }

    /// Three 3x3 layers, stride 1, SAME, with the given dilations, on an input of `size`.
    static func stack(dilations: [Int], size: Int) throws -> [Window] {
        try dilations.enumerated().map { k, d in try Window("layer \(k + 1)", kernel: 3, dilation: d, padding: .same, input: size) }
    }

    static func dilatedStacks(_ out: inout Transcript) throws {
        // @code dilated-stacks
        var table = Table("dilations", "fields (rule)", "layer 3 measured: field", "pixels reached", "weights per channel pair")
        for dilations in [[1, 1, 1], [1, 2, 4], [2, 2, 2]] {
            let windows = try stack(dilations: dilations, size: 17)
            let rule = fields(windows).map { String($0.field) }.joined(separator: ", ")
            let counts = try pathCounts(windows, depth: 3, row: 8, col: 8)
            guard let (rows, cols) = extent(counts) else { continue }
            let reached = counts.scalars.filter { $0 != 0 }.count
            table.row("\(dilations.map(String.init).joined(separator: ", "))", "\(rule)", "\(rows.count)x\(cols.count)",
                      "\(reached) of \(rows.count * cols.count)", "\(3 * 9)")
        }
        out.say(table)
        out.say("one 15x15 layer: \(15 * 15) weights per channel pair")
        // @end
    }

    // MARK: - 1x1 convolution and dense layers

    static func oneByOne(_ out: inout Transcript) throws {
        // @code one-by-one
        var generator = SeededGenerator(seed: 61)
        let x = try random([2, 4, 4, 3], &generator)          // 2 images, 4x4 pixels, 3 channels
        let w = try random([1, 1, 3, 5], &generator)          // a 1x1 convolution from 3 to 5 channels
        let conv = try Reference.conv2DForward(x, filter: w, padding: .valid)
        // The same numbers: every pixel is one row of a [32, 3] matrix, and W is [3, 5].
        let pixels = try x.reshaped([2 * 4 * 4, 3])
        let dense = try Reference.denseForward(pixels, weights: try w.reshaped([3, 5]), bias: try Tensor(zeros: [5]))
        out.say("1x1 conv: \(shape: x.shape) * \(shape: w.shape) -> \(shape: conv.shape)")
        out.say("dense on every pixel: \(shape: pixels.shape) @ [3,5] -> \(shape: dense.shape)")
        out.say("max |conv - dense| \(try conv.reshaped([32, 5]).maxAbsDifference(dense) < 1e-12 ? "below 1e-12" : "TOO LARGE")")
        out.say("pixel (0, 1, 2): conv \(try Tensor(shape: [5], scalars: (0..<5).map { conv[0, 1, 2, $0] }), decimals: 4)")
        out.say("               dense \(try Tensor(shape: [5], scalars: (0..<5).map { dense[6, $0] }), decimals: 4)")
        // @end
    }

    static func denseAsConv(_ out: inout Transcript) throws {
        // @code dense-as-conv
        let fc = try lecture7.get().fc                    // lecture 7's fc layer: 3136 inputs, 1024 outputs
        out.say("lecture 7's fc weights \(shape: fc.weights.shape): one row per value of the flattened [7,7,64] map")
        // Its first 32 outputs, to keep the doc-test quick (every output is the same sum with other weights).
        let weights = try Tensor<Float>(shape: [3136, 32], scalars: (0..<3136 * 32).map { fc.weights.scalars[($0 / 32) * 1024 + $0 % 32] })
        let bias = try Tensor<Float>(shape: [32], scalars: Array(fc.biases.scalars[0..<32]))
        var generator = SeededGenerator(seed: 62)
        let x = try Tensor<Float>(shape: [1, 7, 7, 64], scalars: (0..<3136).map { _ in Float(generator.nextUnit()) })
        let dense = try Reference.denseForward(try x.reshaped([1, 3136]), weights: weights, bias: bias)
        // Flattening NHWC and the HWIO filter layout agree: the [3136, 32] matrix IS a [7, 7, 64, 32] filter.
        let filter = try weights.reshaped([7, 7, 64, 32])
        let conv = try Reference.biasAddForward(try Reference.conv2DForward(x, filter: filter, padding: .valid), bias: bias)
        out.say("dense: \(shape: dense.shape); conv2d with a \(shape: filter.shape) filter, VALID: \(shape: conv.shape)")
        out.say("max |dense - conv| \(try conv.reshaped([1, 32]).maxAbsDifference(dense) < 1e-5 ? "below 1e-5" : "TOO LARGE")")
        // On a larger map the same filter slides: a 9x9 map gives 3x3 outputs, each one the dense
        // layer applied to one 7x7 window of the map.
        let big = try Tensor<Float>(shape: [1, 9, 9, 64], scalars: (0..<5184).map { _ in Float(generator.nextUnit()) })
        let slid = try Reference.conv2DForward(big, filter: filter, padding: .valid)
        var worst: Float = 0
        for i in 0..<3 {
            for j in 0..<3 {
                var window: [Float] = []
                for a in 0..<7 { for b in 0..<7 { for c in 0..<64 { window.append(big[0, i + a, j + b, c]) } } }
                let one = try Reference.denseForward(try Tensor(shape: [1, 3136], scalars: window), weights: weights,
                                                     bias: try Tensor(zeros: [32]))
                for o in 0..<32 { worst = max(worst, abs(one[0, o] - slid[0, i, j, o])) }
            }
        }
        out.say("9x9 map: \(shape: slid.shape); each of the 9 positions equals the dense layer on its 7x7 window: "
                + (worst < 1e-5 ? "yes (max difference below 1e-5)" : "NO"))
        // @end
    }

    // MARK: - Translation

    // @code shift
    /// `image` moved `down` rows and `right` columns; what moves out is lost, what moves in is 0.
    static func shifted<S: TensorScalar>(_ image: Tensor<S>, down: Int, right: Int) throws -> Tensor<S> {
        let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
        var result = try Tensor<S>(zeros: image.shape)
        for k in 0..<n {
            for i in 0..<h where i - down >= 0 && i - down < h {
                for j in 0..<w where j - right >= 0 && j - right < w {
                    for ch in 0..<c { result[k, i, j, ch] = image[k, i - down, j - right, ch] }
                }
            }
        }
        return result
    }
    // @end

    /// Where `a` and `b` differ by more than 1e-9, as a grid of 0 and 1 (channels folded).
    static func differenceMap<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) throws -> Tensor<Double> {
        let (h, w, c) = (a.shape[1], a.shape[2], a.shape[3])
        var map = try Tensor<Double>(zeros: [h, w])
        for i in 0..<h {
            for j in 0..<w {
                for ch in 0..<c where abs(Double(a[0, i, j, ch]) - Double(b[0, i, j, ch])) > 1e-9 { map[i, j] = 1 }
            }
        }
        return map
    }

    static func shiftConv(_ out: inout Transcript) throws {
        // @code shift-conv
        var generator = SeededGenerator(seed: 63)
        let x = try Tensor<Double>(shape: [1, 8, 8, 1], scalars: (0..<64).map { _ in generator.nextUnit() })
        let w = try Tensor<Double>(shape: [3, 3, 1, 1], scalars: (0..<9).map { _ in generator.nextNormal() })
        // conv(shift(x)) against shift(conv(x)), shifting by one row and two columns.
        let a = try Reference.conv2DForward(try shifted(x, down: 1, right: 2), filter: w, padding: .same)
        let b = try shifted(try Reference.conv2DForward(x, filter: w, padding: .same), down: 1, right: 2)
        let map = try differenceMap(a, b)
        out.say("conv(shift(x)) vs shift(conv(x)), SAME, shift (1, 2): 1 where they differ")
        try out.grid(map)
        out.say("they differ in \(Int(map.sum())) of 64 cells, all next to the edge the content came in from or left by")
        // @end
    }

    static func shiftStridePool(_ out: inout Transcript) throws {
        // @code shift-stride-pool
        var generator = SeededGenerator(seed: 64)
        let x = try Tensor<Double>(shape: [1, 12, 12, 1], scalars: (0..<144).map { _ in generator.nextUnit() })
        let w = try Tensor<Double>(shape: [3, 3, 1, 1], scalars: (0..<9).map { _ in generator.nextNormal() })
        let ops: [(String, (Tensor<Double>) throws -> Tensor<Double>)] = [
            ("conv, stride 1", { try Reference.conv2DForward($0, filter: w, padding: .same) }),
            ("conv, stride 2", { try Reference.conv2DForward($0, filter: w, strides: 2, padding: .same) }),
            ("max pool 2x2/2", { try Reference.maxPoolForward($0, windowSize: 2, strides: 2, padding: .same) }),
        ]
        var table = Table("op", "input moved 1 column", "input moved 2 columns")
        for (name, op) in ops {
            let y = try op(x)
            var verdicts: [Line] = []
            for shift in [1, 2] {
                let moved = try op(try shifted(x, down: 0, right: shift))
                // Try moving the output by 0, 1 or 2 cells; count differing cells away from the
                // left and right edges (2 output columns on each side are left out).
                var best = (cells: 0, differing: Int.max, compared: 0)
                for cells in 0...2 {
                    let map = try differenceMap(moved, try shifted(y, down: 0, right: cells))
                    let inner = (0..<map.shape[0]).flatMap { i in (2..<(map.shape[1] - 2)).map { map[i, $0] } }
                    let differing = Int(inner.reduce(0, +))
                    if differing < best.differing { best = (cells, differing, inner.count) }
                }
                verdicts.append(best.differing == 0 ? "= output moved \(best.cells)"
                                                    : "no move fits (\(best.differing)/\(best.compared) differ)")
            }
            table.row(["\(name)"] + verdicts)
        }
        out.say(table)
        // @end
    }

    static func shiftNetwork(_ out: inout Transcript) throws {
        // @code shift-network
        // Tutorial #03's network (module 11), freshly initialized: conv 3x3 + ReLU, pool 2x2/2, twice.
        let model = try ModelRecipe.tutorial03.build(seed: 1)
        let context = LayerContext(kernels: Kernels(.reference), mode: .evaluation)
        let features = Array(model.layers[0..<4])             // conv1, pool1, conv2, pool2
        func pool2(_ x: Tensor<Float>) throws -> Tensor<Float> {
            try features.reduce(x) { try $1.forward($0, context: context) }
        }
        let mnist = try MNIST.embedded()
        let digit = try Tensor<Float>(shape: [1, 28, 28, 1], scalars: Array(mnist.test.pixels[0..<784]))
        let reference = try pool2(digit)
        out.say("test digit 0 through \(features.map(\.name).joined(separator: ", ")): \(shape: reference.shape)")
        var table = Table("move right", "pool2 map moved by", "max difference")
        for shift in 1...4 {
            let moved = try pool2(try shifted(digit, down: 0, right: shift))
            let cells = (shift + 2) / 4                       // the nearest whole number of pool2 cells
            let difference = try moved.maxAbsDifference(try shifted(reference, down: 0, right: cells))
            table.row("\(shift)", "\(cells) cell\(cells == 1 ? "" : "s")\(shift % 4 == 0 ? " (exact)" : "")", "\(difference, decimals: 3)")
        }
        out.say(table)
        // @end
    }

    static func tryIt(_ out: inout Transcript) throws {
        // @code try-it
        // 1. Tutorial #03's network: 3x3 convolutions instead of 5x5, the same 2x2 pools.
        let small = try windows(of: try ModelRecipe.tutorial03.build(seed: 1), inputSize: 28)
        out.say("1. \(zip(small, fields(small)).map { "\($0.name) \($1.field)" }.joined(separator: ", "))")
        // 2. A 1x1 convolution from 256 to 64 channels on a 28x28 map, against a 3x3 one from 256 to 256.
        let oneByOne = 1 * 1 * 256 * 64, threeByThree = 3 * 3 * 256 * 256
        out.say("2. 1x1, 256 -> 64: \(thousands(oneByOne)) weights, \(thousands(28 * 28 * oneByOne)) multiply-adds; "
                + "3x3, 256 -> 256: \(thousands(threeByThree)) weights, \(thousands(28 * 28 * threeByThree)) multiply-adds "
                + "(\(threeByThree / oneByOne)x); 3x3, 64 -> 64: \(thousands(9 * 64 * 64)) weights (\(threeByThree / (9 * 64 * 64))x fewer)")
        // 3. How many plain 3x3 layers reach a field of 31? With dilations 1, 2, 4, 8?
        var plain = 1
        while fields(try stack(dilations: Array(repeating: 1, count: plain), size: 64)).last!.field < 31 { plain += 1 }
        let doubling = fields(try stack(dilations: [1, 2, 4, 8], size: 64)).last!.field
        out.say("3. \(plain) plain layers for a field of 31; dilations 1, 2, 4, 8 reach \(doubling) with 4")
        // @end
    }

    // MARK: - Pictures

    /// The input of lecture 7's network with, for pool2's unit (3, 3), the number of paths from each
    /// pixel, and outlined the fields of the units on the way down; and pool2's corner unit (0, 0).
    static func receptiveFieldFigure() throws -> String {
        let windows = try lecture7Windows()
        let fields = fields(windows)
        func grid(_ t: Tensor<Double>) -> [[Double]] { (0..<28).map { i in (0..<28).map { t[0, i, $0, 0] } } }
        // The units on one path down from pool2 (3, 3): pool2 (3,3) <- conv2 (6,6) <- pool1 (6,6) <- conv1 (13,13).
        let path = [(0, 13), (1, 6), (2, 6), (3, 3)]
        var outlines: [GridPicture.Outline] = []
        for (k, (depth, unit)) in path.enumerated() {
            let f = fields[depth]
            let start = unit * f.jump + f.start
            outlines.append(GridPicture.Outline(top: start, left: start, height: f.field, width: f.field,
                                                label: "\(windows[depth].name) unit (\(unit),\(unit)): \(f.field)x\(f.field)", color: k))
        }
        let centre = try pathCounts(windows, depth: 4, row: 3, col: 3)
        let corner = try pathCounts(windows, depth: 4, row: 0, col: 0)
        let limit = centre.scalars.max()!
        let f = fields[3]
        let panels = [
            GridPicture.Panel(title: "pool2 unit (3,3): paths from each input pixel", values: grid(centre), outlines: outlines),
            GridPicture.Panel(title: "pool2 unit (0,0): the field runs into the padding", values: grid(corner), outlines: [
                GridPicture.Outline(top: 0, left: 0, height: f.field + f.start, width: f.field + f.start,
                                    label: "inside the image: \(f.field + f.start)x\(f.field + f.start) of \(f.field)x\(f.field)", color: 3)]),
        ]
        return GridPicture(panels: panels, palette: .sequential(limit: limit), cell: 11, showValues: false, columns: 2).svg()
    }

    /// Path counts of three 3x3 layers with dilations 1,1,1 and 1,2,4.
    static func dilationFigure() throws -> String {
        var panels: [GridPicture.Panel] = []
        var limit = 0.0
        for dilations in [[1, 1, 1], [1, 2, 4]] {
            let windows = try stack(dilations: dilations, size: 17)
            let counts = try pathCounts(windows, depth: 3, row: 8, col: 8)
            let field = fields(windows).last!.field
            limit = max(limit, counts.scalars.max()!)
            panels.append(GridPicture.Panel(
                title: "dilations \(dilations.map(String.init).joined(separator: ", ")): field \(field)x\(field)",
                values: (0..<17).map { i in (0..<17).map { counts[0, i, $0, 0] } }))
        }
        return GridPicture(panels: panels, palette: .sequential(limit: limit), cell: 18, showValues: true, blankZeros: true,
                           decimals: 0, columns: 2).svg()
    }
}
