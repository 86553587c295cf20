import ConvLab

// @code size-chain
/// The sizes one side takes through `count` windows of `kernel` and `stride` with `padding`
/// (the library's `outputSize`, module 2's rule, applied again and again), as `28 -> 14 -> 7 -> 4`.
func sizeChain(from input: Int, windows count: Int, kernel: Int, stride: Int, padding: Padding) throws -> String {
    var sizes = [input]
    for _ in 0..<count { sizes.append(try outputSize(input: sizes.last!, kernel: kernel, stride: stride, padding: padding)) }
    return sizes.map(String.init).joined(separator: " -> ")
}
// @end

/// Module 5, "Pooling": the code that `Lectures/05-pooling.md` walks through.
enum PoolingLecture {
    static let lecture = Lecture(
        number: 5, title: "Pooling",
        markdown: "05-pooling.md", source: "Lecture05Pooling.swift",
        snippets: [
            Snippet("max-and-average", maxAndAverage),
            Snippet("same-pooling", samePooling),
            Snippet("overlapping", overlapping),
            Snippet("strided-convolution", stridedConvolution),
            Snippet("answers", answers),
        ],
        figures: [
            // Tutorial #03's 4x4 example, max pool 2x2/2 SAME: each window's winner.
            Figure.animation("pooling-max.svg", ["--op", "max-pool", "--input-values", "7,2,-4,2; 6,-7,9,3; 3,-3,-4,2; -5,5,6,10",
                                                 "--stride", "2", "--padding", "SAME"]),
            // The 5x5 image 1...25, average pool 2x2/2 SAME: the divisor counts real cells only.
            Figure.animation("pooling-avg-same.svg", ["--op", "avg-pool", "--input", "5", "--stride", "2", "--padding", "SAME"]),
            Figure("pooling.svg", { Array(try poolingFigure().utf8) }),
        ])

    /// Tutorial #03's 4x4 example: 2x2 windows, stride 2, SAME.
    static func maxAndAverage(_ out: inout Transcript) throws {
        // @code max-and-average
        let x = try Tensor<Double>(image: [[ 7,  2, -4,  2],
                                           [ 6, -7,  9,  3],
                                           [ 3, -3, -4,  2],
                                           [-5,  5,  6, 10]])
        let maxPooled = try Reference.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        let averaged = try Reference.avgPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        out.say("max pool \(shape: x.shape) -> \(shape: maxPooled.shape):")
        try out.grid(maxPooled)
        out.say("average pool:")
        try out.grid(averaged, decimals: 2)
        let kept = Double(maxPooled.count) / Double(x.count)
        out.say("values kept: \(maxPooled.count) of \(x.count) (\(100 * kept, decimals: 0)%); parameters: 0")
        // @end
    }

    /// SAME pooling when the window does not divide the input: padded cells never count.
    static func samePooling(_ out: inout Transcript) throws {
        // @code same-pooling
        let x = try Tensor<Double>(shape: [1, 5, 5, 1], scalars: (1...25).map(Double.init))
        out.say("input 5x5:")
        try out.grid(x)
        let rows = try WindowAxis(input: 5, kernel: 2, stride: 2, padding: .same)
        out.say("2x2 windows, stride 2, SAME: output \(rows.output)x\(rows.output), pad top \(rows.padBefore), bottom \(rows.padAfter)")
        out.say("max pool (padding never wins, as if it were -infinity):")
        try out.grid(try Reference.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same))
        out.say("average pool (divides by the real cells only: 4, 2 or 1):")
        let average = try Reference.avgPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        try out.grid(average, decimals: 1)
        // Averaging the zero-padded image over all 4 cells would give a different border:
        var padded = try Tensor<Double>(zeros: [1, 6, 6, 1])
        for i in 0..<5 { for j in 0..<5 { padded[0, i, j, 0] = x[0, i, j, 0] } }
        let quarter = try Tensor<Double>(shape: [2, 2, 1, 1], repeating: 0.25)
        out.say("sum of a zero-padded window / 4 (not what TF does):")
        try out.grid(try Reference.conv2DForward(padded, filter: quarter, strides: 2, padding: .valid), decimals: 2)
        // Tutorial #03's MNIST CNN pools 28 -> 14 -> 7 with SAME; one more pool would give 4.
        out.say("SAME 2x2/2 pools: \(try sizeChain(from: 28, windows: 3, kernel: 2, stride: 2, padding: .same)); VALID would end at "
                + "\(try WindowAxis(input: 7, kernel: 2, stride: 2, padding: .valid).output)")
        // @end
    }

    /// Overlapping pooling: 3x3 windows with stride 2, against the common 2x2 with stride 2.
    static func overlapping(_ out: inout Transcript) throws {
        // @code overlapping
        for (window, stride) in [(2, 2), (3, 2)] {
            let axis = try WindowAxis(input: 7, kernel: window, stride: stride, padding: .valid)
            // How many windows read each input cell (VALID, 7x7 input).
            var coverage = try Tensor<Double>(zeros: [7, 7])
            for i in 0..<axis.output {
                for j in 0..<axis.output {
                    for a in 0..<window { for b in 0..<window { coverage[i * stride + a, j * stride + b] += 1 } }
                }
            }
            out.say("\(window)x\(window) windows, stride \(stride), VALID on 7x7 -> \(axis.output)x\(axis.output); windows per input cell:")
            try out.grid(coverage)
        }
        // AlexNet's pools are 3x3 with stride 2: 55 -> 27 -> 13 -> 6.
        out.say("3x3/2 VALID pools: \(try sizeChain(from: 55, windows: 3, kernel: 3, stride: 2, padding: .valid))")
        // @end
    }

    /// Tutorial #03's third option: a convolution with stride 2 instead of a pool.
    static func stridedConvolution(_ out: inout Transcript) throws {
        // @code strided-convolution
        var generator = SeededGenerator(seed: 4)
        let x = try Tensor<Double>(shape: [1, 32, 32, 3], scalars: (0..<3072).map { _ in generator.nextUnit() })
        let w = try Tensor<Double>(shape: [5, 5, 3, 6], scalars: (0..<450).map { _ in 0.1 * generator.nextNormal() })
        // Conv2D(x, [5,5,3,6], [1,2,2,1], 'SAME') in the tutorial's notation.
        let strided = try Reference.conv2DForward(x, filter: w, strides: 2, padding: .same)
        let pooled = try Reference.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        out.say("strided conv: \(shape: x.shape) -> \(shape: strided.shape), \(convParameterCount(kernel: 5, inputDepth: 3, filters: 6)) parameters")
        out.say("max pool:     \(shape: x.shape) -> \(shape: pooled.shape), 0 parameters")
        // Average pooling *is* a convolution: one channel, weights 1/4, stride 2.
        let one = try Tensor<Double>(shape: [1, 8, 8, 1], scalars: (0..<64).map { _ in generator.nextNormal() })
        let quarter = try Tensor<Double>(shape: [2, 2, 1, 1], repeating: 0.25)
        let viaConv = try Reference.conv2DForward(one, filter: quarter, strides: 2, padding: .valid)
        let viaPool = try Reference.avgPoolForward(one, windowSize: 2, strides: 2, padding: .valid)
        let difference = try viaConv.maxAbsDifference(viaPool)
        let shown: Line = difference == 0 ? "exactly 0" : "\(difference, scientific: 1)"
        out.say("avg pool vs conv with weights 1/4, stride 2: max |difference| = " + shown)
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let x = try Tensor<Double>(shape: [1, 5, 5, 1], repeating: 1)
        let average = try Reference.avgPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        let axis = try WindowAxis(input: 5, kernel: 2, stride: 2, padding: .same)
        let lastRow = (axis.output - 1) * axis.stride - axis.padBefore      // the last window's first row
        let realRows = min(lastRow + 2, 5) - lastRow                       // rows of it inside the image
        out.say("1. 5x5 -> \(shape: average.shape), pads \(axis.padBefore) + \(axis.padAfter); the bottom-right window has "
                + "\(realRows * realRows) real cell of 4: the average of ones there is \(average[0, 2, 2, 0], decimals: 2), "
                + "not \(Double(realRows * realRows) / 4, decimals: 2)")
        let alexNet = try WindowAxis(input: 13, kernel: 3, stride: 2, padding: .valid)
        out.say("2. 13 -> \(alexNet.output)")
        out.say("3. parameters of a pooling layer: \(MaxPool2D("pool").parameterCount)")
        // @end
    }

    /// Tutorial #03's 4x4 map with its four 2x2 windows, each window's maximum circled, and the
    /// max and average pooled outputs in the windows' colours.
    static func poolingFigure() throws -> String {
        let x = try Tensor<Double>(image: [[7, 2, -4, 2], [6, -7, 9, 3], [3, -3, -4, 2], [-5, 5, 6, 10]])
        let maxPooled = try Reference.maxPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        let averaged = try Reference.avgPoolForward(x, windowSize: 2, strides: 2, padding: .same)
        let colours = ["#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb"]
        let cell = 40.0, top = 50.0
        var d = Diagram(width: 640, height: 260)
        func window(_ r: Int, _ c: Int) -> Int { (r / 2) * 2 + c / 2 }
        d.text("input 4x4, windows 2x2, stride 2", x: 40, y: 30, size: 13, anchor: "start", bold: true)
        d.grid(rows: 4, columns: 4, x: 30, y: top, cell: cell, fill: { colours[window($0, $1)] },
               label: { String(Int(x[0, $0, $1, 0])) }, size: 14)
        // Circle each window's maximum.
        for r in 0..<4 {
            for c in 0..<4 where x[0, r, c, 0] == maxPooled[0, r / 2, c / 2, 0] {
                d.rect(x: 30 + Double(c) * cell + 4, y: top + Double(r) * cell + 4, width: cell - 8, height: cell - 8,
                       stroke: "#e6550d", strokeWidth: 2)
            }
        }
        for (k, (title, pooled, decimals)) in [("max pool", maxPooled, 0), ("average pool", averaged, 2)].enumerated() {
            let left = 300 + Double(k) * 170
            d.text(title, x: left + cell, y: 30, size: 13, bold: true)
            d.grid(rows: 2, columns: 2, x: left, y: top + cell, cell: cell, fill: { colours[$0 * 2 + $1] },
                   label: { String(format: "%.\(decimals)f", pooled[0, $0, $1, 0]) }, size: 13)
        }
        d.arrow(from: (30 + 4 * cell + 12, top + 2 * cell), to: (292, top + 2 * cell))
        d.text("orange squares: each window's maximum, the value max pooling keeps", x: 320, y: 235, size: 12)
        return d.svg
    }
}
