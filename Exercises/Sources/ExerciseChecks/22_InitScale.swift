import ExerciseKit
import Foundation

extension Checks {
    /// Exercise 22: the fans by counting connections (the inputs one output reads, the outputs
    /// one input reaches), the scales from the variance each scheme promises, and a sampled
    /// check: 40,000 draws with the returned scale have that variance.
    public static func initScale(fans: ([Int]) -> (fanIn: Int, fanOut: Int), scale: (InitScheme, [Int]) -> Double) -> [Failure] {
        var e = Expectations()
        /// Connections, counted: output (o) of a conv reads KH*KW*C inputs; input channel c
        /// reaches KH*KW*O outputs (per position). For a dense layer, the rows and columns.
        func counted(_ shape: [Int]) -> (Int, Int) {
            var reads = 0, reaches = 0
            let positions = shape.dropLast(2).reduce(1, *)
            for _ in 0..<positions { for _ in 0..<shape[shape.count - 2] { reads += 1 } }
            for _ in 0..<positions { for _ in 0..<shape[shape.count - 1] { reaches += 1 } }
            return (reads, reaches)
        }
        let shapes: [(shape: [Int], why: String)] = [
            ([784, 10], "dense 784 -> 10 (softmax regression on MNIST)"),
            ([3136, 1024], "CS 20SI lecture 7's fc layer, 3136 -> 1024"),
            ([5, 5, 1, 32], "CS 20SI lecture 7's conv1, 5x5, 1 -> 32 channels"),
            ([5, 5, 32, 64], "CS 20SI lecture 7's conv2, 5x5, 32 -> 64 channels"),
            ([1, 1, 64, 16], "a 1x1 convolution, 64 -> 16 channels"),
            ([3, 3, 3, 8], "3x3 on RGB, 8 filters"),
            ([1, 1], "size 1: a dense 1 -> 1"),
        ]
        for c in shapes {
            let (fanIn, fanOut) = counted(c.shape)
            e.equal("fans: \(c.why)", input: "shape \(describeShape(c.shape))",
                    got: "(fanIn: \(fans(c.shape).fanIn), fanOut: \(fans(c.shape).fanOut))",
                    expected: "(fanIn: \(fanIn), fanOut: \(fanOut))")
        }
        for c in shapes {
            let (fanIn, fanOut) = counted(c.shape)
            for scheme in InitScheme.allCases {
                let variance = scheme == .heNormal || scheme == .heUniform ? 2 / Double(fanIn) : 2 / Double(fanIn + fanOut)
                let uniform = scheme == .heUniform || scheme == .glorotUniform
                // A uniform on [-L, L]: variance = the integral of x^2 / (2L) = L^2 / 3.
                let expected = uniform ? (3 * variance).squareRoot() : variance.squareRoot()
                e.close("initScale(.\(scheme)): \(c.why)", input: "shape \(describeShape(c.shape)), fanIn \(fanIn), fanOut \(fanOut)",
                        got: scale(scheme, c.shape), expected: expected, tolerance: .tight)
            }
        }
        // Sampled: uniform draws with the returned limit have the promised variance (within 3%).
        var g = CaseGenerator(seed: 22)
        for scheme in [InitScheme.heUniform, .glorotUniform] {
            let shape = [5, 5, 32, 64], (fanIn, fanOut) = counted(shape)
            let limit = scale(scheme, shape)
            let draws = (0..<40_000).map { _ in (Double(g.next() >> 11) / Double(1 << 53) * 2 - 1) * limit }
            let sampled = draws.reduce(0) { $0 + $1 * $1 } / Double(draws.count)
            let promised = scheme == .heUniform ? 2 / Double(fanIn) : 2 / Double(fanIn + fanOut)
            e.close("initScale(.\(scheme)): 40,000 uniform draws in [-limit, limit] have the scheme's variance",
                    input: "shape \(describeShape(shape)), limit \(formatScalar(limit))", got: sampled, expected: promised,
                    tolerance: Tolerance(atol: 0, rtol: 0.03))
        }
        return e.failures
    }
}
