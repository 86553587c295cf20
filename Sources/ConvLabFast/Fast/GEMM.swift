import ConvLabSIMD
#if arch(x86_64)
import ConvLabSIMDAVX2
#endif
import ConvLabCore

// The fast path's matrix multiply, `C = A * B` (or `C += A * B`), in the BLIS style.
//
// A naive triple loop reads each element of A and B from memory N and M times and keeps one
// sum in a register. Here the reduction is cut into blocks of `kc`, each block of B is copied
// ("packed") once into 16-column panels and each block of A into 6-row panels, both contiguous
// in the order the micro-kernel reads them; the micro-kernel (Sources/ConvLabSIMD) then keeps a
// 6 x 16 tile of C in twelve SIMD8 registers and does 12 FMAs per 2 loads. A block of A (~120 KB)
// stays in L2 and a B panel (16 KB) in L1 while it is reused. Tiles of C are independent, so
// blocks of rows (and, when there are too few, slices of the reduction) run on separate cores.
//
// Operands are not plain matrices: a `GEMMOperand` packs itself, so a convolution hands the
// GEMM a view of its input that gathers the im2col rows while packing and never materialises
// the im2col matrix (`Fast/Conv2D.swift`).

/// A logical matrix `[rows, k]` that can copy any block of itself into micro-kernel panels.
struct GEMMOperand {
    /// `pack(dst, row0, rows, k0, kc, width)` writes rows `row0..<row0+rows`, reduction indices
    /// `k0..<k0+kc` as `ceil(rows / width)` panels of `[kc][width]`:
    /// `dst[(r / width) * kc * width + kk * width + r % width]`, zero rows padding the last panel.
    let pack: (UnsafeMutablePointer<Float>, Int, Int, Int, Int, Int) -> Void

    /// Element `(r, k)` at `base[r * rowStride + k * kStride]`: a row-major matrix
    /// (`kStride == 1`) or a transposed one (`rowStride == 1`).
    static func matrix(_ base: UnsafePointer<Float>, rowStride: Int, kStride: Int) -> GEMMOperand {
        GEMMOperand { dst, row0, rows, k0, kc, width in
            if rowStride == 1 {
                packAlongMemory(dst, base + row0 + k0 * kStride, rows: rows, kStride: kStride, kc: kc, width: width)
                return
            }
            var p = 0
            while p < rows {
                let panelRows = min(width, rows - p)
                let panel = dst + (p / width) * kc * width
                let src = base + (row0 + p) * rowStride + k0 * kStride
                if kStride == 1 {
                    transposeIntoPanel(panel, src, rows: panelRows, rowStride: rowStride, kc: kc, width: width)
                } else {
                    for kk in 0..<kc {
                        let column = src + kk * kStride
                        for r in 0..<panelRows { panel[kk * width + r] = column[r * rowStride] }
                    }
                }
                zeroPadPanel(panel, from: panelRows, width: width, kc: kc)
                p += width
            }
        }
    }
}

/// The panels of a transposed matrix (a dense layer's weights, or its input in the weight
/// gradient), whose `rows` lie side by side in memory: `src[r + kk * kStride]`. Each k-row of a
/// panel is then `width` neighbours, a straight copy (one vector for a full 16-wide panel). The
/// loop runs along memory, k-row by k-row across all the panels, so each of the `kc` source rows
/// is read as one contiguous run (512 bytes for `fc`'s 128-column blocks) rather than one
/// 64-byte piece per panel pass: for `fc`'s 12.8 MB of weights, streamed from memory on every
/// call, that is what the hardware prefetchers follow.
@inline(__always)
func packAlongMemory(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, rows: Int, kStride: Int,
                     kc: Int, width: Int) {
    let fullPanels = rows / width, tail = rows - fullPanels * width
    for kk in 0..<kc {
        let from = src + kk * kStride, to = dst + kk * width
        for q in 0..<fullPanels {
            if width == 16 {
                let v = UnsafeRawPointer(from + q * 16).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(to + q * kc * 16).storeBytes(of: v, as: SIMD16<Float>.self)
            } else {
                (to + q * kc * width).update(from: from + q * width, count: width)
            }
        }
        if tail > 0 {
            let panel = to + fullPanels * kc * width
            panel.update(from: from + fullPanels * width, count: tail)
            (panel + tail).update(repeating: 0, count: width - tail)
        }
    }
}

/// `panel[kk * width + r] = src[r * rowStride + kk]` for `r < rows`, `kk < kc`: a matrix whose
/// rows lie along memory, turned on its side. Blocks of 4 x 4 move four values per load and per
/// store (the compiler turns the lane picks into shuffles); a scalar loop does the edges.
@inline(__always)
func transposeIntoPanel(_ panel: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>,
                        rows: Int, rowStride: Int, kc: Int, width: Int) {
    let rows4 = rows / 4 * 4, kc4 = kc / 4 * 4
    var r = 0
    while r < rows4 {
        let s0 = UnsafeRawPointer(src + r * rowStride), s1 = UnsafeRawPointer(src + (r + 1) * rowStride)
        let s2 = UnsafeRawPointer(src + (r + 2) * rowStride), s3 = UnsafeRawPointer(src + (r + 3) * rowStride)
        var kk = 0
        while kk < kc4 {
            let bytes = kk * MemoryLayout<Float>.stride
            let a = s0.loadUnaligned(fromByteOffset: bytes, as: SIMD4<Float>.self)
            let b = s1.loadUnaligned(fromByteOffset: bytes, as: SIMD4<Float>.self)
            let c = s2.loadUnaligned(fromByteOffset: bytes, as: SIMD4<Float>.self)
            let d = s3.loadUnaligned(fromByteOffset: bytes, as: SIMD4<Float>.self)
            let out = UnsafeMutableRawPointer(panel + kk * width + r), step = width * MemoryLayout<Float>.stride
            out.storeBytes(of: SIMD4(a[0], b[0], c[0], d[0]), as: SIMD4<Float>.self)
            out.storeBytes(of: SIMD4(a[1], b[1], c[1], d[1]), toByteOffset: step, as: SIMD4<Float>.self)
            out.storeBytes(of: SIMD4(a[2], b[2], c[2], d[2]), toByteOffset: 2 * step, as: SIMD4<Float>.self)
            out.storeBytes(of: SIMD4(a[3], b[3], c[3], d[3]), toByteOffset: 3 * step, as: SIMD4<Float>.self)
            kk += 4
        }
        for kk in kc4..<kc {
            for q in 0..<4 { panel[kk * width + r + q] = src[(r + q) * rowStride + kk] }
        }
        r += 4
    }
    for r in rows4..<rows {
        let row = src + r * rowStride
        for kk in 0..<kc { panel[kk * width + r] = row[kk] }
    }
}

/// `value` rounded up to a multiple of `multiple`: whole 6-row or 16-column panels of a product.
@inline(__always)
func roundedUp(_ value: Int, toMultipleOf multiple: Int) -> Int {
    (value + multiple - 1) / multiple * multiple
}

/// Zeroes rows `from..<width` of a `[kc][width]` panel.
@inline(__always)
func zeroPadPanel(_ panel: UnsafeMutablePointer<Float>, from rows: Int, width: Int, kc: Int) {
    if rows == width { return }
    for kk in 0..<kc {
        for r in rows..<width { panel[kk * width + r] = 0 }
    }
}

extension Fast {
    static let gemmRowPanel = 6      // micro-kernel rows (A panel width)
    static let gemmNarrowRowPanel = 4  // micro-kernel rows of the panels that finish a few-row product
    static let gemmColumnPanel = 16  // micro-kernel columns (B panel width)
    static let gemmBlockK = 256      // reduction block: a B panel of 256 x 16 floats is 16 KB (L1)
    static let gemmBlockM = 120      // rows of A per block: 120 x 256 floats is 120 KB (L2)
    static let gemmBlockN = 2048     // columns of B per task
    static let gemmFewRows = 192     // up to this many rows, `gemmFewRows` splits the columns instead
    static let gemmFewRowsBlockN = 128  // columns of B packed at a time there: 256 x 128 floats is 128 KB (L2)

    /// `C[m, n] = A[m, k] * Bt[n, k]^T`, or `C += ...` when `accumulate`.
    ///
    /// `a` is the `[m, k]` left operand; `bTransposed` is the right operand seen as `[n, k]`
    /// (for a row-major `B[k, n]` use `.matrix(b, rowStride: 1, kStride: n)`). `c` has rows
    /// `ldc` apart. Uses up to `threads` threads.
    /// - Complexity: `2 * m * n * k` flops; packing reads each element of A `ceil(n / 2048)`
    ///   times and of B once.
    static func gemm(m: Int, n: Int, k: Int, a: GEMMOperand, bTransposed b: GEMMOperand,
                     c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                     threads: Int = Fast.threads) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let kBlocks = (k + gemmBlockK - 1) / gemmBlockK
        if m <= gemmFewRows && n >= 2 * gemmColumnPanel * threads {
            gemmFewRows(m: m, n: n, k: k, a: a, bTransposed: b, c: c, ldc: ldc, accumulate: accumulate, threads: threads)
            return
        }
        let nPanels = (n + gemmColumnPanel - 1) / gemmColumnPanel
        let panelStride = nPanels * gemmColumnPanel   // floats per k-row of packed B

        // Pack all of B once, block of kc by block, shared read-only by every task.
        let packedB = scratch(Float.self, k * panelStride)
        defer { recycle(packedB) }
        parallelFor(kBlocks, threads: threads) { kb in
            let k0 = kb * gemmBlockK, kc = min(gemmBlockK, k - k0)
            b.pack(packedB + k0 * panelStride, 0, n, k0, kc, gemmColumnPanel)
        }

        // Tasks: bands of rows x chunks of columns. Inside a band the loop runs over blocks of
        // k outside and blocks of <= 120 rows inside, so each packed block of B (kc x nc) is
        // reused from cache by the whole band rather than streamed from memory once per block.
        let nChunks = (n + gemmBlockN - 1) / gemmBlockN
        let (bandRows, bands) = rowBands(m: m, nChunks: nChunks, threads: threads)
        let tasks = bands * nChunks

        // Too few bands to keep every core busy (a long reduction, as in dFilter): give each
        // thread a slice of k and its own partial C, then add the partials.
        let kSlices = (tasks < threads && kBlocks >= threads) ? threads : 1
        let partialSize = m * n
        let partials = scratch(Float.self, (kSlices - 1) * partialSize)
        defer { recycle(partials) }

        parallelFor(tasks * kSlices, threads: threads) { task in
            let slice = task / tasks, tile = task % tasks
            let band = tile / nChunks, nb = tile % nChunks
            let i0 = band * bandRows, rows = min(bandRows, m - i0)
            let j0 = nb * gemmBlockN, nc = min(gemmBlockN, n - j0)
            let kb0 = slice * kBlocks / kSlices, kb1 = (slice + 1) * kBlocks / kSlices
            let out = slice == 0 ? c + j0 : partials + (slice - 1) * partialSize + j0
            let ldOut = slice == 0 ? ldc : n
            // Equal blocks of at most 120 rows (a multiple of 6) covering the band.
            let blocks = (rows + gemmBlockM - 1) / gemmBlockM
            let blockRows = roundedUp((rows + blocks - 1) / blocks, toMultipleOf: gemmRowPanel)
            let packedA = scratch(Float.self, blockRows * gemmBlockK)
            defer { recycle(packedA) }
            for kb in kb0..<kb1 {
                let k0 = kb * gemmBlockK, kc = min(gemmBlockK, k - k0)
                let bBlock = packedB + k0 * panelStride + (j0 / gemmColumnPanel) * kc * gemmColumnPanel
                let add = kb > kb0 || (slice == 0 && accumulate)
                var r0 = i0
                while r0 < i0 + rows {
                    let mc = min(blockRows, i0 + rows - r0)
                    a.pack(packedA, r0, mc, k0, kc, gemmRowPanel)
                    packedBlock(mc, nc, kc, packedA, bBlock, out + r0 * ldOut, ldOut, add,
                                sixRowPanels: (mc + gemmRowPanel - 1) / gemmRowPanel)
                    r0 += mc
                }
            }
        }
        if kSlices > 1 {
            parallelFor(m, threads: threads) { i in
                let row = c + i * ldc
                for s in 1..<kSlices {
                    let partial = partials + (s - 1) * partialSize + i * n
                    for j in 0..<n { row[j] += partial[j] }
                }
            }
        }
    }

    /// The GEMM of a dense layer at batch size `m`: few rows and a large B (the weights, e.g.
    /// `[3136, 1024]`, 12.8 MB) that is used only `m` times per element. Packing all of B first
    /// and splitting the rows between threads, as `gemm` does for tall products, would write and
    /// re-read those 12.8 MB and stream them once per thread. Here each thread takes its own
    /// columns and packs them a block at a time right before the micro-kernel uses them: B is
    /// read from memory once in all, A (a few hundred KB) stays in L2, each packed B block
    /// (`kc` x 128 columns, 128 KB) in L2 and each 16-column panel of it in L1. A's rows are cut
    /// into panels of 6 and 4 (`fewRowPanels`), so that no tile multiplies padding rows.
    static func gemmFewRows(m: Int, n: Int, k: Int, a: GEMMOperand, bTransposed b: GEMMOperand,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, threads: Int) {
        let kBlocks = (k + gemmBlockK - 1) / gemmBlockK
        let nPanels = (n + gemmColumnPanel - 1) / gemmColumnPanel
        let tasks = min(threads, nPanels)
        let (sixes, fours) = fewRowPanels(m)
        let sixRows = min(m, sixes * gemmRowPanel)
        parallelFor(tasks, threads: tasks) { task in
            let j0 = task * nPanels / tasks * gemmColumnPanel
            let j1 = min(n, (task + 1) * nPanels / tasks * gemmColumnPanel)
            let packedA = scratch(Float.self, (sixes * gemmRowPanel + fours * gemmNarrowRowPanel) * gemmBlockK)
            let packedB = scratch(Float.self, gemmFewRowsBlockN * gemmBlockK)
            defer { recycle(packedA); recycle(packedB) }
            for kb in 0..<kBlocks {
                let k0 = kb * gemmBlockK, kc = min(gemmBlockK, k - k0)
                a.pack(packedA, 0, sixRows, k0, kc, gemmRowPanel)
                if sixRows < m { a.pack(packedA + sixRows * kc, sixRows, m - sixRows, k0, kc, gemmNarrowRowPanel) }
                var jc = j0
                while jc < j1 {
                    let nc = min(gemmFewRowsBlockN, j1 - jc)
                    b.pack(packedB, jc, nc, k0, kc, gemmColumnPanel)
                    packedBlock(m, nc, kc, packedA, packedB, c + jc, ldc, kb > 0 || accumulate, sixRowPanels: sixes)
                    jc += nc
                }
            }
        }
    }

    /// How `gemmFewRows` cuts `m` rows into micro-kernel panels: `sixes` panels of 6 rows, then
    /// `fours` of 4, padding as few rows as it can. 128 = 20 x 6 + 2 x 4 pads none, where 22
    /// panels of 6 would pad 4 rows (3% more multiply-adds; measured, `fc`'s forward pass is about
    /// 2% faster cut this way).
    static func fewRowPanels(_ m: Int) -> (sixes: Int, fours: Int) {
        switch m % 6 {
        case 0: return (m / 6, 0)
        case 2 where m >= 8: return ((m - 8) / 6, 2)   // ... + 4 + 4
        case 5: return (m / 6 + 1, 0)                  // one padding row in the last panel of 6
        default: return (m / 6, 1)                     // 1, 3 or 4 rows left, or m == 2: one of 4
        }
    }

    /// Rows per band of the GEMM (a multiple of 6): ~8 blocks of 120 rows, and a multiple of
    /// `threads` bands when there are few, so no core idles at the end.
    static func rowBands(m: Int, nChunks: Int, threads: Int) -> (size: Int, count: Int) {
        var count = max(1, (m + 8 * gemmBlockM - 1) / (8 * gemmBlockM))
        if threads > 1 && count * nChunks < 8 * threads {
            count = max(1, ((count * nChunks + threads - 1) / threads) * threads / nChunks)
        }
        let size = max(gemmRowPanel, roundedUp((m + count - 1) / count, toMultipleOf: gemmRowPanel))
        return (size, (m + size - 1) / size)
    }

    /// Rows per task block (a multiple of 6, at most `gemmBlockM`), chosen so that when there
    /// are few blocks their count is a multiple of `threads` and no core idles at the end.
    static func rowBlocks(m: Int, nChunks: Int, threads: Int) -> (size: Int, count: Int) {
        var size = gemmBlockM
        var count = (m + size - 1) / size
        if threads > 1 && count * nChunks < 8 * threads {
            // Few blocks: split m into a multiple of `threads` blocks of (nearly) equal height.
            let wanted = max(1, ((count * nChunks + threads - 1) / threads) * threads / nChunks)
            size = max(gemmRowPanel, roundedUp((m + wanted - 1) / wanted, toMultipleOf: gemmRowPanel))
            count = (m + size - 1) / size
        }
        return (size, count)
    }

    /// The micro-kernel build this CPU can run.
    @inline(__always)
    static func packedBlock(_ mc: Int, _ nc: Int, _ kc: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool, sixRowPanels: Int) {
        #if arch(x86_64)
        if usesAVX2 {
            ConvLabSIMDAVX2.sgemmPackedBlock(mc, nc, kc, a, b, c, ldc, accumulate, sixRowPanels: sixRowPanels)
            return
        }
        #endif
        ConvLabSIMD.sgemmPackedBlock(mc, nc, kc, a, b, c, ldc, accumulate, sixRowPanels: sixRowPanels)
    }
}

extension Fast {
    /// The indirect convolution micro-kernel build this CPU can run.
    @inline(__always)
    static func indirectBlock(_ mc: Int, _ nc: Int, _ taps: Int, _ channels: Int,
                              _ table: UnsafePointer<UnsafePointer<Float>>, _ panelStride: Int,
                              _ b: UnsafePointer<Float>, _ zeroRow: UnsafePointer<Float>,
                              _ outRows: UnsafePointer<UnsafeMutablePointer<Float>>, _ accumulate: Bool) {
        #if arch(x86_64)
        if usesAVX2 {
            ConvLabSIMDAVX2.sconvIndirectBlock(mc, nc, taps, channels, table, panelStride, b, zeroRow, outRows, accumulate)
            return
        }
        #endif
        ConvLabSIMD.sconvIndirectBlock(mc, nc, taps, channels, table, panelStride, b, zeroRow, outRows, accumulate)
    }
}

extension Fast {
    /// The offset-table micro-kernel build this CPU can run.
    @inline(__always)
    static func offsetTableBlock(_ mc: Int, _ nc: Int, _ kc: Int, _ rows: UnsafePointer<UnsafePointer<Float>>,
                                 _ offsets: UnsafePointer<Int>, _ b: UnsafePointer<Float>,
                                 _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool) {
        #if arch(x86_64)
        if usesAVX2 {
            ConvLabSIMDAVX2.sconvOffsetTableBlock(mc, nc, kc, rows, offsets, b, c, ldc, accumulate)
            return
        }
        #endif
        ConvLabSIMD.sconvOffsetTableBlock(mc, nc, kc, rows, offsets, b, c, ldc, accumulate)
    }
}
