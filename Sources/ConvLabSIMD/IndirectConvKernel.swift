// The convolution micro-kernel: the GEMM micro-kernel of GEMMMicroKernel.swift, except that the
// left operand is not a packed matrix but an indirection table (the "indirect GEMM" scheme):
// for each tile row and each filter tap, a pointer to the `channels` contiguous input values
// under that tap (or to a zero row for padding). The patch matrix of the convolution is then
// never copied at all; the kernel reads the NHWC input in place.

/// `C[0..<mc, 0..<nc] = (C +) patches * packedB` for one block of output pixels and filter taps.
///
/// - Parameters:
///   - mc: output pixels in this block (rows of `C`).
///   - nc: output channels in this block (columns of `C`).
///   - taps: filter taps in this block; the reduction is `taps * channels` long.
///   - channels: input channels, contiguous under each pointer.
///   - rowPointers: `ceil(mc / 6)` panels, `panelStride` pointers apart, each `[taps][6]`: the
///     first input channel under tap `t` for tile row `r` (rows past `mc` may point anywhere
///     readable, e.g. a zero row).
///   - panelStride: the distance in pointers between two panels of `rowPointers`.
///   - packedB: `ceil(nc / 16)` panels of `[taps * channels][16]`, zero-padded past `nc`.
///   - c: the top-left element of the block of `C`, rows `ldc` apart.
///   - ldc: the distance in floats between two rows of `C`.
///   - accumulate: add to `C` instead of overwriting it.
/// - Complexity: `2 * mc * nc * taps * channels` flops in 6 x 16 register tiles.
@inline(never)
public func sconvIndirectBlock(
    _ mc: Int, _ nc: Int, _ taps: Int, _ channels: Int,
    _ rowPointers: UnsafePointer<UnsafePointer<Float>>, _ panelStride: Int,
    _ packedB: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool
) {
    let kc = taps * channels
    var jr = 0
    while jr < nc {
        let cols = min(16, nc - jr)
        let bPanel = packedB + (jr / 16) * kc * 16
        var ir = 0
        while ir < mc {
            let rows = min(6, mc - ir)
            let table = rowPointers + (ir / 6) * panelStride
            var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
            var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
            var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
            var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
            var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
            var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
            let bRaw = UnsafeRawPointer(bPanel)
            var offset = 0
            for t in 0..<taps {
                let a0 = table[6 * t], a1 = table[6 * t + 1], a2 = table[6 * t + 2]
                let a3 = table[6 * t + 3], a4 = table[6 * t + 4], a5 = table[6 * t + 5]
                for ch in 0..<channels {
                    let b0 = bRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                    let b1 = bRaw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                    var s = SIMD8<Float>(repeating: a0[ch])
                    fma(&c00, s, b0); fma(&c01, s, b1)
                    s = SIMD8<Float>(repeating: a1[ch])
                    fma(&c10, s, b0); fma(&c11, s, b1)
                    s = SIMD8<Float>(repeating: a2[ch])
                    fma(&c20, s, b0); fma(&c21, s, b1)
                    s = SIMD8<Float>(repeating: a3[ch])
                    fma(&c30, s, b0); fma(&c31, s, b1)
                    s = SIMD8<Float>(repeating: a4[ch])
                    fma(&c40, s, b0); fma(&c41, s, b1)
                    s = SIMD8<Float>(repeating: a5[ch])
                    fma(&c50, s, b0); fma(&c51, s, b1)
                    offset += 64
                }
            }
            storeTile(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51,
                      c + ir * ldc + jr, ldc, rows, cols, accumulate)
            ir += 6
        }
        jr += 16
    }
}
