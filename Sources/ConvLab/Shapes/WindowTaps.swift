/// Where a sliding window's taps land in the input, stated once for every windowed op: the
/// conv2d and depthwise reference loops, pooling on both paths, and the average pool's divisor.
extension WindowAxis {
    /// The input position read by tap `k` of output `o`: `o * stride + k * dilation - padBefore`,
    /// or `nil` when that position lies in the zero padding (before 0 or at/after `input`).
    @inline(__always)
    public func inputPosition(output o: Int, tap k: Int) -> Int? {
        let position = o * stride + k * dilation - padBefore
        return position >= 0 && position < input ? position : nil
    }

    /// How many of output `o`'s taps read the input rather than the padding.
    public func tapsInside(output o: Int) -> Int {
        taps(forOutput: o).count
    }
}
