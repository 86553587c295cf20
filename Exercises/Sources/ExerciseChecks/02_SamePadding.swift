import ExerciseKit

/// `(top, bottom, left, right)` as a comparable, printable value.
public struct Pads: Equatable, CustomStringConvertible {
    public let top, bottom, left, right: Int
    public init(_ t: (top: Int, bottom: Int, left: Int, right: Int)) {
        (top, bottom, left, right) = (t.top, t.bottom, t.left, t.right)
    }
    public var description: String { "(top: \(top), bottom: \(bottom), left: \(left), right: \(right))" }
}

extension Checks {
    /// Exercise 02: SAME pad amounts per side, odd totals, strides larger than the kernel.
    public static func samePadding(_ impl: (Size2, Size2, Size2) -> (top: Int, bottom: Int, left: Int, right: Int)) -> [Failure] {
        var e = Expectations()
        let cases: [(i: Size2, k: Size2, s: Size2, why: String)] = [
            (Size2(28, 28), Size2(5, 5), Size2(1, 1), "MNIST, 5x5 filter: 2 on every side"),
            (Size2(7, 7), Size2(3, 3), Size2(2, 2), "the 7x7 picture, stride 2: 1 on every side"),
            (Size2(8, 8), Size2(3, 3), Size2(2, 2), "8x8, stride 2: an odd total, the extra goes to the end"),
            (Size2(5, 5), Size2(2, 2), Size2(1, 1), "an even kernel: 1 cell, at the end"),
            (Size2(7, 8), Size2(3, 4), Size2(2, 1), "height and width differ"),
            (Size2(10, 10), Size2(1, 1), Size2(4, 4), "stride 4 larger than kernel 1: no padding, never negative"),
            (Size2(9, 9), Size2(3, 3), Size2(3, 3), "the 9x9 picture, stride 3: no padding"),
            (Size2(6, 4), Size2(4, 2), Size2(2, 3), "uneven everything"),
            (Size2(2, 1), Size2(5, 3), Size2(1, 1), "a kernel larger than the input: more padding than image"),
            (Size2(1, 1), Size2(1, 1), Size2(1, 1), "size 1: no padding"),
            (Size2(7, 7), Size2(2, 2), Size2(3, 3), "stride 3 larger than kernel 2: total max(2*3 + 2 - 7, 0) = 1"),
        ]
        for c in cases {
            let rows = Oracle.axis(input: c.i.h, kernel: c.k.h, stride: c.s.h, padding: .same)
            let cols = Oracle.axis(input: c.i.w, kernel: c.k.w, stride: c.s.w, padding: .same)
            let expected = Pads((top: rows.before, bottom: rows.after, left: cols.before, right: cols.after))
            e.equal("samePadding: \(c.why)", input: "input: \(c.i), kernel: \(c.k), stride: \(c.s) ([h,w])",
                    got: Pads(impl(c.i, c.k, c.s)), expected: expected)
        }
        return e.failures
    }
}
