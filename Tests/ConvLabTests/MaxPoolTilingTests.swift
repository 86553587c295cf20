import ConvLab
import Testing

// The fast max pool backward has its own route for windows that tile the input (stride equal to
// the window, no padding: the lectures' 2 x 2 pools), eight channels per vector with a scalar
// tail. Ties and NaNs must still land where the reference puts them.

@Suite("Max pool backward on windows that tile the input")
struct MaxPoolTilingTests {
    @Test("ties and NaNs route as in the reference, in vector lanes and in the scalar tail",
          arguments: [1, 8, 9, 19], [Padding.same, .valid])
    func tiesAndNaNs(channels: Int, padding: Padding) throws {
        // [2, 4, 6, C]: 2 x 3 windows per image. Channel c % 4 decides its windows' values:
        // 0 distinct, 1 all equal (a tie), 2 NaN in the first cell, 3 NaN in a later cell.
        var values: [Float] = []
        for n in 0..<2 {
            for row in 0..<4 {
                for col in 0..<6 {
                    for c in 0..<channels {
                        let cell = (row % 2) * 2 + col % 2   // position in its window, 0...3
                        let distinct = Float(((n * 4 + row) * 6 + col) * 7 % 23) / 23 - 0.5
                        switch c % 4 {
                        case 0: values.append(distinct)
                        case 1: values.append(1)
                        case 2: values.append(cell == 0 ? .nan : distinct)
                        default: values.append(cell == 2 ? .nan : distinct)
                        }
                    }
                }
            }
        }
        let x = try Tensor<Float>(shape: [2, 4, 6, channels], scalars: values)
        let dy = try Tensor<Float>(shape: [2, 2, 3, channels], scalars: (0..<(12 * channels)).map { Float($0 + 1) })
        let fast = try Fast.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: padding)
        let reference = try Reference.maxPoolBackward(x, dOutput: dy, windowSize: 2, strides: 2, padding: padding)
        #expect(fast == reference)
        // Every upstream value lands on exactly one cell: nothing lost, nothing doubled.
        #expect(fast.scalars.reduce(0, +) == dy.scalars.reduce(0, +))
    }
}
