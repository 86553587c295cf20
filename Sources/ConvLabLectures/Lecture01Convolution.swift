import ConvLab

// @code random
/// A tensor of `shape` filled with standard normal draws from `generator`: the random images,
/// filters and gradients of this module's and the later modules' examples.
func random(_ shape: [Int], _ generator: inout SeededGenerator) throws -> Tensor<Double> {
    try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.nextNormal() })
}
// @end

/// Module 1, "Convolution from scratch": the code that `Lectures/01-convolution.md` walks through.
/// Each snippet prints one output block of the text; `// @code` regions are shown in the text.
enum ConvolutionLecture {
    static let lecture = Lecture(
        number: 1, title: "Convolution from scratch",
        markdown: "01-convolution.md", source: "Lecture01Convolution.swift",
        snippets: [
            Snippet("layouts", layouts),
            Snippet("dense-vs-conv1d", denseVersusConv1D),
            Snippet("toy-valid", toyImageValid),
            Snippet("binary-image", binaryImage),
            Snippet("three-filters", threeFilters),
            Snippet("three-channels", threeChannels),
            Snippet("stride", stride),
            Snippet("tf-strides", tfStrides),
            Snippet("output-size", outputSizes),
            Snippet("parameters", parameters),
            Snippet("memory", memory),
            Snippet("answers", answers),
        ],
        figures: [
            // The toy image under the 2x2 filter of ones, VALID: convlab animate's defaults.
            Figure.animation("convolution-toy.svg"),
            Figure("volume.svg", { Array(try volumeFigure().utf8) }),
        ])

    /// NHWC (TensorFlow's default) against NCHW (`data_format="NCHW"`): the same numbers in two
    /// memory orders.
    static func layouts(_ out: inout Transcript) throws {
        // @code layouts
        // One 2x2 image with 3 channels; the value at row i, column j, channel c is 100c + 10i + j.
        var nhwc = try Tensor<Double>(zeros: [1, 2, 2, 3])                  // [batch, height, width, channels]
        var nchw = try Tensor<Double>(zeros: [1, 3, 2, 2])                  // [batch, channels, height, width]
        for i in 0..<2 {
            for j in 0..<2 {
                for c in 0..<3 {
                    nhwc[0, i, j, c] = Double(100 * c + 10 * i + j)
                    nchw[0, c, i, j] = Double(100 * c + 10 * i + j)
                }
            }
        }
        // Tensors are stored row-major: the last axis varies fastest.
        out.say("NHWC in memory: \(nhwc.scalars.map { String(Int($0)) }.joined(separator: " "))")
        out.say("NCHW in memory: \(nchw.scalars.map { String(Int($0)) }.joined(separator: " "))")
        // @end
    }

    /// Lab 11-0: a dense layer connects every input to every output; a 1-D convolution slides
    /// one short set of weights along the input.
    static func denseVersusConv1D(_ out: inout Transcript) throws {
        // @code dense-vs-conv1d
        let x: [Double] = [1, 2, 3, 4, 5]
        let w: [Double] = [1, 2, 1]
        // tf.nn.conv1d layout: input [N, W, C] = [1, 5, 1], filter [K, C, O] = [3, 1, 1].
        let signal = try Tensor<Double>(shape: [1, x.count, 1], scalars: x)
        let kernel = try Tensor<Double>(shape: [w.count, 1, 1], scalars: w)
        let y = try Reference.conv1DForward(signal, filter: kernel, padding: .valid)
        for j in 0..<y.count {
            let names = w.indices.map { k in "x\(j + k)·w\(k)" }.joined(separator: " + ")
            let values = w.indices.map { k in "\(Int(x[j + k]))·\(Int(w[k]))" }.joined(separator: " + ")
            out.say("y\(j) = \(names) = \(values) = \(y.scalars[j], decimals: 0)")
        }
        let row = try y.reshaped([y.count])
        out.say("y = \(row)")
        out.say("weights of the convolution: \(w.count) (shared by every output)")
        out.say("weights of a dense layer \(x.count) -> \(y.count): \(denseParameterCount(inputs: x.count, outputs: y.count, bias: false))")
        // The same signal as an image one row high, [1, 1, 5, 1], through conv2d with a [1, 3, 1, 1] filter.
        let image = try signal.reshaped([1, 1, x.count, 1])
        let asConv2D = try Reference.conv2DForward(image, filter: try kernel.reshaped([1, w.count, 1, 1]), padding: .valid)
        out.say("conv2d on a one-row image: \(try asConv2D.reshaped([y.count]))")
        // @end
    }

    /// Lab 11-0's toy image: 3x3, one channel, a 2x2 filter of ones, VALID.
    static func toyImageValid(_ out: inout Transcript) throws {
        // @code toy-valid
        let image = try Tensor<Double>(image: [[1, 2, 3],
                                               [4, 5, 6],
                                               [7, 8, 9]])           // [1, 3, 3, 1]
        let weight = try Tensor<Double>(shape: [2, 2, 1, 1], repeating: 1)
        let conv = try Reference.conv2DForward(image, filter: weight, padding: .valid)
        out.say("image.shape \(shape: image.shape)")
        out.say("weight.shape \(shape: weight.shape)")
        out.say("conv2d.shape \(shape: conv.shape)")
        try out.grid(conv)
        // The top-left output is the dot product of the filter with the top-left 2x2 window.
        let window = [image[0, 0, 0, 0], image[0, 0, 1, 0], image[0, 1, 0, 0], image[0, 1, 1, 0]]
        out.say("top-left: \(window.map { String(Int($0)) }.joined(separator: " + ")) = \(conv[0, 0, 0, 0], decimals: 0)")
        // @end
    }

    /// Lab 11-0's 5x5 binary image and the 3x3 "X" filter: nine dot products.
    static func binaryImage(_ out: inout Transcript) throws {
        // @code binary-image
        let image = try Tensor<Double>(image: [[1, 1, 1, 0, 0],
                                               [0, 1, 1, 1, 0],
                                               [0, 0, 1, 1, 1],
                                               [0, 0, 1, 1, 0],
                                               [0, 1, 1, 0, 0]])
        let filter = try Tensor<Double>([[1, 0, 1],
                                         [0, 1, 0],
                                         [1, 0, 1]]).reshaped([3, 3, 1, 1])
        let feature = try Reference.conv2DForward(image, filter: filter, padding: .valid)
        // Write out each dot product the way the lab does: pixel x weight, summed.
        for i in 0..<3 {
            for j in 0..<3 {
                var terms: [String] = []
                for a in 0..<3 {
                    for b in 0..<3 {
                        terms.append("\(Int(image[0, i + a, j + b, 0]))x\(Int(filter[a, b, 0, 0]))")
                    }
                }
                out.say("(\(i),\(j)) \(terms.joined(separator: " + ")) = \(feature[0, i, j, 0], decimals: 0)")
            }
        }
        out.say("convolved feature \(shape: feature.shape):")
        try out.grid(feature)
        // @end
    }

    /// Lab 11-0: three 2x2 filters whose weights are all 1, all 10 and all -1.
    static func threeFilters(_ out: inout Transcript) throws {
        // @code three-filters
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        // HWIO: filter o is weight[a, b, 0, o]; the three output channels see the same windows.
        var weight = try Tensor<Double>(zeros: [2, 2, 1, 3])
        for a in 0..<2 {
            for b in 0..<2 {
                weight[a, b, 0, 0] = 1
                weight[a, b, 0, 1] = 10
                weight[a, b, 0, 2] = -1
            }
        }
        let conv = try Reference.conv2DForward(image, filter: weight, padding: .valid)
        out.say("weight.shape \(shape: weight.shape) -> conv2d.shape \(shape: conv.shape)")
        for o in 0..<3 {
            let map = try Tensor<Double>(shape: [2, 2], scalars: (0..<4).map { conv.scalars[$0 * 3 + o] })
            out.say("feature map \(o): \(map)")
        }
        // @end
    }

    /// Many input channels: each filter spans all of them and sums over them.
    static func threeChannels(_ out: inout Transcript) throws {
        // @code three-channels
        // Channel 0 is the toy image, channel 1 the same image reversed, channel 2 all ones.
        let toy: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        var image = try Tensor<Double>(zeros: [1, 3, 3, 3])
        for p in 0..<9 {
            image[0, p / 3, p % 3, 0] = toy[p]
            image[0, p / 3, p % 3, 1] = toy[8 - p]
            image[0, p / 3, p % 3, 2] = 1
        }
        // Two filters of shape 2x2x3: filter 0 adds the three channels, filter 1 is channel 0 - channel 1.
        var weight = try Tensor<Double>(zeros: [2, 2, 3, 2])
        for a in 0..<2 {
            for b in 0..<2 {
                for c in 0..<3 { weight[a, b, c, 0] = 1 }
                weight[a, b, 0, 1] = 1
                weight[a, b, 1, 1] = -1
            }
        }
        let conv = try Reference.conv2DForward(image, filter: weight, padding: .valid)
        out.say("input \(shape: image.shape) * filter \(shape: weight.shape) -> \(shape: conv.shape)")
        out.say("each output is a dot product of 2*2*3 = \(weight.shape[0] * weight.shape[1] * weight.shape[2]) numbers")
        // The same result one input channel at a time: conv2d sums the per-channel results.
        for c in 0..<3 {
            let channel = try Tensor<Double>(shape: [1, 3, 3, 1], scalars: (0..<9).map { image.scalars[$0 * 3 + c] })
            let ones = try Tensor<Double>(shape: [2, 2, 1, 1], repeating: 1)
            let part = try Reference.conv2DForward(channel, filter: ones, padding: .valid)
            let map = try part.reshaped([2, 2])
            out.say("channel \(c) * ones: \(map)")
        }
        for o in 0..<2 {
            let map = try Tensor<Double>(shape: [2, 2], scalars: (0..<4).map { conv.scalars[$0 * 2 + o] })
            out.say("output channel \(o): \(map)")
        }
        // The lab's picture: a 32x32x3 image and six 5x5x3 filters give a 28x28x6 "new image".
        var generator = SeededGenerator(seed: 1)
        let photo = try Tensor<Double>(shape: [1, 32, 32, 3], scalars: (0..<3072).map { _ in generator.nextUnit() })
        let six = try Tensor<Double>(shape: [5, 5, 3, 6], scalars: (0..<450).map { _ in generator.nextNormal() })
        let maps = try Reference.conv2DForward(photo, filter: six, padding: .valid)
        out.say("\(shape: photo.shape) * \(shape: six.shape) -> \(shape: maps.shape)")
        // @end
    }

    /// Lab 11-0: a 7x7 input, a 3x3 filter and stride 2 give a 3x3 output.
    static func stride(_ out: inout Transcript) throws {
        // @code stride
        let image = try Tensor<Double>(shape: [1, 7, 7, 1], scalars: (1...49).map(Double.init))
        let ones = try Tensor<Double>(shape: [3, 3, 1, 1], repeating: 1)
        let conv = try Reference.conv2DForward(image, filter: ones, strides: 2, padding: .valid)
        let axis = try WindowAxis(input: 7, kernel: 3, stride: 2, padding: .valid)
        let starts = (0..<axis.output).map { String($0 * axis.stride) }.joined(separator: ", ")
        out.say("windows start at rows and columns \(starts); output \(shape: conv.shape)")
        try out.grid(conv)
        // Each window of the 1...49 image sums to 9 times its centre pixel.
        out.say("centre of the first window: \(image[0, 1, 1, 0], decimals: 0), 9 x 9 = \(conv[0, 0, 0, 0], decimals: 0)")
        // @end
    }

    /// TensorFlow's four-number strides `[1, s, s, 1]`, one per axis of the NHWC input.
    static func tfStrides(_ out: inout Transcript) throws {
        // @code tf-strides
        // tf.nn.conv2d(input, filter, strides=[1, 2, 2, 1], padding) in ConvLab's terms. Entry 0
        // would skip images of the batch and entry 3 input channels, and every output needs every
        // image and every channel, so both must be 1; TensorFlow rejects anything else.
        func conv2DWithTFStrides(_ input: Tensor<Double>, _ filter: Tensor<Double>, strides: [Int]) throws -> Tensor<Double> {
            guard strides.count == 4, strides[0] == 1, strides[3] == 1 else {
                throw ConvLabError.argument(op: "conv2d", message: "strides must be [1, sh, sw, 1], got \(strides)")
            }
            return try Reference.conv2DForward(input, filter: filter, strides: Size2(strides[1], strides[2]), padding: .valid)
        }
        let image = try Tensor<Double>(shape: [2, 7, 7, 1], scalars: (0..<98).map(Double.init))   // two images
        let ones = try Tensor<Double>(shape: [3, 3, 1, 1], repeating: 1)
        for strides in [[1, 2, 2, 1], [1, 1, 2, 1], [2, 1, 1, 1]] {
            do {
                let y = try conv2DWithTFStrides(image, ones, strides: strides)
                out.say("strides \(strides): \(shape: image.shape) -> \(shape: y.shape)")
            } catch {
                out.say("strides \(strides): \(String(describing: error))")
            }
        }
        // @end
    }

    /// The lab's picture as a drawing: a 32x32x3 input volume, one 5x5x3 filter over its corner,
    /// and the 28x28x6 output volume whose first activation map that filter makes.
    static func volumeFigure() throws -> String {
        let filter = 5, filters = 6
        let input = [32, 32, 3]
        let axis = try WindowAxis(input: input[0], kernel: filter, stride: 1, padding: .valid)
        var d = Diagram(width: 640, height: 330)
        let unit = 6.0, depthUnit = 9.0            // pixels per row/column and per channel
        let (dx, dy) = (0.7, -0.5)                 // the depth axis drawn up and to the right
        // A box: front face w x h at (x, y) (top-left), `slices` channels of depthUnit drawn backwards.
        func box(x: Double, y: Double, w: Double, h: Double, slices: Int, front: String, side: String) {
            let (ox, oy) = (Double(slices) * depthUnit * dx, Double(slices) * depthUnit * dy)
            d.polygon([(x, y), (x + w, y), (x + w + ox, y + oy), (x + ox, y + oy)], fill: side)
            d.polygon([(x + w, y), (x + w + ox, y + oy), (x + w + ox, y + h + oy), (x + w, y + h)], fill: side)
            for k in 1..<slices {                  // one slice per channel, on the top and side faces
                let (kx, ky) = (Double(k) * depthUnit * dx, Double(k) * depthUnit * dy)
                d.line(from: (x + kx, y + ky), to: (x + w + kx, y + ky), stroke: "#555", width: 0.6)
                d.line(from: (x + w + kx, y + ky), to: (x + w + kx, y + h + ky), stroke: "#555", width: 0.6)
            }
            d.rect(x: x, y: y, width: w, height: h, fill: front)
        }
        let top = 80.0
        let inW = Double(input[1]) * unit, inH = Double(input[0]) * unit
        box(x: 30, y: top, w: inW, h: inH, slices: input[2], front: "#c6dbef", side: "#9ecae1")
        // The filter over the input's top-left corner, standing out in front of it.
        let fW = Double(filter) * unit
        box(x: 30, y: top, w: fW, h: fW, slices: input[2], front: "#fdae6b", side: "#e6550d")
        d.text("input \(input[0])x\(input[1])x\(input[2])", x: 30 + inW / 2, y: top + inH + 24, size: 13)
        d.text("filter \(filter)x\(filter)x\(input[2]): spans all \(input[2]) channels", x: 30, y: top - 40, size: 12, anchor: "start")
        d.line(from: (30 + fW / 2, top - 34), to: (30 + fW / 2, top + 4), stroke: "#e6550d")
        // The output volume: one activation map per filter, the first one lit.
        let outLeft = 390.0
        let oW = Double(axis.output) * unit
        box(x: outLeft, y: top + 20, w: oW, h: oW, slices: filters, front: "#c7e9c0", side: "#a1d99b")
        d.rect(x: outLeft, y: top + 20, width: unit, height: unit, fill: "#e6550d", stroke: "#e6550d")
        d.text("output \(axis.output)x\(axis.output)x\(filters): one map per filter", x: outLeft + oW / 2, y: top + 20 + oW + 24, size: 13)
        d.arrow(from: (30 + fW + 10, top + fW / 2), to: (outLeft - 6, top + 23))
        d.text("one dot product of \(filter * filter * input[2]) numbers", x: 420, y: top - 40, size: 11)
        d.text("-> one value of the first map", x: 420, y: top - 26, size: 11)
        d.text("\(input[0]) - \(filter) + 1 = \(axis.output)", x: outLeft + oW / 2, y: top + 20 + oW + 42, size: 12)
        return d.svg
    }

    /// The output-size formula `(N - F + 2P) / S + 1` on the notebook's and lab's cases, each
    /// checked against the shape `conv2d` actually produces.
    static func outputSizes(_ out: inout Transcript) throws {
        // @code output-size
        let cases: [(n: Int, f: Int, p: Int, s: Int)] = [
            (32, 5, 0, 1), (6, 3, 0, 1), (6, 3, 1, 1), (32, 7, 0, 1),
            (26, 5, 0, 2), (32, 5, 2, 1), (7, 3, 0, 2), (7, 3, 1, 1), (7, 3, 0, 3),
        ]
        var table = Table("N", "F", "P", "S", "(N-F+2P)/S+1", "conv2d")
        for (n, f, p, s) in cases {
            let formula: String
            do {
                formula = String(try explicitPaddingOutputSize(input: n, kernel: f, padding: p, stride: s))
            } catch {
                formula = "\(n - f + 2 * p)/\(s)+1 not whole"
            }
            // Run the convolution itself on an explicitly zero-padded N x N image.
            let padded = try Tensor<Double>(zeros: [1, n + 2 * p, n + 2 * p, 1])
            let filter = try Tensor<Double>(zeros: [f, f, 1, 1])
            let y = try Reference.conv2DForward(padded, filter: filter, strides: Size2(s, s), padding: .valid)
            table.row("\(n)", "\(f)", "\(p)", "\(s)", "\(formula)", "\(y.shape[1])x\(y.shape[2])")
        }
        out.say(table)
        // The notebook's chain: 10 filters 7x7x3 (stride 1), then 6 filters 5x5x10 (stride 2).
        var generator = SeededGenerator(seed: 2)
        let x = try random([1, 32, 32, 3], &generator)
        let h1 = try Reference.conv2DForward(x, filter: try random([7, 7, 3, 10], &generator), padding: .valid)
        let h2 = try Reference.conv2DForward(h1, filter: try random([5, 5, 10, 6], &generator), strides: 2, padding: .valid)
        out.say("chain: \(shape: x.shape) -> \(shape: h1.shape) -> \(shape: h2.shape)")
        // @end
    }

    /// Parameter counts: a conv layer against one fully connected neuron.
    static func parameters(_ out: inout Transcript) throws {
        // @code parameters
        let filter = try Tensor<Double>(zeros: [5, 5, 3, 1])
        out.say("one 5x5x3 filter: \(filter.count) weights + 1 bias = \(convParameterCount(kernel: 5, inputDepth: 3, filters: 1))")
        let layer = try Tensor<Double>(zeros: [5, 5, 3, 10])
        out.say("ten of them: \(layer.count) weights + 10 biases = \(convParameterCount(kernel: 5, inputDepth: 3, filters: 10))")
        out.say("tutorial #03's [5,5,3,6] layer: \(convParameterCount(kernel: 5, inputDepth: 3, filters: 6))")
        out.say("tutorial #03's [5,5,6,10] layer: \(convParameterCount(kernel: 5, inputDepth: 6, filters: 10))")
        for side in [32, 200] {
            let weights = denseParameterCount(inputs: side * side * 3, outputs: 1, bias: false)
            out.say("one fully connected neuron on \(side)x\(side)x3: \(thousands(weights)) weights")
        }
        // @end
    }

    /// The notebook's memory estimate: three 3x3 conv layers of 64 filters on a 224x224x3 image.
    static func memory(_ out: inout Transcript) throws {
        // @code memory
        var shape = [224, 224, 3]
        var outputs: [[Int]] = []
        for _ in 0..<3 {
            let axis = try WindowAxis(input: shape[0], kernel: 3, stride: 1, padding: .same)  // pad 1 each side
            shape = [axis.output, axis.output, 64]
            outputs.append(shape)
        }
        let memory = ActivationMemory(layerOutputs: outputs, bytesPerValue: 4)
        out.say("layer outputs: \(outputs.map { describeShape($0) }.joined(separator: " "))")
        out.say("activations: \(thousands(memory.activations))")
        out.say("float32 activations + gradients: \(thousands(memory.bytesWithGradients)) bytes")
        out.say("= \(Double(memory.bytesWithGradients) / 1e6, decimals: 1) MB = \(Double(memory.bytesWithGradients) / 1_048_576, decimals: 1) MiB")
        // Counting the input image as a fourth volume, in case that is what the notebook meant.
        let withInput = ActivationMemory(layerOutputs: [[224, 224, 3]] + outputs, bytesPerValue: 4)
        out.say("with the input image: \(thousands(withInput.activations)) activations, "
                + "\(Double(withInput.bytesWithGradients) / 1e6, decimals: 1) MB = \(Double(withInput.bytesWithGradients) / 1_048_576, decimals: 1) MiB")
        // @end
    }

    /// The answers of "Try it".
    static func answers(_ out: inout Transcript) throws {
        // @code answers
        // 1. The layer's output shape (from the convolution itself) and its parameters.
        let image = try Tensor<Double>(zeros: [1, 64, 64, 3])
        let filters = try Tensor<Double>(zeros: [3, 3, 3, 16])
        let y = try Reference.conv2DForward(image, filter: filters, strides: 2, padding: .valid)
        out.say("1. \(shape: image.shape) -> \(shape: y.shape); parameters \(convParameterCount(kernel: 3, inputDepth: 3, filters: 16))")
        // 2. Store each element's own offset in it, then read the element back.
        var nhwc = try Tensor<Double>(zeros: [1, 4, 5, 3]), nchw = try Tensor<Double>(zeros: [1, 3, 4, 5])
        nhwc.withUnsafeMutableBufferPointer { for k in $0.indices { $0[k] = Double(k) } }
        nchw.withUnsafeMutableBufferPointer { for k in $0.indices { $0[k] = Double(k) } }
        out.say("2. offset of (n, i, j, c) = (0, 2, 1, 2): NHWC \(Int(nhwc[0, 2, 1, 2])), NCHW \(Int(nchw[0, 2, 2, 1]))")
        // 3. Where a 3-wide window may start on a 7-wide row, VALID.
        let starts = (0...7).filter { $0 + 3 <= 7 }
        out.say("3. a 3-wide window fits at columns \(starts.map(String.init).joined(separator: ", ")); at 6 it would need columns 6, 7, 8")
        // @end
    }
}
