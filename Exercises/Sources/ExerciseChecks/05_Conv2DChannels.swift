import ExerciseKit

extension Checks {
    /// Exercise 05: lab 11-0's three filters, then random batches with several channels.
    public static func conv2DChannels(_ impl: (Tensor, Tensor) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output is [N, H - KH + 1, W - KW + 1, O]: one output channel per filter"
        var g = CaseGenerator(seed: 5)
        // lab 11-0: the 3x3 toy image with three 2x2 filters of 1, 10 and -1.
        let toy = Tensor(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let three = Tensor(shape: [2, 2, 1, 3], scalars: [1, 10, -1, 1, 10, -1, 1, 10, -1, 1, 10, -1])
        let cases: [(x: Tensor, w: Tensor, why: String)] = [
            (toy, three, "lab 11-0: 3x3 toy image, three 2x2 filters (1, 10, -1) -> 3 output channels"),
            (g.tensor([1, 4, 4, 3]), g.tensor([3, 3, 3, 2]), "one 4x4 RGB image, two 3x3x3 filters"),
            (g.tensor([2, 5, 4, 2]), g.tensor([2, 3, 2, 3]), "a batch of 2, 5x4x2, three 2x3x2 filters"),
            (g.tensor([1, 3, 3, 3]), g.tensor([1, 1, 3, 2]), "1x1 filters: each output pixel mixes the channels of one input pixel"),
            (g.tensor([2, 1, 1, 2]), g.tensor([1, 1, 2, 1]), "size 1: 1x1 images, a 1x1 filter"),
        ]
        for c in cases {
            e.close("conv2DChannels: \(c.why)", input: "input \(show(c.x)), filter \(show(c.w))",
                    got: impl(c.x, c.w), expected: Oracle.conv(c.x, c.w))
        }
        return e.failures
    }
}
