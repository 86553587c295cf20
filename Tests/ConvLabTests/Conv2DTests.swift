import ConvLab
import ConvLabTestSupport
import Testing

@Suite("conv2d: lecture examples, Float vs Double, shape errors")
struct Conv2DTests {
    /// Output channel `o` of an NHWC tensor with batch 1, as a lecture-style matrix string.
    func featureMap(_ y: Tensor<Double>, channel o: Int) -> String {
        let rows = (0..<y.shape[1]).map { i in (0..<y.shape[2]).map { j in y[0, i, j, o] } }
        return (try? Tensor(rows).description) ?? "?"
    }

    // lab 11-0: "3 Filters (2, 2, 1, 3)": weights 1, 10 and -1 on the 3x3 toy image give the x1,
    // x10 and x-1 feature maps, VALID [[12,16],[24,28]] and SAME [[12,16,9],[24,28,15],[15,17,9]].
    @Test(arguments: Padding.allCases)
    func labThreeFilters(padding: Padding) throws {
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let filter = try Tensor<Double>(shape: [2, 2, 1, 3],
                                        scalars: Array(repeating: [1, 10, -1], count: 4).flatMap { $0 })
        let y = try Reference.conv2DForward(image, filter: filter, padding: padding)
        switch padding {
        case .valid:
            #expect(y.shape == [1, 2, 2, 3])
            #expect(featureMap(y, channel: 0) == "[[12, 16], [24, 28]]")
            #expect(featureMap(y, channel: 1) == "[[120, 160], [240, 280]]")
            #expect(featureMap(y, channel: 2) == "[[-12, -16], [-24, -28]]")
        case .same:
            #expect(y.shape == [1, 3, 3, 3])
            #expect(featureMap(y, channel: 0) == "[[12, 16, 9], [24, 28, 15], [15, 17, 9]]")
            #expect(featureMap(y, channel: 1) == "[[120, 160, 90], [240, 280, 150], [150, 170, 90]]")
            #expect(featureMap(y, channel: 2) == "[[-12, -16, -9], [-24, -28, -15], [-15, -17, -9]]")
        case .explicit:
            Issue.record("Padding.allCases holds SAME and VALID only")
        }
    }

    // lab 11-0: the 5x5 binary image convolved with the 3x3 "x" filter [[1,0,1],[0,1,0],[1,0,1]]
    // gives the convolved feature [[4,3,4],[2,4,3],[2,3,4]] (VALID, stride 1).
    @Test func labBinaryImage() throws {
        let image = try Tensor<Double>(image: [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                                               [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
        let filter = try Tensor<Double>([[1, 0, 1], [0, 1, 0], [1, 0, 1]]).reshaped([3, 3, 1, 1])
        let y = try Reference.conv2DForward(image, filter: filter, padding: .valid)
        #expect(featureMap(y, channel: 0) == "[[4, 3, 4], [2, 4, 3], [2, 3, 4]]")
    }

    // lab 11-0: "7x7 input, 3x3 convolution filter with stride 2 -> 3x3 output"; and "pad with 1
    // pixel border" (SAME at stride 1 pads (F-1)/2 = 1 each side) keeps 7x7.
    @Test func labSevenBySeven() throws {
        let image = randomTensor([1, 7, 7, 1], seed: 7)
        let filter = randomTensor([3, 3, 1, 1], seed: 8)
        let strided = try Reference.conv2DForward(image, filter: filter, strides: 2, padding: .valid)
        #expect(strided.shape == [1, 3, 3, 1])
        let padded = try Reference.conv2DForward(image, filter: filter, strides: 1, padding: .same)
        #expect(padded.shape == [1, 7, 7, 1])
        // The strided output is the stride-1 VALID output sampled every other position.
        let dense = try Reference.conv2DForward(image, filter: filter, padding: .valid)
        for i in 0..<3 { for j in 0..<3 { #expect(strided[0, i, j, 0] == dense[0, 2 * i, 2 * j, 0]) } }
    }

    // tutorial #03: Conv2D(x, [5,5,3,6], [1,1,1,1], 'SAME') then Conv2D(h, [5,5,6,10], ...): the second
    // layer's weight shape [5,5,6,10] takes the first layer's 6 maps; on a 32x32x3 image the chain
    // is 32x32x3 -> 32x32x6 -> 32x32x10. The strided version [1,2,2,1] gives 16x16x6.
    @Test func tutorialWeightShapes() throws {
        let x = Tensor<Float>(randomTensor([1, 32, 32, 3], seed: 31))
        let w1 = Tensor<Float>(randomTensor([5, 5, 3, 6], seed: 32, range: -0.1...0.1))
        let w2 = Tensor<Float>(randomTensor([5, 5, 6, 10], seed: 33, range: -0.1...0.1))
        let h = try Kernels(.reference).ops.conv2DForward(x, filter: w1, strides: 1, padding: .same, dilations: 1)
        #expect(h.shape == [1, 32, 32, 6])
        let h2 = try Kernels(.reference).ops.conv2DForward(h, filter: w2, strides: 1, padding: .same, dilations: 1)
        #expect(h2.shape == [1, 32, 32, 10])
        let strided = try Kernels(.reference).ops.conv2DForward(x, filter: w1, strides: 2, padding: .same, dilations: 1)
        #expect(strided.shape == [1, 16, 16, 6])
        // Feeding the 3-channel image to the 6-channel second layer is the classic mistake.
        expectShapeError(op: "conv2d", containing: "filter has 6 input channels but input has 3") {
            _ = try Kernels(.reference).ops.conv2DForward(x, filter: w2, strides: 1, padding: .same, dilations: 1)
        }
    }

    // lecture 7 ("Convolutions without training"): the blur kernel
    //   0.0625 0.125 0.0625 / 0.125 0.25 0.125 / 0.0625 0.125 0.0625
    // sums to 1, so a constant image stays constant (VALID: every window is inside the image),
    // and a single bright pixel spreads into the kernel itself.
    @Test func lectureBlurKernel() throws {
        let blur = try Tensor<Double>([[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]])
            .reshaped([3, 3, 1, 1])
        #expect(blur.sum() == 1)
        let flat = try Tensor<Double>(shape: [1, 6, 5, 1], repeating: 0.75)
        let blurred = try Reference.conv2DForward(flat, filter: blur, padding: .valid)
        #expect(compare(blurred, try Tensor<Double>(shape: [1, 4, 3, 1], repeating: 0.75), .exact) == nil)

        var impulse = try Tensor<Double>(zeros: [1, 5, 5, 1])
        impulse.withUnsafeMutableBufferPointer { $0[12] = 1 }  // the centre pixel (2, 2)
        let spread = try Reference.conv2DForward(impulse, filter: blur, padding: .same)
        let centre = try spread.reshaped([5, 5])
        #expect(centre[2, 2] == 0.25)
        #expect(centre[1, 2] == 0.125 && centre[2, 1] == 0.125)
        #expect(centre[1, 1] == 0.0625 && centre[3, 3] == 0.0625)
        #expect(centre[0, 0] == 0 && centre.sum() == 1)  // blur moves brightness, never creates it
    }

    // Float vs Double: the same inputs (Float values widened exactly to Double), compared under
    // atol 1e-5 + rtol 1e-5. Each output sums at most 3*3*2 = 18 products of values in [-1, 1], so
    // Float's rounding error is about 18 * 6e-8 ~ 1e-6.
    @Test(arguments: WindowCase.sweep)
    func floatMatchesDouble(_ c: WindowCase) throws {
        let x = Tensor<Float>(randomTensor(c.input, seed: 1))
        let w = Tensor<Float>(randomTensor([c.kernel.h, c.kernel.w, c.input[3], 3], seed: 2))
        let yFloat = try Reference.conv2DForward(x, filter: w, strides: c.strides, padding: c.padding,
                                                 dilations: c.dilations)
        let yDouble = try Reference.conv2DForward(Tensor<Double>(x), filter: Tensor<Double>(w), strides: c.strides,
                                                  padding: c.padding, dilations: c.dilations)
        let dy = Tensor<Float>(randomTensor(yFloat.shape, seed: 3))
        let gFloat = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                                  padding: c.padding, dilations: c.dilations)
        let gDouble = try Reference.conv2DBackward(Tensor<Double>(x), filter: Tensor<Double>(w),
                                                   dOutput: Tensor<Double>(dy), strides: c.strides,
                                                   padding: c.padding, dilations: c.dilations)
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)
        #expect(compare(yFloat, yDouble, tolerance) == nil)
        #expect(compare(gFloat.dInput, gDouble.dInput, tolerance) == nil)
        #expect(compare(gFloat.dFilter, gDouble.dFilter, tolerance) == nil)
    }

    // Every bad shape or argument throws a ConvLabError that names conv2d (or the backward op).
    @Test func shapeErrors() throws {
        let x = try Tensor<Float>(zeros: [1, 28, 28, 1])
        let message = expectShapeError(op: "conv2d") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Float>(zeros: [5, 5, 3, 32]), padding: .same)
        }
        #expect(message == "conv2d: filter has 3 input channels but input has 1 ([1,28,28,1] * [5,5,3,32])")
        expectShapeError(op: "conv2d", containing: "rank 4") {
            _ = try Reference.conv2DForward(try Tensor<Float>(zeros: [28, 28, 1]),
                                            filter: try Tensor<Float>(zeros: [5, 5, 1, 32]), padding: .same)
        }
        expectShapeError(op: "conv2d", containing: "rank 4") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Float>(zeros: [5, 5, 32]), padding: .same)
        }
        expectShapeError(op: "conv2d", containing: "VALID window") {
            _ = try Reference.conv2DForward(try Tensor<Float>(zeros: [1, 4, 4, 1]),
                                            filter: try Tensor<Float>(zeros: [5, 5, 1, 1]), padding: .valid)
        }
        expectShapeError(op: "conv2d", containing: "stride") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Float>(zeros: [3, 3, 1, 1]), strides: 0, padding: .same)
        }
        expectShapeError(op: "conv2d", containing: "dilation > 1 only with stride 1") {
            _ = try Reference.conv2DForward(x, filter: try Tensor<Float>(zeros: [3, 3, 1, 1]), strides: 2,
                                            padding: .same, dilations: 2)
        }
        expectShapeError(op: "conv2DBackward", containing: "dOutput is [1,28,28,2]") {
            _ = try Reference.conv2DBackward(x, filter: try Tensor<Float>(zeros: [3, 3, 1, 1]),
                                             dOutput: try Tensor<Float>(zeros: [1, 28, 28, 2]), padding: .same)
        }
    }
}
