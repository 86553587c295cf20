import ConvLab

/// Module 3, "Kernels without training": the code `Lectures/03-kernels.md` walks through.
enum KernelsLecture {
    static let lecture = Lecture(
        number: 3, title: "Kernels without training",
        markdown: "03-kernels.md", source: "Lecture03Kernels.swift",
        snippets: [
            Snippet("the-kernels", theKernels),
            Snippet("on-edges", onEdges),
            Snippet("colour-modes", colourModes),
            Snippet("kernels-py", kernelsPy),
            // The photograph's means are sums of 135,300 Floats, whose last bits depend on the
            // summation order; pixels that blur to exactly 1 land a rounding either side of it.
            Snippet("photograph", loose: [.absolute(1e-4, after: "mean"), .absolute(0.05, after: "above 1")], photograph),
            Snippet("answers", answers),
        ],
        figures: [
            Figure("kernels.svg", { Array(kernelsFigure().utf8) }),Figure("kernels.generated.png", stable: false, slow: true, committed: false, {
            // The contact sheet at full resolution: every kernel in every channel mode.
            let photo = try PNG.read(try Photograph.chelseaPath()).tensor()
            let sheet = try kernelContactSheet(image: photo, kernels: Kernels(.fast))
            return PNG.encode(try Image(tensor: sheet.tensor()))
        })])

    /// The six kernels of the lecture and kernels.py, and what each does to a flat image.
    static func theKernels(_ out: inout Transcript) throws {
        // @code the-kernels
        for kernel in ClassicKernel.allCases {
            out.say("\(kernel.description) (weights sum to \(Double(kernel.weightSum), decimals: 0)):")
            try out.grid(try Tensor<Float>(kernel.weights))
        }
        // @end
    }

    /// The photograph, and what each channel mode does to its overall brightness.
    static func photograph(_ out: inout Transcript) throws {
        // @code photograph
        let photo = try PNG.read(try Photograph.chelseaPath()).tensor()      // [1, 300, 451, 3] in [0, 1]
        out.say("Chelsea the cat: \(shape: photo.shape)")
        func channelMeans(_ t: Tensor<Float>) -> [Double] {
            let c = t.shape[3]
            return (0..<c).map { k in stride(from: k, to: t.count, by: c).map { Double(t.scalars[$0]) }.reduce(0, +) / Double(t.count / c) }
        }
        var line: Line = "mean R, G, B of the photograph:"
        for m in channelMeans(photo) { line = line + " \(m, decimals: 3)" }
        out.say(line)
        // Every third pixel keeps the doc-test quick: the blur at stride 3 (module 1).
        var table = Table("blur", "output", "mean per channel", "above 1 (clipped to white in a file)")
        for mode in ClassicKernel.ChannelMode.allCases {
            let blurred = try ClassicKernel.blur.apply(to: photo, mode: mode, stride: 3)
            var means: Line = ""
            for m in channelMeans(blurred) { means = means + "\(m, decimals: 3) " }
            let clipped = blurred.scalars.filter { $0 > 1 }.count
            table.row("\(mode == .perChannel ? "per channel" : mode == .grey ? "grey" : "mixing")", "\(shape: blurred.shape)",
                      means, "\(100 * Double(clipped) / Double(blurred.count), decimals: 1)%")
        }
        out.say(table)
        // @end
    }

    /// What the course's kernels.py actually ships: grey `[3, 3, 1, 1]` filters (the ones
    /// 07_basic_filters.py uses by default) beside the `[3, 3, 3, 3]` RGB ones.
    static func kernelsPy(_ out: inout Transcript) throws {
        // @code kernels-py
        // kernels.py's grey BLUR_FILTER sets all nine weights to 1.0 (its 0.0625 ... lines are
        // commented out); its grey EDGE_FILTER has 4 at the centre and -1 at the four neighbours.
        let greyBlur = try Tensor<Float>(shape: [3, 3, 1, 1], repeating: 1)
        let greyEdge = try Tensor<Float>([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]).reshaped([3, 3, 1, 1])
        out.say("BLUR_FILTER \(shape: greyBlur.shape): weights sum to \(greyBlur.sum(), decimals: 0) "
                + "(the lecture's blur: \(Double(ClassicKernel.blur.weightSum), decimals: 0))")
        let edge4 = ClassicKernel.edge4.weights.joined().map { $0 }
        out.say("EDGE_FILTER \(shape: greyEdge.shape) is -1 x edge 4-neighbour: \(greyEdge.scalars == edge4.map { -$0 })")
        // Its EDGE_FILTER_RGB is channel-diagonal: weight [a, b, c, o] is the edge-8 weight when
        // c == o and 0 otherwise, so output channel o sees input channel o only.
        var edgeRGB = try Tensor<Float>(zeros: [3, 3, 3, 3])
        for a in 0..<3 { for b in 0..<3 { for c in 0..<3 { edgeRGB[a, b, c, c] = ClassicKernel.edge8.weights[a][b] } } }
        // On the photograph, at 07_basic_filters.py's stride 3 and SAME padding:
        let photo = try PNG.read(try Photograph.chelseaPath()).tensor()
        let diagonal = try Reference.conv2DForward(photo, filter: edgeRGB, strides: 3, padding: .same)
        let perChannel = try ClassicKernel.edge8.apply(to: photo, mode: .perChannel, stride: 3)
        out.say("EDGE_FILTER_RGB against the per-channel edge 8-neighbour: max |difference| "
                + "\(try diagonal.maxAbsDifference(perChannel), decimals: 1)")
        // The script's default path: the grey photograph through BLUR_FILTER.
        let grey = try ClassicKernel.greyscale(photo)
        let blurred = try Reference.conv2DForward(grey, filter: greyBlur, strides: 3, padding: .same)
        let ratio = (blurred.sum() / Float(blurred.count)) / (grey.sum() / Float(grey.count))
        out.say("grey photograph through BLUR_FILTER: mean brightness x \(ratio, decimals: 2)")
        // @end
    }

    /// A 7x7 grey image: dark left part, bright right part, and one bright dot.
    static func edgeImage() throws -> Tensor<Float> {
        var image = try Tensor<Float>(zeros: [1, 7, 7, 1])
        for i in 0..<7 { for j in 4..<7 { image[0, i, j, 0] = 1 } }
        image[0, 1, 1, 0] = 1
        return image
    }

    /// Each kernel on a small image with a vertical edge and a dot, SAME padding.
    static func onEdges(_ out: inout Transcript) throws {
        // @code on-edges
        let image = try edgeImage()
        out.say("the image (an edge between columns 3 and 4, a dot at row 1, column 1):")
        try out.grid(image)
        for kernel in [ClassicKernel.blur, .sharpen, .edge8, .topSobel, .emboss] {
            let result = try kernel.apply(to: image, mode: .grey)   // one channel: grey is the image itself
            out.say("\(kernel.description):")
            try out.grid(result, decimals: 4)
        }
        // @end
    }

    /// The three ways to meet colour channels, on a flat orange image.
    static func colourModes(_ out: inout Transcript) throws {
        // @code colour-modes
        // A 5x5 image of one colour, RGB (0.8, 0.4, 0.1): orange.
        let orange = try Tensor<Float>(shape: [1, 5, 5, 3], scalars: Array(repeating: [0.8, 0.4, 0.1], count: 25).flatMap { $0 })
        var table = Table("kernel", "channel mode", "centre pixel")
        for kernel in [ClassicKernel.blur, .edge8] {
            for mode in ClassicKernel.ChannelMode.allCases {
                let result = try kernel.apply(to: orange, mode: mode)
                // The centre pixel: far from the border, so only the kernel's weights matter.
                let centre = (0..<result.shape[3]).map { result[0, 2, 2, $0] }
                let label = switch mode {
                case .perChannel: "per channel (depthwise)"
                case .grey: "grey"
                case .mixedAsKernelsPy: "mixing [3,3,3,3]"
                }
                var values: Line = ""
                for value in centre { values = values + "\(value, decimals: 3) " }
                table.row("\(kernel.description)", "\(label)", values)
            }
        }
        out.say(table)
        out.say("mixing filter shape: \(shape: ClassicKernel.blur.mixingFilter(channels: 3).shape), "
                + "depthwise: \(shape: ClassicKernel.blur.depthwiseFilter(channels: 3).shape)")
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let flat = try Tensor<Float>(shape: [1, 5, 5, 1], repeating: 0.3)
        out.say("1. sharpen on a flat 0.3: centre \(try ClassicKernel.sharpen.apply(to: flat, mode: .grey)[0, 2, 2, 0], decimals: 4)")
        var ramp = try Tensor<Float>(zeros: [1, 5, 5, 1])
        for i in 0..<5 { for j in 0..<5 { ramp[0, i, j, 0] = Float(i) } }
        out.say("2. top Sobel on rows 0, 1, 2, ...: centre \(try ClassicKernel.topSobel.apply(to: ramp, mode: .grey)[0, 2, 2, 0], decimals: 0)")
        let grey = try Tensor<Float>(shape: [1, 5, 5, 3], repeating: 0.2)
        let mixed = try ClassicKernel.blur.apply(to: grey, mode: .mixedAsKernelsPy)
        out.say("3. mixing blur on (0.2, 0.2, 0.2): (\((0..<3).map { String(format: "%.1f", mixed[0, 2, 2, $0]) }.joined(separator: ", ")))")
        // @end
    }

    /// The six kernels as small heatmaps: red positive, blue negative, each scaled by its
    /// largest weight, with the weights written in.
    static func kernelsFigure() -> String {
        let cell = 34.0, gap = 40.0
        let kernels = ClassicKernel.allCases
        var d = Diagram(width: gap + Double(kernels.count) * (3 * cell + gap), height: 200)
        for (k, kernel) in kernels.enumerated() {
            let left = gap + Double(k) * (3 * cell + gap)
            let largest = Double(kernel.weights.joined().map { abs($0) }.max() ?? 1)
            d.text(kernel.description, x: left + 1.5 * cell, y: 30, size: 12, bold: true)
            d.grid(rows: 3, columns: 3, x: left, y: 44, cell: cell,
                   fill: { r, c in Diagram.diverging(Double(kernel.weights[r][c]) / largest) },
                   label: { r, c in
                       let weight = Double(kernel.weights[r][c])
                       return weight == weight.rounded() ? String(Int(weight)) : String(format: "%g", weight)
                   }, size: kernel == .blur ? 9 : 12)      // the blur's decimals need a smaller font
            d.text("sum \(String(format: "%g", Double(kernel.weightSum)))", x: left + 1.5 * cell, y: 44 + 3 * cell + 22, size: 12)
        }
        d.text("red: positive weights, blue: negative, white: 0 (each kernel scaled by its largest weight)",
               x: d.width / 2, y: 186, size: 12)
        return d.svg
    }
}
