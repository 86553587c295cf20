import ConvLab

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
        var size = 28
        var sizes = ["28"]
        for _ in 0..<3 {
            size = try WindowAxis(input: size, kernel: 2, stride: 2, padding: .same).output
            sizes.append(String(size))
        }
        out.say("SAME 2x2/2 pools: \(sizes.joined(separator: " -> ")); VALID would end at "
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
        var size = 55
        var sizes = ["55"]
        for _ in 0..<3 {
            size = try WindowAxis(input: size, kernel: 3, stride: 2, padding: .valid).output
            sizes.append(String(size))
        }
        out.say("3x3/2 VALID pools: \(sizes.joined(separator: " -> "))")
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
}
