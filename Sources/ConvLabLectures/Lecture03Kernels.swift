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
            // The photograph's means are sums of 135,300 Floats, whose last bits depend on the
            // summation order; pixels that blur to exactly 1 land a rounding either side of it.
            Snippet("photograph", loose: [.absolute(1e-4, after: "mean"), .absolute(0.05, after: "above 1")], photograph),
        ],
        figures: [Figure("kernels.generated.png", stable: false, slow: true, committed: false, {
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
            table.row("\(mode == .perChannel ? "per channel" : mode == .grey ? "grey" : "kernels.py")", "\(shape: blurred.shape)",
                      means, "\(100 * Double(clipped) / Double(blurred.count), decimals: 1)%")
        }
        out.say(table)
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
                case .mixedAsKernelsPy: "kernels.py [3,3,3,3]"
                }
                var values: Line = ""
                for value in centre { values = values + "\(value, decimals: 3) " }
                table.row("\(kernel.description)", "\(label)", values)
            }
        }
        out.say(table)
        out.say("mixing filter shape (kernels.py): \(shape: ClassicKernel.blur.mixingFilter(channels: 3).shape), "
                + "depthwise: \(shape: ClassicKernel.blur.depthwiseFilter(channels: 3).shape)")
        // @end
    }
}
