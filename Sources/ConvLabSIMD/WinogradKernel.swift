// The two data transforms of Winograd's minimal filtering (Fast/Fast+Winograd.swift) on 6 x 6
// tiles (F(4x4, 3x3)) and 8 x 8 tiles (F(4x4, 5x5)): a tile of input into the transformed domain, and a tile of products back into outputs.
// Each is a small matrix applied on both sides of the tile, vectorized over the channels, which
// NHWC keeps contiguous: one SIMD8 register holds eight channels of one pixel. The matrices are
// written out as additions, so the zeros and ones of `B^T` and `A^T` cost nothing (applying them
// as dense 6 x 6 products with broadcast coefficients took longer than the whole element-wise
// stage). `Fast` builds the same matrices by the Cook-Toom method and a test holds them equal to
// the constants below. Like the GEMM micro-kernel, this file is compiled twice (Package.swift).

/// `B^T` for the interpolation points 0, 1, -1, 2, -2 and infinity, row-major (6 x 6): the input
/// transform of F(4x4, 3x3).
public let winograd6InputMatrix: [Float] = [
    4, 0, -5, 0, 1, 0,
    0, 4, 4, -1, -1, 0,
    0, -4, 4, 1, -1, 0,
    0, -2, -1, 2, 1, 0,
    0, 2, -1, -2, 1, 0,
    0, 4, 0, -5, 0, 1,
]

/// `A^T` for the same points and 4 x 4 outputs, row-major (4 x 6).
public let winograd6OutputMatrix: [Float] = [
    1, 1, 1, 1, 1, 0,
    0, 1, -1, 2, -2, 0,
    0, 1, 1, 4, 4, 0,
    0, 1, -1, 8, -8, 1,
]

/// `V = B^T d B` for one 6 x 6 tile, every channel: `out[(xi * 6 + nu) * outStride + c] =
/// sum_a sum_b B^T[xi][a] * d[a][b][c] * B^T[nu][b]`, `B^T` = `winograd6InputMatrix`.
///
/// - Parameters:
///   - channels: values under each pointer.
///   - pixels: 36 pointers, row-major over the tile, each to the `channels` values of one input
///     pixel (or to a zero row where the tile reaches into padding).
///   - out: where the 36 transformed rows go, `outStride` floats apart.
/// - Complexity: 12 applications of `B^T` (about 14 additions each) per 8 channels.
@inline(never)
public func winogradInputTile6(_ channels: Int, _ pixels: UnsafePointer<UnsafePointer<Float>>,
                               _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 36) { buffer in
        let rowsDone = buffer.baseAddress!   // rowsDone[a * 6 + nu] = (d B)[a][nu]
        var c = 0
        while c < channels {
            let lanes = min(8, channels - c)
            for a in 0..<6 {
                let p = pixels + 6 * a
                let v = inputRow6(loadLanes(p[0] + c, lanes), loadLanes(p[1] + c, lanes), loadLanes(p[2] + c, lanes),
                                  loadLanes(p[3] + c, lanes), loadLanes(p[4] + c, lanes), loadLanes(p[5] + c, lanes))
                rowsDone[6 * a] = v.0; rowsDone[6 * a + 1] = v.1; rowsDone[6 * a + 2] = v.2
                rowsDone[6 * a + 3] = v.3; rowsDone[6 * a + 4] = v.4; rowsDone[6 * a + 5] = v.5
            }
            for nu in 0..<6 {
                let v = inputRow6(rowsDone[nu], rowsDone[6 + nu], rowsDone[12 + nu],
                                  rowsDone[18 + nu], rowsDone[24 + nu], rowsDone[30 + nu])
                let o = out + nu * outStride + c
                storeLanes(v.0, o, lanes); storeLanes(v.1, o + 6 * outStride, lanes)
                storeLanes(v.2, o + 12 * outStride, lanes); storeLanes(v.3, o + 18 * outStride, lanes)
                storeLanes(v.4, o + 24 * outStride, lanes); storeLanes(v.5, o + 30 * outStride, lanes)
            }
            c += 8
        }
    }
}

/// `B^T d` for one line of six values (`winograd6InputMatrix`, by rows).
@inline(__always)
func inputRow6(_ d0: SIMD8<Float>, _ d1: SIMD8<Float>, _ d2: SIMD8<Float>, _ d3: SIMD8<Float>, _ d4: SIMD8<Float>,
               _ d5: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let s12 = d1 + d2, s34 = d3 + d4, d21 = d2 - d1, d34 = d3 - d4, d31 = d3 - d1, d42 = d4 - d2
    return (4 * d0 - 5 * d2 + d4,   // [4, 0, -5, 0, 1, 0]
            4 * s12 - s34,          // [0, 4, 4, -1, -1, 0]
            4 * d21 + d34,          // [0, -4, 4, 1, -1, 0]
            2 * d31 + d42,          // [0, -2, -1, 2, 1, 0]
            d42 - 2 * d31,          // [0, 2, -1, -2, 1, 0]
            4 * d1 - 5 * d3 + d5)   // [0, 4, 0, -5, 0, 1]
}

/// `Y = A^T M A` for one 6 x 6 tile with 4 x 4 outputs, every channel: `outputs[i * 4 + j][c] =
/// sum_xi sum_nu A^T[i][xi] * products[(xi * 6 + nu) * inStride + c] * A^T[j][nu]`, `A^T` =
/// `winograd6OutputMatrix`.
///
/// - Parameters:
///   - channels: output channels.
///   - products: the 36 rows of element-wise products, `inStride` floats apart.
///   - outputs: 16 pointers, row-major over the output tile, each to `channels` floats.
/// - Complexity: 10 applications of `A^T` per 8 channels.
@inline(never)
public func winogradOutputTile6(_ channels: Int, _ products: UnsafePointer<Float>, _ inStride: Int,
                                _ outputs: UnsafePointer<UnsafeMutablePointer<Float>>) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 6 * 4) { buffer in
        let half = buffer.baseAddress!   // half[xi * 4 + q] = (M A)[xi][q]
        var c = 0
        while c < channels {
            let lanes = min(8, channels - c)
            for xi in 0..<6 {
                let p = products + 6 * xi * inStride + c
                outputRow6({ loadLanes(p + $0 * inStride, lanes) }, { half[4 * xi + $0] = $1 })
            }
            for q in 0..<4 {
                outputRow6({ half[4 * $0 + q] }, { storeLanes($1, outputs[4 * $0 + q] + c, lanes) })
            }
            c += 8
        }
    }
}

/// `A^T x` for one line of six values read by `load(i)`, each of the four results handed to `store`.
@inline(__always)
func outputRow6(_ load: (Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
    let x0 = load(0), x1 = load(1), x2 = load(2), x3 = load(3), x4 = load(4), x5 = load(5)
    let s12 = x1 + x2, d12 = x1 - x2, s34 = x3 + x4, d34 = x3 - x4
    store(0, x0 + s12 + s34)          // [1, 1, 1, 1, 1, 0]
    store(1, d12 + 2 * d34)           // [0, 1, -1, 2, -2, 0]
    store(2, s12 + 4 * s34)           // [0, 1, 1, 4, 4, 0]
    store(3, d12 + 8 * d34 + x5)      // [0, 1, -1, 8, -8, 1]
}

// MARK: - 8 x 8 tiles: F(4x4, 5x5)

/// `B^T` for the points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity, row-major (8 x 8).
public let winograd8InputMatrix: [Float] = [
    1, 0, -5.25, 0, 5.25, 0, -1, 0,
    0, -1, -1, 4.25, 4.25, -1, -1, 0,
    0, 1, -1, -4.25, 4.25, 1, -1, 0,
    0, 2, 1, -10, -5, 8, 4, 0,
    0, -2, 1, 10, -5, -8, 4, 0,
    0, 4, 8, -5, -10, 1, 2, 0,
    0, -4, 8, 5, -10, -1, 2, 0,
    0, -1, 0, 5.25, 0, -5.25, 0, 1,
]

/// `A^T` for the same points and 4 x 4 outputs, row-major (4 x 8).
public let winograd8OutputMatrix: [Float] = [
    1, 1, 1, 1, 1, 1, 1, 0,
    0, 1, -1, 2, -2, 0.5, -0.5, 0,
    0, 1, 1, 4, 4, 0.25, 0.25, 0,
    0, 1, -1, 8, -8, 0.125, -0.125, 1,
]

/// `winogradInputTile6` on an 8 x 8 tile, `B^T` = `winograd8InputMatrix`: 64 pointers in, 64
/// rows out.
@inline(never)
public func winogradInputTile8(_ channels: Int, _ pixels: UnsafePointer<UnsafePointer<Float>>,
                               _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 64) { buffer in
        let rowsDone = buffer.baseAddress!   // rowsDone[a * 8 + nu] = (d B)[a][nu]
        var c = 0
        while c < channels {
            let lanes = min(8, channels - c)
            for a in 0..<8 {
                let p = pixels + 8 * a
                inputRow8({ loadLanes(p[$0] + c, lanes) }, { rowsDone[8 * a + $0] = $1 })
            }
            for nu in 0..<8 {
                inputRow8({ rowsDone[8 * $0 + nu] }, { storeLanes($1, out + (8 * $0 + nu) * outStride + c, lanes) })
            }
            c += 8
        }
    }
}

/// `B^T d` for one line of eight values read by `load(i)`, each result `j` handed to `store(j, v)`.
@inline(__always)
func inputRow8(_ load: (Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
    let d0 = load(0), d1 = load(1), d2 = load(2), d3 = load(3), d4 = load(4), d5 = load(5), d6 = load(6), d7 = load(7)
    store(0, d0 - d6 + 5.25 * (d4 - d2))                        // [1, 0, -5.25, 0, 5.25, 0, -1, 0]
    let a = 4.25 * (d3 + d4), b = d1 + d5, e = d2 + d6, f = 4.25 * (d3 - d4)
    store(1, a - b - e)                                        // [0, -1, -1, 4.25, 4.25, -1, -1, 0]
    store(2, b - e - f)                                        // [0, 1, -1, -4.25, 4.25, 1, -1, 0]
    let p = d2 - 5 * d4 + 4 * d6, q = 2 * d1 - 10 * d3 + 8 * d5
    store(3, p + q)                                            // [0, 2, 1, -10, -5, 8, 4, 0]
    store(4, p - q)                                            // [0, -2, 1, 10, -5, -8, 4, 0]
    let r = 8 * d2 - 10 * d4 + 2 * d6, s = 4 * d1 - 5 * d3 + d5
    store(5, r + s)                                            // [0, 4, 8, -5, -10, 1, 2, 0]
    store(6, r - s)                                            // [0, -4, 8, 5, -10, -1, 2, 0]
    store(7, d7 - d1 + 5.25 * (d3 - d5))                       // [0, -1, 0, 5.25, 0, -5.25, 0, 1]
}

/// `winogradOutputTile6` on an 8 x 8 tile of products with 4 x 4 outputs, `A^T` =
/// `winograd8OutputMatrix`.
@inline(never)
public func winogradOutputTile8(_ channels: Int, _ products: UnsafePointer<Float>, _ inStride: Int,
                                _ outputs: UnsafePointer<UnsafeMutablePointer<Float>>) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 8 * 4) { buffer in
        let half = buffer.baseAddress!   // half[xi * 4 + q] = (M A)[xi][q]
        var c = 0
        while c < channels {
            let lanes = min(8, channels - c)
            for xi in 0..<8 {
                let p = products + 8 * xi * inStride + c
                outputRow8({ loadLanes(p + $0 * inStride, lanes) }, { half[4 * xi + $0] = $1 })
            }
            for q in 0..<4 {
                outputRow8({ half[4 * $0 + q] }, { storeLanes($1, outputs[4 * $0 + q] + c, lanes) })
            }
            c += 8
        }
    }
}

/// `A^T x` for one line of eight values read by `load(i)`, each of the four results handed to `store`.
@inline(__always)
func outputRow8(_ load: (Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
    let x0 = load(0), x1 = load(1), x2 = load(2), x3 = load(3), x4 = load(4), x5 = load(5), x6 = load(6), x7 = load(7)
    let s12 = x1 + x2, d12 = x1 - x2, s34 = x3 + x4, d34 = x3 - x4, s56 = x5 + x6, d56 = x5 - x6
    store(0, x0 + s12 + s34 + s56)                 // [1, 1, 1, 1, 1, 1, 1, 0]
    store(1, d12 + 2 * d34 + 0.5 * d56)            // [0, 1, -1, 2, -2, 1/2, -1/2, 0]
    store(2, s12 + 4 * s34 + 0.25 * s56)           // [0, 1, 1, 4, 4, 1/4, 1/4, 0]
    store(3, d12 + 8 * d34 + 0.125 * d56 + x7)     // [0, 1, -1, 8, -8, 1/8, -1/8, 1]
}

/// `lanes` (1...8) floats from `p`, zero past them.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
    if lanes == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>()
    for l in 0..<lanes { v[l] = p[l] }
    return v
}

/// The first `lanes` (1...8) lanes of `v` to `p`.
@inline(__always)
func storeLanes(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        return
    }
    for l in 0..<lanes { p[l] = v[l] }
}
