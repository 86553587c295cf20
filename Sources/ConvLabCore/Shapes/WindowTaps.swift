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
        Self.taps(start: o * stride - padBefore, kernel: kernel, dilation: dilation, input: input)
    }

    /// The taps `k` of a window whose tap 0 reads input index `start` (tap `k` reads
    /// `start + k * dilation`) that land inside `0..<input`: `taps(forOutput:)` for an axis given
    /// by its sizes, for the fast path's lowerings, which are not `WindowAxis` values. Read with
    /// `kernel` = outputs and `dilation` = stride, it gives the outputs whose window corner lands
    /// inside.
    @inline(__always)
    package static func taps(start: Int, kernel: Int, dilation: Int, input: Int) -> Range<Int> {
        let last = input - 1 - start  // the largest k * dilation still inside
        guard last >= 0 else { return 0..<0 }
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let end = Swift.min(kernel, last / dilation + 1)
        return Swift.min(first, end)..<end
    }
}

/// A sliding window over a batch of images: its height axis and its width axis. Conv2d, depthwise
/// and transposed conv2d (`Conv2DGeometry`, `DepthwiseConv2DGeometry`) and pooling on both paths
/// (`PoolGeometry`) walk its windows and their real taps with the two loops below.
package protocol WindowGeometry {
    /// `N`, the images.
    var batch: Int { get }
    /// The height axis: `H`, `KH`, `sh`, `dh`, TF's pads and `OH`.
    var rows: WindowAxis { get }
    /// The width axis: `W`, `KW`, `sw`, `dw`, TF's pads and `OW`.
    var cols: WindowAxis { get }
}

extension WindowGeometry {
    /// Calls `body(n, i, j)` for every output position `(i, j)` of every image `n`, in the
    /// output's row-major order: the three outer loops every windowed reference op shares.
    @inlinable @inline(__always)
    package func forEachWindow(_ body: (_ n: Int, _ i: Int, _ j: Int) -> Void) {
        for n in 0..<batch { forEachWindow(inImage: n, body) }
    }

    /// `forEachWindow` for image `n` alone: the fast pools run one image per task.
    @inlinable @inline(__always)
    package func forEachWindow(inImage n: Int, _ body: (_ n: Int, _ i: Int, _ j: Int) -> Void) {
        for i in 0..<rows.output {
            for j in 0..<cols.output { body(n, i, j) }
        }
    }

    /// Calls `body(a, b, row, col)` for each tap `(a, b)` of window `(i, j)` whose input cell
    /// `(row, col) = (i*sh + a*dh - padTop, j*sw + b*dw - padLeft)` lies inside the image, in
    /// row-major tap order (top row first, then left to right). Taps on the zero padding would
    /// add nothing to a convolution, and TF's pools leave them out (max never picks them, average
    /// does not count them), so they are never visited (`WindowAxis.taps`).
    @inlinable @inline(__always)
    package func forEachTap(_ i: Int, _ j: Int, _ body: (_ a: Int, _ b: Int, _ row: Int, _ col: Int) -> Void) {
        for a in rows.taps(forOutput: i) {
            let row = rows.position(output: i, tap: a)
            for b in cols.taps(forOutput: j) {
                body(a, b, row, cols.position(output: j, tap: b))
            }
        }
    }
}
