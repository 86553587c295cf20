import ConvLabCore

// Fast resize: the twin of `Reference.resizeForward` / `resizeBackward`.
//
// The reference visits one output value at a time and sums all `T x T` taps of its window
// (16 for bicubic), forming each weight product anew. Resizing is separable, so the forward pass
// here works in two passes per output row: it first blends that row's `T` input rows into one
// contiguous row of `W * C` values (a vectorizable multiply-add per input row), then forms each
// output pixel from `T` columns of the blend: `2T` multiply-adds per output instead of `T^2`
// (8 instead of 16 for bicubic). The sums are grouped differently from the reference's, so they
// agree to a few Float roundings, not bit for bit. The backward pass keeps the reference's order
// (so it returns the same floats) but runs its innermost loop over the `C` contiguous channels of
// a pixel. Both read the taps from flat arrays through pointers, with no per-tap array access or
// reference counting. The forward pass splits output rows across threads (each writes its own
// row); the backward pass scatters into the input, so it splits images (each writes only its own).

extension Fast {
    /// Resizes images, as `Reference.resizeForward` (`tf.image.resize`, `antialias=False`).
    /// - Parameters: `x [N, H, W, C]`, `size (OH, OW)`, `method`.
    /// - Returns: `[N, OH, OW, C]`.
    /// - Throws: the reference's `ConvLabError`s (naming `resize` and the shapes).
    public static func resizeForward(_ x: Tensor<Float>, size: Size2, method: ResizeMethod) throws -> Tensor<Float> {
        let g = try ResizeGeometry(input: x.shape, size: size, method: method, op: "resize")
        let rows = FlatTaps(g.rowTaps), columns = FlatTaps(g.colTaps)
        let channels = g.channels
        return tensor(g.outputShape) { y in
            x.scalars.withUnsafeBufferPointer { xs in
                rows.withPointers { rowTaps in
                    columns.withPointers { columnTaps in
                        let input = xs.baseAddress!
                        let outputRows = g.batch * g.outputSize.h
                        let rowLength = g.inputSize.w * channels
                        parallelFor(outputRows, threads: outputRows * g.outputSize.w * channels >= elementwiseChunk ? threads : 1) { task in
                            let n = task / g.outputSize.h, i = task % g.outputSize.h
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: rowLength) { blended in
                                // Pass 1, down the column: this output row's input rows blended
                                // with their weights, one contiguous run of W * C values.
                                let row = blended.baseAddress!
                                row.initialize(repeating: 0, count: rowLength)
                                for a in rowTaps.range(i) {
                                    let weight = Float(rowTaps.weight[a])
                                    let source = input + g.inputIndex(n, rowTaps.source[a], 0, 0)
                                    for k in 0..<rowLength { row[k] += weight * source[k] }
                                }
                                // Pass 2, along the row: each output pixel from its input columns.
                                for j in 0..<g.outputSize.w {
                                    let out = y + g.outputIndex(n, i, j, 0)
                                    let range = columnTaps.range(j)
                                    for c in 0..<channels {
                                        var sum: Float = 0
                                        for b in range { sum += Float(columnTaps.weight[b]) * row[columnTaps.source[b] * channels + c] }
                                        out[c] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The gradient of `resizeForward` with respect to its input, as `Reference.resizeBackward`:
    /// each `dOutput` pixel is scattered back to the input pixels it read, with their weights.
    /// - Returns: `dInput`, of shape `inputShape`.
    /// - Throws: the reference's `ConvLabError`s (naming `resizeBackward`).
    public static func resizeBackward(inputShape: [Int], dOutput: Tensor<Float>, method: ResizeMethod) throws -> Tensor<Float> {
        let g = try OpCheck.resizeBackward(inputShape: inputShape, dOutput: dOutput.shape, method: method,
                                           op: "resizeBackward")
        let rows = FlatTaps(g.rowTaps), columns = FlatTaps(g.colTaps)
        let channels = g.channels
        var dInput = zeros(inputShape)
        dOutput.scalars.withUnsafeBufferPointer { dys in
            dInput.scalars.withUnsafeMutableBufferPointer { dxs in
                rows.withPointers { rowTaps in
                    columns.withPointers { columnTaps in
                        let upstream = dys.baseAddress!, dx = dxs.baseAddress!
                        let perImage = g.outputSize.h * g.outputSize.w * channels
                        parallelFor(g.batch, threads: g.batch * perImage >= elementwiseChunk ? threads : 1) { n in
                            for i in 0..<g.outputSize.h {
                                for j in 0..<g.outputSize.w {
                                    let dy = upstream + g.outputIndex(n, i, j, 0)
                                    for a in rowTaps.range(i) {
                                        for b in columnTaps.range(j) {
                                            let weight = Float(rowTaps.weight[a] * columnTaps.weight[b])
                                            let pixel = dx + g.inputIndex(n, rowTaps.source[a], columnTaps.source[b], 0)
                                            for c in 0..<channels { pixel[c] += weight * dy[c] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dInput
    }
}

/// One axis's taps (`ResizeGeometry.rowTaps` or `colTaps`) as flat arrays: the taps of output
/// position `o` are entries `start[o]..<start[o + 1]` of `source` and `weight`, in their order.
private struct FlatTaps {
    var start: [Int] = [0]
    var source: [Int] = []
    var weight: [Double] = []

    init(_ taps: [[ResizeTap]]) {
        for position in taps {
            for tap in position {
                source.append(tap.source)
                weight.append(tap.weight)
            }
            start.append(source.count)
        }
    }

    /// Pointers to the three arrays, valid inside `body`.
    struct Pointers {
        let start: UnsafePointer<Int>, source: UnsafePointer<Int>, weight: UnsafePointer<Double>
        @inline(__always) func range(_ o: Int) -> Range<Int> { start[o]..<start[o + 1] }
    }

    func withPointers<R>(_ body: (Pointers) -> R) -> R {
        start.withUnsafeBufferPointer { start in
            source.withUnsafeBufferPointer { source in
                weight.withUnsafeBufferPointer { weight in
                    // Every output position has at least one tap, so none of the arrays is empty.
                    body(Pointers(start: start.baseAddress!, source: source.baseAddress!, weight: weight.baseAddress!))
                }
            }
        }
    }
}
