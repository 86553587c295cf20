import ExerciseKit

extension Checks {
    /// Tests of the tests: the oracles reproduce the lectures' worked examples (literal values,
    /// written by hand), and the expectation helpers reject what they must. `exercises verify`
    /// runs this first; if it fails, no check result can be trusted.
    public static func selfTest() -> [Failure] {
        var e = Expectations()
        // Output sizes (exercise 01), by hand: (input, kernel, stride, padding, output).
        let sizes: [(Int, Int, Int, Padding, Int)] = [
            (28, 5, 1, .valid, 24), (28, 5, 1, .same, 28), (7, 3, 1, .valid, 5), (7, 3, 2, .valid, 3),
            (7, 3, 2, .same, 4), (8, 3, 2, .valid, 3), (8, 3, 2, .same, 4), (9, 3, 3, .same, 3),
            (3, 2, 1, .same, 3), (32, 5, 1, .valid, 28), (10, 2, 2, .valid, 5), (2, 3, 1, .valid, 0),
        ]
        for (i, k, s, p, out) in sizes {
            e.equal("oracle output size", input: "\(i), \(k), \(s), \(p)",
                    got: Oracle.axis(input: i, kernel: k, stride: s, padding: p).output, expected: out)
        }
        // SAME pads (exercise 02), by hand: (input, kernel, stride) -> (before, after).
        let pads: [(Int, Int, Int, Int, Int)] = [(28, 5, 1, 2, 2), (7, 3, 2, 1, 1), (8, 3, 2, 0, 1),
                                                 (5, 2, 1, 0, 1), (8, 4, 1, 1, 2), (10, 1, 4, 0, 0)]
        for (i, k, s, before, after) in pads {
            let axis = Oracle.axis(input: i, kernel: k, stride: s, padding: .same)
            e.equal("oracle SAME pads", input: "\(i), \(k), \(s)", got: [axis.before, axis.after], expected: [before, after])
        }
        // lab 11-0: the 3x3 toy image and the 2x2 filter of ones.
        let toy = Tensor(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let ones = Tensor(shape: [2, 2, 1, 1], repeating: 1)
        e.close("oracle conv, lab 11-0 VALID", input: "toy", got: Oracle.conv(toy, ones),
                expected: Tensor(shape: [1, 2, 2, 1], scalars: [12, 16, 24, 28]), tolerance: .exact)
        e.close("oracle conv, lab 11-0 SAME", input: "toy", got: Oracle.conv(toy, ones, padding: .same),
                expected: Tensor(shape: [1, 3, 3, 1], scalars: [12, 16, 9, 24, 28, 15, 15, 17, 9]), tolerance: .exact)
        let three = Tensor(shape: [2, 2, 1, 3], scalars: [1, 10, -1, 1, 10, -1, 1, 10, -1, 1, 10, -1])
        e.close("oracle conv, lab 11-0 three filters", input: "toy", got: Oracle.conv(toy, three),
                expected: Tensor(shape: [1, 2, 2, 3], scalars: [12, 120, -12, 16, 160, -16, 24, 240, -24, 28, 280, -28]),
                tolerance: .exact)
        e.close("oracle conv, stride 2 SAME", input: "toy", got: Oracle.conv(toy, ones, strides: Size2(2, 2), padding: .same),
                expected: Tensor(shape: [1, 2, 2, 1], scalars: [12, 9, 15, 9]), tolerance: .exact)
        // Pooling by hand.
        let byHand = Tensor(image: [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
        e.close("oracle max pool", input: "4x4", got: Oracle.pool(byHand, window: Size2(2, 2), strides: Size2(2, 2), padding: .valid, average: false),
                expected: Tensor(shape: [1, 2, 2, 1], scalars: [6, 8, 3, 4]), tolerance: .exact)
        e.close("oracle avg pool, SAME divisor", input: "toy", got: Oracle.pool(toy, window: Size2(2, 2), strides: Size2(2, 2), padding: .same, average: true),
                expected: Tensor(shape: [1, 2, 2, 1], scalars: [3, 4.5, 7.5, 9]), tolerance: .exact)
        // Gradients: each input cell of the toy image is used by 1, 2 or 4 windows.
        e.close("oracle linear gradient", input: "toy", got: Oracle.linearGradient(of: { Oracle.conv($0, ones) }, at: toy.shape,
                                                                                     dOutput: Tensor(shape: [1, 2, 2, 1], repeating: 1)),
                expected: Tensor(shape: [1, 3, 3, 1], scalars: [1, 2, 1, 2, 4, 2, 1, 2, 1]), tolerance: .exact)
        e.close("oracle numerical gradient of sum(x^2)", input: "[1, -2, 3]",
                got: Oracle.numericalGradient(of: { $0.scalars.reduce(0) { $0 + $1 * $1 } }, at: Tensor(shape: [3], scalars: [1, -2, 3])),
                expected: Tensor(shape: [3], scalars: [2, -4, 6]), tolerance: Tolerance(atol: 1e-8, rtol: 0))
        e.close("oracle cross-entropy at logits 1000", input: "[1000, 0], label 1",
                got: Oracle.crossEntropy(logits: [1000, 0], labels: [0, 1]), expected: 1000, tolerance: .exact)

        // Receptive fields by hand: CS 20SI lecture 7's convnet (conv 5, pool 2/2, conv 5, pool 2/2) sees
        // 1 + 4 = 5, + 1 = 6 (jump 2), + 4*2 = 14, + 1*2 = 16 pixels, jump 4; three 3x3 see 7.
        let lecture7 = [WindowLayer(kernel: 5), WindowLayer(kernel: 2, stride: 2), WindowLayer(kernel: 5), WindowLayer(kernel: 2, stride: 2)]
        e.equal("oracle receptive field, CS 20SI lecture 7's convnet", input: "\(lecture7)",
                got: [Oracle.receptiveField(lecture7).size, Oracle.receptiveField(lecture7).jump], expected: [16, 4])
        e.equal("oracle receptive field, three 3x3", input: "3 x conv 3",
                got: Oracle.receptiveField([WindowLayer(kernel: 3), WindowLayer(kernel: 3), WindowLayer(kernel: 3)]).size, expected: 7)
        // TF2's tf.image.resize of [[1, 2], [3, 4]] to 4x4, bilinear and nearest (half-pixel centres).
        let small = Tensor(image: [[1, 2], [3, 4]])
        e.close("oracle bilinear resize", input: "[[1, 2], [3, 4]] to 4x4", got: Oracle.resize(small, Size2(4, 4), bilinear: true),
                expected: Tensor(shape: [1, 4, 4, 1], scalars: [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]),
                tolerance: .tight)
        e.close("oracle nearest resize", input: "[[1, 2], [3, 4]] to 4x4", got: Oracle.resize(small, Size2(4, 4), bilinear: false),
                expected: Tensor(shape: [1, 4, 4, 1], scalars: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]), tolerance: .exact)

        // The helpers must reject: a perturbed element, a wrong shape, NaN, infinity.
        let reference = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var perturbed = reference
        perturbed.scalars[3] += 1e-4
        for (name, got) in [("perturbed element", perturbed), ("wrong shape", Tensor(shape: [4], scalars: [1, 2, 3, 4])),
                            ("NaN", Tensor(shape: [2, 2], scalars: [1, 2, .nan, 4])),
                            ("infinity", Tensor(shape: [2, 2], scalars: [1, .infinity, 3, 4]))] {
            var probe = Expectations()
            probe.close("probe", input: "-", got: got, expected: reference)
            if probe.failures.isEmpty { e.fail("expectation helper", "accepted a \(name): \(got) against \(reference)") }
        }
        var probe = Expectations()
        probe.close("probe", input: "-", got: reference, expected: reference)
        probe.close("probe", input: "-", got: [[1, 2], [3, 4 + 1e-9]], expected: [[1, 2], [3, 4]])
        if !probe.failures.isEmpty { e.fail("expectation helper", "rejected equal values: \(probe.failures[0])") }
        return e.failures
    }
}
