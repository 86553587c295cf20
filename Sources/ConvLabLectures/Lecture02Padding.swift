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
            Snippet("answers", answers),
        ],
        figures: [
            // The toy image with SAME: the zero row and column at the bottom and right.
            Figure.animation("padding-same-toy.svg", ["--padding", "SAME"]),
            Figure("padding.svg", { Array(try paddingFigure().utf8) }),
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

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let axis = try WindowAxis(input: 10, kernel: 4, stride: 3, padding: .same)
        out.say("1. I = 10, F = 4, S = 3: out \(axis.output), pads \(axis.padBefore) before + \(axis.padAfter) after")
        for input in [7, 8] {
            let valid = try WindowAxis(input: input, kernel: 3, stride: 2, padding: .valid)
            let read = Set((0..<valid.output).flatMap { o in (0..<3).map { o * 2 + $0 } })
            let unused = (0..<input).filter { !read.contains($0) }.map(String.init)
            out.say("2. I = \(input): \(valid.output) windows, unused columns: \(unused.isEmpty ? "none" : unused.joined(separator: ","))")
        }
        let same = try WindowAxis(input: 28, kernel: 3, stride: 2, padding: .same)
        out.say("3. SAME, F = 3, S = 2: 28 -> \(same.output)")
        // @end
    }

    /// Three paddings drawn: VALID and SAME for a 2x2 filter on the toy image (TF puts the extra
    /// zero row and column at the bottom and right), SAME for a 3x3 filter (one on every side).
    static func paddingFigure() throws -> String {
        let cell = 30.0
        var d = Diagram(width: 820, height: 250)
        let panels: [(title: String, input: Int, kernel: Int, padding: Padding, left: Double)] = [
            ("VALID, 2x2 filter", 3, 2, .valid, 90), ("SAME, 2x2 filter", 3, 2, .same, 350), ("SAME, 3x3 filter", 3, 3, .same, 610),
        ]
        for panel in panels {
            let axis = try WindowAxis(input: panel.input, kernel: panel.kernel, stride: 1, padding: panel.padding)
            let size = axis.padBefore + panel.input + axis.padAfter
            let top = 60.0
            d.text(panel.title, x: panel.left + Double(size) * cell / 2, y: 22, size: 13, bold: true)
            d.text(axis.padBefore + axis.padAfter == 0 ? "no padding -> \(axis.output)x\(axis.output)"
                   : "pads \(axis.padBefore) top/left, \(axis.padAfter) bottom/right -> \(axis.output)x\(axis.output)",
                   x: panel.left + Double(size) * cell / 2, y: 40, size: 11)
            d.grid(rows: size, columns: size, x: panel.left, y: top, cell: cell, fill: { r, c in
                let inside = (axis.padBefore..<(axis.padBefore + panel.input)).contains(r)
                    && (axis.padBefore..<(axis.padBefore + panel.input)).contains(c)
                return inside ? "#c6dbef" : "#eeeeee"
            }, label: { r, c in
                let (i, j) = (r - axis.padBefore, c - axis.padBefore)
                let inside = (0..<panel.input).contains(i) && (0..<panel.input).contains(j)
                return inside ? String(i * panel.input + j + 1) : "0"
            })
            // The first and the last window.
            let k = Double(panel.kernel) * cell
            d.rect(x: panel.left + 2, y: top + 2, width: k - 4, height: k - 4, stroke: "#e6550d", strokeWidth: 2.5)
            let last = Double(axis.output - 1) * cell
            d.rect(x: panel.left + last + 2, y: top + last + 2, width: k - 4, height: k - 4, stroke: "#31a354",
                   strokeWidth: 2.5, dashed: true)
        }
        d.text("orange: the first window; green, dashed: the last; grey: zero padding", x: 410, y: 232, size: 12)
        return d.svg
    }
}
