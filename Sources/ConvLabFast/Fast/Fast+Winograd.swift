import ConvLabSIMD
#if arch(x86_64)
import ConvLabSIMDAVX2
#endif
import ConvLabCore

// Winograd's minimal filtering for stride-1 convolutions (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): F(m x m, r x r) computes an m x m block of outputs of an
// r x r filter from an alpha x alpha tile of input, alpha = m + r - 1, with alpha^2 multiplies per
// channel pair instead of m^2 r^2:
//
//     Y = A^T [ (G g G^T) (.) (B^T d B) ] A
//
// Summed over the input channels, the element-wise products become alpha^2 independent matrix
// products, [tiles, C] * [C, O], which run on the GEMM's micro-kernel. For lecture 7's conv2
// (5 x 5, F(4x4, 5x5), alpha 8) that is 64 products in place of 400 per tile and channel pair,
// 6.25x fewer multiply-adds (4.8x on 14 x 14 images, whose 4 x 4 tiles overhang by two rows and
// columns), plus the transforms. The price is rounding: the transforms scale values by up to 10
// and subtract them before they meet, so the sums round differently from the direct product
// (the cross-check tests bound the difference). `conv2DInference` uses it: a `Conv2D` layer's
// forward pass in evaluation and, unless its kernels say `.direct`, in training. The backward
// pass keeps the direct products (Fast+Conv2D.swift).

/// The matrices of one Winograd algorithm F(m x m, r x r), built by the Cook-Toom method from the
/// interpolation points 0, 1, -1, 2, -2, 1/2, -1/2 (as many as needed) and infinity.
///
/// The correlation `y_i = sum_k d_(i+k) g_k` is the transpose of the polynomial product
/// `s = g * h` (deg g = r - 1, deg h = m - 1). Evaluating `g` and `h` at the alpha points (`G`,
/// `H`), multiplying, and interpolating with `V^-1`, where `V` evaluates a polynomial of degree
/// alpha - 1 at the points, gives `s`; transposing that algorithm gives
/// `y = H^T [ (G g) (.) (V^-T d) ]`: `A^T = H^T`, `B^T = V^-T`. Each row of `B^T` is then scaled
/// to integers and `G`'s row divided by the same factor, which leaves the product unchanged and
/// makes the input transform exact in Float (F(4x4, 3x3)'s `B^T` is then Lavin and Gray's).
package struct WinogradTransform: Sendable {
    /// `m`: the outputs per tile side.
    package let outputTile: Int
    /// `r`: the filter's side.
    package let kernel: Int
    /// `alpha = m + r - 1`: the tile's side in the transformed domain.
    package var alpha: Int { outputTile + kernel - 1 }
    /// `B^T`, `alpha x alpha`, row-major.
    package let inputMatrix: [Float]
    /// `G`, `alpha x r`, row-major.
    package let filterMatrix: [Float]
    /// `A^T`, `m x alpha`, row-major.
    package let outputMatrix: [Float]

    package init(outputTile m: Int, kernel r: Int) {
        let alpha = m + r - 1
        let finite = Array([0.0, 1, -1, 2, -2, 0.5, -0.5, 4, -4].prefix(alpha - 1))
        precondition(finite.count == alpha - 1, "Winograd tiles up to alpha 10")
        func power(_ x: Double, _ e: Int) -> Double { e == 0 ? 1 : (0..<e).reduce(1) { p, _ in p * x } }
        // Row j evaluates a polynomial of `terms` coefficients at point j; the last row takes the
        // leading coefficient (the value "at infinity").
        func evaluation(_ terms: Int) -> [[Double]] {
            finite.map { x in (0..<terms).map { power(x, $0) } } + [(0..<terms).map { $0 == terms - 1 ? 1 : 0 }]
        }
        let vInverse = invert(evaluation(alpha))
        var bt = (0..<alpha).map { j in (0..<alpha).map { t in vInverse[t][j] } }   // V^-T
        var g = evaluation(r)
        for j in 0..<alpha {
            let scale = 1 / bt[j].filter { abs($0) > 1e-12 }.map(abs).min()!
            bt[j] = bt[j].map { v in abs(v * scale - (v * scale).rounded()) < 1e-9 ? (v * scale).rounded() : v * scale }
            g[j] = g[j].map { $0 / scale }
        }
        let h = evaluation(m)
        outputTile = m
        kernel = r
        inputMatrix = bt.joined().map(Float.init)
        filterMatrix = g.joined().map(Float.init)
        outputMatrix = (0..<m).flatMap { i in (0..<alpha).map { j in Float(h[j][i]) } }
    }

    /// F(4x4, 5x5) on 8 x 8 tiles and F(4x4, 3x3) on 6 x 6 tiles.
    static let forKernel5 = WinogradTransform(outputTile: 4, kernel: 5)
    static let forKernel3 = WinogradTransform(outputTile: 4, kernel: 3)

    /// The algorithm `Fast.conv2DInference` uses for this convolution, or nil for the direct
    /// product: square 3 x 3 or 5 x 5 filters at stride 1 without dilation, with at least 8 input
    /// and 8 output channels (fewer leave the element-wise products too small to pay for the
    /// transforms). Both have 4 x 4 output tiles; larger ones (F(6x6, 3x3)) round worse.
    package static func plan(kernel: Size2, strides: Size2, dilations: Size2, inChannels: Int, outChannels: Int)
        -> WinogradTransform? {
        guard strides == 1, dilations == 1, kernel.h == kernel.w, inChannels >= 8, outChannels >= 8 else { return nil }
        switch kernel.h {
        case 3: return forKernel3
        case 5: return forKernel5
        default: return nil
        }
    }
}

/// The inverse of a small invertible matrix, by Gauss-Jordan elimination with partial pivoting.
private func invert(_ matrix: [[Double]]) -> [[Double]] {
    let n = matrix.count
    var a = matrix.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0 } }
    for col in 0..<n {
        let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
        a.swapAt(col, pivot)
        let p = a[col][col]
        a[col] = a[col].map { $0 / p }
        for row in 0..<n where row != col {
            let f = a[row][col]
            if f != 0 { a[row] = zip(a[row], a[col]).map { $0 - f * $1 } }
        }
    }
    return a.map { Array($0[n...]) }
}

extension Fast {
    /// `conv2DForward` by Winograd's algorithm where `WinogradTransform.plan` finds one, else the
    /// direct product; a different rounding from `conv2DForward`'s where it applies.
    /// - Parameters, Returns, Throws: as `conv2DForward`.
    /// - Complexity: for F(4x4, 5x5), `2 * N*ceil(OH/4)*ceil(OW/4) * 64 * C * O` flops in the
    ///   element-wise products (`conv2DForward`'s `2 * N*OH*OW * 25 * C * O`, / 6.25 when the
    ///   tiles fit) plus `O(N*H*W*C + N*OH*OW*O)` in the transforms.
    public static func conv2DInference(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2 = 1,
                                       padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        let lowering = ConvLowering(g)
        guard lowering.fallbackReason(padding) == nil,
              let plan = WinogradTransform.plan(kernel: Size2(g.rows.kernel, g.cols.kernel), strides: strides,
                                                dilations: dilations, inChannels: g.inChannels,
                                                outChannels: g.outChannels) else {
            return try conv2DForward(input, filter: filter, strides: strides, padding: padding, dilations: dilations)
        }
        return tensor(g.outputShape) { y in   // every output written by one tile's output transform
            withBases(input.scalars, filter.scalars) { x, w in convForwardWinograd(x, w, y, lowering, plan) }
        }
    }

    /// Tiles per task: the block's transformed input and products (`alpha^2 * tiles * (C + O)`
    /// floats) stay within about 512 KB of L2, and at least 18 tiles (three micro-kernel panels).
    static func winogradBlockTiles(_ t: WinogradTransform, _ g: ConvLowering) -> Int {
        let perTile = t.alpha * t.alpha * (g.inC + g.outC) * MemoryLayout<Float>.stride
        return max(3, (512 << 10) / perTile / gemmRowPanel) * gemmRowPanel
    }

    /// `y = conv(x, w)` by one of `WinogradTransform.plan`'s algorithms (4 x 4 output tiles on 6 x 6 or
    /// 8 x 8 input tiles): the filter is transformed and packed once; each task
    /// then takes a block of tiles (any image, row-major), transforms their input, runs the
    /// alpha^2 products `[tiles, C] * [C, O]` on the indirect micro-kernel (one tap of C channels,
    /// a pointer per tile) and transforms the products back into outputs.
    static func convForwardWinograd(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                    _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering, _ t: WinogradTransform,
                                    threads: Int = Fast.threads) {
        let alpha = t.alpha, m = t.outputTile, points = alpha * alpha
        let channels = g.inC, n = g.outC
        let panelStride = roundedUp(n, toMultipleOf: gemmColumnPanel)
        let packedU = scratch(Float.self, points * channels * panelStride)
        defer { recycle(packedU) }
        transformFilter(w, t, channels: channels, outChannels: n, into: packedU, panelStride: panelStride, threads: threads)

        let tilesH = (g.outH + m - 1) / m, tilesW = (g.outW + m - 1) / m
        let tiles = g.batch * tilesH * tilesW
        let blockTiles = winogradBlockTiles(t, g)
        let zeros = scratch(Float.self, channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { recycle(zeros) }
        parallelFor((tiles + blockTiles - 1) / blockTiles, threads: threads) { block in
            let t0 = block * blockTiles, count = min(blockTiles, tiles - t0)
            let v = scratch(Float.self, blockTiles * points * channels)   // [tile][point][C]
            let products = scratch(Float.self, blockTiles * points * n)   // [tile][point][O]
            let pixels = scratch(UnsafePointer<Float>.self, points)
            let rows = scratch(UnsafePointer<Float>.self, blockTiles)
            let outRows = scratch(UnsafeMutablePointer<Float>.self, max(blockTiles, m * m))
            let discard = scratch(Float.self, n)   // outputs of tiles hanging over the edge
            defer { recycle(v); recycle(products); recycle(pixels); recycle(rows); recycle(outRows); recycle(discard) }

            // Tile `tile`'s image and its top-left output (its input starts pad rows above).
            func corner(_ tile: Int) -> (image: Int, row: Int, col: Int) {
                let image = tile / (tilesH * tilesW), inImage = tile % (tilesH * tilesW)
                return (image, inImage / tilesW * m, inImage % tilesW * m)
            }
            for i in 0..<count {
                let (image, row0, col0) = corner(t0 + i)
                for a in 0..<alpha {
                    let row = row0 + a - g.padTop
                    for b in 0..<alpha {
                        let col = col0 + b - g.padLeft
                        let inside = row >= 0 && row < g.inH && col >= 0 && col < g.inW
                        pixels[a * alpha + b] = inside
                            ? x + ((image * g.inH + row) * g.inW + col) * channels : UnsafePointer(zeros)
                    }
                }
                winogradInput(alpha, channels, pixels, v + i * points * channels, channels)
            }
            let panels = (count + gemmRowPanel - 1) / gemmRowPanel
            for p in 0..<points {
                for r in 0..<(panels * gemmRowPanel) {
                    rows[r] = r < count ? UnsafePointer(v + (r * points + p) * channels) : UnsafePointer(zeros)
                }
                for r in 0..<count { outRows[r] = products + (r * points + p) * n }
                indirectBlock(count, n, 1, channels, rows, gemmRowPanel, packedU + p * channels * panelStride,
                              zeros, outRows, false)
            }
            for i in 0..<count {
                let (image, row0, col0) = corner(t0 + i)
                for a in 0..<m {
                    for b in 0..<m {
                        let row = row0 + a, col = col0 + b
                        outRows[a * m + b] = row < g.outH && col < g.outW
                            ? y + ((image * g.outH + row) * g.outW + col) * n : discard
                    }
                }
                winogradOutput(alpha, n, products + i * points * n, n, outRows)
            }
        }
    }

    /// `U_p = (G g G^T)_p` for every point `p` of the tile and every channel pair, packed for the
    /// micro-kernel: `points` blocks of `[C][O]` as `ceil(O / 16)` panels of `[C][16]`, a k-row of
    /// them `panelStride` (`O` rounded up to 16) floats long. Each task
    /// takes one row `xi` of the tile: `T[l] = sum_k G[xi][k] g[k][l]`, then
    /// `U[xi][nu] = sum_l T[l] G[nu][l]`, each a sum of whole `[C, O]` planes.
    static func transformFilter(_ w: UnsafePointer<Float>, _ t: WinogradTransform, channels: Int, outChannels: Int,
                                into packed: UnsafeMutablePointer<Float>, panelStride: Int, threads: Int) {
        let alpha = t.alpha, r = t.kernel, plane = channels * outChannels
        t.filterMatrix.withUnsafeBufferPointer { gm in
            parallelFor(alpha, threads: threads) { xi in
                let half = scratch(Float.self, r * plane), u = scratch(Float.self, plane)
                defer { recycle(half); recycle(u) }
                half.initialize(repeating: 0, count: r * plane)
                for k in 0..<r {
                    let coefficient = gm[xi * r + k]
                    if coefficient == 0 { continue }
                    for l in 0..<r {
                        let from = w + (k * r + l) * plane, to = half + l * plane
                        for i in 0..<plane { to[i] += coefficient * from[i] }
                    }
                }
                for nu in 0..<alpha {
                    u.initialize(repeating: 0, count: plane)
                    for l in 0..<r {
                        let coefficient = gm[nu * r + l]
                        if coefficient == 0 { continue }
                        let from = half + l * plane
                        for i in 0..<plane { u[i] += coefficient * from[i] }
                    }
                    // As the right operand of [tiles, C] * [C, O]: element (o, c) at u[c * O + o].
                    GEMMOperand.matrix(u, rowStride: 1, kStride: outChannels)
                        .pack(packed + (xi * alpha + nu) * channels * panelStride, 0, outChannels, 0, channels,
                              gemmColumnPanel)
                }
            }
        }
    }

    /// The Winograd input transform build this CPU can run (6 x 6 or 8 x 8 tiles).
    @inline(__always)
    static func winogradInput(_ alpha: Int, _ channels: Int, _ pixels: UnsafePointer<UnsafePointer<Float>>,
                              _ out: UnsafeMutablePointer<Float>, _ outStride: Int) {
        #if arch(x86_64)
        if usesAVX2 {
            alpha == 8 ? ConvLabSIMDAVX2.winogradInputTile8(channels, pixels, out, outStride)
                : ConvLabSIMDAVX2.winogradInputTile6(channels, pixels, out, outStride)
            return
        }
        #endif
        alpha == 8 ? ConvLabSIMD.winogradInputTile8(channels, pixels, out, outStride)
            : ConvLabSIMD.winogradInputTile6(channels, pixels, out, outStride)
    }

    /// The Winograd output transform build this CPU can run (6 x 6 or 8 x 8 tiles, 4 x 4 outputs).
    @inline(__always)
    static func winogradOutput(_ alpha: Int, _ channels: Int, _ products: UnsafePointer<Float>, _ inStride: Int,
                               _ outputs: UnsafePointer<UnsafeMutablePointer<Float>>) {
        #if arch(x86_64)
        if usesAVX2 {
            alpha == 8 ? ConvLabSIMDAVX2.winogradOutputTile8(channels, products, inStride, outputs)
                : ConvLabSIMDAVX2.winogradOutputTile6(channels, products, inStride, outputs)
            return
        }
        #endif
        alpha == 8 ? ConvLabSIMD.winogradOutputTile8(channels, products, inStride, outputs)
            : ConvLabSIMD.winogradOutputTile6(channels, products, inStride, outputs)
    }
}
