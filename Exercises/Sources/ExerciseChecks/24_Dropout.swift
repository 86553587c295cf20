import ExerciseKit

extension Checks {
    public typealias DropoutForward = ([Double], Double, [Double], Bool) -> (output: [Double], mask: [Double])

    /// Exercise 24: the mask and output from given draws, the boundary draw u == keep (dropped),
    /// keep 1 and evaluation mode (identity); the mean over many draws (the point of inverted
    /// dropout); the backward pass against the gradient by linearity of the forward pass with
    /// the same draws.
    public static func dropout(forward: DropoutForward, backward: ([Double], [Double]) -> [Double]) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "the output, the mask and dInput have one entry per element of x"
        e.likelyBugs = "the 1 / keep scale (forward and, through the mask, backward); which side keeps (u < keep keeps); the mask of the forward pass in the backward pass"
        func oracleMask(_ u: [Double], _ keep: Double) -> [Double] { u.map { $0 < keep ? 1 / keep : 0 } }
        let cases: [(x: [Double], keep: Double, u: [Double], training: Bool, why: String)] = [
            ([1, -2, 3, 4], 0.5, [0.1, 0.7, 0.3, 0.9], true, "keep 0.5: two kept and doubled, two dropped"),
            ([2, 2, 2], 0.75, [0.75, 0.7499, 0], true, "a draw equal to keep is dropped (u < keep keeps)"),
            ([1.5, -0.5], 1, [0.99, 0.5], true, "keep 1: everything kept, scale 1"),
            ([3, -1, 4], 0.5, [0.9, 0.9, 0.9], false, "evaluation: the identity, whatever the draws"),
            ([7], 0.2, [0.1], true, "size 1, keep 0.2: kept and scaled by 5"),
        ]
        for c in cases {
            let got = forward(c.x, c.keep, c.u, c.training)
            let mask = c.training ? oracleMask(c.u, c.keep) : Array(repeating: 1.0, count: c.x.count)
            let input = "x \(show(c.x)), keepProbability \(formatScalar(c.keep)), uniforms \(show(c.u)), training \(c.training)"
            e.close("dropoutForward: mask, \(c.why)", input: input, got: got.mask, expected: mask, tolerance: .tight)
            e.close("dropoutForward: output, \(c.why)", input: input, got: got.output, expected: zip(c.x, mask).map { $0 * $1 }, tolerance: .tight)
        }
        // Inverted dropout keeps the mean: over 20,000 draws the output averages to x.
        var g = CaseGenerator(seed: 24)
        let count = 20_000, keep = 0.3
        let draws = (0..<count).map { _ in Double(g.next() >> 11) / Double(1 << 53) }
        let ones = [Double](repeating: 1, count: count)
        let mean = forward(ones, keep, draws, true).output.reduce(0, +) / Double(count)
        e.close("dropoutForward: the mean output over 20,000 draws equals the input (1)", input: "x all 1, keepProbability 0.3, 20,000 uniform draws",
                got: mean, expected: 1, tolerance: Tolerance(atol: 0.03, rtol: 0))
        // Backward: the forward pass with fixed draws is linear in x; its gradient by linearity.
        let backCases: [(n: Int, keep: Double, why: String)] = [(6, 0.5, "keep 0.5"), (5, 0.8, "keep 0.8"), (3, 1, "keep 1")]
        for c in backCases {
            let u = (0..<c.n).map { _ in g.uniform(0, 1) }, dy = (0..<c.n).map { _ in g.uniform(-2, 2) }
            let mask = oracleMask(u, c.keep)
            let expected = Oracle.linearGradient(of: { x in Tensor(shape: [c.n], scalars: zip(x.scalars, mask).map { $0 * $1 }) },
                                                 at: [c.n], dOutput: Tensor(shape: [c.n], scalars: dy))
            e.close("dropoutBackward: \(c.why)", input: "dOutput \(show(dy)), mask \(show(mask)) (from uniforms \(show(u)))",
                    got: backward(dy, mask), expected: expected.scalars, tolerance: .tight)
        }
        return e.failures
    }
}
