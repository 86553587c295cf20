import ConvLab

/// Module 18, "Making it fast": the code `Lectures/18-making-it-fast.md` walks through.
enum MakingItFastLecture {
    static let lecture = Lecture(
        number: 18, title: "Making it fast: im2col, GEMM, SIMD and threads",
        markdown: "18-making-it-fast.md", source: "Lecture18MakingItFast.swift",
        snippets: [
            Snippet("im2col", im2col),
            Snippet("gemm-sizes", gemmSizes),
            Snippet("fast-versus-reference", fastVersusReference),
        ])

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
        out.say("layer (one image)          M = pixels   K = KH*KW*C   N = O       flops   im2col buffer / input")
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
            out.say("\(name, left: 24) \(thousands(m), width: 10) \(k, width: 13) \(n, width: 6) \(thousands(2 * m * k * n), width: 13) "
                    + "\(blowup, decimals: 1, width: 10)x")
        }
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
}
