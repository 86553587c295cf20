import ConvLab

/// Module 18, "Making it fast": the code `Lectures/18-making-it-fast.md` walks through.
enum MakingItFastLecture {
    static let lecture = Lecture(
        number: 18, title: "Making it fast: im2col, GEMM, SIMD and threads",
        markdown: "18-making-it-fast.md", source: "Lecture18MakingItFast.swift",
        snippets: [
            Snippet("micro-kernel", microKernel),
            Snippet("im2col", im2col),
            Snippet("gemm-sizes", gemmSizes),
            Snippet("fast-versus-reference", fastVersusReference),
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
        for (rows, columns) in [(1, 1), (1, 16), (6, 16)] {
            let loads = rows + columns, fmas = rows * columns
            table.row("\(rows) x \(columns)", "\((fmas + lanes - 1) / lanes)", "\(loads)", "\(fmas)",
                      "\(Double(fmas) / Double(loads), decimals: 2)")
        }
        out.say(table)
        // @end
    }
}
