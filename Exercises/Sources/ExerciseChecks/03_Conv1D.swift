import ExerciseKit

extension Checks {
    /// Exercise 03: the lecture's picture, an asymmetric filter, a filter as long as the signal.
    public static func conv1D(_ impl: ([Double], [Double]) -> [Double]) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "y has N - K + 1 entries, none when the filter is longer than the signal"
        var g = CaseGenerator(seed: 3)
        let cases: [(x: [Double], w: [Double], why: String)] = [
            ([1, 2, 3, 4], [1, 1, 1], "the lecture's picture: 4 inputs, 3 weights, 2 outputs"),
            ([1, 2, 3, 4, 5], [1, 0, -1], "an asymmetric (edge) filter: no flipping"),
            ([3, 1, 4, 1, 5, 9, 2, 6], [2], "a 1-wide filter scales the signal"),
            ([1, -2, 3], [0.5, 0.25, 2], "a filter as long as the signal: 1 output"),
            ((0..<9).map { _ in g.uniform(-2, 2) }, [0.5, -1, 0.25, 2], "random signal, 4 weights"),
            ([7], [3], "size 1: one input, one weight, one output"),
            ([1, 2], [1, 1, 1], "a filter longer than the signal: no position fits, so no output"),
        ]
        for c in cases {
            let expected = (0..<max(0, c.x.count - c.w.count + 1)).map { i in
                c.w.indices.reduce(0.0) { $0 + c.x[i + $1] * c.w[$1] }
            }
            e.close("conv1D: \(c.why)", input: "signal \(show(c.x)), filter \(show(c.w))",
                    got: impl(c.x, c.w), expected: expected)
        }
        return e.failures
    }
}
