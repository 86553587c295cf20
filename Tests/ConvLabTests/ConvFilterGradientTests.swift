import ConvLab
import Testing

// `Fast.conv2DFilterGradient` computes `conv2DBackward`'s dFilter without dInput (for a network's
// first layer). It must equal the reference's dFilter on every geometry the fast path handles, and
// a training step's backward pass (`Sequential.backwardParameters`) must fill the same gradients.

@Suite("conv2d filter gradient alone")
struct ConvFilterGradientTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: [Int], filter: [Int], stride: Int, dilation: Int, padding: Padding
        var testDescription: String { "\(input) * \(filter), stride \(stride), dilation \(dilation), \(padding)" }
    }

    static let cases: [Case] = [
        Case(input: [2, 9, 9, 1], filter: [5, 5, 1, 7], stride: 1, dilation: 1, padding: .same),
        Case(input: [1, 8, 11, 3], filter: [3, 2, 3, 17], stride: 2, dilation: 1, padding: .same),
        Case(input: [3, 7, 7, 9], filter: [3, 3, 9, 5], stride: 1, dilation: 2, padding: .valid),
        Case(input: [1, 10, 9, 12], filter: [4, 3, 12, 16], stride: 3, dilation: 1, padding: .valid),
    ]

    @Test("equals the reference's dFilter and conv2DBackward's; the reference path's composite too", arguments: cases)
    func matchesReference(_ c: Case) throws {
        let x = try values(c.input, seed: 1), w = try values(c.filter, seed: 2)
        let s = Size2(c.stride, c.stride), d = Size2(c.dilation, c.dilation)
        let y = try Reference.conv2DForward(x, filter: w, strides: s, padding: c.padding, dilations: d)
        let dy = try values(y.shape, seed: 3)
        let reference = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: s, padding: c.padding, dilations: d)
        let alone = try Fast.conv2DFilterGradient(x, filter: w, dOutput: dy, strides: s, padding: c.padding, dilations: d)
        let both = try Fast.conv2DBackward(x, filter: w, dOutput: dy, strides: s, padding: c.padding, dilations: d)
        #expect(alone.shape == c.filter)
        #expect(try alone.maxAbsDifference(reference.dFilter) < 1e-4)
        #expect(alone == both.dFilter)   // the same kernel, the same order: bit for bit
        // The reference path's op is the composite, conv2DBackward's dFilter: the same values.
        let ops: any KernelOps.Type = Reference.self
        #expect(try ops.conv2DFilterGradient(x, filter: w, dOutput: dy, strides: s, padding: c.padding, dilations: d)
                == reference.dFilter)
    }

    @Test("refuses a dOutput of the wrong shape, as conv2DBackward does")
    func refusesWrongGradient() throws {
        let x = try values([1, 5, 5, 2], seed: 4), w = try values([3, 3, 2, 4], seed: 5)
        let wrong = try values([1, 4, 5, 4], seed: 6)
        #expect(throws: ConvLabError.self) { try Fast.conv2DFilterGradient(x, filter: w, dOutput: wrong, padding: .same) }
    }

    /// Training skips the first layer's dInput (`Sequential.backwardParameters`): every variable
    /// gets exactly the gradient of the full backward pass, on both paths.
    @Test("backwardParameters fills the same gradients as backward", arguments: KernelPath.allCases)
    func networkGradients(_ path: KernelPath) throws {
        let recipe = ModelRecipe.lecture7
        let model = try recipe.build(seed: 3)
        let context = LayerContext(kernels: Kernels(path), mode: .training, dropout: false)
        let x = try values([2] + recipe.exampleShape, seed: 10)
        let logits = try model.forward(x, context: context)
        let dy = try values(logits.shape, seed: 11)
        try model.backward(dy, context: context)
        let full = model.variables.map(\.gradient)
        // NaN in every gradient first: one the second pass leaves unfilled cannot compare equal.
        for variable in model.variables { variable.gradient = try Tensor(shape: variable.gradient.shape, repeating: .nan) }
        try model.backwardParameters(dy, context: context)
        let alone = model.variables.map(\.gradient)
        #expect(full.count == alone.count && full.count == 8)
        for (a, b) in zip(full, alone) { #expect(a == b) }
    }

    /// Seeded values in [-1, 1).
    func values(_ shape: [Int], seed: UInt64) throws -> Tensor<Float> {
        var generator = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, scalars: (0..<count).map { _ in Float(generator.nextUniform(-1, 1)) })
    }
}
