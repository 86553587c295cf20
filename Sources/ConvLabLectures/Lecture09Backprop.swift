import ConvLab

/// Module 9, "Backprop through convolution and pooling": the code `Lectures/09-backprop.md`
/// walks through.
enum BackpropLecture {
    static let lecture = Lecture(
        number: 9, title: "Backprop through convolution and pooling",
        markdown: "09-backprop.md", source: "Lecture09Backprop.swift",
        snippets: [
            Snippet("conv1d-by-hand", conv1DByHand),
            Snippet("full-convolution", fullConvolution),
            Snippet("memory-layout", memoryLayout),
            Snippet("conv-gradient-check", loose: [.gradientCheck], convGradientCheck),
            Snippet("wrong-gradient", loose: [.absolute(1e-7, after: "'+=':")], wrongGradient),
            Snippet("pool-gradients", poolGradients),
            Snippet("pool-gradient-check", loose: [.gradientCheck], poolGradientCheck),
            Snippet("answers", answers),
        ],
        figures: [
            // dInput of a stride-2 VALID 3x3 conv on a 5x5 input: dOutput [[1, 2], [3, 4]] scattered.
            Figure.animation("backprop-scatter.svg", ["--op", "conv2d-transpose", "--input-values", "1,2;3,4",
                                                      "--kernel", "3", "--stride", "2"]),
            Figure("backprop-map.svg", { Array(try indexMapFigure().utf8) }),
        ])

    /// 1-D: the forward sum, and the two gradients written out from it.
    static func conv1DByHand(_ out: inout Transcript) throws {
        // @code conv1d-by-hand
        let x: [Double] = [1, 2, 3, 4, 5], w: [Double] = [1, 0, -1], dy: [Double] = [1, 2, 3]
        let input = try Tensor<Double>(shape: [1, 5, 1], scalars: x)
        let filter = try Tensor<Double>(shape: [3, 1, 1], scalars: w)
        let dOutput = try Tensor<Double>(shape: [1, 3, 1], scalars: dy)
        let (dInput, dFilter) = try Reference.conv1DBackward(input, filter: filter, dOutput: dOutput, padding: .valid)
        // y[j] = sum_k x[j + k] w[k], so dL/dw[k] = sum_j dy[j] x[j + k] and dL/dx[i] = sum_{j + k = i} dy[j] w[k].
        var dW = [Double](repeating: 0, count: 3), dX = [Double](repeating: 0, count: 5)
        for j in 0..<3 {
            for k in 0..<3 {
                dW[k] += dy[j] * x[j + k]
                dX[j + k] += dy[j] * w[k]
            }
        }
        out.say("dFilter by hand  \(Tensor(dW))   conv1DBackward \(try dFilter.reshaped([3]))")
        out.say("dInput by hand   \(Tensor(dX))   conv1DBackward \(try dInput.reshaped([5]))")
        for k in 0..<3 {
            let terms = (0..<3).map { j in "\(Int(dy[j]))·\(Int(x[j + k]))" }.joined(separator: " + ")
            out.say("dw\(k) = \(terms) = \(dW[k], decimals: 0)")
        }
        // @end
    }

    /// dInput is a "full" convolution of dOutput with the flipped filter.
    static func fullConvolution(_ out: inout Transcript) throws {
        // @code full-convolution
        var generator = SeededGenerator(seed: 7)
        let x = try random([1, 6, 6, 1], &generator), w = try random([3, 3, 1, 1], &generator)
        let dy = try random([1, 4, 4, 1], &generator)           // VALID: 6 - 3 + 1 = 4
        let dInput = try Reference.conv2DBackward(x, filter: w, dOutput: dy, padding: .valid).dInput
        // Pad dy by K - 1 = 2 zeros on every side, and slide the filter rotated by 180 degrees.
        var padded = try Tensor<Double>(zeros: [1, 8, 8, 1])
        for i in 0..<4 { for j in 0..<4 { padded[0, i + 2, j + 2, 0] = dy[0, i, j, 0] } }
        var flipped = w
        for a in 0..<3 { for b in 0..<3 { flipped[a, b, 0, 0] = w[2 - a, 2 - b, 0, 0] } }
        let full = try Reference.conv2DForward(padded, filter: flipped, padding: .valid)
        out.say("dInput \(shape: dInput.shape), full convolution \(shape: full.shape)")
        let difference = try dInput.maxAbsDifference(full)
        out.say("max |dInput - full convolution| \(difference < 1e-12 ? "is below 1e-12" : "is TOO LARGE")")
        out.say("dInput row 0: \(try Tensor(shape: [6], scalars: Array(dInput.scalars[0..<6])), decimals: 4)")
        // @end
    }

    /// Where element [n, h, w, c] lives in memory, and the offsets the loops compute.
    static func memoryLayout(_ out: inout Transcript) throws {
        // @code memory-layout
        let x = try Tensor<Double>(zeros: [2, 3, 4, 5])          // NHWC
        out.say("shape \(shape: x.shape): strides \(shape: x.strides)")
        // offset(n, h, w, c) = ((n*H + h)*W + w)*C + c
        let (n, h, w, c) = (1, 2, 3, 4)
        let byFormula = ((n * 3 + h) * 4 + w) * 5 + c
        out.say("offset of [1,2,3,4] = ((1*3 + 2)*4 + 3)*5 + 4 = \(byFormula); Tensor.offset says \(x.offset([1, 2, 3, 4]))")
        // Moving one step along each axis moves the offset by that axis's stride.
        let steps = [[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]].map { x.offset($0) }
        out.say("one step in c, w, h, n: +\(steps[0]), +\(steps[1]), +\(steps[2]), +\(steps[3])")
        // conv2d's index arithmetic (Conv2DGeometry) on a [2,3,4,5] input with a [3,3,5,7] filter.
        let g = try Conv2DGeometry(input: [2, 3, 4, 5], filter: [3, 3, 5, 7], strides: 1, padding: .same, dilations: 1)
        out.say("Conv2DGeometry.inputIndex(1,2,3,4) = \(g.inputIndex(1, 2, 3, 4))")
        out.say("filterIndex(a: 2, b: 1, c: 4, o: 6) = ((2*3 + 1)*5 + 4)*7 + 6 = \(g.filterIndex(2, 1, 4, 6)) of \(3 * 3 * 5 * 7)")
        out.say("output \(shape: g.outputShape); outputIndex(1,2,3,6) = \(g.outputIndex(1, 2, 3, 6))")
        // @end
    }

    /// conv2d's backward pass against centred differences, for both paddings and strides 1 and 2.
    static func convGradientCheck(_ out: inout Transcript) throws {
        // @code conv-gradient-check
        var generator = SeededGenerator(seed: 8)
        let x = try random([2, 5, 5, 3], &generator), w = try random([3, 3, 3, 4], &generator)
        for padding in Padding.allCases {
            for stride in [1, 2] {
                let s = Size2(stride, stride)
                let y = try Reference.conv2DForward(x, filter: w, strides: s, padding: padding)
                // L = sum(y * dOut) for a random dOut, so dL/dy = dOut.
                let dOut = try random(y.shape, &generator)
                func loss(_ x: Tensor<Double>, _ w: Tensor<Double>) throws -> Double {
                    let y = try Reference.conv2DForward(x, filter: w, strides: s, padding: padding)
                    return zip(y.scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
                }
                let (dInput, dFilter) = try Reference.conv2DBackward(x, filter: w, dOutput: dOut, strides: s, padding: padding)
                let numericInput = try numericalGradient({ try loss($0, w) }, at: x)
                let numericFilter = try numericalGradient({ try loss(x, $0) }, at: w)
                // Relative errors near 1e-10 are rounding noise: what matters is the bound.
                let eInput = relativeError(dInput, numericInput), eFilter = relativeError(dFilter, numericFilter)
                out.say("\(padding) stride \(stride): y \(shape: y.shape), relative error dInput "
                        + "\(eInput, scientific: 0) dFilter \(eFilter, scientific: 0)"
                        + (max(eInput, eFilter) < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE"))
            }
        }
        // @end
    }

    /// What the check says about a backward pass with the classic bug: `=` instead of `+=`.
    static func wrongGradient(_ out: inout Transcript) throws {
        // @code wrong-gradient
        var generator = SeededGenerator(seed: 10)
        let x = try Tensor<Double>(shape: [1, 8, 1], scalars: (0..<8).map { _ in generator.nextNormal() })
        let w = try Tensor<Double>(shape: [3, 1, 1], scalars: (0..<3).map { _ in generator.nextNormal() })
        let dOut = try Tensor<Double>(shape: [1, 6, 1], scalars: (0..<6).map { _ in generator.nextNormal() })
        // dInput with "=": each input keeps only the contribution of the last window it was in.
        var wrong = try Tensor<Double>(zeros: [1, 8, 1])
        for j in 0..<6 { for k in 0..<3 { wrong[0, j + k, 0] = dOut[0, j, 0] * w[k, 0, 0] } }
        let right = try Reference.conv1DBackward(x, filter: w, dOutput: dOut, padding: .valid).dInput
        let numeric = try numericalGradient({ x in
            let y = try Reference.conv1DForward(x, filter: w, padding: .valid)
            return zip(y.scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
        }, at: x)
        let eWrong = relativeError(wrong, numeric), eRight = relativeError(right, numeric)
        out.say("relative error with '=':  \(eWrong, scientific: 1)")
        out.say("relative error with '+=': \(eRight, scientific: 0)\(eRight < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        // @end
    }

    /// Max pooling routes each window's gradient to its maximum; average pooling spreads it.
    static func poolGradients(_ out: inout Transcript) throws {
        // @code pool-gradients
        let x = try Tensor<Double>(image: [[ 7,  2, -4,  2],
                                           [ 6, -7,  9,  3],
                                           [ 3, -3, -4,  2],
                                           [-5,  5,  6, 10]])
        let dOut = try Tensor<Double>(image: [[1, 2],
                                              [3, 4]])
        let dMax = try Reference.maxPoolBackward(x, dOutput: dOut, windowSize: 2, strides: 2, padding: .same)
        let dAvg = try Reference.avgPoolBackward(x, dOutput: dOut, windowSize: 2, strides: 2, padding: .same)
        out.say("max pool dInput (each gradient goes to the window's maximum: 7, 9, 5, 10):")
        try out.grid(dMax)
        out.say("average pool dInput (each gradient split over the window's 4 cells):")
        try out.grid(dAvg, decimals: 2)
        // Overlapping windows (3x3, stride 2) on a 5x5 input: the centre is in all four windows.
        let ramp = try Tensor<Double>(shape: [1, 5, 5, 1], scalars: (0..<25).map { Double(($0 * 7) % 25) })
        let ones = try Tensor<Double>(shape: [1, 2, 2, 1], repeating: 1)
        out.say("overlapping 3x3/2 max pool on a 5x5 input; gradients add up where windows share a maximum:")
        try out.grid(ramp)
        try out.grid(try Reference.maxPoolBackward(ramp, dOutput: ones, windowSize: 3, strides: 2, padding: .valid))
        // @end
    }

    /// Pooling's backward passes against centred differences (inputs without ties).
    static func poolGradientCheck(_ out: inout Transcript) throws {
        // @code pool-gradient-check
        var generator = SeededGenerator(seed: 9)
        // Distinct values spaced 0.1 apart: no two cells of a window are within h of each other.
        var values = (0..<72).map { 0.1 * Double($0) }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, generator.nextInt(below: i + 1)) }
        let x = try Tensor<Double>(shape: [2, 6, 6, 1], scalars: values)
        for (name, window, stride) in [("max 2x2/2", 2, 2), ("max 3x3/2", 3, 2), ("avg 3x3/2", 3, 2)] {
            let isMax = name.hasPrefix("max")
            func pool(_ x: Tensor<Double>) throws -> Tensor<Double> {
                isMax ? try Reference.maxPoolForward(x, windowSize: Size2(window, window), strides: Size2(stride, stride), padding: .same)
                      : try Reference.avgPoolForward(x, windowSize: Size2(window, window), strides: Size2(stride, stride), padding: .same)
            }
            let y = try pool(x)
            let dOut = try Tensor<Double>(shape: y.shape, scalars: (0..<y.count).map { _ in generator.nextNormal() })
            let dInput = isMax
                ? try Reference.maxPoolBackward(x, dOutput: dOut, windowSize: Size2(window, window), strides: Size2(stride, stride), padding: .same)
                : try Reference.avgPoolBackward(x, dOutput: dOut, windowSize: Size2(window, window), strides: Size2(stride, stride), padding: .same)
            let numeric = try numericalGradient({ x in
                zip(try pool(x).scalars, dOut.scalars).map { $0 * $1 }.reduce(0, +)
            }, at: x)
            let error = relativeError(dInput, numeric)
            out.say("\(name) SAME: relative error \(error, scientific: 0)\(error < 1e-7 ? " (< 1e-7: ok)" : " TOO LARGE")")
        }
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        let w: [Double] = [1, 10, 100]                  // w0, w1, w2, chosen so each sum shows its terms
        let x = try Tensor<Double>(zeros: [1, 6, 1])
        let dY = try Tensor<Double>(shape: [1, 4, 1], repeating: 1)
        let dX = try Reference.conv1DBackward(x, filter: try Tensor(shape: [3, 1, 1], scalars: w), dOutput: dY, padding: .valid).dInput
        out.say("1. with w = (1, 10, 100): dInput = \(try dX.reshaped([6]))")
        let a = Tensor<Double>([1.0]), n = Tensor<Double>([1.001])
        let notes = abs(1.0 - 1.001) / max(1.0, 1.001)
        out.say("2. rel_error \(relativeError(a, n), scientific: 2); notes' |a - n| / max(|a|, |n|) \(notes, scientific: 2)")
        out.say("3. windows covering input 2 of 6 (3 wide): \((0..<4).filter { $0 <= 2 && 2 < $0 + 3 }.count)")
        // @end
    }

    /// The backprop index map: which inputs each output of a 1-D convolution reads (forward), so
    /// which output gradients each input gradient collects (backward); and in 2-D, how many
    /// windows cover each input pixel, computed as conv2DBackward's dInput for ones.
    static func indexMapFigure() throws -> String {
        let colours = ["#e6550d", "#31a354", "#3182bd"]
        var d = Diagram(width: 780, height: 300)
        let (xTop, yBottom, spacing, left) = (60.0, 190.0, 70.0, 40.0)
        d.text("1-D, 3 weights, VALID: y_j = x_j·w0 + x_(j+1)·w1 + x_(j+2)·w2", x: 230, y: 22, size: 13, bold: true)
        for i in 0..<6 {
            d.box("x\(i)", x: left + Double(i) * spacing, y: xTop, width: 40, height: 28, fill: "#c6dbef")
        }
        for j in 0..<4 {
            let xj = left + Double(j + 1) * spacing
            d.box("y\(j)", x: xj, y: yBottom, width: 40, height: 28, fill: "#c7e9c0")
            for k in 0..<3 {
                d.line(from: (left + Double(j + k) * spacing + 20, xTop + 28), to: (xj + 20, yBottom), stroke: colours[k], width: 1.6)
            }
        }
        d.text("lines:", x: 40, y: 258, size: 12, anchor: "start")
        for k in 0..<3 { d.text("w\(k)", x: 86 + Double(k) * 34, y: 258, size: 13, anchor: "start", fill: colours[k]) }
        d.text("backward: dx2 = dy0·w2 + dy1·w1 + dy2·w0, the lines at x2 read upwards", x: 40, y: 284, size: 12, anchor: "start")
        // 2-D: windows per input pixel, for a 5x5 input and a 3x3 filter (VALID).
        let x = try Tensor<Double>(zeros: [1, 5, 5, 1])
        let ones = try Tensor<Double>(shape: [3, 3, 1, 1], repeating: 1)
        let count = try Reference.conv2DBackward(x, filter: ones, dOutput: try Tensor(shape: [1, 3, 3, 1], repeating: 1),
                                                padding: .valid).dInput
        let largest = count.scalars.max() ?? 1
        d.text("2-D, 3x3 on 5x5: windows per pixel", x: 600, y: 60, size: 12, bold: true)
        d.grid(rows: 5, columns: 5, x: 520, y: 74, cell: 32, fill: { Diagram.diverging(count[0, $0, $1, 0] / largest * 0.8) },
               label: { String(Int(count[0, $0, $1, 0])) }, size: 13)
        return d.svg
    }
}
