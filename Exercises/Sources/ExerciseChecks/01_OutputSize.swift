import ExerciseKit

extension Checks {
    /// Exercise 01: VALID and SAME output sizes, lecture cases first.
    public static func outputSize(_ impl: (Int, Int, Int, Padding) -> Int) -> [Failure] {
        var e = Expectations()
        let cases: [(i: Int, k: Int, s: Int, p: Padding, why: String)] = [
            (28, 5, 1, .valid, "MNIST 28x28 with a 5x5 filter"),
            (28, 5, 1, .same, "MNIST 28x28 with a 5x5 filter"),
            (7, 3, 1, .valid, "the 7x7 picture, 3x3 filter"),
            (7, 3, 2, .valid, "the 7x7 picture, stride 2"),
            (7, 3, 2, .same, "the 7x7 picture, stride 2, SAME"),
            (8, 3, 2, .valid, "8 cells, stride 2: the last cell is never visited"),
            (8, 3, 2, .same, "8 cells, stride 2, SAME"),
            (9, 3, 3, .same, "the 9x9 picture, stride 3"),
            (3, 2, 1, .same, "an even kernel: TF pads 1 cell at the end only"),
            (4, 2, 1, .same, "an even kernel, SAME keeps the size"),
            (32, 5, 1, .valid, "CIFAR 32x32, 5x5 filter"),
            (10, 2, 2, .valid, "2x2 pooling of 10 cells"),
            (5, 5, 1, .valid, "a kernel as large as the input"),
            (1, 3, 1, .same, "1 cell, 3-wide kernel, SAME"),
            (2, 3, 1, .valid, "a kernel larger than the input gives 0"),
            (3, 5, 1, .valid, "a kernel larger than the input gives 0, not (3 - 5) / 1 + 1 = -1"),
            (1, 1, 1, .valid, "size 1: one cell, a 1-wide kernel"),
            (1, 1, 3, .same, "size 1 with a stride larger than the kernel"),
            (10, 1, 4, .valid, "a stride larger than the kernel: cells between the taps are skipped"),
            (10, 2, 3, .valid, "stride 3, kernel 2: starts 0, 3, 6"),
            (10, 2, 3, .same, "stride 3, kernel 2, SAME"),
        ]
        for c in cases {
            let expected = Oracle.axis(input: c.i, kernel: c.k, stride: c.s, padding: c.p).output
            e.equal("outputSize: \(c.why)",
                    input: "inputSize: \(c.i), kernelSize: \(c.k), stride: \(c.s), padding: .\(c.p == .same ? "same" : "valid")",
                    got: impl(c.i, c.k, c.s, c.p), expected: expected)
        }
        return e.failures
    }
}
