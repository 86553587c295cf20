import ConvLabSIMD
#if arch(x86_64)
import ConvLabSIMDAVX2
#endif
import ConvLabCore

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
// - a channel multiplier M > 1 becomes M = 1: the input is copied once with each channel
//   repeated M times (`[N, H, W, C*M]`), so output channel c*M + m is the M = 1 depthwise conv
//   of expanded channel c*M + m with the filter read as `[KH, KW, C*M, 1]`; dInput is then
//   folded back by summing the M copies. It costs one pass and M copies of the input, and
//   keeps every multiplier on the vector kernels.
// The index arithmetic is `DepthwiseConv2DGeometry`'s, through `ConvLowering` (`inC` = the
// channels the kernels see, `outC` = 1).

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
        // Explicit pads run on the reference: the column tables assume TF's SAME/VALID pads.
        if padding.isExplicit {
            return try referenceFallback("depthwiseConv2D", "explicit pads") {
                try Reference.depthwiseConv2DForward(input, filter: filter, strides: strides, padding: padding,
                                                     dilations: dilations)
            }
        }
        let (x, lowering) = channelsRepeated(input, g)
        return withBases(x.scalars, filter.scalars) { x, w in
            tensor(g.outputShape) { y in depthwiseForward(x, w, y, lowering) }
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
        if padding.isExplicit {
            return try referenceFallback("depthwiseConv2DBackward", "explicit pads") {
                try Reference.depthwiseConv2DBackward(input, filter: filter, dOutput: dOutput, strides: strides,
                                                      padding: padding, dilations: dilations)
            }
        }
        let (x, lowering) = channelsRepeated(input, g)
        let (dx, dFilter) = withBases(x.scalars, filter.scalars, dOutput.scalars) { xs, w, dy in
            (tensor(x.shape) { dx in depthwiseInputGradient(dy, w, dx, lowering) },
             tensor(filter.shape) { dw in depthwiseFilterGradient(xs, dy, dw, lowering) })
        }
        return (g.multiplier == 1 ? dx : copiesSummed(dx, multiplier: g.multiplier), dFilter)
    }

    /// The input with each channel repeated `M` times, `[N, H, W, C*M]`, and the M = 1 geometry
    /// that reads it with the filter as `[KH, KW, C*M, 1]`; the input itself when M = 1.
    static func channelsRepeated(_ input: Tensor<Float>, _ g: DepthwiseConv2DGeometry) -> (Tensor<Float>, ConvLowering) {
        var lowering = ConvLowering(g.window)
        let channels = g.channels, multiplier = g.multiplier
        lowering.inC = channels * multiplier
        lowering.outC = 1
        if multiplier == 1 { return (input, lowering) }
        let pixels = input.count / channels
        let shape = [g.batch, g.rows.input, g.cols.input, channels * multiplier]
        let expanded = withBases(input.scalars) { x in
            return tensor(shape) { out in
                parallelChunks(pixels) { range in
                    for p in range {
                        let source = x + p * channels, target = out + p * channels * multiplier
                        if multiplier == 2 {
                            // The common case, written out so that the compiler vectorizes it.
                            for c in 0..<channels { target[2 * c] = source[c]; target[2 * c + 1] = source[c] }
                            continue
                        }
                        for c in 0..<channels {
                            for m in 0..<multiplier { target[c * multiplier + m] = source[c] }
                        }
                    }
                }
            }
        }
        return (expanded, lowering)
    }

    /// `dx[p, c] = Σ_m expanded[p, c*M + m]`: the gradient of the repeated input folded back
    /// onto the input channel each copy came from.
    static func copiesSummed(_ expanded: Tensor<Float>, multiplier: Int) -> Tensor<Float> {
        var shape = expanded.shape
        let channels = shape[3] / multiplier, pixels = expanded.count / shape[3]
        shape[3] = channels
        return withBases(expanded.scalars) { e in
            return tensor(shape) { out in
                parallelChunks(pixels) { range in
                    for p in range {
                        let source = e + p * channels * multiplier, target = out + p * channels
                        if multiplier == 2 {
                            for c in 0..<channels { target[c] = source[2 * c] + source[2 * c + 1] }
                            continue
                        }
                        for c in 0..<channels {
                            var total: Float = 0
                            for m in 0..<multiplier { total += source[c * multiplier + m] }
                            target[c] = total
                        }
                    }
                }
            }
        }
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

    /// `y[n, i, j, c] = Σ_{a, b} x[n, row, col, c] * w[a, b, c]` (M = 1) over the taps inside
    /// the image, one task per (image, output row). The interior columns (every column tap
    /// inside) run as one `run` call; border columns list their own taps.
    static func depthwiseForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                 _ y: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC, taps = g.kh * g.kw
        let kernels = depthwiseMicroKernels
        // Output columns whose window [left, left + EKW) lies inside the image.
        let interior = WindowAxis.taps(start: -g.padLeft, kernel: g.outW, dilation: g.sw, input: g.inW - (g.kw - 1) * g.dw)
        parallelFor(g.batch * g.outH) { task in
            let n = task / g.outH, i = task % g.outH
            // Seek to input row i*sh + a*dh - padTop; rows outside the image are skipped.
            let top = i * g.sh - g.padTop
            let rows = WindowAxis.taps(start: top, kernel: g.kh, dilation: g.dh, input: g.inH)
            let image = x + n * g.inH * g.inW * channels
            let outputRow = y + (n * g.outH + i) * g.outW * channels
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 2 * taps) { table in
                let pixels = table.baseAddress!, weights = pixels + taps
                if !interior.isEmpty && !rows.isEmpty {
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offsets in
                        var terms = 0
                        for a in rows {
                            for b in 0..<g.kw {
                                offsets[terms] = ((a - rows.lowerBound) * g.dh * g.inW + b * g.dw) * channels
                                weights[terms] = w + (a * g.kw + b) * channels
                                terms += 1
                            }
                        }
                        let j0 = interior.lowerBound
                        let corner = image + ((top + rows.lowerBound * g.dh) * g.inW + j0 * g.sw - g.padLeft) * channels
                        kernels.run(interior.count, corner, g.sw * channels, terms, offsets.baseAddress!, weights,
                                    channels, outputRow + j0 * channels, channels)
                    }
                }
                for j in 0..<g.outW where rows.isEmpty || !interior.contains(j) {
                    let left = j * g.sw - g.padLeft
                    let cols = WindowAxis.taps(start: left, kernel: g.kw, dilation: g.dw, input: g.inW)
                    var terms = 0
                    for a in rows {
                        let inputRow = image + (top + a * g.dh) * g.inW * channels
                        for b in cols {
                            pixels[terms] = inputRow + (left + b * g.dw) * channels
                            weights[terms] = w + (a * g.kw + b) * channels
                            terms += 1
                        }
                    }
                    kernels.sum(terms, pixels, weights, channels, outputRow + j * channels, false)
                }
            }
        }
    }

    /// `dx[n, row, col, c] = Σ dy[n, i, j, c] * w[a, b, c]` (M = 1) over the outputs `(i, j)`
    /// whose window reads `(row, col)` through tap `(a, b)`: a gather, one task per (image,
    /// input row), so no two tasks write the same value. With column stride 1, the columns read
    /// through every column tap run as one `run` call (a convolution of dy with the flipped
    /// filter); the others list their own taps.
    static func depthwiseInputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                       _ dx: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC, taps = g.kh * g.kw
        let kernels = depthwiseMicroKernels
        // Input columns col whose outputs j = col + padLeft - b*dw are all in 0..<OW.
        let span = (g.kw - 1) * g.dw
        let interior = g.sw == 1
            ? WindowAxis.taps(start: g.padLeft - span, kernel: g.inW, dilation: 1, input: g.outW - span) : 0..<0
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
                    let image = dy + n * g.outH * g.outW * channels
                    var runTerms = 0
                    if !interior.isEmpty {
                        // Offsets from dy[n, 0, col + padLeft - span] (the leftmost output read).
                        for a in 0..<g.kh where outputRows[a] >= 0 {
                            for b in 0..<g.kw {
                                offsets[runTerms] = (outputRows[a] * g.outW + span - b * g.dw) * channels
                                weights[runTerms] = w + (a * g.kw + b) * channels
                                runTerms += 1
                            }
                        }
                    }
                    if runTerms > 0 {
                        let col0 = interior.lowerBound
                        kernels.run(interior.count, image + (col0 + g.padLeft - span) * channels, channels, runTerms,
                                    offsets, weights, channels, inputRow + col0 * channels, channels)
                    }
                    for col in 0..<g.inW where runTerms == 0 || !interior.contains(col) {
                        var terms = 0
                        for b in 0..<g.kw {
                            let offset = col + g.padLeft - b * g.dw
                            let j = offset / g.sw
                            guard offset >= 0 && offset % g.sw == 0 && j < g.outW else { continue }
                            for a in 0..<g.kh where outputRows[a] >= 0 {
                                upstream[terms] = image + (outputRows[a] * g.outW + j) * channels
                                weights[terms] = w + (a * g.kw + b) * channels
                                terms += 1
                            }
                        }
                        kernels.sum(terms, upstream, weights, channels, inputRow + col * channels, false)
                    }
                }
            }
        }
    }

    /// `dw[a, b, c] = Σ_{n, i, j} dy[n, i, j, c] * x[n, row, col, c]` (M = 1). Each worker takes
    /// a contiguous range of (image, output row) and sums, per tap, over the output pixels of the
    /// row whose tap lands inside the image (evenly spaced in x and in dy: no table), into its
    /// own `[KH, KW, C]` buffer; the buffers are then added in worker order.
    static func depthwiseFilterGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                        _ dw: UnsafeMutablePointer<Float>, _ g: ConvLowering) {
        let channels = g.inC
        let filterCount = g.kh * g.kw * channels
        let outputRows = g.batch * g.outH
        let workers = max(1, min(threads, outputRows))
        let partials = scratch(Float.self, workers * filterCount)
        partials.initialize(repeating: 0, count: workers * filterCount)
        defer { recycle(partials) }
        let kernels = depthwiseMicroKernels
        parallelFor(workers) { worker in
            let partial = partials + worker * filterCount
            for task in (worker * outputRows / workers)..<((worker + 1) * outputRows / workers) {
                let n = task / g.outH, i = task % g.outH
                let top = i * g.sh - g.padTop
                let upstreamRow = dy + (n * g.outH + i) * g.outW * channels
                for a in WindowAxis.taps(start: top, kernel: g.kh, dilation: g.dh, input: g.inH) {
                    let inputRow = x + ((n * g.inH + top + a * g.dh) * g.inW) * channels
                    for b in 0..<g.kw {
                        // Output column j reads column j*sw + b*dw - padLeft through tap b.
                        let shift = b * g.dw - g.padLeft
                        let columns = WindowAxis.taps(start: shift, kernel: g.outW, dilation: g.sw, input: g.inW)
                        if columns.isEmpty { continue }
                        kernels.stridedSum(columns.count, inputRow + (columns.lowerBound * g.sw + shift) * channels,
                                           g.sw * channels, upstreamRow + columns.lowerBound * channels, channels,
                                           channels, partial + (a * g.kw + b) * channels)
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
}
