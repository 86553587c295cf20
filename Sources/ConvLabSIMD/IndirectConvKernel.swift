// The convolution micro-kernel: the GEMM micro-kernel of GEMMMicroKernel.swift, except that the
// left operand is not a packed matrix but an indirection table (the "indirect GEMM" scheme):
// for each tile row and each filter tap, a pointer to the `channels` contiguous input values
// under that tap (or to a zero row for padding). The patch matrix of the convolution is then
// never copied at all; the kernel reads the NHWC input in place.

/// `C[0..<mc, 0..<nc] = (C +) patches * packedB` for one block of output pixels and filter taps.
/// Row `r` of `C` is output pixel `r`'s `nc` channels, wherever `outRows[r]` puts them.
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
///   - zeroRow: the zero row padding taps point at. A tap whose six pointers all point there
///     adds nothing and is skipped. When the caller orders the pixels so that a tile's six lose
///     the same taps to padding (`Fast.paddingClassOrder`), every padding tap is skipped: with
///     5 x 5 SAME windows on 14 x 14 images, 16% of the nominal multiply-adds.
///   - outRows: `ceil(mc / 6) * 6` pointers, one per row of `C` (entries past `mc` are never
///     used): row `r`'s `nc` outputs go to `outRows[r][0..<nc]`. The rows need not be evenly
///     spaced, so the pixels may come in any order.
///   - accumulate: add to `C` instead of overwriting it.
/// - Complexity: at most `2 * mc * nc * taps * channels` flops in 6 x 16 register tiles.
@inline(never)
public func sconvIndirectBlock(
    _ mc: Int, _ nc: Int, _ taps: Int, _ channels: Int,
    _ rowPointers: UnsafePointer<UnsafePointer<Float>>, _ panelStride: Int,
    _ packedB: UnsafePointer<Float>, _ zeroRow: UnsafePointer<Float>,
    _ outRows: UnsafePointer<UnsafeMutablePointer<Float>>, _ accumulate: Bool
) {
    let kc = taps * channels
    // Row tiles outside, column panels inside: a tile's input runs (taps x 6 pointers x
    // channels, ~6 KB) stay in L1 while every panel of the filter streams past them.
    var ir = 0
    while ir < mc {
        let rows = min(6, mc - ir)
        let table = rowPointers + (ir / 6) * panelStride
        var jr = 0
        while jr < nc {
            let cols = min(16, nc - jr)
            let bRaw = UnsafeRawPointer(packedB + (jr / 16) * kc * 16)
            var tile = Tile6x16()
            var offset = 0
            for t in 0..<taps {
                let a0 = table[6 * t], a1 = table[6 * t + 1], a2 = table[6 * t + 2]
                let a3 = table[6 * t + 3], a4 = table[6 * t + 4], a5 = table[6 * t + 5]
                if a0 == zeroRow && a1 == zeroRow && a2 == zeroRow && a3 == zeroRow && a4 == zeroRow && a5 == zeroRow {
                    offset += 64 * channels
                    continue
                }
                for ch in 0..<channels {
                    tile.add(a0[ch], a1[ch], a2[ch], a3[ch], a4[ch], a5[ch],
                             bRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                             bRaw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
                    offset += 64
                }
            }
            tile.store(rowStart: { outRows[ir + $0] + jr }, rows, cols, accumulate)
            jr += 16
        }
        ir += 6
    }
}

/// The offset-table micro-kernel, `C[0..<mc, 0..<nc] = (C +) A * packedB` with
/// `A[r, k] = rows[r][offsets[k]]`: each tile row is one pointer, and one table of `kc` offsets,
/// shared by every row, walks the reduction. Nothing is packed on the left side: the kernel
/// broadcasts the six values of a tile column straight from memory. Two convolution products
/// have this shape on a zero-padded input:
/// - the filter gradient, `dW = patches^T * dY`: a row is one filter weight `(a, b, c)` (a pointer
///   to the value it meets in the first window) and `k` runs over output pixels (the offsets of
///   their windows' corners);
/// - the forward pass with few input channels, `Y = patches * W`: a row is one output pixel (a
///   pointer to its window's corner) and `k` runs over the filter's taps (their offsets in a window).
///
/// - Parameters:
///   - mc: rows of `C` in this block.
///   - nc: columns of `C` in this block.
///   - kc: the reduction's length, the number of offsets.
///   - rows: `ceil(mc / 6) * 6` pointers (entries past `mc` may repeat any readable row).
///   - offsets: `kc` offsets, in floats, added to every row pointer.
///   - packedB: `ceil(nc / 16)` panels of `[kc][16]`, zero-padded past `nc`.
///   - c: the top-left element of the block of `C`, rows `ldc` apart.
///   - ldc: the distance in floats between two rows of `C`.
///   - accumulate: add to `C` instead of overwriting it.
/// - Complexity: `2 * mc * nc * kc` flops in 6 x 16 register tiles.
@inline(never)
public func sconvOffsetTableBlock(
    _ mc: Int, _ nc: Int, _ kc: Int,
    _ rows: UnsafePointer<UnsafePointer<Float>>, _ offsets: UnsafePointer<Int>,
    _ packedB: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool
) {
    var jr = 0
    while jr < nc {
        let cols = min(16, nc - jr)
        let bRaw = UnsafeRawPointer(packedB + (jr / 16) * kc * 16)
        var ir = 0
        while ir < mc {
            let a0 = rows[ir], a1 = rows[ir + 1], a2 = rows[ir + 2]
            let a3 = rows[ir + 3], a4 = rows[ir + 4], a5 = rows[ir + 5]
            var tile = Tile6x16()
            var offset = 0
            for k in 0..<kc {
                let p = offsets[k]
                tile.add(a0[p], a1[p], a2[p], a3[p], a4[p], a5[p],
                         bRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                         bRaw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
                offset += 64
            }
            tile.store(c + ir * ldc + jr, ldc, min(6, mc - ir), cols, accumulate)
            ir += 6
        }
        jr += 16
    }
}
