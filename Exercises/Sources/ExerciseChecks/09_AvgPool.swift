import ExerciseKit

extension Checks {
    /// Exercise 09: average pooling; the 3x3 corner case first, then the shared pooling cases.
    public static func avgPoolForward(_ impl: (Tensor, Size2, Size2, Padding) -> Tensor) -> [Failure] {
        var e = Expectations()
        e.shapeHint = "OH and OW are exercise 01's sizes with the window as the kernel; the channels stay C"
        var cases = poolingCases(seed: 9)
        cases.insert((Tensor(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]), Size2(2, 2), Size2(2, 2), .same,
                      "3x3 image, 2x2 window, stride 2, SAME -> [[3,4.5],[7.5,9]]: the corner window holds one real cell"), at: 0)
        for c in cases {
            e.close("avgPoolForward: \(c.why)", input: describePool(c),
                    got: impl(c.x, c.window, c.strides, c.padding),
                    expected: Oracle.pool(c.x, window: c.window, strides: c.strides, padding: c.padding, average: true))
        }
        return e.failures
    }
}
