import ConvLab

/// Module 16, "Depthwise and separable convolutions": the code `Lectures/16-depthwise-separable.md`
/// walks through.
enum DepthwiseSeparableLecture {
    static let lecture = Lecture(
        number: 16, title: "Depthwise and separable convolutions",
        markdown: "16-depthwise-separable.md", source: "Lecture16DepthwiseSeparable.swift",
        snippets: [
            Snippet("three-kinds", threeKinds),
            Snippet("factorized", factorized),
            Snippet("costs", costs),
            Snippet("separable-gradient", loose: [.gradientCheck], separableGradient),
            Snippet("answers", answers),
        ],
        figures: [
            // The two-channel image of "three-kinds" under the [2,2,2,1] filter of ones, depthwise.
            Figure.animation("depthwise-two-channels.svg", ["--op", "depthwise", "--channels", "2",
                                                            "--input-values", "1,10,2,20,3,30;4,40,5,50,6,60;7,70,8,80,9,90"]),
            Figure("depthwise-separable.svg", { Array(connectionsFigure().utf8) }),
        ])

    /// conv2d mixes channels; depthwise_conv2d keeps them apart; separable_conv2d does one, then
    /// mixes with a 1x1 convolution.
    static func threeKinds(_ out: inout Transcript) throws {
        // @code three-kinds
        // A 3x3 image with two channels: channel 0 holds 1...9, channel 1 holds 10, 20, ..., 90.
        var image = try Tensor<Double>(zeros: [1, 3, 3, 2])
        for p in 0..<9 {
            image[0, p / 3, p % 3, 0] = Double(p + 1)
            image[0, p / 3, p % 3, 1] = Double(10 * (p + 1))
        }
        let ones = try Tensor<Double>(shape: [2, 2, 2, 1], repeating: 1)
        // conv2d: one filter spanning both channels -> one output channel, the sum of both.
        let mixed = try Reference.conv2DForward(image, filter: ones, padding: .valid)
        out.say("conv2d [2,2,2,1]:           \(shape: mixed.shape) \(try mixed.reshaped([2, 2]))")
        // depthwise: filter [KH, KW, C, M] = [2, 2, 2, 1], one filter per channel, channels kept apart.
        let apart = try Reference.depthwiseConv2DForward(image, filter: ones, padding: .valid)
        for c in 0..<2 {
            let map = try Tensor<Double>(shape: [2, 2], scalars: (0..<4).map { apart.scalars[$0 * 2 + c] })
            out.say("depthwise [2,2,2,1], channel \(c): \(map)")
        }
        // separable: the depthwise step, then a 1x1 "pointwise" conv with weights [1, -1] mixing the two maps.
        let pointwise = try Tensor<Double>(shape: [1, 1, 2, 1], scalars: [1, -1])
        let separable = try Reference.separableConv2DForward(image, depthwiseFilter: ones, pointwiseFilter: pointwise,
                                                             padding: .valid)
        out.say("separable, pointwise [1, -1]: \(shape: separable.shape) \(try separable.reshaped([2, 2]))")
        // @end
    }

    /// A separable convolution is a conv2d whose filter factors as depthwise x pointwise.
    static func factorized(_ out: inout Transcript) throws {
        // @code factorized
        var generator = SeededGenerator(seed: 11)
        let (c, m, o) = (3, 2, 4)
        let x = try random([1, 6, 6, c], &generator)
        let depthwise = try random([3, 3, c, m], &generator), pointwise = try random([1, 1, c * m, o], &generator)
        let separable = try Reference.separableConv2DForward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                             padding: .same)
        // The equivalent full filter: w[a, b, c, o] = sum over m of depthwise[a, b, c, m] * pointwise[c*M + m, o].
        var full = try Tensor<Double>(zeros: [3, 3, c, o])
        for a in 0..<3 { for b in 0..<3 { for ci in 0..<c { for oi in 0..<o { for mi in 0..<m {
            full[a, b, ci, oi] += depthwise[a, b, ci, mi] * pointwise[0, 0, ci * m + mi, oi]
        } } } } }
        let asConv2D = try Reference.conv2DForward(x, filter: full, padding: .same)
        let difference = try separable.maxAbsDifference(asConv2D)
        out.say("separable \(shape: separable.shape) vs conv2d with the product filter \(shape: full.shape): "
                + "max |difference| \(difference < 1e-12 ? "below 1e-12" : "TOO LARGE")")
        out.say("free numbers: product filter \(full.count) entries, but only \(depthwise.count) + \(pointwise.count) = \(depthwise.count + pointwise.count) are learned")
        // @end
    }

    /// Parameters and multiply-adds of conv2d, depthwise and separable layers.
    static func costs(_ out: inout Transcript) throws {
        // @code costs
        // (name, input side, input channels, kernel, output channels)
        let layers: [(String, Int, Int, Int, Int)] = [
            ("lecture 7 conv2", 14, 32, 5, 64),
            ("112x112, 32 -> 64", 112, 32, 3, 64),
            ("14x14, 512 -> 512", 14, 512, 3, 512),
        ]
        var table = Table("layer", "weights: conv2d", "separable", "ratio", "1/O + 1/K^2", "|", "multiply-adds: conv2d", "separable")
        for (name, side, c, k, o) in layers {
            let g = try Conv2DGeometry(input: [1, side, side, c], filter: [k, k, c, o], strides: 1, padding: .same, dilations: 1)
            let positions = g.rows.output * g.cols.output
            let conv = k * k * c * o                      // weights, no bias
            let separable = k * k * c + c * o             // depthwise (M = 1) + pointwise
            let ratio = Double(separable) / Double(conv)
            table.row("\(name)", "\(thousands(conv))", "\(thousands(separable))", "\(ratio, decimals: 3)",
                      "\(1 / Double(o) + 1 / Double(k * k), decimals: 3)", "|",
                      "\(thousands(positions * conv))", "\(thousands(positions * separable))")
        }
        out.say(table)
        // @end
    }

    /// The separable backward pass (the chain rule through its two ops) against centred differences.
    static func separableGradient(_ out: inout Transcript) throws {
        // @code separable-gradient
        var generator = SeededGenerator(seed: 12)
        let x = try random([1, 5, 5, 2], &generator), wd = try random([3, 3, 2, 2], &generator)
        let wp = try random([1, 1, 4, 3], &generator)
        let dOut = try random([1, 3, 3, 3], &generator)      // SAME, stride 2: ceil(5 / 2) = 3
        func loss(_ x: Tensor<Double>, _ wd: Tensor<Double>, _ wp: Tensor<Double>) throws -> Double {
            let y = try Reference.separableConv2DForward(x, depthwiseFilter: wd, pointwiseFilter: wp, strides: 2, padding: .same)
            return zip(y.scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
        }
        let g = try Reference.separableConv2DBackward(x, depthwiseFilter: wd, pointwiseFilter: wp, dOutput: dOut,
                                                      strides: 2, padding: .same)
        let checks = [
            ("dInput", g.dInput, try numericalGradient({ try loss($0, wd, wp) }, at: x)),
            ("dDepthwiseFilter", g.dDepthwiseFilter, try numericalGradient({ try loss(x, $0, wp) }, at: wd)),
            ("dPointwiseFilter", g.dPointwiseFilter, try numericalGradient({ try loss(x, wd, $0) }, at: wp)),
        ]
        for (name, analytic, numeric) in checks {
            let error = relativeError(analytic, numeric)
            out.say("\(name): relative error \(error, scientific: 0)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        }
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let (k, c, o) = (3, 64, 128)
        let conv = k * k * c * o, separable = k * k * c + c * o
        out.say("1. conv2d \(thousands(conv)), separable \(thousands(k * k * c)) + \(thousands(c * o)) = \(thousands(separable)); "
                + "ratio \(Double(separable) / Double(conv), decimals: 4), 1/O + 1/K^2 = \(1 / Double(o) + 1 / Double(k * k), decimals: 4)")
        let image = try Tensor<Double>(zeros: [1, 5, 5, 3])
        let filter = try Tensor<Double>(zeros: [3, 3, 3, 2])
        let y = try Reference.depthwiseConv2DForward(image, filter: filter, padding: .same)
        out.say("2. filter \(shape: filter.shape): \(shape: image.shape) -> \(shape: y.shape)")
        // @end
    }

    /// conv2d, depthwise and separable drawn as channels and connections, 3 input channels, 4
    /// outputs, 3x3 kernels; the weight counts come from the shapes.
    static func connectionsFigure() -> String {
        let (c, o, k) = (3, 4, 3)
        var d = Diagram(width: 820, height: 290)
        let inputColour = ["#fc9272", "#a1d99b", "#9ecae1"]
        func column(_ n: Int, x: Double, top: Double, fill: (Int) -> String) -> [(Double, Double)] {
            (0..<n).map { i in
                let y = top + Double(i) * 40
                d.rect(x: x, y: y, width: 30, height: 30, fill: fill(i))
                return (x, y + 15)
            }
        }
        func connect(_ from: [(Double, Double)], _ to: [(Double, Double)], pairs: [(Int, Int)], colour: (Int) -> String) {
            for (a, b) in pairs { d.line(from: (from[a].0 + 30, from[a].1), to: (to[b].0, to[b].1), stroke: colour(a), width: 1.4) }
        }
        let all = (0..<c).flatMap { a in (0..<o).map { (a, $0) } }
        // conv2d
        d.text("conv2d", x: 125, y: 24, size: 13, bold: true)
        let in1 = column(c, x: 70, top: 60, fill: { inputColour[$0] })
        let out1 = column(o, x: 180, top: 40, fill: { _ in "#dddddd" })
        connect(in1, out1, pairs: all, colour: { inputColour[$0] })
        d.text("\(k)x\(k)x\(c) per output: \(k * k * c * o) weights", x: 125, y: 240, size: 12)
        // depthwise
        d.text("depthwise (multiplier 1)", x: 375, y: 24, size: 13, bold: true)
        let in2 = column(c, x: 320, top: 60, fill: { inputColour[$0] })
        let out2 = column(c, x: 430, top: 60, fill: { inputColour[$0] })
        connect(in2, out2, pairs: (0..<c).map { ($0, $0) }, colour: { inputColour[$0] })
        d.text("\(k)x\(k) per channel: \(k * k * c) weights", x: 375, y: 240, size: 12)
        // separable
        d.text("separable = depthwise, then 1x1", x: 660, y: 24, size: 13, bold: true)
        let in3 = column(c, x: 550, top: 60, fill: { inputColour[$0] })
        let mid = column(c, x: 640, top: 60, fill: { inputColour[$0] })
        let out3 = column(o, x: 740, top: 40, fill: { _ in "#dddddd" })
        connect(in3, mid, pairs: (0..<c).map { ($0, $0) }, colour: { inputColour[$0] })
        connect(mid, out3, pairs: all, colour: { _ in "#777777" })
        d.text("\(k * k * c) + 1x1x\(c)x\(o) = \(k * k * c + c * o) weights", x: 660, y: 240, size: 12)
        d.text("coloured lines carry one input channel each; grey lines are the pointwise mix", x: 420, y: 275, size: 12)
        return d.svg
    }
}
