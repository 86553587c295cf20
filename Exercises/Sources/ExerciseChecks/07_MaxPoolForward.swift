import ExerciseKit

/// Pooling cases shared by exercises 07-09: VALID 2x2/2, overlapping 3x3/2, SAME with odd pad
/// totals, all-negative inputs (so padding that sneaks in as 0 shows).
func poolingCases(seed: UInt64) -> [(x: Tensor, window: Size2, strides: Size2, padding: Padding, why: String)] {
    var g = CaseGenerator(seed: seed)
    let byHand = Tensor(image: [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
    var negative = g.distinct([1, 5, 5, 2])
    negative.scalars = negative.scalars.map { $0 - 100 }
    return [
        (byHand, Size2(2, 2), Size2(2, 2), .valid, "a 4x4 example worked by hand, 2x2 window, stride 2 -> [[6,8],[3,4]]"),
        (g.distinct([1, 6, 6, 2]), Size2(2, 2), Size2(2, 2), .valid, "2x2 window, stride 2, two channels"),
        (g.distinct([2, 7, 7, 1]), Size2(3, 3), Size2(2, 2), .valid, "overlapping pooling: 3x3 window, stride 2 (AlexNet)"),
        (negative, Size2(2, 2), Size2(2, 2), .same, "SAME on a 5x5 all-negative input: the padding must not win"),
        (g.distinct([1, 6, 5, 1]), Size2(3, 3), Size2(2, 2), .same, "SAME, 3x3 window, stride 2, an odd pad total on the columns"),
        (g.distinct([1, 4, 4, 3]), Size2(2, 2), Size2(1, 1), .same, "SAME, stride 1: one extra row/column at the end"),
        (g.distinct([1, 2, 2, 1]), Size2(3, 3), Size2(1, 1), .same, "a 3x3 window on a 2x2 input, SAME: the window is larger than the input"),
        (g.distinct([1, 7, 8, 1]), Size2(2, 2), Size2(3, 3), .valid, "stride 3 larger than window 2: some cells are in no window"),
        (g.distinct([1, 7, 7, 2]), Size2(2, 2), Size2(3, 3), .same, "stride 3 larger than window 2, SAME"),
        (g.distinct([2, 1, 1, 1]), Size2(2, 2), Size2(2, 2), .same, "size 1: a 1x1 input, SAME"),
    ]
}

func describePool(_ c: (x: Tensor, window: Size2, strides: Size2, padding: Padding, why: String)) -> String {
    "input \(show(c.x)), window \(c.window), strides \(c.strides), padding .\(c.padding == .same ? "same" : "valid")"
}

extension Checks {
    /// Exercise 07: max pooling forward.
    public static func maxPoolForward(_ impl: (Tensor, Size2, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "OH and OW are exercise 01's sizes with the window as the kernel; the channels stay C"
        for c in poolingCases(seed: 7) {
            e.close("maxPoolForward: \(c.why)", input: describePool(c),
                    got: impl(c.x, c.window, c.strides, c.padding),
                    expected: Oracle.pool(c.x, window: c.window, strides: c.strides, padding: c.padding, average: false))
        }
        return e.failures
    }
}
