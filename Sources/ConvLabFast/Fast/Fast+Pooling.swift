import ConvLabCore

// Fast max and average pooling: twins of `Reference.maxPoolForward` / `maxPoolBackward` /
// `avgPoolForward` / `avgPoolBackward`.
//
// The reference visits one channel at a time and searches its window with strided loads.
// Here the innermost loop runs over the `C` contiguous channels of an NHWC pixel, so every
// window tap is one vectorizable pass over a row of channels; the max pool keeps the winning
// index per channel in a small buffer and applies the reference's rule (the first strictly
// greatest value in window order wins, so ties and gradients land on the same cell). Images are
// independent, so they are split across threads (the backward passes write only their image).

extension Fast {
    /// Max pooling, as `Reference.maxPoolForward`.
    /// - Parameters: `input [N, H, W, C]`; window, strides and padding as `tf.nn.max_pool2d`.
    /// - Returns: `[N, OH, OW, C]`, sizes by `PoolGeometry`.
    /// - Throws: the reference's `ConvLabError`s (naming `maxPool`).
    public static func maxPoolForward(_ input: Tensor<Float>, windowSize: Size2, strides: Size2,
                                      padding: Padding) throws -> Tensor<Float> {
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "maxPool")
        if padding.isExplicit {
            return try referenceFallback("maxPool", "explicit pads") {
                try Reference.maxPoolForward(input, windowSize: windowSize, strides: strides, padding: padding)
            }
        }
        // Every window has a real cell (TF's rule), so every output is written: no zero fill.
        let tiled = windowsTile(g)
        return tensor(g.outputShape) { y in
            withBases(input.scalars) { x in
                forEachWindowInParallel(g) { n, i, j in
                    let out = y + g.outputIndex(n, i, j, 0)
                    if tiled { maxTiled(x, out, g, n, i, j) } else { maxPoolValues(x, g, n, i, j, out) }
                }
            }
        }
    }

    /// The gradient of `maxPoolForward`: each `dOutput` value goes to its window's winner.
    /// - Returns: `dInput [N, H, W, C]`.
    /// - Throws: the reference's `ConvLabError`s (naming `maxPoolBackward`).
    public static func maxPoolBackward(_ input: Tensor<Float>, dOutput: Tensor<Float>, windowSize: Size2,
                                       strides: Size2, padding: Padding) throws -> Tensor<Float> {
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "maxPoolBackward")
        try g.checkOutputGradient(dOutput.shape, op: "maxPoolBackward")
        if padding.isExplicit {
            return try referenceFallback("maxPoolBackward", "explicit pads") {
                try Reference.maxPoolBackward(input, dOutput: dOutput, windowSize: windowSize, strides: strides, padding: padding)
            }
        }
        if windowsTile(g) {
            // Every input cell lies in exactly one window: each is written once, no zero fill.
            return tensor(input.shape) { dx in
                withBases(input.scalars, dOutput.scalars) { x, dy in
                    forEachWindowInParallel(g) { n, i, j in routeTiled(x, dy, dx, g, n, i, j) }
                }
            }
        }
        var dInput = zeros(input.shape)
        input.scalars.withUnsafeBufferPointer { xs in
            dOutput.scalars.withUnsafeBufferPointer { dys in
                dInput.scalars.withUnsafeMutableBufferPointer { dxs in
                    let x = xs.baseAddress!, dy = dys.baseAddress!, dx = dxs.baseAddress!
                    forEachWindowInParallel(g) { n, i, j in
                        routeToFirstMax(x, dy + g.outputIndex(n, i, j, 0), dx, g, n, i, j)
                    }
                }
            }
        }
        return dInput
    }

    /// Average pooling, as `Reference.avgPoolForward` (divisor: the window's cells inside the image).
    /// - Returns: `[N, OH, OW, C]`.
    /// - Throws: the reference's `ConvLabError`s (naming `avgPool`).
    public static func avgPoolForward(_ input: Tensor<Float>, windowSize: Size2, strides: Size2,
                                      padding: Padding) throws -> Tensor<Float> {
        try padding.requireAlgorithm(op: "avgPool", tfName: "tf.nn.avg_pool2d")  // TF's avg pool takes no explicit pads
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "avgPool")
        var output = zeros(g.outputShape)
        input.scalars.withUnsafeBufferPointer { xs in
            output.scalars.withUnsafeMutableBufferPointer { ys in
                let x = xs.baseAddress!, y = ys.baseAddress!
                forEachWindowInParallel(g) { n, i, j in
                    let out = y + g.outputIndex(n, i, j, 0)   // starts at zero
                    g.forEachTap(i, j) { _, _, row, col in
                        let cell = x + g.inputIndex(n, row, col, 0)
                        for c in 0..<g.channels { out[c] += cell[c] }
                    }
                    let divisor = Float(g.realCells(i, j))
                    for c in 0..<g.channels { out[c] /= divisor }
                }
            }
        }
        return output
    }

    /// The gradient of `avgPoolForward`: each `dOutput` value shared equally by its window's cells.
    /// - Returns: `dInput [N, H, W, C]`.
    /// - Throws: the reference's `ConvLabError`s (naming `avgPoolBackward`).
    public static func avgPoolBackward(_ input: Tensor<Float>, dOutput: Tensor<Float>, windowSize: Size2,
                                       strides: Size2, padding: Padding) throws -> Tensor<Float> {
        try padding.requireAlgorithm(op: "avgPoolBackward", tfName: "tf.nn.avg_pool2d")
        let g = try PoolGeometry(input: input.shape, windowSize: windowSize, strides: strides,
                                 padding: padding, op: "avgPoolBackward")
        try g.checkOutputGradient(dOutput.shape, op: "avgPoolBackward")
        var dInput = zeros(input.shape)
        dOutput.scalars.withUnsafeBufferPointer { dys in
            dInput.scalars.withUnsafeMutableBufferPointer { dxs in
                let dy = dys.baseAddress!, dx = dxs.baseAddress!
                forEachWindowInParallel(g) { n, i, j in
                    let upstream = dy + g.outputIndex(n, i, j, 0)
                    let divisor = Float(g.realCells(i, j))
                    g.forEachTap(i, j) { _, _, row, col in
                        let cell = dx + g.inputIndex(n, row, col, 0)
                        for c in 0..<g.channels { cell[c] += upstream[c] / divisor }
                    }
                }
            }
        }
        return dInput
    }

    /// One thread for small tensors, where starting threads costs more than it saves.
    static func poolThreads(_ g: PoolGeometry) -> Int {
        g.batch * g.rows.input * g.cols.input * g.channels >= elementwiseChunk ? threads : 1
    }

    /// Calls `body(n, i, j)` for every window of every image, the images split across
    /// `poolThreads(g)` threads: one image's windows run on one thread, in the output's row-major
    /// order (`WindowGeometry.forEachWindow`'s), so a body may write anywhere in its own image.
    @inline(__always)
    static func forEachWindowInParallel(_ g: PoolGeometry, _ body: (_ n: Int, _ i: Int, _ j: Int) -> Void) {
        parallelFor(g.batch, threads: poolThreads(g)) { n in g.forEachWindow(inImage: n, body) }
    }

    /// Adds each channel's `upstream` gradient to the first cell of window `(i, j)` that holds
    /// the window's max (the reference's winner: ties go to the first; a NaN max came from the
    /// first cell, which then wins). Four channels at a time, the max and the "not yet routed"
    /// mask kept in registers: no branch per value and no scratch memory.
    @inline(__always)
    static func routeToFirstMax(_ x: UnsafePointer<Float>, _ upstream: UnsafePointer<Float>,
                                _ dx: UnsafeMutablePointer<Float>, _ g: PoolGeometry, _ n: Int, _ i: Int, _ j: Int) {
        var c = 0
        while c < g.channels {
            let lanes = min(4, g.channels - c)
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
                if lanes == 4 { return UnsafeRawPointer(p + c).loadUnaligned(as: SIMD4<Float>.self) }
                var v = SIMD4<Float>()
                for lane in 0..<lanes { v[lane] = p[c + lane] }
                return v
            }
            var best = SIMD4<Float>(), first = true
            g.forEachTap(i, j) { _, _, row, col in
                let value = load(x + g.inputIndex(n, row, col, 0))
                best = first ? value : best.replacing(with: value, where: value .> best)
                first = false
            }
            let gradient = load(upstream)
            let bestIsNaN = best .!= best
            var pending = SIMDMask<SIMD4<Int32>>(repeating: true)
            g.forEachTap(i, j) { _, _, row, col in
                let value = load(x + g.inputIndex(n, row, col, 0))
                let hit = pending .& ((value .== best) .| (bestIsNaN .& (value .!= value)))
                let add = SIMD4<Float>(repeating: 0).replacing(with: gradient, where: hit)
                let dCell = dx + g.inputIndex(n, row, col, c)
                if lanes == 4 {
                    let raw = UnsafeMutableRawPointer(dCell)
                    raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Float>.self) + add, as: SIMD4<Float>.self)
                } else {
                    for lane in 0..<lanes { dCell[lane] += add[lane] }
                }
                pending = pending .& .!hit
            }
            c += 4
        }
    }

    /// Whether the windows cover the input exactly once: stride equal to the window, no
    /// padding, sizes divisible (the lectures' 2 x 2 pools on even sizes, SAME or VALID alike).
    static func windowsTile(_ g: PoolGeometry) -> Bool {
        func tiles(_ axis: WindowAxis) -> Bool {
            axis.stride == axis.kernel && axis.padBefore == 0 && axis.output * axis.kernel == axis.input
        }
        return tiles(g.rows) && tiles(g.cols)
    }

    /// Window `(i, j)` of image `n` when the windows tile the input (`windowsTile`): its cells are
    /// found from the window's corner, without `forEachTap`'s range arithmetic, and their max is
    /// taken by the reference's rule (start from the first cell, take a later one only if
    /// strictly greater).
    struct TiledWindow {
        let corner: Int, rowStep: Int, kw: Int, channels: Int
        /// The window's cells, `KH * KW`.
        let taps: Int

        @inline(__always)
        init(_ g: PoolGeometry, _ n: Int, _ i: Int, _ j: Int) {
            kw = g.cols.kernel
            channels = g.channels
            taps = g.rows.kernel * kw
            corner = g.inputIndex(n, i * g.rows.kernel, j * kw, 0)
            rowStep = g.cols.input * g.channels
        }

        /// The flat index of channel 0 of cell `t` (row-major in the window).
        @inline(__always)
        func cell(_ t: Int) -> Int { corner + (t / kw) * rowStep + (t % kw) * channels }

        /// The max of channels `c..<c+8`.
        @inline(__always)
        func max8(_ x: UnsafePointer<Float>, _ c: Int) -> SIMD8<Float> {
            var best = UnsafeRawPointer(x + cell(0) + c).loadUnaligned(as: SIMD8<Float>.self)
            for t in 1..<taps {
                let value = UnsafeRawPointer(x + cell(t) + c).loadUnaligned(as: SIMD8<Float>.self)
                best = best.replacing(with: value, where: value .> best)
            }
            return best
        }

        /// The max of channel `c`.
        @inline(__always)
        func max(_ x: UnsafePointer<Float>, _ c: Int) -> Float {
            var best = x[cell(0) + c]
            for t in 1..<taps where x[cell(t) + c] > best { best = x[cell(t) + c] }
            return best
        }
    }

    /// `routeToFirstMax` for windows that tile the input (`windowsTile`): writes every cell of
    /// window `(i, j)`, the gradient on each channel's winner (the same rule) and zero elsewhere,
    /// eight channels at a time, so `dx` needs no zero fill and is written exactly once.
    @inline(__always)
    static func routeTiled(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                           _ g: PoolGeometry, _ n: Int, _ i: Int, _ j: Int) {
        let window = TiledWindow(g, n, i, j)
        let upstream = dy + g.outputIndex(n, i, j, 0)
        var c = 0
        while c + 8 <= g.channels {
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
                UnsafeRawPointer(p + c).loadUnaligned(as: SIMD8<Float>.self)
            }
            let best = window.max8(x, c)
            let gradient = load(upstream), bestIsNaN = best .!= best
            var pending = SIMDMask<SIMD8<Int32>>(repeating: true)
            for t in 0..<window.taps {
                let value = load(x + window.cell(t))
                let hit = pending .& ((value .== best) .| (bestIsNaN .& (value .!= value)))
                UnsafeMutableRawPointer(dx + window.cell(t) + c)
                    .storeBytes(of: SIMD8<Float>(repeating: 0).replacing(with: gradient, where: hit), as: SIMD8<Float>.self)
                pending = pending .& .!hit
            }
            c += 8
        }
        while c < g.channels {
            let best = window.max(x, c)
            var pending = true
            for t in 0..<window.taps {
                let value = x[window.cell(t) + c]
                let hit = pending && (value == best || (best != best && value != value))
                dx[window.cell(t) + c] = hit ? upstream[c] : 0
                if hit { pending = false }
            }
            c += 1
        }
    }

    /// `maxPoolValues` for windows that tile the input (`windowsTile`), eight channels at a time.
    @inline(__always)
    static func maxTiled(_ x: UnsafePointer<Float>, _ best: UnsafeMutablePointer<Float>, _ g: PoolGeometry,
                         _ n: Int, _ i: Int, _ j: Int) {
        let window = TiledWindow(g, n, i, j)
        var c = 0
        while c + 8 <= g.channels {
            UnsafeMutableRawPointer(best + c).storeBytes(of: window.max8(x, c), as: SIMD8<Float>.self)
            c += 8
        }
        for c in c..<g.channels { best[c] = window.max(x, c) }
    }

    /// `best[c]`: the max of channel `c` over window `(i, j)` of image `n`, by the reference's
    /// rule (start from the first real cell, take a later cell only if strictly greater; TF's
    /// SAME rule leaves at least one real cell per window). A select, not a branch: on random
    /// data a branch would mispredict half the time.
    @inline(__always)
    static func maxPoolValues(_ x: UnsafePointer<Float>, _ g: PoolGeometry, _ n: Int, _ i: Int, _ j: Int,
                              _ best: UnsafeMutablePointer<Float>) {
        var first = true
        g.forEachTap(i, j) { _, _, row, col in
            let cell = x + g.inputIndex(n, row, col, 0)
            if first {
                for c in 0..<g.channels { best[c] = cell[c] }
                first = false
            } else {
                for c in 0..<g.channels { best[c] = cell[c] > best[c] ? cell[c] : best[c] }
            }
        }
    }
}
