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
///   - out: where the 36 transformed rows go.
///   - outStride: the distance in floats between two of them.
/// - Complexity: 12 applications of `B^T` (about 14 additions each) per 8 channels.
@inline(never)
public func winogradInputTile6(_ channels: Int, _ pixels: UnsafePointer<UnsafePointer<Float>>,
                               _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
    transformTile(side: 6, results: 6, channels: channels, line: .input6,
                  load: { i, c, lanes in loadLanes(pixels[i] + c, lanes) },
                  store: { i, c, lanes, v in storeLanes(v, out + i * outStride + c, lanes) })
}

/// `B^T d` for one line of six values read by `load(i)`, each result `j` handed to `store(j, v)`.
@inline(__always)
func inputRow6(_ load: (Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
    let d0 = load(0), d1 = load(1), d2 = load(2), d3 = load(3), d4 = load(4), d5 = load(5)
    let s12 = d1 + d2, s34 = d3 + d4, d21 = d2 - d1, d34 = d3 - d4, d31 = d3 - d1, d42 = d4 - d2
    store(0, 4 * d0 - 5 * d2 + d4)   // [4, 0, -5, 0, 1, 0]
    store(1, 4 * s12 - s34)          // [0, 4, 4, -1, -1, 0]
    store(2, 4 * d21 + d34)          // [0, -4, 4, 1, -1, 0]
    store(3, 2 * d31 + d42)          // [0, -2, -1, 2, 1, 0]
    store(4, d42 - 2 * d31)          // [0, 2, -1, -2, 1, 0]
    store(5, 4 * d1 - 5 * d3 + d5)   // [0, 4, 0, -5, 0, 1]
}

/// `Y = A^T M A` for one 6 x 6 tile with 4 x 4 outputs, every channel: `outputs[i * 4 + j][c] =
/// sum_xi sum_nu A^T[i][xi] * products[(xi * 6 + nu) * inStride + c] * A^T[j][nu]`, `A^T` =
/// `winograd6OutputMatrix`.
///
/// - Parameters:
///   - channels: output channels.
///   - products: the 36 rows of element-wise products.
///   - inStride: the distance in floats between two of them.
///   - outputs: 16 pointers, row-major over the output tile, each to `channels` floats.
/// - Complexity: 10 applications of `A^T` per 8 channels.
@inline(never)
public func winogradOutputTile6(_ channels: Int, _ products: UnsafePointer<Float>, _ inStride: Int,
                                _ outputs: UnsafePointer<UnsafeMutablePointer<Float>>) {
    transformTile(side: 6, results: 4, channels: channels, line: .output6,
                  load: { i, c, lanes in loadLanes(products + i * inStride + c, lanes) },
                  store: { i, c, lanes, v in storeLanes(v, outputs[i] + c, lanes) })
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
    transformTile(side: 8, results: 8, channels: channels, line: .input8,
                  load: { i, c, lanes in loadLanes(pixels[i] + c, lanes) },
                  store: { i, c, lanes, v in storeLanes(v, out + i * outStride + c, lanes) })
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
    transformTile(side: 8, results: 4, channels: channels, line: .output8,
                  load: { i, c, lanes in loadLanes(products + i * inStride + c, lanes) },
                  store: { i, c, lanes, v in storeLanes(v, outputs[i] + c, lanes) })
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

// MARK: - The one walk over a tile

/// The matrix `T` of a transform, applied to one line of a tile by its `...Row` function.
enum TileLine {
    case input6, output6, input8, output8

    @inline(__always)
    func apply(_ load: (Int) -> SIMD8<Float>, _ store: (Int, SIMD8<Float>) -> Void) {
        switch self {
        case .input6: inputRow6(load, store)
        case .output6: outputRow6(load, store)
        case .input8: inputRow8(load, store)
        case .output8: outputRow8(load, store)
        }
    }
}

/// `R = T X T^T` for one `side x side` tile `X`, eight channels at a time, where `line` applies
/// `T` (`results x side`) to one line of the tile: first to each row of the tile, into a buffer
/// (`X T^T`, `side x results`), then to each column of the buffer. `load(i, c, lanes)` reads
/// element `i` (row-major) of the tile at channel `c`; `store(i, c, lanes, v)` writes element `i`
/// of the `results x results` result.
@inline(__always)
func transformTile(side: Int, results: Int, channels: Int, line: TileLine,
                   load: (Int, Int, Int) -> SIMD8<Float>, store: (Int, Int, Int, SIMD8<Float>) -> Void) {
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: side * results) { buffer in
        let half = buffer.baseAddress!   // half[a * results + q] = (X T^T)[a][q]
        var c = 0
        while c < channels {
            let lanes = min(8, channels - c)
            for a in 0..<side {
                line.apply({ load(a * side + $0, c, lanes) }, { half[a * results + $0] = $1 })
            }
            for q in 0..<results {
                line.apply({ half[$0 * results + q] }, { store($0 * results + q, c, lanes, $1) })
            }
            c += 8
        }
    }
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
