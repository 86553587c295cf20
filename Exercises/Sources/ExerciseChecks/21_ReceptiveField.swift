import ExerciseKit

/// `(size, jump)` as a comparable, printable value.
public struct Field: Equatable, CustomStringConvertible {
    public let size, jump: Int
    public init(_ t: (size: Int, jump: Int)) { (size, jump) = (t.size, t.jump) }
    public var description: String { "(size: \(size), jump: \(jump))" }
}

extension Checks {
    /// Exercise 21: against a brute-force oracle that follows the input positions one output
    /// cell (and its neighbour) really reads, layer by layer back to the input.
    public static func receptiveField(_ impl: ([WindowLayer]) -> (size: Int, jump: Int)) -> [Failure] {
        var e = Expectations()
        let conv5 = WindowLayer(kernel: 5), conv3 = WindowLayer(kernel: 3), pool = WindowLayer(kernel: 2, stride: 2)
        let cases: [(layers: [WindowLayer], why: String)] = [
            ([], "no layers: one pixel, jump 1"),
            ([conv3], "one 3x3 convolution"),
            ([conv3, conv3], "two 3x3 convolutions see 5 pixels"),
            ([conv3, conv3, conv3], "three 3x3 convolutions see 7 pixels (VGG)"),
            ([conv5, pool, conv5, pool], "CS 20SI lecture 7's convnet: conv 5, pool 2/2, conv 5, pool 2/2"),
            ([WindowLayer(kernel: 3, stride: 2), conv3], "a stride-2 convolution, then a 3x3: the second one's taps are 2 pixels apart"),
            ([WindowLayer(kernel: 3, dilation: 2)], "a dilated 3x3 (dilation 2) sees 5 pixels"),
            ([WindowLayer(kernel: 3, dilation: 1), WindowLayer(kernel: 3, dilation: 2), WindowLayer(kernel: 3, dilation: 4)],
             "dilations 1, 2, 4: the field doubles per layer"),
            ([WindowLayer(kernel: 1)], "a 1x1 convolution: size 1"),
            ([WindowLayer(kernel: 1, stride: 2), conv3], "a stride larger than the kernel (1x1, stride 2), then a 3x3"),
            ([pool, pool, pool, conv3], "three poolings, then a 3x3: jump 8"),
        ]
        for c in cases {
            e.equal("receptiveField: \(c.why)", input: "layers \(c.layers)", got: Field(impl(c.layers)), expected: Field(Oracle.receptiveField(c.layers)))
        }
        return e.failures
    }
}
