import ExerciseKit

extension Checks {
    /// Exercise 08: max pooling backward; a centre cell that is the max of four overlapping
    /// windows, then the shared pooling cases with random upstream gradients.
    public static func maxPoolBackward(_ impl: (Tensor, Tensor, Size2, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "dInput has the input's shape [N, H, W, C]: start from Tensor(zeros: input.shape)"
        e.likelyBugs = "`=` where `+=` belongs (a cell that is the max of several overlapping windows gets the sum of their gradients); a missing padding offset (row = i*sh + a - padTop, SAME's padTop from exercise 02)"
        var g = CaseGenerator(seed: 8)
        var cases = poolingCases(seed: 8)
        cases.insert((Tensor(image: [[1, 2, 3], [4, 9, 5], [6, 7, 8]]), Size2(2, 2), Size2(1, 1), .valid,
                      "2x2 windows at stride 1: the centre 9 is the max of all four windows, it gets the sum"), at: 1)
        for c in cases {
            let rows = Oracle.axis(input: c.x.shape[1], kernel: c.window.h, stride: c.strides.h, padding: c.padding)
            let cols = Oracle.axis(input: c.x.shape[2], kernel: c.window.w, stride: c.strides.w, padding: c.padding)
            let dOutput = g.tensor([c.x.shape[0], rows.output, cols.output, c.x.shape[3]], 0.5, 3)
            var expected = Tensor(zeros: c.x.shape)
            for n in 0..<c.x.shape[0] { for i in 0..<rows.output { for j in 0..<cols.output { for ch in 0..<c.x.shape[3] {
                let cells = Oracle.windowCells(oi: i, oj: j, rows: rows, cols: cols, window: c.window, strides: c.strides,
                                               height: c.x.shape[1], width: c.x.shape[2])
                let argmax = cells.max { c.x[n, $0.0, $0.1, ch] < c.x[n, $1.0, $1.1, ch] }!
                expected[n, argmax.0, argmax.1, ch] += dOutput[n, i, j, ch]
            } } } }
            e.close("maxPoolBackward: \(c.why)", input: describePool(c) + ", dOutput \(show(dOutput))",
                    got: impl(c.x, dOutput, c.window, c.strides, c.padding), expected: expected)
        }
        return e.failures
    }
}
