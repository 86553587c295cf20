import ConvLabSIMD
#if arch(x86_64)
import ConvLabSIMDAVX2
#endif

// Fast depthwise conv2d: the twin of `Reference.depthwiseConv2DForward` / `depthwiseConv2DBackward`.
//
// The reference computes one output value at a time, in channel-innermost order that reads the
// input with a stride of `C`, and tests every tap for padding inside its innermost loop. A
// depthwise conv never mixes channels, so in NHWC every tap is one elementwise product of `C`
// contiguous floats. Here:
// - the innermost loop runs over channels, in vector registers (`sdepthwiseSumOfProducts`, in
//   the SIMD module's baseline and AVX2 + FMA builds), summing all taps of a window before one
//   store;
// - which taps of a window land inside the image is worked out once per output row (rows) and
//   per column, not per value, and no padding is ever read or tested inside the channel loop:
//   the interior windows of a row (every column tap inside) share one table of tap offsets and
//   run as one call (`sdepthwiseRun`); border windows list their own taps;
// - forward: one task per (image, output row); dInput is gathered per (image, input row), each
//   input pixel summing the outputs whose windows cover it, so tasks write disjoint rows with no
//   scatter and no race; dFilter is summed per tap over the output pixels of each row into one
//   private buffer per worker (its terms evenly spaced in x and dy: `sdepthwiseStridedSum`),
//   and the buffers are added at the end.
// The index arithmetic is `DepthwiseConv2DGeometry`'s, through `ConvLowering` (`inC` = C,
// `outC` = M). A channel multiplier M > 1 takes scalar loops over (c, m).

extension Fast {
    /// Depthwise 2-D cross-correlation, as `tf.nn.depthwise_conv2d`; the twin of
    /// `Reference.depthwiseConv2DForward`.
    /// - Parameters: as the reference: `input [N, H, W, C]`, `filter [KH, KW, C, M]`.
    /// - Returns: `[N, OH, OW, C*M]`, sizes by `DepthwiseConv2DGeometry` (TF's SAME/VALID rule).
    /// - Throws: the reference's `ConvLabError`s, naming `depthwiseConv2D` and both shapes.
    /// - Complexity: `N*OH*OW * C*M * KH*KW` multiply-adds, over contiguous channels.
    public static func depthwiseConv2DForward(_ input: Tensor<Float>, filter: Tensor<Float>, strides: Size2 = 1,
                                              padding: Padding, dilations: Size2 = 1) throws -> Tensor<Float> {
        let g = try DepthwiseConv2DGeometry(input: input.shape, filter: filter.shape,
                                            strides: strides, padding: padding, dilations: dilations)
        return input.scalars.withUnsafeBufferPointer { x in
            filter.scalars.withUnsafeBufferPointer { w in
                writtenOnce(g.outputShape) { y in depthwiseForward(x.baseAddress!, w.baseAddress!, y, ConvLowering(g.window)) }
            }
        }
    }

    /// The gradients of `depthwiseConv2DForward`; the twin of `Reference.depthwiseConv2DBackward`.
    /// - Returns: `dInput [N, H, W, C]`, `dFilter [KH, KW, C, M]`.
    /// - Throws: as the reference, naming `depthwiseConv2DBackward` when `dOutput` has the wrong shape.
    /// - Complexity: `2 * N*OH*OW * C*M * KH*KW` multiply-adds.
    public static func depthwiseConv2DBackward(_ input: Tensor<Float>, filter: Tensor<Float>, dOutput: Tensor<Float>,
                                               strides: Size2 = 1, padding: Padding, dilations: Size2 = 1)
        throws -> (dInput: Tensor<Float>, dFilter: Tensor<Float>) {
        let g = try DepthwiseConv2DGeometry(input: input.shape, filter: filter.shape,
                                            strides: strides, padding: padding, dilations: dilations)
        try g.checkOutputGradient(dOutput.shape, op: "depthwiseConv2DBackward")
        let lowering = ConvLowering(g.window)
        return input.scalars.withUnsafeBufferPointer { x in
            filter.scalars.withUnsafeBufferPointer { w in
                dOutput.scalars.withUnsafeBufferPointer { dy in
                    (writtenOnce(input.shape) { dx in depthwiseInputGradient(dy.baseAddress!, w.baseAddress!, dx, lowering) },
                     writtenOnce(filter.shape) { dw in depthwiseFilterGradient(x.baseAddress!, dy.baseAddress!, dw, lowering) })
                }
            }
        }
    }

    /// A tensor of `shape` whose scalars `write` stores, each exactly once: the kernels below
    /// overwrite every value, so the output is not zeroed first (a whole extra pass over a
    /// 12 MB activation at batch 128).
    static func writtenOnce(_ shape: [Int], _ write: (UnsafeMutablePointer<Float>) -> Void) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress, count > 0 { write(base) }
            initialized = count
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// The depthwise micro-kernels (Sources/ConvLabSIMD/DepthwiseKernel.swift) of the build this
    /// CPU runs, chosen once per op (reading `usesAVX2` takes a lock).
    struct DepthwiseMicroKernels {
        /// `out[c] (+)= Σ_t left[t][c] * right[t][c]`, the terms listed by pointer.
        let sum: (Int, UnsafePointer<UnsafePointer<Float>>, UnsafePointer<UnsafePointer<Float>>,
                  Int, UnsafeMutablePointer<Float>, Bool) -> Void
        /// The same sum for a run of pixels whose terms sit at fixed offsets from a moving corner.
        let run: (Int, UnsafePointer<Float>, Int, Int, UnsafePointer<Int>, UnsafePointer<UnsafePointer<Float>>,
                  Int, UnsafeMutablePointer<Float>, Int) -> Void
        /// `out[c] += Σ_t left[t*leftStep + c] * right[t*rightStep + c]`.
        let stridedSum: (Int, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void
    }

    static var depthwiseMicroKernels: DepthwiseMicroKernels {
        #if arch(x86_64)
        if usesAVX2 {
            return DepthwiseMicroKernels(sum: ConvLabSIMDAVX2.sdepthwiseSumOfProducts, run: ConvLabSIMDAVX2.sdepthwiseRun,
                                         stridedSum: ConvLabSIMDAVX2.sdepthwiseStridedSum)
        }
        #endif
        return DepthwiseMicroKernels(sum: ConvLabSIMD.sdepthwiseSumOfProducts, run: ConvLabSIMD.sdepthwiseRun,
                                     stridedSum: ConvLabSIMD.sdepthwiseStridedSum)
    }

    /// The taps `k` of a window whose tap 0 reads input index `start` (tap `k` reads
    /// `start + k * dilation`) that land inside `0..<input`; the others read padding. Read with
    /// `kernel` = outputs and `dilation` = stride, the outputs whose window corner lands there.
    @inline(__always)
    static func tapsInside(start: Int, kernel: Int, dilation: Int, input: Int) -> Range<Int> {
        let first = start >= 0 ? 0 : (dilation - 1 - start) / dilation
        let room = input - 1 - start
        let end = room < 0 ? 0 : min(kernel, room / dilation + 1)
        return first < end ? first..<end : 0..<0
    }

    /// `y[n, i, j, c*M + m] = Σ_{a, b} x[n, row, col, c] * w[a, b, c, m]` over the taps inside
    /// the image, one task per (image, output row). With M = 1 the interior columns (every
    /// column tap inside) run as one `run` call; border columns, and every column when M > 1,
    /// list their own taps.
    static func depthwiseForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                 _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC, multiplier = g.outC, mixed = g.inC * g.outC, taps = g.kh * g.kw
        let kernels = depthwiseMicroKernels
        // Output columns whose window [left, left + EKW) lies inside the image.
        let interior = multiplier == 1
            ? tapsInside(start: -g.padLeft, kernel: g.outW, dilation: g.sw, input: g.inW - (g.kw - 1) * g.dw) : 0..<0
        parallelFor(g.batch * g.outH) { task in
            let n = task / g.outH, i = task % g.outH
            // Seek to input row i*sh + a*dh - padTop; rows outside the image are skipped.
            let top = i * g.sh - g.padTop
            let rows = tapsInside(start: top, kernel: g.kh, dilation: g.dh, input: g.inH)
            let image = x + n * g.inH * g.inW * channels
            let outputRow = y + (n * g.outH + i) * g.outW * mixed
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 2 * taps) { table in
                let pixels = table.baseAddress!, weights = pixels + taps
                if !interior.isEmpty && !rows.isEmpty {
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offsets in
                        var terms = 0
                        for a in rows {
                            for b in 0..<g.kw {
                                offsets[terms] = ((a - rows.lowerBound) * g.dh * g.inW + b * g.dw) * channels
                                weights[terms] = w + (a * g.kw + b) * mixed
                                terms += 1
                            }
                        }
                        let j0 = interior.lowerBound
                        let corner = image + ((top + rows.lowerBound * g.dh) * g.inW + j0 * g.sw - g.padLeft) * channels
                        kernels.run(interior.count, corner, g.sw * channels, terms, offsets.baseAddress!, weights,
                                    channels, outputRow + j0 * mixed, mixed)
                    }
                }
                for j in 0..<g.outW where rows.isEmpty || !interior.contains(j) {
                    let left = j * g.sw - g.padLeft
                    let cols = tapsInside(start: left, kernel: g.kw, dilation: g.dw, input: g.inW)
                    var terms = 0
                    for a in rows {
                        let inputRow = image + (top + a * g.dh) * g.inW * channels
                        for b in cols {
                            pixels[terms] = inputRow + (left + b * g.dw) * channels
                            weights[terms] = w + (a * g.kw + b) * mixed
                            terms += 1
                        }
                    }
                    let out = outputRow + j * mixed
                    if multiplier == 1 {
                        kernels.sum(terms, pixels, weights, channels, out, false)
                    } else {
                        spreadSum(terms, pixels, weights, channels, multiplier, out)
                    }
                }
            }
        }
    }

    /// `dx[n, row, col, c] = Σ dy[n, i, j, c*M + m] * w[a, b, c, m]` over the outputs `(i, j)`
    /// and filters `m` whose window reads `(row, col)` through tap `(a, b)`: a gather, one task
    /// per (image, input row), so no two tasks write the same value. With M = 1 and column
    /// stride 1, the columns read through every column tap run as one `run` call (a
    /// convolution of dy with the flipped filter).
    static func depthwiseInputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                       _ dx: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC, multiplier = g.outC, mixed = g.inC * g.outC, taps = g.kh * g.kw
        let kernels = depthwiseMicroKernels
        // Input columns col whose outputs j = col + padLeft - b*dw are all in 0..<OW.
        let span = (g.kw - 1) * g.dw
        let interior = multiplier == 1 && g.sw == 1
            ? tapsInside(start: g.padLeft - span, kernel: g.inW, dilation: 1, input: g.outW - span) : 0..<0
        parallelFor(g.batch * g.inH) { task in
            let n = task / g.inH, row = task % g.inH
            withUnsafeTemporaryAllocation(of: Int.self, capacity: g.kh + taps) { scratch in
                // Tap a reads this row for output row i when i*sh + a*dh - padTop == row.
                let outputRows = scratch.baseAddress!, offsets = outputRows + g.kh
                for a in 0..<g.kh {
                    let offset = row + g.padTop - a * g.dh
                    let i = offset / g.sh
                    outputRows[a] = offset >= 0 && offset % g.sh == 0 && i < g.outH ? i : -1
                }
                withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 2 * taps) { table in
                    let upstream = table.baseAddress!, weights = upstream + taps
                    let inputRow = dx + (n * g.inH + row) * g.inW * channels
                    let image = dy + n * g.outH * g.outW * mixed
                    var runTerms = 0
                    if !interior.isEmpty {
                        // Offsets from dy[n, 0, col + padLeft - span] (the leftmost output read).
                        for a in 0..<g.kh where outputRows[a] >= 0 {
                            for b in 0..<g.kw {
                                offsets[runTerms] = (outputRows[a] * g.outW + span - b * g.dw) * mixed
                                weights[runTerms] = w + (a * g.kw + b) * mixed
                                runTerms += 1
                            }
                        }
                    }
                    if runTerms > 0 {
                        let col0 = interior.lowerBound
                        kernels.run(interior.count, image + (col0 + g.padLeft - span) * mixed, mixed, runTerms,
                                    offsets, weights, channels, inputRow + col0 * channels, channels)
                    }
                    for col in 0..<g.inW where runTerms == 0 || !interior.contains(col) {
                        var terms = 0
                        for b in 0..<g.kw {
                            let offset = col + g.padLeft - b * g.dw
                            let j = offset / g.sw
                            guard offset >= 0 && offset % g.sw == 0 && j < g.outW else { continue }
                            for a in 0..<g.kh where outputRows[a] >= 0 {
                                upstream[terms] = image + (outputRows[a] * g.outW + j) * mixed
                                weights[terms] = w + (a * g.kw + b) * mixed
                                terms += 1
                            }
                        }
                        let out = inputRow + col * channels
                        if multiplier == 1 {
                            kernels.sum(terms, upstream, weights, channels, out, false)
                        } else {
                            foldSum(terms, upstream, weights, channels, multiplier, out)
                        }
                    }
                }
            }
        }
    }

    /// `dw[a, b, c, m] = Σ_{n, i, j} dy[n, i, j, c*M + m] * x[n, row, col, c]`. Each worker takes
    /// a contiguous range of (image, output row) and sums, per tap, over the output pixels of the
    /// row whose tap lands inside the image (evenly spaced in x and in dy, so M = 1 needs no
    /// table), into its own `[KH, KW, C, M]` buffer; the buffers are then added in worker order.
    static func depthwiseFilterGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                        _ dw: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC, multiplier = g.outC, mixed = g.inC * g.outC
        let filterCount = g.kh * g.kw * mixed
        let outputRows = g.batch * g.outH
        let workers = max(1, min(threads, outputRows))
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: workers * filterCount)
        partials.initialize(repeating: 0, count: workers * filterCount)
        defer { partials.deallocate() }
        let kernels = depthwiseMicroKernels
        parallelFor(workers) { worker in
            let partial = partials + worker * filterCount
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 2 * g.outW) { table in
                let inputs = table.baseAddress!, upstream = inputs + g.outW
                for task in (worker * outputRows / workers)..<((worker + 1) * outputRows / workers) {
                    let n = task / g.outH, i = task % g.outH
                    let top = i * g.sh - g.padTop
                    let upstreamRow = dy + (n * g.outH + i) * g.outW * mixed
                    for a in tapsInside(start: top, kernel: g.kh, dilation: g.dh, input: g.inH) {
                        let inputRow = x + ((n * g.inH + top + a * g.dh) * g.inW) * channels
                        for b in 0..<g.kw {
                            // Output column j reads column j*sw + b*dw - padLeft through tap b.
                            let shift = b * g.dw - g.padLeft
                            let columns = tapsInside(start: shift, kernel: g.outW, dilation: g.sw, input: g.inW)
                            if columns.isEmpty { continue }
                            let out = partial + (a * g.kw + b) * mixed
                            let firstInput = inputRow + (columns.lowerBound * g.sw + shift) * channels
                            let firstUpstream = upstreamRow + columns.lowerBound * mixed
                            if multiplier == 1 {
                                kernels.stridedSum(columns.count, firstInput, g.sw * channels, firstUpstream, mixed,
                                                   channels, out)
                            } else {
                                for t in 0..<columns.count {
                                    inputs[t] = firstInput + t * g.sw * channels
                                    upstream[t] = firstUpstream + t * mixed
                                }
                                spreadSum(columns.count, inputs, upstream, channels, multiplier, out, accumulate: true)
                            }
                        }
                    }
                }
            }
        }
        for k in 0..<filterCount {
            var total: Float = 0
            for worker in 0..<workers { total += partials[worker * filterCount + k] }
            dw[k] = total
        }
    }

    /// `out[c*M + m] (+)= Σ_t narrow[t][c] * wide[t][c*M + m]`: `narrow` rows hold `C` floats,
    /// `wide` rows and `out` hold `C*M` (the forward pass and dFilter with a multiplier).
    static func spreadSum(_ terms: Int, _ narrow: UnsafePointer<UnsafePointer<Float>>,
                          _ wide: UnsafePointer<UnsafePointer<Float>>, _ channels: Int, _ multiplier: Int,
                          _ out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if !accumulate { out.update(repeating: 0, count: channels * multiplier) }
        for t in 0..<terms {
            let source = narrow[t], factors = wide[t]
            for c in 0..<channels {
                let value = source[c]
                for m in 0..<multiplier { out[c * multiplier + m] += value * factors[c * multiplier + m] }
            }
        }
    }

    /// `out[c] = Σ_t Σ_m left[t][c*M + m] * right[t][c*M + m]`: the `M` filters of channel `c`
    /// folded back onto it (dInput with a multiplier).
    static func foldSum(_ terms: Int, _ left: UnsafePointer<UnsafePointer<Float>>,
                        _ right: UnsafePointer<UnsafePointer<Float>>, _ channels: Int, _ multiplier: Int,
                        _ out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: channels)
        for t in 0..<terms {
            let l = left[t], r = right[t]
            for c in 0..<channels {
                var s: Float = 0
                for m in 0..<multiplier { s += l[c * multiplier + m] * r[c * multiplier + m] }
                out[c] += s
            }
        }
    }
}
