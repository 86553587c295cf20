import ConvLab
import ConvLabTestSupport
import Testing

@Suite("conv2d_transpose: scatter worked example, conv2d's dInput, adjoint, TF's output sizes")
struct Conv2DTransposeTests {
    // Worked by hand: each cell of [[1,2],[3,4]] scatters a 3x3 block of ones, scaled by its
    // value, at rows/columns 2i and 2j (stride 2); overlaps add (the centre 1+2+3+4 = 10).
    // VALID keeps all (2-1)*2 + 3 = 5 rows; SAME keeps 2*2 = 4, dropping the bottom/right pad.
    @Test func scatterWorkedExample() throws {
        let x = try Tensor<Double>(image: [[1, 2], [3, 4]])
        let ones = try Tensor<Double>(shape: [3, 3, 1, 1], repeating: 1)
        let valid = try Reference.conv2DTranspose(x, filter: ones, strides: 2, padding: .valid)
        #expect(valid == (try Tensor<Double>(image: [[1, 1, 3, 2, 2], [1, 1, 3, 2, 2], [4, 4, 10, 6, 6],
                                                     [3, 3, 7, 4, 4], [3, 3, 7, 4, 4]])))
        let same = try Reference.conv2DTranspose(x, filter: ones, strides: 2, padding: .same)
        #expect(same == (try Tensor<Double>(image: [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]])))
    }

    /// Configurations: odd sizes, strides 1-3, dilation 2, SAME/VALID/explicit, channels in and out.
    static let cases: [(output: [Int], kernel: [Int], strides: Size2, padding: Padding, dilations: Size2)] = [
        ([1, 5, 5, 1], [3, 3, 1, 1], 2, .same, 1),
        ([1, 6, 6, 2], [3, 3, 2, 3], 2, .same, 1),
        ([2, 7, 5, 2], [2, 3, 2, 2], [3, 2], .valid, 1),
        ([1, 7, 7, 1], [3, 3, 1, 2], 1, .same, 2),
        ([1, 8, 6, 3], [3, 2, 3, 1], 2, .explicit(ExplicitPadding(top: 2, bottom: 0, left: 1, right: 1)), 1),
        ([1, 5, 7, 1], [3, 3, 1, 1], 3, .valid, 1),
    ]

    /// conv2d_transpose(dy) is conv2d's dInput for the upstream gradient dy (TF implements it
    /// as Conv2DBackpropInput), given the forward conv's input size as the output size.
    @Test(arguments: 0..<cases.count)
    func equalsConv2DInputGradient(index: Int) throws {
        let c = Self.cases[index]
        let image = randomTensor(c.output, seed: UInt64(index))
        let w = randomTensor(c.kernel, seed: UInt64(100 + index))
        let y = try Reference.conv2DForward(image, filter: w, strides: c.strides, padding: c.padding, dilations: c.dilations)
        let dy = randomTensor(y.shape, seed: UInt64(200 + index))
        let dInput = try Reference.conv2DBackward(image, filter: w, dOutput: dy, strides: c.strides, padding: c.padding,
                                                  dilations: c.dilations).dInput
        let transposed = try Reference.conv2DTranspose(dy, filter: w, outputSize: Size2(c.output[1], c.output[2]),
                                                       strides: c.strides, padding: c.padding, dilations: c.dilations)
        #expect(compare(transposed, dInput, Tolerance(atol: 1e-12)) == nil)

        // The adjoint identity <conv2d(u), v> = <u, conv2d_transpose(v)>, which defines a transpose.
        let lhs = zip(y.scalars, dy.scalars).map { $0 * $1 }.reduce(0, +)
        let rhs = zip(image.scalars, transposed.scalars).map { $0 * $1 }.reduce(0, +)
        #expect(abs(lhs - rhs) <= 1e-12 * max(1, abs(lhs)), "\(lhs) vs \(rhs)")
    }

    /// Without an output size, the size tf.keras.layers.Conv2DTranspose computes; with one, any
    /// size whose forward conv gives back the input is accepted, as TF accepts that output_shape.
    @Test func outputSizes() throws {
        let x = randomTensor([1, 3, 4, 1], seed: 9)
        let w = randomTensor([3, 3, 1, 1], seed: 10)
        #expect(try Reference.conv2DTranspose(x, filter: w, strides: 2, padding: .same).shape == [1, 6, 8, 1])
        #expect(try Reference.conv2DTranspose(x, filter: w, strides: 2, padding: .valid).shape == [1, 7, 9, 1])
        #expect(try Reference.conv2DTranspose(x, filter: w, strides: 3, padding: .valid).shape == [1, 9, 12, 1])
        let pads = Padding.explicit(ExplicitPadding(top: 1, bottom: 0, left: 1, right: 1))
        #expect(try Reference.conv2DTranspose(x, filter: w, strides: 2, padding: pads).shape == [1, 6, 7, 1])
        // SAME at stride 2: 5 and 6 rows both give ceil(H / 2) = 3.
        #expect(try Reference.conv2DTranspose(x, filter: w, outputSize: [5, 7], strides: 2, padding: .same).shape == [1, 5, 7, 1])
        expectShapeError(op: "conv2DTranspose", containing: "not the input's 3x4") {
            _ = try Reference.conv2DTranspose(x, filter: w, outputSize: [4, 8], strides: 2, padding: .same)
        }
        expectShapeError(op: "conv2DTranspose", containing: "C = 2") {
            _ = try Reference.conv2DTranspose(x, filter: randomTensor([3, 3, 1, 2], seed: 1), padding: .same)
        }
        expectShapeError(op: "conv2DTranspose", containing: "overflows") {
            _ = try Reference.conv2DTranspose(x, filter: w, strides: [Int.max, 1], padding: .same)
        }
        #expect(try Kernels(.fast).ops.conv2DTranspose(Tensor<Float>(x), filter: Tensor<Float>(w), outputSize: nil, strides: 2,
                                                       padding: .same, dilations: 1).shape
                == [1, 6, 8, 1])
    }
}
