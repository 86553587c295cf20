import ConvLab
import Foundation

/// Module 10, "Backprop in two dimensions": the code `Lectures/10-backprop-2d.md` walks through.
/// Conv2d's filter and bias gradients with every padding and stride offset written out, the
/// softmax cross-entropy gradient `p - y`, and the transposed convolution.
enum Backprop2DLecture {
    static let lecture = Lecture(
        number: 10, title: "Backprop in two dimensions",
        markdown: "10-backprop-2d.md", source: "Lecture10Backprop2D.swift",
        snippets: [
            Snippet("offsets", offsets),
            Snippet("by-hand-check", loose: [.gradientCheck], byHandCheck),
            Snippet("dfilter-as-conv", dFilterAsConvolution),
            Snippet("softmax-ce", softmaxCrossEntropy),
            Snippet("conv-matrix", convolutionMatrix),
            Snippet("transpose", transpose),
            Snippet("output-sizes", outputSizes),
            Snippet("same-crops", sameCrops),
            Snippet("autoencoder", autoencoder),
            Snippet("overlap", overlap),
            Snippet("try-it", tryIt),
        ],
        figures: [
            Figure("transposed-convolution.svg", { Array(try transposeFigure().utf8) }),
            // The same 2x2 input and kernel 1...9, stride 2: VALID keeps every copy (5x5); SAME with
            // Keras' output size 4x4 drops the copies' last row and column into the padding.
            Figure.animation("transposed-convolution-valid.svg",
                             ["--op", "conv2d-transpose", "--input-values", "1,10;100,1000", "--kernel", "3", "--stride", "2",
                              "--filter-values", "1,2,3;4,5,6;7,8,9"]),
            Figure.animation("transposed-convolution-same.svg",
                             ["--op", "conv2d-transpose", "--input-values", "1,10;100,1000", "--kernel", "3", "--stride", "2",
                              "--padding", "SAME", "--filter-values", "1,2,3;4,5,6;7,8,9"]),
        ])

    // MARK: - Conv2d's filter and bias gradients

    /// Which input rows output row `i` reads, for each output row of one axis.
    static func offsets(_ out: inout Transcript) throws {
        // @code offsets
        for (input, padding) in [(6, Padding.same), (5, Padding.same), (7, Padding.valid)] {
            let axis = try WindowAxis(input: input, kernel: 3, stride: 2, padding: padding)
            out.say("\(padding) on \(input) rows, 3 taps, stride 2: \(axis.output) outputs, "
                    + "pads \(axis.padBefore) before and \(axis.padAfter) after")
            for i in 0..<axis.output {
                // Tap a of output i reads row i * stride + a - padBefore (outside 0..<input: a padded zero).
                let rows = (0..<3).map { a -> String in
                    let row = i * axis.stride + a - axis.padBefore
                    return (0..<input).contains(row) ? "\(row)" : "(\(row))"
                }
                out.say("  output \(i) reads rows \(rows.joined(separator: ", "))")
            }
        }
        // @end
    }

    // @code by-hand
    /// The filter and bias gradients of `y = conv2d(x, w) + b`, written out from the forward sum
    ///
    ///     y[n, i, j, o] = b[o] + Σ_{a, b, c} x[n, i·s + a·d - padTop, j·s + b·d - padLeft, c] · w[a, b, c, o]
    ///
    /// Every output element used weight w[a, b, c, o] once, with the input pixel at that offset,
    /// and the bias once: so each gradient sums over every output position.
    static func filterAndBiasGradients(x: Tensor<Double>, filterShape: [Int], dOutput dy: Tensor<Double>,
                                       stride s: Int, padding: Padding, dilation d: Int = 1) throws
        -> (dFilter: Tensor<Double>, dBias: Tensor<Double>) {
        let (kh, kw, channels, filters) = (filterShape[0], filterShape[1], filterShape[2], filterShape[3])
        let rows = try WindowAxis(input: x.shape[1], kernel: kh, stride: s, dilation: d, padding: padding)
        let cols = try WindowAxis(input: x.shape[2], kernel: kw, stride: s, dilation: d, padding: padding)
        var dFilter = try Tensor<Double>(zeros: filterShape)
        var dBias = try Tensor<Double>(zeros: [filters])
        for n in 0..<x.shape[0] {
            for i in 0..<rows.output {
                for j in 0..<cols.output {
                    for o in 0..<filters {
                        let upstream = dy[n, i, j, o]
                        dBias[o] += upstream                                   // dB[o] = Σ dY[n, i, j, o]
                        for a in 0..<kh {
                            let r = i * s + a * d - rows.padBefore
                            guard r >= 0 && r < x.shape[1] else { continue }   // a padded zero: no gradient
                            for b in 0..<kw {
                                let c = j * s + b * d - cols.padBefore
                                guard c >= 0 && c < x.shape[2] else { continue }
                                for ch in 0..<channels {
                                    dFilter[a, b, ch, o] += upstream * x[n, r, c, ch]  // dW += dY · x at the offset
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dFilter, dBias)
    }
    // @end

    /// The hand-written gradients against the library and against centred differences.
    static func byHandCheck(_ out: inout Transcript) throws {
        // @code by-hand-check
        var generator = SeededGenerator(seed: 10)
        let cases: [(size: Int, stride: Int, padding: Padding, dilation: Int)] = [
            (6, 2, .same, 1), (5, 2, .same, 1), (7, 2, .valid, 1), (6, 1, .same, 2),
        ]
        for (size, stride, padding, dilation) in cases {
            let x = try random([2, size, size, 3], &generator), w = try random([3, 3, 3, 4], &generator)
            let b = try random([4], &generator)
            func forward(_ w: Tensor<Double>, _ b: Tensor<Double>) throws -> Tensor<Double> {
                try Reference.biasAddForward(try Reference.conv2DForward(x, filter: w, strides: Size2(stride, stride),
                                                                         padding: padding, dilations: Size2(dilation, dilation)), bias: b)
            }
            let dy = try random(try forward(w, b).shape, &generator)
            let (dW, dB) = try filterAndBiasGradients(x: x, filterShape: w.shape, dOutput: dy, stride: stride,
                                                      padding: padding, dilation: dilation)
            // The library: conv2DBackward's dFilter, biasAddBackward's dBias.
            let library = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: Size2(stride, stride),
                                                       padding: padding, dilations: Size2(dilation, dilation)).dFilter
            let libraryBias = try Reference.biasAddBackward(dOutput: dy).dBias
            let same = try dW.maxAbsDifference(library) < 1e-12 && dB.maxAbsDifference(libraryBias) < 1e-12
            // Centred differences of L = Σ dY · y.
            func loss(_ w: Tensor<Double>, _ b: Tensor<Double>) throws -> Double {
                zip(try forward(w, b).scalars, dy.scalars).map { $0 * $1 }.reduce(0, +)
            }
            let eW = relativeError(dW, try numericalGradient({ try loss($0, b) }, at: w))
            let eB = relativeError(dB, try numericalGradient({ try loss(w, $0) }, at: b))
            out.say("\(size)x\(size) \(padding) stride \(stride) dilation \(dilation): "
                    + "by hand = library: \(same ? "yes" : "NO"); relative error dW \(eW, scientific: 0) "
                    + "dB \(eB, scientific: 0)\(max(eW, eB) < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        }
        // @end
    }

    /// dFilter as a forward convolution: the (zero-padded) input, batch and channels swapped,
    /// convolved with dOutput as the filter, dilated by the stride.
    static func dFilterAsConvolution(_ out: inout Transcript) throws {
        // @code dfilter-as-conv
        var generator = SeededGenerator(seed: 11)
        let (n, size, c, o, k, s) = (2, 6, 3, 4, 3, 2)
        let x = try random([n, size, size, c], &generator), w = try random([k, k, c, o], &generator)
        let dy = try random([n, 3, 3, o], &generator)                     // SAME, stride 2: 6 -> 3
        let dW = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: Size2(s, s), padding: .same).dFilter
        // dW[a, b, ch, o] = Σ_{n, i, j} xp[n, a + i·s, b + j·s, ch] · dY[n, i, j, o], with xp the padded input
        // (0 rows before, 1 after, as the offsets above). Read ch as the batch and n as the channel:
        let axis = try WindowAxis(input: size, kernel: k, stride: s, padding: .same)
        let padded = size + axis.padBefore + axis.padAfter
        var xp = try Tensor<Double>(zeros: [c, padded, padded, n])
        for b in 0..<n { for r in 0..<size { for q in 0..<size { for ch in 0..<c {
            xp[ch, r + axis.padBefore, q + axis.padBefore, b] = x[b, r, q, ch]
        } } } }
        // dY as a filter [3, 3, n, o]: it already is, once n moves next to o.
        var filter = try Tensor<Double>(zeros: [3, 3, n, o])
        for b in 0..<n { for i in 0..<3 { for j in 0..<3 { for f in 0..<o { filter[i, j, b, f] = dy[b, i, j, f] } } } }
        let conv = try Reference.conv2DForward(xp, filter: filter, padding: .valid, dilations: Size2(s, s))
        out.say("padded input as [C, H, W, N] \(shape: xp.shape), dY as a filter \(shape: filter.shape), dilation \(s) "
                + "-> \(shape: conv.shape)")
        var worst = 0.0
        for a in 0..<k { for b in 0..<k { for ch in 0..<c { for f in 0..<o {
            worst = max(worst, abs(conv[ch, a, b, f] - dW[a, b, ch, f]))
        } } } }
        out.say("max |conv - dFilter| \(worst < 1e-12 ? "below 1e-12" : "TOO LARGE")")
        // @end
    }

    // MARK: - Softmax cross-entropy

    static func softmaxCrossEntropy(_ out: inout Transcript) throws {
        // @code softmax-ce
        // CS231n's example: probabilities 0.2, 0.3, 0.5 and the correct class in the middle.
        let logits = try Tensor<Double>(shape: [1, 3], scalars: [0.2, 0.3, 0.5].map { log($0) })
        let labels = try Tensor<Double>(shape: [1, 3], scalars: [0, 1, 0])
        let p = try Reference.softmaxForward(logits)
        out.say("p = softmax(z) = \(try p.reshaped([3]), decimals: 4)")
        // The softmax Jacobian: dp_k/dz_j = p_k (δ_kj - p_j).
        var jacobian = try Tensor<Double>(zeros: [3, 3])
        for k in 0..<3 { for j in 0..<3 { jacobian[k, j] = p[0, k] * ((k == j ? 1 : 0) - p[0, j]) } }
        out.say("dp/dz = diag(p) - p pᵀ:")
        try out.grid(jacobian, decimals: 2)
        // The chain rule: dL/dz_j = Σ_k (dL/dp_k)(dp_k/dz_j), with dL/dp_k = -y_k / p_k.
        let chained = (0..<3).map { j in (0..<3).map { k in -labels[0, k] / p[0, k] * jacobian[k, j] }.reduce(0, +) }
        out.say("chain rule:   \(Tensor(chained), decimals: 4)")
        out.say("p - y:        \(try Tensor(shape: [3], scalars: (0..<3).map { p[0, $0] - labels[0, $0] }), decimals: 4)")
        let library = try Reference.softmaxCrossEntropyBackward(labels: labels, logits: logits, dOutput: Tensor([1]))
        out.say("library:      \(try library.reshaped([3]), decimals: 4)")
        let numeric = try numericalGradient({ z in
            try Reference.softmaxCrossEntropyForward(labels: labels, logits: z).scalars[0]
        }, at: logits)
        out.say("numerical:    \(try numeric.reshaped([3]), decimals: 4)")
        // @end
    }

    // MARK: - The transposed convolution

    /// The matrix C of a conv2d on a 5x5 image (kernel 1...9, stride 2, VALID): column q of C is
    /// the output for the image that is 1 at pixel q and 0 elsewhere.
    static func convolutionMatrix(kernel: Tensor<Double>) throws -> Tensor<Double> {
        // @code conv-matrix-build
        var matrix = try Tensor<Double>(zeros: [4, 25])          // 2x2 outputs, 5x5 inputs
        for q in 0..<25 {
            var basis = try Tensor<Double>(zeros: [1, 5, 5, 1])
            basis[0, q / 5, q % 5, 0] = 1
            let y = try Reference.conv2DForward(basis, filter: kernel, strides: 2, padding: .valid)
            for p in 0..<4 { matrix[p, q] = y.scalars[p] }
        }
        return matrix
        // @end
    }

    static let kernel = Result { try Tensor<Double>(shape: [3, 3, 1, 1], scalars: (1...9).map(Double.init)) }

    static func convolutionMatrix(_ out: inout Transcript) throws {
        // @code conv-matrix
        let matrix = try convolutionMatrix(kernel: try kernel.get())
        out.say("C, the 5x5 -> 2x2 conv2d (kernel 1...9, stride 2, VALID) as a [4, 25] matrix:")
        try out.grid(matrix)
        // conv2d(x) is C times x read as a column of 25 numbers.
        var generator = SeededGenerator(seed: 12)
        let x = try random([1, 5, 5, 1], &generator)
        let y = try Reference.conv2DForward(x, filter: try kernel.get(), strides: 2, padding: .valid)
        let product = (0..<4).map { p in (0..<25).map { matrix[p, $0] * x.scalars[$0] }.reduce(0, +) }
        out.say("conv2d(x) \(try y.reshaped([4]), decimals: 4), C·x \(Tensor(product), decimals: 4)")
        // @end
    }

    static func transpose(_ out: inout Transcript) throws {
        // @code transpose
        let kernel = try kernel.get()
        let matrix = try convolutionMatrix(kernel: kernel)
        let dy = try Tensor<Double>(image: [[1, 10], [100, 1000]])
        // Cᵀ·dy: every input cell gets the dy-weighted sum of the kernel weights that touched it.
        let transposed = (0..<25).map { q in (0..<4).map { matrix[$0, q] * dy.scalars[$0] }.reduce(0, +) }
        out.say("Cᵀ · [1, 10, 100, 1000], as a 5x5 image:")
        try out.grid(try Tensor(shape: [5, 5], scalars: transposed))
        // ConvLab's tf.nn.conv2d_transpose: dy [1, 2, 2, 1], the filter [3, 3, out 1, in 1], output_shape 5x5.
        let upsampled = try Reference.conv2DTranspose(dy, filter: kernel, outputSize: Size2(5, 5), strides: 2, padding: .valid)
        let expected = try Tensor(shape: [1, 5, 5, 1], scalars: transposed)
        out.say("conv2DTranspose \(shape: dy.shape) -> \(shape: upsampled.shape) is Cᵀ·dy: \(try upsampled.maxAbsDifference(expected) == 0 ? "yes" : "NO")")
        // TF computes it as conv2d_backprop_input: the dInput of the 5x5 -> 2x2 conv2d for dOutput = dy.
        let dInput = try Reference.conv2DBackward(try Tensor(zeros: [1, 5, 5, 1]), filter: kernel, dOutput: dy,
                                                  strides: 2, padding: .valid).dInput
        out.say("conv2DBackward's dInput for dOutput = dy: \(try dInput.maxAbsDifference(expected) == 0 ? "the same" : "DIFFERENT")")
        // @end
    }

    /// The output sizes a transposed convolution may be asked for: those `OH` for which the
    /// forward conv2d maps `OH` back to `H` (TF checks exactly this), and the one Keras picks.
    static func outputSizes(_ out: inout Transcript) throws {
        // @code output-sizes
        var table = Table("H", "K", "s", "padding", "sizes conv2d maps back to H", "Keras' choice")
        var agree = true
        for (h, k, s) in [(3, 3, 2), (4, 3, 2), (4, 4, 2), (7, 5, 2), (3, 3, 3)] {
            for padding in Padding.allCases {
                let allowed = (1...(h * s + k)).filter { oh in
                    (try? WindowAxis(input: oh, kernel: k, stride: s, padding: padding).output) == h
                }
                // tf.keras.layers.Conv2DTranspose without output_padding: H·s for SAME, H·s + max(K - s, 0) for VALID,
                // which is also ConvLab's default when no output size is given.
                let keras = padding == .same ? h * s : h * s + max(k - s, 0)
                let convLab = try Conv2DTransposeGeometry.defaultOutputSize(input: Size2(h, h), kernel: Size2(k, k),
                    strides: Size2(s, s), padding: padding, dilations: 1).h
                agree = agree && convLab == keras
                table.row("\(h)", "\(k)", "\(s)", "\(padding)", "\(allowed.map(String.init).joined(separator: ", "))", "\(keras)")
            }
        }
        out.say(table)
        out.say("ConvLab's default (conv2DTranspose without outputSize) is Keras' choice in every row: \(agree ? "yes" : "NO")")
        // An output size outside the list is refused, as TF refuses it.
        let x = try Tensor<Double>(zeros: [1, 3, 3, 1])
        do {
            _ = try Reference.conv2DTranspose(x, filter: try kernel.get(), outputSize: Size2(7, 7), strides: 2, padding: .same)
        } catch {
            out.say("3x3, SAME, stride 2, asked for 7x7: \(String(describing: error))")
        }
        // @end
    }

    /// SAME outputs of the 2x2 example are crops of the VALID 5x5 one.
    static func sameCrops(_ out: inout Transcript) throws {
        // @code same-crops
        let dy = try Tensor<Double>(image: [[1, 10], [100, 1000]])
        let full = try Reference.conv2DTranspose(dy, filter: try kernel.get(), strides: 2, padding: .valid)   // 5x5
        for size in [4, 3] {
            let same = try Reference.conv2DTranspose(dy, filter: try kernel.get(), outputSize: Size2(size, size),
                                                     strides: 2, padding: .same)
            let padTop = try WindowAxis(input: size, kernel: 3, stride: 2, padding: .same).padBefore
            // Output cell (i, j) is the full scatter's cell (i + padTop, j + padTop).
            var crop = try Tensor<Double>(zeros: [1, size, size, 1])
            for i in 0..<size { for j in 0..<size { crop[0, i, j, 0] = full[0, i + padTop, j + padTop, 0] } }
            out.say("SAME, output \(size)x\(size): pads \(padTop) before; the VALID 5x5's rows and columns "
                    + "\(padTop)...\(padTop + size - 1): \(try same.maxAbsDifference(crop) == 0 ? "yes" : "NO")")
            try out.grid(same)
        }
        // @end
    }

    /// Lecture 7's autoencoder example: the decoder's transposed convolutions, with the sizes its
    /// `get_deconv2d_output_dims` computes.
    static func autoencoder(_ out: inout Transcript) throws {
        // @code autoencoder
        // layer_utils.py: SAME -> input * stride, VALID -> (input - 1) * stride + filter.
        func deconvSize(_ input: Int, filter: Int, stride: Int, padding: Padding) -> Int {
            padding == .same ? input * stride : (input - 1) * stride + filter
        }
        var generator = SeededGenerator(seed: 13)
        var x = try random([1, 4, 4, 8], &generator)            // the FC output reshaped to [4, 4, 8]
        out.say("decoder input \(shape: x.shape)")
        for (k, channels, stride, padding) in [(3, 8, 2, Padding.same), (8, 1, 2, .valid), (7, 1, 1, .valid)] {
            let size = deconvSize(x.shape[1], filter: k, stride: stride, padding: padding)
            let filters = try random([k, k, channels, x.shape[3]], &generator)   // [K, K, out, in]
            x = try Reference.conv2DTranspose(x, filter: filters, outputSize: Size2(size, size),
                                              strides: Size2(stride, stride), padding: padding)
            // TF (and ConvLab) accept output_shape only if conv2d of that shape gives back the input's size.
            let back = try WindowAxis(input: size, kernel: k, stride: stride, padding: padding).output
            out.say("deconv \(k)x\(k)x\(channels), stride \(stride), \(padding): -> \(shape: x.shape); "
                    + "conv2d maps \(size) back to \(back)")
        }
        // The encoder it mirrors: three 3x3 stride-2 SAME convolutions.
        out.say("encoder sizes: \(try sizeChain(from: 28, windows: 3, kernel: 3, stride: 2, padding: .same))")
        // @end
    }

    /// How many kernel copies land on each output cell of a transposed convolution of a
    /// `size`x`size` input, with every input and weight 1 (VALID, so every copy is kept).
    static func overlapCounts(size: Int, kernel k: Int, stride s: Int) throws -> Tensor<Double> {
        let input = try Tensor<Double>(shape: [1, size, size, 1], repeating: 1)
        let ones = try Tensor<Double>(shape: [k, k, 1, 1], repeating: 1)
        return try Reference.conv2DTranspose(input, filter: ones, strides: Size2(s, s), padding: .valid)
    }

    static func overlap(_ out: inout Transcript) throws {
        // @code overlap
        out.say("kernel 3, stride 2, a 4x4 input: copies per output cell")
        try out.grid(try overlapCounts(size: 4, kernel: 3, stride: 2))
        for (k, s) in [(4, 2), (2, 2), (3, 1), (5, 3)] {
            let counts = try overlapCounts(size: 4, kernel: k, stride: s)
            let firstRow = (0..<counts.shape[2]).map { String(Int(counts[0, 0, $0, 0])) }
            out.say("kernel \(k), stride \(s), first row: \(firstRow.joined(separator: " "))")
        }
        // @end
    }

    static func tryIt(_ out: inout Transcript) throws {
        // @code try-it
        // 1. SAME, 3 taps, stride 2 on 8 rows: pads and the rows output 3 reads.
        let axis = try WindowAxis(input: 8, kernel: 3, stride: 2, padding: .same)
        let rows = (0..<3).map { a in String(3 * axis.stride + a - axis.padBefore) }
        out.say("1. pads \(axis.padBefore) before, \(axis.padAfter) after; output 3 reads rows \(rows.joined(separator: ", "))")
        // 2. A soft label [0.5, 0.5, 0] on CS231n's probabilities.
        let p = [0.2, 0.3, 0.5], y = [0.5, 0.5, 0.0]
        out.say("2. p - y = \(Tensor(zip(p, y).map { $0 - $1 }), decimals: 2)")
        // 3. The transposed convolution of a 3x3 image of ones, kernel 2x2 of ones, stride 2, VALID.
        let ones = try Tensor<Double>(shape: [1, 3, 3, 1], repeating: 1)
        let up = try Reference.conv2DTranspose(ones, filter: try Tensor(shape: [2, 2, 1, 1], repeating: 1),
                                               strides: 2, padding: .valid)
        out.say("3. \(shape: ones.shape) -> \(shape: up.shape):")
        try out.grid(up)
        // @end
    }

    // MARK: - Pictures

    /// The 2x2 input [1, 10, 100, 1000] painting four scaled copies of the kernel into the 5x5
    /// output, their sum, and how many copies each cell receives.
    static func transposeFigure() throws -> String {
        let kernel = try kernel.get()
        let dy = [1.0, 10, 100, 1000]
        var panels: [GridPicture.Panel] = []
        var sum = Array(repeating: Array(repeating: 0.0, count: 5), count: 5)
        var counts = sum
        for p in 0..<4 {
            var copy = Array(repeating: Array(repeating: 0.0, count: 5), count: 5)
            let (i, j) = (p / 2, p % 2)
            for a in 0..<3 {
                for b in 0..<3 {
                    copy[2 * i + a][2 * j + b] = dy[p] * kernel[a, b, 0, 0]
                    sum[2 * i + a][2 * j + b] += dy[p] * kernel[a, b, 0, 0]
                    counts[2 * i + a][2 * j + b] += 1
                }
            }
            panels.append(GridPicture.Panel(title: "\(Int(dy[p])) × kernel at (\(2 * i),\(2 * j))", values: copy,
                                            palette: .sequential(limit: 9 * dy[p])))
        }
        panels.append(GridPicture.Panel(title: "the sum: the output", values: sum))
        panels.append(GridPicture.Panel(title: "copies per cell", values: counts, palette: .sequential(limit: 6)))
        return GridPicture(panels: panels, palette: .sequential(limit: 9000), cell: 34, showValues: true,
                           blankZeros: true, decimals: 0, columns: 6).svg()
    }
}
