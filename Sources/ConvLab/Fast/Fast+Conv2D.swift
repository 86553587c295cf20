// Fast conv2d: the twin of `Reference.conv2DForward` / `conv2DBackward`, lowered onto the GEMM.
//
// The reference walks seven nested loops per output element. Here each conv becomes one packed
// matrix multiply (`Fast.gemm`), "implicit im2col": the GEMM's packing step gathers the patch of
// input under each output pixel straight from the NHWC tensor (runs of `C` contiguous channels,
// zeros for padding), so the `[N*OH*OW, KH*KW*C]` im2col matrix (80 MB for the lecture's conv2
// at batch 128) is never written or read back.
//
// - forward:  Y[pixels, O]          = patches[pixels, KH*KW*C] * W[KH*KW*C, O]
// - dFilter:  dW[KH*KW*C, O]        = patches^T[KH*KW*C, pixels] * dY[pixels, O]
// - dInput, stride 1: a forward conv of dY with the filter flipped in space and transposed in
//   channels, padded by EK - 1 - padBefore (the "transposed convolution"), again one GEMM with
//   a reduction of KH*KW*O;
// - dInput, stride > 1: per image, dPatches = dY * W^T by GEMM, then scatter-added (col2im).
// Shapes and pads come from the same `Conv2DGeometry` as the reference.

/// A convolution's sizes with explicit pads: the geometry of a forward conv, or of the
/// transposed conv that computes a stride-1 dInput.
struct ConvLowering {
    var batch: Int
    var inH: Int, inW: Int, inC: Int
    var outH: Int, outW: Int, outC: Int
    var kh: Int, kw: Int
    var sh: Int, sw: Int
    var dh: Int, dw: Int
    var padTop: Int, padLeft: Int

    init(_ g: Conv2DGeometry) {
        batch = g.batch
        inH = g.rows.input; inW = g.cols.input; inC = g.inChannels
        outH = g.rows.output; outW = g.cols.output; outC = g.outChannels
        kh = g.rows.kernel; kw = g.cols.kernel
        sh = g.rows.stride; sw = g.cols.stride
        dh = g.rows.dilation; dw = g.cols.dilation
        padTop = g.rows.padBefore; padLeft = g.cols.padBefore
    }

    /// The stride-1 transposed geometry: dY is the input, dInput the output, the pads mirrored.
    var transposedForInputGradient: ConvLowering {
        var t = self
        t.inH = outH; t.inW = outW; t.inC = outC
        t.outH = inH; t.outW = inW; t.outC = inC
        t.padTop = (kh - 1) * dh - padTop
        t.padLeft = (kw - 1) * dw - padLeft
        return t
    }

    /// Rows and columns of zeros the windows reach past the bottom and right edges.
    var padBottom: Int { max(0, (outH - 1) * sh + (kh - 1) * dh - padTop - (inH - 1)) }
    var padRight: Int { max(0, (outW - 1) * sw + (kw - 1) * dw - padLeft - (inW - 1)) }

    /// This geometry read from a zero-padded copy of the input (`withPaddedInput`): no pads.
    var onPaddedInput: ConvLowering {
        var p = self
        p.inH = inH + padTop + padBottom
        p.inW = inW + padLeft + padRight
        p.padTop = 0
        p.padLeft = 0
        return p
    }

    /// Whether the zero-padded copies this lowering may make (of the input for the forward pass
    /// and the filter gradient, of dY for the input gradient) hold at most 4x the tensor they
    /// copy plus 2^20 values. A dilation or kernel far wider than the image (a cases file may ask
    /// for a dilation of 2^30) would otherwise ask for an unbounded copy; such a conv goes to the
    /// reference twin, whose loops skip the padding instead of storing it.
    var padsAreBounded: Bool {
        func fits(_ g: ConvLowering) -> Bool {
            let rows = g.inH + g.padTop + g.padBottom, cols = g.inW + g.padLeft + g.padRight
            let (plane, overflow) = rows.multipliedReportingOverflow(by: cols)
            let (copy, overflow2) = plane.multipliedReportingOverflow(by: g.batch * g.inC)
            return !overflow && !overflow2 && copy <= 4 * g.batch * g.inH * g.inW * g.inC + (1 << 20)
        }
        return fits(self) && fits(transposedForInputGradient)
    }

    /// Why this conv runs on the reference instead, or nil: explicit pads (the lowering is tuned
    /// for TF's SAME/VALID pads) and pads too large to copy (see `padsAreBounded`).
    func fallbackReason(_ padding: Padding) -> String? {
        if padding.isExplicit { return "explicit pads" }
        return padsAreBounded ? nil : "padded copies beyond 4x the input"
    }

    var pixels: Int { batch * outH * outW }
    var patchSize: Int { kh * kw * inC }
}

extension Fast {
    /// 2-D cross-correlation as `tf.nn.conv2d`; the twin of `Reference.conv2DForward`.
    /// - Parameters: as the reference: `input [N, H, W, C]`, `filter [KH, KW, C, O]`.
    /// - Returns: `[N, OH, OW, O]`, sizes by `Conv2DGeometry` (TF's SAME/VALID rule).
    /// - Throws: the reference's `ConvLabError`s, naming `conv2d` and both shapes.
    /// - Complexity: `2 * N*OH*OW * O * KH*KW*C` flops on the packed GEMM.
    public static func conv2DForward(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2 = 1,
                                     padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        let lowering = ConvLowering(g)
        if let reason = lowering.fallbackReason(padding) {
            return try referenceFallback("conv2d", reason) {
                try Reference.conv2DForward(input, filter: filter, strides: strides, padding: padding, dilations: dilations)
            }
        }
        // The GEMM stores every output (its first reduction block overwrites): no zero fill.
        return tensor(g.outputShape) { y in
            input.scalars.withUnsafeBufferPointer { x in
                filter.scalars.withUnsafeBufferPointer { w in
                    convForwardGEMM(x.baseAddress!, w.baseAddress!, y, lowering)
                }
            }
        }
    }

    /// The gradients of `conv2DForward`; the twin of `Reference.conv2DBackward`.
    /// - Returns: `dInput [N, H, W, C]`, `dFilter [KH, KW, C, O]`.
    /// - Throws: as the reference, naming `conv2DBackward` when `dOutput` has the wrong shape.
    /// - Complexity: two GEMMs of `2 * N*OH*OW * O * KH*KW*C` flops each.
    public static func conv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                      strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "conv2DBackward")
        let lowering = ConvLowering(g)
        if let reason = lowering.fallbackReason(padding) {
            return try referenceFallback("conv2DBackward", reason) {
                try Reference.conv2DBackward(input, filter: filter, dOutput: dOutput, strides: strides,
                                             padding: padding, dilations: dilations)
            }
        }
        var dInput = zeros(input.shape)   // the strided route adds patches into it
        dOutput.scalars.withUnsafeBufferPointer { dy in
            filter.scalars.withUnsafeBufferPointer { w in
                dInput.scalars.withUnsafeMutableBufferPointer { dx in
                    convInputGradient(dy.baseAddress!, w.baseAddress!, dx.baseAddress!, lowering)
                }
            }
        }
        let dFilter = tensor(filter.shape) { dw in   // one GEMM that overwrites it
            input.scalars.withUnsafeBufferPointer { x in
                dOutput.scalars.withUnsafeBufferPointer { dy in
                    convFilterGradient(x.baseAddress!, dy.baseAddress!, dw, lowering)
                }
            }
        }
        return (dInput, dFilter)
    }

    /// `y[pixels, O] = patches(x) * w[KH*KW*C, O]` by the indirect micro-kernel: each task
    /// takes a block of output pixels, points a table at the input under every tap of every
    /// pixel (or at a zero row for padding), and runs the kernel over blocks of ~256 reduction
    /// values against the packed filter.
    ///
    /// With fewer than 8 input channels (the first layer of an image net) each tap holds too
    /// few values to pay for reading its pointers; those convs pack the im2col rows instead
    /// (`patchRows`) and run the ordinary packed GEMM (measured 2.6x faster for 5x5x1x32).
    static func convForwardGEMM(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering,
                                threads: Int = Fast.threads) {
        if g.inC < 8 {
            withPaddedInput(x, g) { xp, gp in
                gemm(m: gp.pixels, n: gp.outC, k: gp.patchSize, a: patchRows(xp, gp),
                     bTransposed: .matrix(w, rowStride: 1, kStride: gp.outC), c: y, ldc: gp.outC,
                     accumulate: false, threads: threads)
            }
            return
        }
        let m = g.pixels, n = g.outC, channels = g.inC, taps = g.kh * g.kw
        let tapsPerBlock = max(1, gemmBlockK / channels)
        let tapBlocks = (taps + tapsPerBlock - 1) / tapsPerBlock
        let panelStride = ((n + gemmColumnPanel - 1) / gemmColumnPanel) * gemmColumnPanel

        // The filter [KH*KW*C, O], packed once per block of taps into 16-column panels.
        let packedB = scratch(Float.self, taps * channels * panelStride)
        defer { recycle(packedB) }
        let filter = GEMMOperand.matrix(w, rowStride: 1, kStride: n)
        parallelFor(tapBlocks, threads: threads) { tb in
            let t0 = tb * tapsPerBlock, t1 = min(taps, t0 + tapsPerBlock)
            filter.pack(packedB + t0 * channels * panelStride, 0, n, t0 * channels, (t1 - t0) * channels, gemmColumnPanel)
        }
        let zeros = scratch(Float.self, channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { recycle(zeros) }

        let nChunks = (n + gemmBlockN - 1) / gemmBlockN
        let (mBlock, mBlocks) = rowBlocks(m: m, nChunks: nChunks, threads: threads)
        let imagePixels = g.outH * g.outW
        parallelFor(mBlocks * nChunks, threads: threads) { task in
            let i0 = (task / nChunks) * mBlock, mc = min(mBlock, m - i0)
            let j0 = (task % nChunks) * gemmBlockN, nc = min(gemmBlockN, n - j0)
            let panels = (mc + gemmRowPanel - 1) / gemmRowPanel
            let tableStride = taps * gemmRowPanel
            let table = scratch(UnsafePointer<Float>.self, panels * tableStride)
            defer { recycle(table) }
            for r in 0..<(panels * gemmRowPanel) {
                let entries = table + (r / gemmRowPanel) * tableStride + r % gemmRowPanel
                guard r < mc else {
                    for t in 0..<taps { entries[t * gemmRowPanel] = UnsafePointer(zeros) }
                    continue
                }
                let p = i0 + r
                let image = p / imagePixels, i = (p % imagePixels) / g.outW, j = p % g.outW
                for a in 0..<g.kh {
                    // Seek to input row i*sh + a*dh - padTop; outside the image is zero padding.
                    let row = i * g.sh + a * g.dh - g.padTop
                    for b in 0..<g.kw {
                        let col = j * g.sw + b * g.dw - g.padLeft
                        let inside = row >= 0 && row < g.inH && col >= 0 && col < g.inW
                        entries[(a * g.kw + b) * gemmRowPanel] = inside
                            ? x + ((image * g.inH + row) * g.inW + col) * channels : UnsafePointer(zeros)
                    }
                }
            }
            for tb in 0..<tapBlocks {
                let t0 = tb * tapsPerBlock, t1 = min(taps, t0 + tapsPerBlock)
                let kc = (t1 - t0) * channels
                let bBlock = packedB + t0 * channels * panelStride + (j0 / gemmColumnPanel) * kc * gemmColumnPanel
                indirectBlock(mc, nc, t1 - t0, channels, table + t0 * gemmRowPanel, tableStride,
                              bBlock, y + i0 * n + j0, n, tb > 0)
            }
        }
    }

    static func convInputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                  _ dx: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        // The transposed conv reduces over KH*KW*O and writes C columns: worth it when C fills
        // most of a 16-wide tile; a one-channel input (the first layer) takes the col2im route.
        if g.sh == 1 && g.sw == 1 && g.inC >= 12 {
            // The flipped, channel-transposed filter: wt[a', b', o, c] = w[KH-1-a', KW-1-b', c, o].
            let count = g.kh * g.kw * g.inC * g.outC
            let flipped = scratch(Float.self, count)
            defer { recycle(flipped) }
            for a in 0..<g.kh {
                for b in 0..<g.kw {
                    let src = w + (((g.kh - 1 - a) * g.kw + (g.kw - 1 - b)) * g.inC) * g.outC
                    let dst = flipped + ((a * g.kw + b) * g.outC) * g.inC
                    for c in 0..<g.inC {
                        for o in 0..<g.outC { dst[o * g.inC + c] = src[c * g.outC + o] }
                    }
                }
            }
            convForwardGEMM(dy, flipped, dx, g.transposedForInputGradient)
            return
        }
        // Strided: per image, dPatches[OH*OW, KH*KW*C] = dY * W^T, then add each patch back
        // where it came from. Images touch disjoint parts of dInput, so they run in parallel.
        let imagePixels = g.outH * g.outW
        parallelFor(g.batch) { n in
            let dPatches = scratch(Float.self, imagePixels * g.patchSize)
            defer { recycle(dPatches) }
            gemm(m: imagePixels, n: g.patchSize, k: g.outC,
                 a: .matrix(dy + n * imagePixels * g.outC, rowStride: g.outC, kStride: 1),
                 bTransposed: .matrix(w, rowStride: g.outC, kStride: 1),
                 c: dPatches, ldc: g.patchSize, accumulate: false, threads: 1)
            let image = dx + n * g.inH * g.inW * g.inC
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    let patch = dPatches + (i * g.outW + j) * g.patchSize
                    for a in 0..<g.kh {
                        let row = i * g.sh + a * g.dh - g.padTop
                        if row < 0 || row >= g.inH { continue }
                        let left = j * g.sw - g.padLeft
                        let tapRow = patch + a * g.kw * g.inC
                        if g.dw == 1 {
                            // Taps b and b+1 land on neighbouring pixels: one contiguous run of
                            // (columns inside the image) * C values.
                            let first = max(0, -left), last = min(g.kw, g.inW - left)
                            if first >= last { continue }
                            let dst = image + (row * g.inW + left + first) * g.inC
                            let src = tapRow + first * g.inC
                            for t in 0..<((last - first) * g.inC) { dst[t] += src[t] }
                        } else {
                            for b in 0..<g.kw {
                                let col = left + b * g.dw
                                if col < 0 || col >= g.inW { continue }
                                let dst = image + (row * g.inW + col) * g.inC, src = tapRow + b * g.inC
                                for c in 0..<g.inC { dst[c] += src[c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dw[KH*KW*C, O] = patches(x)^T * dy[pixels, O]`, gathering the patches from a
    /// zero-padded copy of `x` so that no window needs a bounds check (with 5x5 SAME windows
    /// on 14x14 images half the windows cross the border).
    static func convFilterGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                   _ dw: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        withPaddedInput(x, g) { xp, gp in
            gemm(m: gp.patchSize, n: gp.outC, k: gp.pixels, a: patchColumns(xp, gp),
                 bTransposed: .matrix(dy, rowStride: 1, kStride: gp.outC), c: dw, ldc: gp.outC,
                 accumulate: false)
        }
    }

    /// Calls `body` with `x` surrounded by the geometry's zero padding, and the geometry for it
    /// (the original when there is no padding). Costs one copy of the input.
    static func withPaddedInput(_ x: UnsafePointer<Float>, _ g: ConvLowering,
                                _ body: (UnsafePointer<Float>, ConvLowering) -> Void) {
        if g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0 {
            body(x, g)
            return
        }
        let p = g.onPaddedInput
        let count = p.batch * p.inH * p.inW * p.inC
        let padded = scratch(Float.self, count)
        defer { recycle(padded) }
        parallelFor(g.batch) { n in
            let image = padded + n * p.inH * p.inW * p.inC
            image.initialize(repeating: 0, count: p.inH * p.inW * p.inC)
            for row in 0..<g.inH {
                let src = x + (n * g.inH + row) * g.inW * g.inC
                let dst = image + ((row + g.padTop) * p.inW + g.padLeft) * p.inC
                dst.update(from: src, count: g.inW * g.inC)
            }
        }
        body(padded, p)
    }

    /// The im2col matrix `[pixels, KH*KW*C]` of `x`, gathered only while packing: row `p` is
    /// the patch under output pixel `p`, in (a, b, c) order like the HWIO filter rows.
    static func patchRows(_ x: UnsafePointer<Float>, _ g: ConvLowering) -> GEMMOperand {
        GEMMOperand { dst, row0, rows, k0, kc, width in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * kc) { table in
                let taps = PatchTaps(table.baseAddress!, count: kc, first: k0, g)
                let imagePixels = g.outH * g.outW
                for r in 0..<rows {
                    let p = row0 + r
                    let n = p / imagePixels, i = (p % imagePixels) / g.outW, j = p % g.outW
                    let out = dst + (r / width) * kc * width + r % width
                    taps.gather(x, n, i, j, into: out, step: width, g)
                }
            }
            let tail = rows % width
            if tail != 0 { zeroPadPanel(dst + (rows / width) * kc * width, from: tail, width: width, kc: kc) }
        }
    }

    /// The transposed im2col matrix `[KH*KW*C, pixels]` of `x`, gathered while packing.
    static func patchColumns(_ x: UnsafePointer<Float>, _ g: ConvLowering) -> GEMMOperand {
        GEMMOperand { dst, row0, rows, k0, kc, width in
            let panels = (rows + width - 1) / width
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 5 * panels * width) { table in
                // Rows past `rows` repeat the last tap; the panel's zero padding overwrites them.
                let taps = PatchTaps(table.baseAddress!, count: panels * width, first: row0, g, last: row0 + rows - 1)
                // Panels whose interior offsets are consecutive (one run of channels) copy straight.
                let straight = table.baseAddress! + 4 * panels * width
                for panel in 0..<panels {
                    let offsets = taps.table + 3 * taps.count + panel * width
                    straight[panel] = (1..<width).allSatisfy { offsets[$0] == offsets[0] + $0 } ? 1 : 0
                }
                let imagePixels = g.outH * g.outW
                for kk in 0..<kc {
                    let p = k0 + kk
                    let n = p / imagePixels, i = (p % imagePixels) / g.outW, j = p % g.outW
                    taps.gather(x, n, i, j, into: dst + kk * width, panelStride: kc * width, width: width,
                                straight: straight, g)
                }
            }
            let tail = rows % width
            if tail != 0 { zeroPadPanel(dst + (rows / width) * kc * width, from: tail, width: width, kc: kc) }
        }
    }
}

/// Where each reduction index of a patch lives, precomputed for a block: tap row offset `a*dh`,
/// column offset `b*dw`, channel `c`, and the flat offset of that element from the patch's
/// top-left corner. A pixel whose whole window lies inside the image (most of them) then gathers
/// with one load per element and no bounds checks.
struct PatchTaps {
    let table: UnsafeMutablePointer<Int>
    let count: Int

    init(_ table: UnsafeMutablePointer<Int>, count: Int, first: Int, _ g: ConvLowering, last: Int = .max) {
        self.table = table
        self.count = count
        for t in 0..<count {
            let k = min(first + t, last)
            let a = k / (g.kw * g.inC), b = (k / g.inC) % g.kw, c = k % g.inC
            table[t] = a * g.dh
            table[count + t] = b * g.dw
            table[2 * count + t] = c
            table[3 * count + t] = (a * g.dh * g.inW + b * g.dw) * g.inC + c
        }
    }

    /// Whether output pixel (i, j)'s whole window is inside the image.
    @inline(__always)
    func interior(_ top: Int, _ left: Int, _ g: ConvLowering) -> Bool {
        top >= 0 && top + (g.kh - 1) * g.dh < g.inH && left >= 0 && left + (g.kw - 1) * g.dw < g.inW
    }

    /// `out[t * step] = patch(n, i, j)[t]` for every tap `t`.
    @inline(__always)
    func gather(_ x: UnsafePointer<Float>, _ n: Int, _ i: Int, _ j: Int,
                into out: UnsafeMutablePointer<Float>, step: Int, _ g: ConvLowering) {
        let top = i * g.sh - g.padTop, left = j * g.sw - g.padLeft
        if interior(top, left, g) {
            let corner = x + ((n * g.inH + top) * g.inW + left) * g.inC
            let offsets = table + 3 * count
            for t in 0..<count { out[t &* step] = corner[offsets[t]] }
        } else {
            let image = x + n * g.inH * g.inW * g.inC
            for t in 0..<count {
                let row = top &+ table[t], col = left &+ table[count &+ t]
                out[t &* step] = (row >= 0 && row < g.inH && col >= 0 && col < g.inW)
                    ? image[(row &* g.inW &+ col) &* g.inC &+ table[2 &* count &+ t]] : 0
            }
        }
    }

    /// The same gather into panels: tap `t` goes to `out[(t / width) * panelStride + t % width]`.
    @inline(__always)
    func gather(_ x: UnsafePointer<Float>, _ n: Int, _ i: Int, _ j: Int,
                into out: UnsafeMutablePointer<Float>, panelStride: Int, width: Int,
                straight: UnsafePointer<Int>, _ g: ConvLowering) {
        let top = i * g.sh - g.padTop, left = j * g.sw - g.padLeft
        var panel = out
        var t = 0
        if interior(top, left, g) {
            let corner = x + ((n * g.inH + top) * g.inW + left) * g.inC
            let offsets = table + 3 * count
            while t < count {
                if straight[t / width] != 0 {
                    // The panel's values are consecutive in memory: a straight copy (inline, as
                    // a memmove call would cost more than 6 values).
                    let source = corner + offsets[t]
                    for r in 0..<width { panel[r] = source[r] }
                } else {
                    for r in 0..<width { panel[r] = corner[offsets[t &+ r]] }
                }
                t += width
                panel += panelStride
            }
        } else {
            let image = x + n * g.inH * g.inW * g.inC
            while t < count {
                for r in 0..<width {
                    let row = top &+ table[t &+ r], col = left &+ table[count &+ t &+ r]
                    panel[r] = (row >= 0 && row < g.inH && col >= 0 && col < g.inW)
                        ? image[(row &* g.inW &+ col) &* g.inC &+ table[2 &* count &+ t &+ r]] : 0
                }
                t += width
                panel += panelStride
            }
        }
    }
}
