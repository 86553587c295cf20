import ConvLab

/// Module 2, "Padding": the code that `Lectures/02-padding.md` walks through.
enum PaddingLecture {
    static let lecture = Lecture(
        number: 2, title: "Padding: SAME and VALID",
        markdown: "02-padding.md", source: "Lecture02Padding.swift",
        snippets: [
            Snippet("valid-drops", validDrops),
            Snippet("toy-same", toySame),
            Snippet("three-filters-same", threeFiltersSame),
            Snippet("seven-to-nine", sevenToNine),
            Snippet("half-padding", halfPadding),
            Snippet("tf-versus-lab", tfVersusLab),
        ])

    /// The columns each output reads, for VALID and SAME, on a 7-wide input.
    static func validDrops(_ out: inout Transcript) throws {
        // @code valid-drops
        var table = Table("F", "S", "padding", "out", "pads", "windows", "unused columns")
        for (kernel, stride) in [(3, 3), (3, 2)] {
            for padding in [Padding.valid, .same] {
                let axis = try WindowAxis(input: 7, kernel: kernel, stride: stride, padding: padding)
                // Output o reads input columns o*S - padBefore ... o*S - padBefore + F - 1.
                let windows = (0..<axis.output).map { o -> String in
                    let first = o * stride - axis.padBefore
                    return "\(first)..\(first + kernel - 1)"
                }
                let read = Set((0..<axis.output).flatMap { o in
                    (0..<kernel).map { o * stride - axis.padBefore + $0 }
                }).filter { $0 >= 0 && $0 < 7 }
                let unused = (0..<7).filter { !read.contains($0) }.map(String.init)
                table.row("\(kernel)", "\(stride)", "\(padding)", "\(axis.output)", "\(axis.padBefore)+\(axis.padAfter)",
                          "\(windows.joined(separator: " "))", "\(unused.isEmpty ? "none" : unused.joined(separator: ","))")
            }
        }
        out.say(table)
        // @end
    }

    /// Lab 11-0: the toy image with a 2x2 filter of ones and SAME padding.
    static func toySame(_ out: inout Transcript) throws {
        // @code toy-same
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let ones = try Tensor<Double>(shape: [2, 2, 1, 1], repeating: 1)
        let conv = try Reference.conv2DForward(image, filter: ones, padding: .same)
        let rows = try WindowAxis(input: 3, kernel: 2, stride: 1, padding: .same)
        out.say("output \(shape: conv.shape); pad top \(rows.padBefore), bottom \(rows.padAfter) (left and right alike)")
        // The zero-padded image the filter actually slides over.
        var padded = try Tensor<Double>(zeros: [4, 4])
        for i in 0..<3 { for j in 0..<3 { padded[i + rows.padBefore, j + rows.padBefore] = image[0, i, j, 0] } }
        out.say("padded input:")
        try out.grid(padded)
        out.say("output:")
        try out.grid(conv)
        // Had the zero row and column gone on the top and left instead:
        var topLeft = try Tensor<Double>(zeros: [1, 4, 4, 1])
        for i in 0..<3 { for j in 0..<3 { topLeft[0, i + 1, j + 1, 0] = image[0, i, j, 0] } }
        out.say("zeros on the top and left instead:")
        try out.grid(try Reference.conv2DForward(topLeft, filter: ones, padding: .valid))
        // @end
    }

    /// Lab 11-0: the three filters (1, 10, -1) with SAME padding.
    static func threeFiltersSame(_ out: inout Transcript) throws {
        // @code three-filters-same
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let weight = try Tensor<Double>(shape: [2, 2, 1, 3], scalars: Array(repeating: [1, 10, -1], count: 4).flatMap { $0 })
        let conv = try Reference.conv2DForward(image, filter: weight, padding: .same)
        out.say("weight.shape \(shape: weight.shape) -> conv2d.shape \(shape: conv.shape)")
        for o in 0..<3 {
            let map = try Tensor<Double>(shape: [3, 3], scalars: (0..<9).map { conv.scalars[$0 * 3 + o] })
            out.say("feature map \(o): \(map)")
        }
        // @end
    }

    /// Tutorial #03's picture: a 7x7 input zero-padded to 9x9 so a 3x3 filter keeps it 7x7.
    static func sevenToNine(_ out: inout Transcript) throws {
        // @code seven-to-nine
        let image = try Tensor<Double>(shape: [1, 7, 7, 1], repeating: 1)
        let filter = try Tensor<Double>(shape: [3, 3, 1, 1], repeating: 1)
        let axis = try WindowAxis(input: 7, kernel: 3, stride: 1, padding: .same)
        let size = axis.padBefore + 7 + axis.padAfter
        var padded = try Tensor<Double>(zeros: [size, size])
        for i in 0..<7 { for j in 0..<7 { padded[i + axis.padBefore, j + axis.padBefore] = image[0, i, j, 0] } }
        out.say("7x7 input of ones, padded by \(axis.padBefore) on each side to \(size)x\(size):")
        try out.grid(padded)
        let same = try Reference.conv2DForward(image, filter: filter, padding: .same)
        let valid = try Reference.conv2DForward(image, filter: filter, padding: .valid)
        out.say("3x3 filter of ones: SAME gives \(same.shape[1])x\(same.shape[2]), VALID gives \(valid.shape[1])x\(valid.shape[2])")
        out.say("SAME output (a window on the border sees zeros):")
        try out.grid(same)
        // @end
    }

    /// `P = (F - 1) / 2` preserves the size for odd F; TF's SAME agrees, and handles even F too.
    static func halfPadding(_ out: inout Transcript) throws {
        // @code half-padding
        var table = Table("F", "(F-1)/2", "(32-F+2P)/1+1", "TF SAME pads", "TF SAME out")
        for f in 1...7 {
            let axis = try WindowAxis(input: 32, kernel: f, stride: 1, padding: .same)
            let pads = "\(axis.padBefore)+\(axis.padAfter)"
            if f % 2 == 1 {
                let p = (f - 1) / 2
                let size = try explicitPaddingOutputSize(input: 32, kernel: f, padding: p, stride: 1)
                table.row("\(f)", "\(p)", "\(size)", "\(pads)", "\(axis.output)")
            } else {
                table.row("\(f)", "not whole", "-", "\(pads)", "\(axis.output)")
            }
        }
        out.say(table)
        // @end
    }

    /// TensorFlow's SAME rule against lab 11-0's P_start / P_end formula.
    static func tfVersusLab(_ out: inout Transcript) throws {
        // @code tf-versus-lab
        let cases: [(i: Int, f: Int, s: Int)] = [
            (3, 2, 1), (7, 3, 1), (7, 3, 2), (6, 3, 2), (28, 5, 1), (28, 2, 2),
            (224, 7, 2), (5, 1, 2), (4, 1, 2), (6, 2, 3), (10, 3, 4),
        ]
        var table = Table("I", "F", "S", "out", "TF start+end", "lab start+end", "")
        for (i, f, s) in cases {
            let tf = try WindowAxis(input: i, kernel: f, stride: s, padding: .same)
            let lab = labSamePadding(input: i, kernel: f, stride: s)
            let differs = (lab.start, lab.end) != (tf.padBefore, tf.padAfter)
            table.row("\(i)", "\(f)", "\(s)", "\(tf.output)", "\(tf.padBefore)+\(tf.padAfter)", "\(lab.start)+\(lab.end)",
                      "\(differs ? "differs" : "")")
        }
        out.say(table)
        // @end
    }
}
