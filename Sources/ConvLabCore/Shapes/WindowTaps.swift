/// Where a sliding window's taps land in the input, stated once for every windowed op: the
/// conv2d and depthwise reference loops, pooling on both paths, and the average pool's divisor.
extension WindowAxis {
    /// The input position read by tap `k` of output `o`, `o * stride + k * dilation - padBefore`,
    /// whether or not it lies in the padding.
    @inline(__always)
    public func position(output o: Int, tap k: Int) -> Int {
        o * stride + k * dilation - padBefore
    }

    /// The input position read by tap `k` of output `o`, or `nil` when that position lies in the
    /// zero padding (before 0 or at/after `input`).
    @inline(__always)
    package func inputPosition(output o: Int, tap k: Int) -> Int? {
        let p = position(output: o, tap: k)
        return p >= 0 && p < input ? p : nil
    }

    /// The taps `k` of output `o` whose input position lies inside `0..<input`: one contiguous
    /// range, empty when the window covers only padding. A loop over it visits only real cells,
    /// so its work is bounded by the input however large the kernel is (a SAME max pool with a
    /// 2^31-wide window reads the 3 real rows, not 2^31).
    public func taps(forOutput o: Int) -> Range<Int> {
        let start = position(output: o, tap: 0)
        let last = input - 1 - start         // the largest k * dilation still inside
        guard last >= 0 else { return 0..<0 }
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let end = Swift.min(kernel, last / dilation + 1)
        return Swift.min(first, end)..<end
    }
}
