import ExerciseKit

extension Checks {
    /// Exercise 28: against the oracle's shapes (`Oracle.axis`) and a count of the weights each
    /// layer would allocate and the taps each output reads; CS 20SI lecture 7's convnet first, whose
    /// 3,274,634 parameters are printed by the lectures and the library.
    public static func networkCost(_ impl: ([Int], [LayerSpec]) -> [LayerCost]) -> [Failure] {
        var e = Expectations()
        func oracle(_ input: [Int], _ layers: [LayerSpec]) -> [LayerCost] {
            var shape = input
            return layers.map { layer in
                var weightShapes: [[Int]] = [], taps = 0, next = shape
                switch layer {
                case let .conv(k, f, s, p):
                    next = [Oracle.axis(input: shape[0], kernel: k, stride: s, padding: p).output,
                            Oracle.axis(input: shape[1], kernel: k, stride: s, padding: p).output, f]
                    weightShapes = [[k, k, shape[2], f], [f]]
                    taps = k * k * shape[2]             // each output value reads K*K*C inputs
                case let .depthwise(k, m, s, p):
                    next = [Oracle.axis(input: shape[0], kernel: k, stride: s, padding: p).output,
                            Oracle.axis(input: shape[1], kernel: k, stride: s, padding: p).output, shape[2] * m]
                    weightShapes = [[k, k, shape[2], m], [shape[2] * m]]
                    taps = k * k                        // each output value reads one channel's window
                case let .maxPool(w, s, p):
                    next = [Oracle.axis(input: shape[0], kernel: w, stride: s, padding: p).output,
                            Oracle.axis(input: shape[1], kernel: w, stride: s, padding: p).output, shape[2]]
                case .flatten:
                    next = [shape.reduce(1, *)]
                case let .dense(outputs):
                    next = [outputs]
                    weightShapes = [[shape.reduce(1, *), outputs], [outputs]]
                    taps = shape.reduce(1, *)
                }
                shape = next
                return LayerCost(shape: next, parameters: weightShapes.reduce(0) { $0 + $1.reduce(1, *) },
                                 multiplyAdds: next.reduce(1, *) * taps)
            }
        }
        let lecture7: [LayerSpec] = [.conv(kernel: 5, filters: 32, stride: 1, padding: .same), .maxPool(window: 2, stride: 2, padding: .same),
                                     .conv(kernel: 5, filters: 64, stride: 1, padding: .same), .maxPool(window: 2, stride: 2, padding: .same),
                                     .flatten, .dense(outputs: 1024), .dense(outputs: 10)]
        let total = impl([28, 28, 1], lecture7).reduce(0) { $0 + $1.parameters }
        e.equal("networkCost: CS 20SI lecture 7's convnet has 3,274,634 parameters in all", input: "input [28,28,1], layers \(lecture7)",
                got: total, expected: 3_274_634)
        let cases: [(input: [Int], layers: [LayerSpec], why: String)] = [
            ([28, 28, 1], lecture7, "CS 20SI lecture 7's convnet, layer by layer"),
            ([28, 28, 1], [.conv(kernel: 3, filters: 4, stride: 1, padding: .same), .maxPool(window: 2, stride: 2, padding: .same),
                           .conv(kernel: 3, filters: 8, stride: 1, padding: .same), .maxPool(window: 2, stride: 2, padding: .same),
                           .flatten, .dense(outputs: 10)], "tutorial #03's small CNN"),
            ([14, 14, 32], [.depthwise(kernel: 3, multiplier: 1, stride: 1, padding: .same), .conv(kernel: 1, filters: 64, stride: 1, padding: .same)],
             "a separable block: depthwise 3x3, then pointwise 1x1"),
            ([9, 9, 2], [.conv(kernel: 3, filters: 4, stride: 2, padding: .valid), .conv(kernel: 1, filters: 3, stride: 3, padding: .same)],
             "VALID with stride 2, then a stride larger than the kernel"),
            ([4, 4, 3], [.conv(kernel: 5, filters: 2, stride: 1, padding: .valid), .flatten, .dense(outputs: 2)],
             "a kernel larger than the input, VALID: a 0x0 output costs nothing"),
            ([1, 1, 5], [.conv(kernel: 3, filters: 2, stride: 1, padding: .same), .depthwise(kernel: 1, multiplier: 3, stride: 2, padding: .same), .flatten, .dense(outputs: 1)],
             "size 1: a 1x1 input, SAME"),
        ]
        for c in cases {
            e.equal("networkCost: \(c.why)", input: "input \(describeShape(c.input)), layers \(c.layers)",
                    got: impl(c.input, c.layers), expected: oracle(c.input, c.layers))
        }
        return e.failures
    }
}
