import ConvLab
import ConvLabTestSupport
import Testing

@Suite("depthwise and separable conv2d: definitions, gradient checks, Float vs Double, shape errors")
struct DepthwiseSeparableTests {
    // lab 11-0's toy image in channel 0 and ten times it in channel 1, with a 2x2 ones filter per
    // channel (multiplier 1), VALID: each channel is filtered on its own, so the maps are
    // [[12,16],[24,28]] and [[120,160],[240,280]] (a conv2d would have added them).
    @Test func channelsStayApart() throws {
        let toy: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let x = try Tensor<Double>(shape: [1, 3, 3, 2], scalars: toy.flatMap { [$0, 10 * $0] })
        let ones = try Tensor<Double>(shape: [2, 2, 2, 1], repeating: 1)
        let y = try Reference.depthwiseConv2DForward(x, filter: ones, padding: .valid)
        #expect(y.shape == [1, 2, 2, 2])
        #expect(y.scalars == [12, 120, 16, 160, 24, 240, 28, 280])
    }

    // The channel-multiplier layout: output channel c*M + m is input channel c filtered by
    // w[:, :, c, m], i.e. a one-channel conv2d. Checked exactly over the sweep, with M = 2.
    @Test(arguments: WindowCase.sweep)
    func outputChannelIsPerChannelConv2D(_ c: WindowCase) throws {
        let x = randomTensor(c.input, seed: 51)
        let channels = c.input[3], multiplier = 2
        let w = randomTensor([c.kernel.h, c.kernel.w, channels, multiplier], seed: 52)
        let y = try Reference.depthwiseConv2DForward(x, filter: w, strides: c.strides, padding: c.padding,
                                                     dilations: c.dilations)
        #expect(y.shape[3] == channels * multiplier)
        for ch in 0..<channels {
            let xc = try slice(x, channel: ch, of: channels)
            for m in 0..<multiplier {
                var wcm = [Double]()
                for a in 0..<c.kernel.h { for b in 0..<c.kernel.w { wcm.append(w[a, b, ch, m]) } }
                let filter = try Tensor(shape: [c.kernel.h, c.kernel.w, 1, 1], scalars: wcm)
                let expected = try Reference.conv2DForward(xc, filter: filter, strides: c.strides,
                                                           padding: c.padding, dilations: c.dilations)
                let got = try slice(y, channel: ch * multiplier + m, of: channels * multiplier)
                #expect(compare(got, expected, .exact) == nil, "channel \(ch), multiplier \(m)")
            }
        }
    }

    /// Channel `c` of an NHWC tensor, as an NHWC tensor with one channel.
    func slice(_ t: Tensor<Double>, channel: Int, of channels: Int) throws -> Tensor<Double> {
        let values = stride(from: channel, to: t.count, by: channels).map { t.scalars[$0] }
        return try Tensor(shape: Array(t.shape.dropLast()) + [1], scalars: values)
    }

    // A separable conv with multiplier 1 is a conv2d whose filter factorises as
    // w[a, b, c, o] = depthwise[a, b, c] * pointwise[c, o] (why it is cheaper: KH*KW*C + C*O weights
    // instead of KH*KW*C*O). Checked over the sweep; only summation order differs, so atol 1e-12.
    @Test(arguments: WindowCase.sweep)
    func separableIsFactorisedConv2D(_ c: WindowCase) throws {
        let channels = c.input[3], outputs = 3
        let x = randomTensor(c.input, seed: 53)
        let depthwise = randomTensor([c.kernel.h, c.kernel.w, channels, 1], seed: 54)
        let pointwise = randomTensor([1, 1, channels, outputs], seed: 55)
        var full = try Tensor<Double>(zeros: [c.kernel.h, c.kernel.w, channels, outputs])
        full.withUnsafeMutableBufferPointer { buffer in
            for a in 0..<c.kernel.h { for b in 0..<c.kernel.w { for ch in 0..<channels { for o in 0..<outputs {
                buffer[((a * c.kernel.w + b) * channels + ch) * outputs + o] = depthwise[a, b, ch, 0] * pointwise[0, 0, ch, o]
            } } } }
        }
        let y = try Reference.separableConv2DForward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                     strides: c.strides, padding: c.padding, dilations: c.dilations)
        let expected = try Reference.conv2DForward(x, filter: full, strides: c.strides, padding: c.padding,
                                                   dilations: c.dilations)
        #expect(compare(y, expected, Tolerance(atol: 1e-12)) == nil)
    }

    // Gradient checks, depthwise (dInput, dFilter) with M = 2. Linear: expect ~1e-10, assert <= 1e-7.
    @Test(arguments: WindowCase.sweep)
    func depthwiseGradients(_ c: WindowCase) throws {
        let x = randomTensor(c.input, seed: 56)
        let w = randomTensor([c.kernel.h, c.kernel.w, c.input[3], 2], seed: 57)
        let forward = { (x: Tensor<Double>, w: Tensor<Double>) in
            try Reference.depthwiseConv2DForward(x, filter: w, strides: c.strides, padding: c.padding,
                                                 dilations: c.dilations)
        }
        let dy = randomTensor(try forward(x, w).shape, seed: 58)
        let grads = try Reference.depthwiseConv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                                          padding: c.padding, dilations: c.dilations)
        expectGradient("depthwise_conv2d dInput \(c.testDescription)", analytic: grads.dInput,
                       numeric: try numericalGradient(of: { try forward($0, w) }, at: x, upstream: dy), input: x)
        expectGradient("depthwise_conv2d dFilter \(c.testDescription)", analytic: grads.dFilter,
                       numeric: try numericalGradient(of: { try forward(x, $0) }, at: w, upstream: dy), input: w)
    }

    // Gradient checks, separable (all three gradients) with M = 2 and O = 3. Linear in each input.
    @Test(arguments: WindowCase.sweep)
    func separableGradients(_ c: WindowCase) throws {
        let channels = c.input[3]
        let x = randomTensor(c.input, seed: 59)
        let depthwise = randomTensor([c.kernel.h, c.kernel.w, channels, 2], seed: 60)
        let pointwise = randomTensor([1, 1, channels * 2, 3], seed: 61)
        let forward = { (x: Tensor<Double>, d: Tensor<Double>, p: Tensor<Double>) in
            try Reference.separableConv2DForward(x, depthwiseFilter: d, pointwiseFilter: p, strides: c.strides,
                                                 padding: c.padding, dilations: c.dilations)
        }
        let dy = randomTensor(try forward(x, depthwise, pointwise).shape, seed: 62)
        let grads = try Reference.separableConv2DBackward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                          dOutput: dy, strides: c.strides, padding: c.padding,
                                                          dilations: c.dilations)
        expectGradient("separable_conv2d dInput \(c.testDescription)", analytic: grads.dInput,
                       numeric: try numericalGradient(of: { try forward($0, depthwise, pointwise) }, at: x, upstream: dy),
                       input: x)
        expectGradient("separable_conv2d dDepthwiseFilter \(c.testDescription)", analytic: grads.dDepthwiseFilter,
                       numeric: try numericalGradient(of: { try forward(x, $0, pointwise) }, at: depthwise, upstream: dy),
                       input: depthwise)
        expectGradient("separable_conv2d dPointwiseFilter \(c.testDescription)", analytic: grads.dPointwiseFilter,
                       numeric: try numericalGradient(of: { try forward(x, depthwise, $0) }, at: pointwise, upstream: dy),
                       input: pointwise)
    }

    // Float vs Double through `Kernels(.reference)`: atol 1e-5 + rtol 1e-5. Each output sums at most
    // 9 depthwise products, then 4 pointwise products, of values in [-1, 1].
    @Test(arguments: WindowCase.sweep)
    func floatMatchesDouble(_ c: WindowCase) throws {
        let channels = c.input[3]
        let x = Tensor<Float>(randomTensor(c.input, seed: 63))
        let depthwise = Tensor<Float>(randomTensor([c.kernel.h, c.kernel.w, channels, 2], seed: 64))
        let pointwise = Tensor<Float>(randomTensor([1, 1, channels * 2, 3], seed: 65))
        let kernels = Kernels(.reference)
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)

        let z = try kernels.ops.depthwiseConv2DForward(x, filter: depthwise, strides: c.strides, padding: c.padding,
                                                   dilations: c.dilations)
        let zDouble = try Reference.depthwiseConv2DForward(Tensor<Double>(x), filter: Tensor<Double>(depthwise),
                                                           strides: c.strides, padding: c.padding, dilations: c.dilations)
        #expect(compare(z, zDouble, tolerance) == nil)
        let dz = Tensor<Float>(randomTensor(z.shape, seed: 66))
        let gz = try kernels.ops.depthwiseConv2DBackward(x, filter: depthwise, dOutput: dz, strides: c.strides,
                                                     padding: c.padding, dilations: c.dilations)
        let gzDouble = try Reference.depthwiseConv2DBackward(Tensor<Double>(x), filter: Tensor<Double>(depthwise),
                                                             dOutput: Tensor<Double>(dz), strides: c.strides,
                                                             padding: c.padding, dilations: c.dilations)
        #expect(compare(gz.dInput, gzDouble.dInput, tolerance) == nil)
        #expect(compare(gz.dFilter, gzDouble.dFilter, tolerance) == nil)

        let y = try kernels.ops.separableConv2DForward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                   strides: c.strides, padding: c.padding, dilations: c.dilations)
        let yDouble = try Reference.separableConv2DForward(Tensor<Double>(x), depthwiseFilter: Tensor<Double>(depthwise),
                                                           pointwiseFilter: Tensor<Double>(pointwise), strides: c.strides,
                                                           padding: c.padding, dilations: c.dilations)
        #expect(compare(y, yDouble, tolerance) == nil)
        let dy = Tensor<Float>(randomTensor(y.shape, seed: 67))
        let g = try kernels.ops.separableConv2DBackward(x, depthwiseFilter: depthwise, pointwiseFilter: pointwise,
                                                    dOutput: dy, strides: c.strides, padding: c.padding,
                                                    dilations: c.dilations)
        let gDouble = try Reference.separableConv2DBackward(Tensor<Double>(x), depthwiseFilter: Tensor<Double>(depthwise),
                                                            pointwiseFilter: Tensor<Double>(pointwise),
                                                            dOutput: Tensor<Double>(dy), strides: c.strides,
                                                            padding: c.padding, dilations: c.dilations)
        #expect(compare(g.dInput, gDouble.dInput, tolerance) == nil)
        #expect(compare(g.dDepthwiseFilter, gDouble.dDepthwiseFilter, tolerance) == nil)
        #expect(compare(g.dPointwiseFilter, gDouble.dPointwiseFilter, tolerance) == nil)
    }

    @Test func depthwiseShapeErrors() throws {
        let x = try Tensor<Float>(zeros: [1, 8, 8, 3])
        let message = expectShapeError(op: "depthwiseConv2D") {
            _ = try Reference.depthwiseConv2DForward(x, filter: try Tensor<Float>(zeros: [3, 3, 2, 4]), padding: .same)
        }
        #expect(message == "depthwiseConv2D: filter has 2 input channels but input has 3 ([1,8,8,3] * [3,3,2,4])")
        expectShapeError(op: "depthwiseConv2D", containing: "rank 4") {
            _ = try Reference.depthwiseConv2DForward(x, filter: try Tensor<Float>(zeros: [3, 3, 3]), padding: .same)
        }
        expectShapeError(op: "depthwiseConv2D", containing: "VALID window") {
            _ = try Reference.depthwiseConv2DForward(x, filter: try Tensor<Float>(zeros: [9, 3, 3, 1]), padding: .valid)
        }
        expectShapeError(op: "depthwiseConv2D", containing: "only with stride 1") {
            _ = try Reference.depthwiseConv2DForward(x, filter: try Tensor<Float>(zeros: [3, 3, 3, 1]), strides: [1, 2],
                                                     padding: .same, dilations: [2, 1])
        }
        expectShapeError(op: "depthwiseConv2DBackward", containing: "dOutput is [1,8,8,3]") {
            _ = try Reference.depthwiseConv2DBackward(x, filter: try Tensor<Float>(zeros: [3, 3, 3, 2]),
                                                      dOutput: try Tensor<Float>(zeros: [1, 8, 8, 3]), padding: .same)
        }
    }

    @Test func separableShapeErrors() throws {
        let x = try Tensor<Float>(zeros: [1, 8, 8, 3])
        let depthwise = try Tensor<Float>(zeros: [3, 3, 3, 2])
        let message = expectShapeError(op: "separableConv2D") {
            _ = try Reference.separableConv2DForward(x, depthwiseFilter: depthwise,
                                                     pointwiseFilter: try Tensor<Float>(zeros: [1, 1, 3, 5]), padding: .same)
        }
        #expect(message == "separableConv2D: pointwise filter has 3 input channels but the depthwise step gives "
                    + "C*M = 3*2 = 6 ([1,8,8,3] * [3,3,3,2] * [1,1,3,5])")
        expectShapeError(op: "separableConv2D", containing: "[1,1,C*M,O]") {
            _ = try Reference.separableConv2DForward(x, depthwiseFilter: depthwise,
                                                     pointwiseFilter: try Tensor<Float>(zeros: [3, 3, 6, 5]), padding: .same)
        }
        expectShapeError(op: "separableConv2D", containing: "[1,1,C*M,O]") {
            _ = try Reference.separableConv2DForward(x, depthwiseFilter: depthwise,
                                                     pointwiseFilter: try Tensor<Float>(zeros: [6, 5]), padding: .same)
        }
        expectShapeError(op: "separableConv2D", containing: "filter has 3 input channels but input has 1") {
            _ = try Reference.separableConv2DForward(try Tensor<Float>(zeros: [1, 8, 8, 1]), depthwiseFilter: depthwise,
                                                     pointwiseFilter: try Tensor<Float>(zeros: [1, 1, 6, 5]), padding: .same)
        }
        expectShapeError(op: "separableConv2DBackward", containing: "dOutput is [1,8,8,6]") {
            _ = try Reference.separableConv2DBackward(x, depthwiseFilter: depthwise,
                                                      pointwiseFilter: try Tensor<Float>(zeros: [1, 1, 6, 5]),
                                                      dOutput: try Tensor<Float>(zeros: [1, 8, 8, 6]), padding: .same)
        }
    }
}
