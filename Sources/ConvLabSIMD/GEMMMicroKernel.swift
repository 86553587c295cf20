// The innermost loops of the fast path's matrix multiply, and nothing else.
//
// This file is compiled twice, as two modules built from the same source (Sources/ConvLabSIMDAVX2
// is a symlink to this folder): `ConvLabSIMD` for the baseline CPU of the target (SSE2 on x86-64,
// NEON on arm64) and `ConvLabSIMDAVX2` with `-target-cpu haswell` (AVX2 + FMA). `Fast` picks one
// at run time from the CPU's feature flags (see `Fast/CPUFeatures.swift`), so the one binary is
// fast on an AVX2 machine and still correct on an x86-64 CPU without AVX2.
//
// The entry point is non-generic and not inlinable on purpose: it must be compiled here, with
// this module's flags, and never be inlined into the generically compiled `ConvLab` module.

/// `C[0..<mc, 0..<nc] = (C +) packedA * packedB` for one packed block, in 6 x 16 register tiles
/// and, past the first `sixRowPanels` panels, 4 x 16 ones.
///
/// - Parameters:
///   - mc: rows of the block of `C`.
///   - nc: columns of the block of `C`.
///   - kc: the length of the reduction.
///   - packedA: `sixRowPanels` row panels `[kc][6]` (row index fastest), then the rows left as
///     panels `[kc][4]`; the last panel is zero-padded past `mc`. Panel `p` starts at row
///     `r = 6 * p` (or `6 * sixRowPanels + 4 * q` for the `q`-th narrow one), at `packedA + r * kc`.
///   - sixRowPanels: how many 6-row panels come first (`ceil(mc / 6)` for all of them).
///   - packedB: `ceil(nc / 16)` column panels, each `[kc][16]`, zero-padded past `nc`.
///   - c: the top-left element of the block of `C`, rows `ldc` apart.
///   - ldc: the distance in floats between two rows of `C`.
///   - accumulate: add to `C` instead of overwriting it.
/// - Complexity: `2 * mc * nc * kc` flops; each tile keeps its 6 x 16 sums in 12 SIMD8 registers
///   for the whole `kc` loop, so `C` is read and written once per block.
@inline(never)
public func sgemmPackedBlock(
    _ mc: Int, _ nc: Int, _ kc: Int,
    _ packedA: UnsafePointer<Float>, _ packedB: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ accumulate: Bool, sixRowPanels: Int
) {
    let sixRows = min(mc, 6 * sixRowPanels)
    var jr = 0
    while jr < nc {
        let cols = min(16, nc - jr)
        let bPanel = packedB + (jr / 16) * kc * 16
        var ir = 0
        while ir < sixRows {
            microKernel(kc, panelRows: 6, packedA + ir * kc, bPanel, c + ir * ldc + jr, ldc, min(6, mc - ir), cols,
                        accumulate)
            ir += 6
        }
        while ir < mc {
            microKernel(kc, panelRows: 4, packedA + ir * kc, bPanel, c + ir * ldc + jr, ldc, min(4, mc - ir), cols,
                        accumulate)
            ir += 4
        }
        jr += 16
    }
}

/// One tile from a panel of A `panelRows` wide, 6 or 4 (the rows a 6-row panel would pad): per
/// step of `k`, two SIMD8 loads of B, `panelRows` broadcasts of A and twice as many FMAs. 128
/// rows then cost 20 six-row tiles and two 4-row ones rather than 22 six-row tiles, the last of
/// which would multiply four rows of zeros (measured: `fc`'s forward pass about 2% faster, on one
/// thread and on two). Always inlined with a constant `panelRows`, so the choice is not in the loop.
@inline(__always)
func microKernel(_ kc: Int, panelRows: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                 _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ rows: Int, _ cols: Int, _ accumulate: Bool) {
    var tile = Tile6x16()
    let bRaw = UnsafeRawPointer(b)
    var ap = a
    var offset = 0
    for _ in 0..<kc {
        let b0 = bRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let b1 = bRaw.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
        if panelRows == 6 {
            tile.add(ap[0], ap[1], ap[2], ap[3], ap[4], ap[5], b0, b1)
        } else {
            tile.add(ap[0], ap[1], ap[2], ap[3], b0, b1)
        }
        ap += panelRows
        offset += 64
    }
    tile.store(c, ldc, rows, cols, accumulate)
}

/// The 6 x 16 tile of sums every micro-kernel here keeps in twelve `SIMD8<Float>` registers
/// (`cRH`: row R, half H of the 16 columns). Always inlined, so its fields live in registers.
struct Tile6x16 {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
    var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()

    /// One step of the reduction: row `r` of the tile += `a_r * (b0, b1)`.
    @inline(__always)
    mutating func add(_ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ a4: Float, _ a5: Float,
                      _ b0: SIMD8<Float>, _ b1: SIMD8<Float>) {
        add(a0, a1, a2, a3, b0, b1)
        var s = SIMD8<Float>(repeating: a4)
        fma(&c40, s, b0); fma(&c41, s, b1)
        s = SIMD8<Float>(repeating: a5)
        fma(&c50, s, b0); fma(&c51, s, b1)
    }

    /// One step of the reduction for the first four rows only (a 4 x 16 tile; rows 4 and 5 stay
    /// zero).
    @inline(__always)
    mutating func add(_ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ b0: SIMD8<Float>, _ b1: SIMD8<Float>) {
        var s = SIMD8<Float>(repeating: a0)
        fma(&c00, s, b0); fma(&c01, s, b1)
        s = SIMD8<Float>(repeating: a1)
        fma(&c10, s, b0); fma(&c11, s, b1)
        s = SIMD8<Float>(repeating: a2)
        fma(&c20, s, b0); fma(&c21, s, b1)
        s = SIMD8<Float>(repeating: a3)
        fma(&c30, s, b0); fma(&c31, s, b1)
    }

    /// Writes (or adds) the tile to C, only its first `rows` x `cols` at the edges.
    @inline(__always)
    func store(_ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ rows: Int, _ cols: Int, _ accumulate: Bool) {
        store(rowStart: { c + $0 * ldc }, rows, cols, accumulate)
    }

    /// Writes (or adds) tile row `r` to the 16 floats at `rowStart(r)`, only the first `rows`
    /// rows and `cols` columns at the edges. The rows of C need not be evenly spaced.
    @inline(__always)
    func store(rowStart: (Int) -> UnsafeMutablePointer<Float>, _ rows: Int, _ cols: Int, _ accumulate: Bool) {
        if cols == 16 {
            storeRow(c00, c01, rowStart(0), accumulate)
            if rows > 1 { storeRow(c10, c11, rowStart(1), accumulate) }
            if rows > 2 { storeRow(c20, c21, rowStart(2), accumulate) }
            if rows > 3 { storeRow(c30, c31, rowStart(3), accumulate) }
            if rows > 4 { storeRow(c40, c41, rowStart(4), accumulate) }
            if rows > 5 { storeRow(c50, c51, rowStart(5), accumulate) }
            return
        }
        // A right-edge tile: spill the sums to the stack, then write only the columns inside C.
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 12) { tile in
            tile[0] = c00; tile[1] = c01; tile[2] = c10; tile[3] = c11; tile[4] = c20; tile[5] = c21
            tile[6] = c30; tile[7] = c31; tile[8] = c40; tile[9] = c41; tile[10] = c50; tile[11] = c51
            for r in 0..<rows {
                let row = rowStart(r)
                for j in 0..<cols {
                    let value = tile[2 * r + j / 8][j % 8]
                    row[j] = accumulate ? row[j] + value : value
                }
            }
        }
    }
}

@inline(__always)
func storeRow(_ low: SIMD8<Float>, _ high: SIMD8<Float>, _ c: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    if accumulate {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + low, as: SIMD8<Float>.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + high,
                       toByteOffset: 32, as: SIMD8<Float>.self)
    } else {
        raw.storeBytes(of: low, as: SIMD8<Float>.self)
        raw.storeBytes(of: high, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}

/// `acc += a * b`: one fused instruction where the build has FMA (the AVX2 module, arm64); a
/// multiply and an add elsewhere, because without FMA hardware `addProduct` becomes a libm
/// `fmaf` call per lane (measured 0.5 GFLOP/s against 23 for multiply + add on SSE2).
@inline(__always)
func fma(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
#if CONVLAB_FMA || arch(arm64)
    acc.addProduct(a, b)
#else
    acc += a * b
#endif
}
