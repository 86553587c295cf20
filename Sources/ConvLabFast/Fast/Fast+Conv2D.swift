import ConvLabCore

// Fast conv2d: the twin of `Reference.conv2DForward` / `conv2DBackward`, lowered onto the GEMM's
// micro-kernels without ever writing the `[N*OH*OW, KH*KW*C]` im2col matrix (80 MB for the
// lecture's conv2 at batch 128): the kernels read the NHWC input where it lies.
//
// - forward:  Y[pixels, O] = patches[pixels, KH*KW*C] * W[KH*KW*C, O], by the indirect kernel (a
//   pointer per pixel and tap to its run of C channels, or to a zero row for padding); with fewer
//   than 8 channels by the offset-table kernel on a zero-padded copy (a pointer per pixel, one
//   table of the window's offsets);
// - dFilter:  dW[KH*KW*C, O] = patches^T[KH*KW*C, pixels] * dY[pixels, O], by the offset-table
//   kernel on a zero-padded copy (a pointer per weight, one table of the pixels' offsets);
// - dInput, stride 1: a forward conv of dY with the filter flipped in space and transposed in
//   channels, padded by EK - 1 - padBefore (the "transposed convolution"), with a reduction of
//   KH*KW*O;
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
            withBases(input.scalars, filter.scalars) { x, w in convForwardGEMM(x, w, y, lowering) }
        }
    }

    /// The gradients of `conv2DForward`; the twin of `Reference.conv2DBackward`.
    /// - Returns: `dInput [N, H, W, C]`, `dFilter [KH, KW, C, O]`.
    /// - Throws: as the reference, naming `conv2DBackward` when `dOutput` has the wrong shape.
    /// - Complexity: two GEMMs of `2 * N*OH*OW * O * KH*KW*C` flops each.
    public static func conv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                      strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        let (lowering, fallback) = try backwardLowering(input, filter, dOutput, strides, padding, dilations)
        if let reason = fallback {
            return try referenceFallback("conv2DBackward", reason) {
                try Reference.conv2DBackward(input, filter: filter, dOutput: dOutput, strides: strides,
                                             padding: padding, dilations: dilations)
            }
        }
        let dInput = tensor(input.shape) { dx in   // every value written (see convInputGradient)
            withBases(dOutput.scalars, filter.scalars) { dy, w in convInputGradient(dy, w, dx, lowering) }
        }
        return (dInput, filterGradientTensor(input, filter.shape, dOutput, lowering))
    }

    /// `conv2DBackward`'s `dFilter` alone, for a layer whose input gradient nobody reads (a
    /// network's first layer: the images are not trained). Same arguments, checks and result.
    /// - Complexity: one product of `2 * N*OH*OW * O * KH*KW*C` flops; the other half of
    ///   `conv2DBackward`'s work (and, for a one-channel input, its slowest part) is skipped.
    public static func conv2DFilterGradient(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                            strides: Size2 = 1, padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        let (lowering, fallback) = try backwardLowering(input, filter, dOutput, strides, padding, dilations)
        if let reason = fallback {
            return try referenceFallback("conv2DFilterGradient", reason) {
                try Reference.conv2DBackward(input, filter: filter, dOutput: dOutput, strides: strides,
                                             padding: padding, dilations: dilations).dFilter
            }
        }
        return filterGradientTensor(input, filter.shape, dOutput, lowering)
    }

    /// A backward call's lowering after the reference's checks (both shapes, then `dOutput`
    /// against the output), and why it goes to the reference instead, if it does.
    static func backwardLowering(_ input: Tensor<Float>, _ filter: Tensor<Float>, _ dOutput: Tensor<Float>,
                                 _ strides: Size2, _ padding: Padding, _ dilations: Size2) throws
        -> (lowering: ConvLowering, fallback: String?) {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape,
                                   strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "conv2DBackward")
        let lowering = ConvLowering(g)
        return (lowering, lowering.fallbackReason(padding))
    }

    /// `dFilter`, every value written by `convFilterGradient`.
    static func filterGradientTensor(_ input: Tensor<Float>, _ shape: [Int], _ dOutput: Tensor<Float>,
                                     _ lowering: ConvLowering) -> Tensor<Float> {
        tensor(shape) { dw in
            withBases(input.scalars, dOutput.scalars) { x, dy in convFilterGradient(x, dy, dw, lowering) }
        }
    }

    /// `y[pixels, O] = patches(x) * w[KH*KW*C, O]` by the indirect micro-kernel: each task
    /// takes a block of output pixels, points a table at the input under every tap of every
    /// pixel (or at a zero row for padding), and runs the kernel over blocks of ~256 reduction
    /// values against the packed filter.
    ///
    /// With fewer than 8 input channels (the first layer of an image net) each tap holds too
    /// few values to pay for reading its pointers; those convs run `forwardFewChannels` instead.
    static func convForwardGEMM(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering,
                                threads: Int = Fast.threads) {
        if g.inC < 8 {
            withPaddedInput(x, g) { xp, gp in forwardFewChannels(xp, w, y, gp, threads: threads) }
            return
        }
        let m = g.pixels, n = g.outC, channels = g.inC, taps = g.kh * g.kw
        let tapsPerBlock = max(1, gemmBlockK / channels)
        let tapBlocks = (taps + tapsPerBlock - 1) / tapsPerBlock
        let panelStride = roundedUp(n, toMultipleOf: gemmColumnPanel)

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

        // The pixels grouped by the taps they lose to padding, so the kernel skips those taps.
        let order = scratch(Int.self, m)
        defer { recycle(order) }
        paddingClassOrder(g, into: order)

        let nChunks = (n + gemmBlockN - 1) / gemmBlockN
        let (mBlock, mBlocks) = rowBlocks(m: m, nChunks: nChunks, threads: threads)
        let imagePixels = g.outH * g.outW
        parallelFor(mBlocks * nChunks, threads: threads) { task in
            let i0 = (task / nChunks) * mBlock, mc = min(mBlock, m - i0)
            let j0 = (task % nChunks) * gemmBlockN, nc = min(gemmBlockN, n - j0)
            let panels = (mc + gemmRowPanel - 1) / gemmRowPanel
            let tableStride = taps * gemmRowPanel
            let table = scratch(UnsafePointer<Float>.self, panels * tableStride)
            let outRows = scratch(UnsafeMutablePointer<Float>.self, panels * gemmRowPanel)
            defer { recycle(table); recycle(outRows) }
            for r in 0..<(panels * gemmRowPanel) {
                let entries = table + (r / gemmRowPanel) * tableStride + r % gemmRowPanel
                guard r < mc else {
                    for t in 0..<taps { entries[t * gemmRowPanel] = UnsafePointer(zeros) }
                    continue
                }
                let p = order[i0 + r]
                outRows[r] = y + p * n + j0
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
                              bBlock, zeros, outRows, tb > 0)
            }
        }
    }

    /// Writes the `N*OH*OW` output pixels (`(image * OH + i) * OW + j`) to `order` grouped by
    /// the taps their windows lose to padding, so that a tile of six pixels mostly loses the
    /// same taps and the indirect kernel can skip each of them whole.
    ///
    /// Along one axis the real taps of output `o` are one range (`WindowAxis.taps`) whose ends
    /// move monotonically with `o`, so the outputs that keep the same taps form runs: for lecture
    /// 7's conv2 (5 taps, pad 2, 14 outputs) rows {0}, {1}, {2...11}, {12}, {13}. The order is
    /// each run of rows by each run of columns, then image by image, then row-major inside. With
    /// no padding there is one run a side and the order is the plain row-major one.
    static func paddingClassOrder(_ g: ConvLowering, into order: UnsafeMutablePointer<Int>) {
        // Maximal runs of outputs along one axis whose first and last real tap agree.
        func runs(outputs: Int, input: Int, kernel: Int, stride: Int, dilation: Int, padBefore: Int) -> [Range<Int>] {
            func realTaps(_ o: Int) -> Range<Int> {
                WindowAxis.taps(start: o * stride - padBefore, kernel: kernel, dilation: dilation, input: input)
            }
            guard outputs > 0 else { return [] }
            var result: [Range<Int>] = [], start = 0
            for o in 1...outputs where o == outputs || realTaps(o) != realTaps(o - 1) {
                result.append(start..<o)
                start = o
            }
            return result
        }
        let rowRuns = runs(outputs: g.outH, input: g.inH, kernel: g.kh, stride: g.sh, dilation: g.dh, padBefore: g.padTop)
        let colRuns = runs(outputs: g.outW, input: g.inW, kernel: g.kw, stride: g.sw, dilation: g.dw, padBefore: g.padLeft)
        var next = 0
        for rows in rowRuns {
            for cols in colRuns {
                for image in 0..<g.batch {
                    for i in rows {
                        for j in cols {
                            order[next] = (image * g.outH + i) * g.outW + j
                            next += 1
                        }
                    }
                }
            }
        }
    }

    /// `y = patches(x) * w` for an input with no padding left and few channels, by the
    /// offset-table micro-kernel: a tile row is one output pixel, a pointer to its window's
    /// corner, and one table of the window's `KH*KW*C` offsets serves every pixel, so the patch
    /// matrix is never gathered or packed (for lecture 7's conv1, 25 values per pixel). Blocks of
    /// pixels run on separate threads; the filter is packed once.
    static func forwardFewChannels(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                   _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering, threads: Int) {
        let m = g.pixels, n = g.outC, k = g.patchSize
        let panelStride = roundedUp(n, toMultipleOf: gemmColumnPanel)
        let kBlocks = (k + gemmBlockK - 1) / gemmBlockK
        let packedB = scratch(Float.self, k * panelStride)
        let offsets = scratch(Int.self, k)
        defer { recycle(packedB); recycle(offsets) }
        let filter = GEMMOperand.matrix(w, rowStride: 1, kStride: n)
        for kb in 0..<kBlocks {
            let k0 = kb * gemmBlockK
            filter.pack(packedB + k0 * panelStride, 0, n, k0, min(gemmBlockK, k - k0), gemmColumnPanel)
        }
        for t in 0..<k {
            let a = t / (g.kw * g.inC), b = (t / g.inC) % g.kw, c = t % g.inC
            offsets[t] = (a * g.dh * g.inW + b * g.dw) * g.inC + c
        }
        let (mBlock, mBlocks) = rowBlocks(m: m, nChunks: 1, threads: threads)
        let imagePixels = g.outH * g.outW
        parallelFor(mBlocks, threads: threads) { block in
            let i0 = block * mBlock, mc = min(mBlock, m - i0)
            let rowCount = roundedUp(mc, toMultipleOf: gemmRowPanel)
            let rows = scratch(UnsafePointer<Float>.self, rowCount)
            defer { recycle(rows) }
            for r in 0..<rowCount {
                let p = i0 + min(r, mc - 1)   // rows past mc repeat the last pixel; never stored
                let image = p / imagePixels, i = (p % imagePixels) / g.outW, j = p % g.outW
                rows[r] = x + ((image * g.inH + i * g.sh) * g.inW + j * g.sw) * g.inC
            }
            for kb in 0..<kBlocks {
                let k0 = kb * gemmBlockK, kc = min(gemmBlockK, k - k0)
                offsetTableBlock(mc, n, kc, rows, offsets + k0, packedB + k0 * panelStride, y + i0 * n, n, kb > 0)
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
            let image = dx + n * g.inH * g.inW * g.inC
            image.update(repeating: 0, count: g.inH * g.inW * g.inC)   // patches are added into it
            gemm(m: imagePixels, n: g.patchSize, k: g.outC,
                 a: .matrix(dy + n * imagePixels * g.outC, rowStride: g.outC, kStride: 1),
                 bTransposed: .matrix(w, rowStride: g.outC, kStride: 1),
                 c: dPatches, ldc: g.patchSize, accumulate: false, threads: 1)
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

    /// `dw[KH*KW*C, O] = patches(x)^T * dy[pixels, O]` on a zero-padded copy of `x` (no window
    /// needs a bounds check), by the filter-gradient micro-kernel: row `(a, b, c)` of the left
    /// operand is a pointer to input value `(a*dh, b*dw, c)` of the first patch, and one table of
    /// pixel offsets moves every row to the patch of pixel `k`; so the patch matrix is neither
    /// written nor packed, only `dy` is packed (16 columns at a time). The pixels are split into
    /// one slice per thread, each with its own partial `dw`, added at the end.
    static func convFilterGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                   _ dw: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        withPaddedInput(x, g) { xp, gp in
            filterGradient(xp, dy, dw, gp)
        }
    }

    /// `convFilterGradient` on an input with no padding left.
    static func filterGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                               _ dw: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let m = g.patchSize, n = g.outC, pixels = g.pixels
        if pixels == 0 {
            dw.update(repeating: 0, count: m * n)
            return
        }
        let kBlocks = (pixels + gemmBlockK - 1) / gemmBlockK
        let slices = min(threads, kBlocks)
        let rowCount = roundedUp(m, toMultipleOf: gemmRowPanel)
        let rows = scratch(UnsafePointer<Float>.self, rowCount)
        defer { recycle(rows) }
        for r in 0..<rowCount {
            let k = min(r, m - 1)   // rows past m repeat the last one; they are never stored
            let a = k / (g.kw * g.inC), b = (k / g.inC) % g.kw, ch = k % g.inC
            rows[r] = x + (a * g.dh * g.inW + b * g.dw) * g.inC + ch
        }
        let panels = (n + gemmColumnPanel - 1) / gemmColumnPanel
        let partials = scratch(Float.self, (slices - 1) * m * n)
        defer { recycle(partials) }
        let imagePixels = g.outH * g.outW
        parallelFor(slices, threads: slices) { slice in
            let kb0 = slice * kBlocks / slices, kb1 = (slice + 1) * kBlocks / slices
            let out = slice == 0 ? dw : partials + (slice - 1) * m * n
            let packedB = scratch(Float.self, gemmBlockK * panels * gemmColumnPanel)
            let offsets = scratch(Int.self, gemmBlockK)
            defer { recycle(packedB); recycle(offsets) }
            for kb in kb0..<kb1 {
                let p0 = kb * gemmBlockK, kc = min(gemmBlockK, pixels - p0)
                for kk in 0..<kc {
                    let p = p0 + kk
                    let image = p / imagePixels, i = (p % imagePixels) / g.outW, j = p % g.outW
                    offsets[kk] = ((image * g.inH + i * g.sh) * g.inW + j * g.sw) * g.inC
                }
                // dy's rows p0..<p0+kc as panels [kc][16], zero columns past n.
                for panel in 0..<panels {
                    let j0 = panel * gemmColumnPanel, width = min(gemmColumnPanel, n - j0)
                    let dst = packedB + panel * kc * gemmColumnPanel
                    for kk in 0..<kc {
                        let src = dy + (p0 + kk) * n + j0, row = dst + kk * gemmColumnPanel
                        for c in 0..<width { row[c] = src[c] }
                        for c in width..<gemmColumnPanel { row[c] = 0 }
                    }
                }
                offsetTableBlock(m, n, kc, rows, offsets, packedB, out, n, kb > kb0)
            }
        }
        if slices > 1 {
            parallelChunks(m * n) { range in
                for s in 1..<slices {
                    let partial = partials + (s - 1) * m * n
                    for t in range { dw[t] += partial[t] }
                }
            }
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
}
