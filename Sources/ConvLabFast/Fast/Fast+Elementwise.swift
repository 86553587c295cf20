import ConvLabCore

// Fast ReLU, add and bias add: twins of `Reference.reluForward` / `reluBackward`,
// `Reference.addForward` and `Reference.biasAddForward` / `biasAddBackward`.
//
// The reference maps element by element through generic closures and `%` per element. Here
// each op is one pass over contiguous Float memory that the compiler vectorizes, split into
// chunks across threads when the tensor is large (a conv layer's activations are millions of
// values); bias add walks rows of `C` channels instead of computing `k % C`.

extension Fast {
    /// Elements per parallel chunk for memory-bound passes (~256 KB).
    static let elementwiseChunk = 1 << 16

    /// Runs `body(range)` over `0..<count` in chunks, on several threads when it is worth it.
    package static func parallelChunks(_ count: Int, _ body: (Range<Int>) -> Void) {
        let chunks = (count + elementwiseChunk - 1) / elementwiseChunk
        parallelFor(chunks, threads: chunks > 1 ? threads : 1) { c in
            body((c * elementwiseChunk)..<min(count, (c + 1) * elementwiseChunk))
        }
    }

    /// Runs `body(row)` for every row of `length` elements, rows split in chunks across threads.
    @inline(__always)
    static func forEachRow(_ rows: Int, length: Int, _ body: (Int) -> Void) {
        let rowsPerChunk = Swift.max(1, elementwiseChunk / Swift.max(1, length))
        parallelFor((rows + rowsPerChunk - 1) / rowsPerChunk, threads: rows > rowsPerChunk ? threads : 1) { part in
            for row in (part * rowsPerChunk)..<Swift.min(rows, (part + 1) * rowsPerChunk) { body(row) }
        }
    }

    /// A tensor of zeros, filled in parallel chunks. `Tensor.zerosUnchecked` fills on the calling
    /// thread alone; for the outputs the kernels accumulate into (12 MB for conv1's dInput at
    /// batch 128) that serial fill held the other cores idle.
    static func zeros(_ shape: [Int]) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        return tensor(shape) { values in
            parallelChunks(count) { range in (values + range.lowerBound).initialize(repeating: 0, count: range.count) }
        }
    }

    /// A tensor whose elements `fill` initializes, every one of them, through a pointer to its
    /// `shape.reduce(1, *)` values (not called when there are none): for kernels that overwrite
    /// their whole output, which then need no zero fill at all.
    static func tensor(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { fill(buffer.baseAddress!) }
            initialized = count
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// Calls `body` with the base addresses of the arrays' storage: the nested
    /// `withUnsafeBufferPointer` calls a kernel would otherwise write, one level per array.
    @inline(__always)
    static func withBases<R>(_ a: [Float], _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try a.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    @inline(__always)
    static func withBases<R>(_ a: [Float], _ b: [Float],
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withBases(a) { a in try withBases(b) { b in try body(a, b) } }
    }

    @inline(__always)
    static func withBases<R>(_ a: [Float], _ b: [Float], _ c: [Float],
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) throws -> R)
        rethrows -> R {
        try withBases(a, b) { a, b in try withBases(c) { c in try body(a, b, c) } }
    }

    @inline(__always)
    static func withBases<R>(_ a: [Float], _ b: [Float], _ c: [Float], _ d: [Float],
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                                      UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withBases(a, b, c) { a, b, c in try withBases(d) { d in try body(a, b, c, d) } }
    }

    @inline(__always)
    static func withBases<R>(_ a: [Float], _ b: [Float], _ c: [Float], _ d: [Float], _ e: [Float],
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                                      UnsafePointer<Float>, UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withBases(a, b, c, d) { a, b, c, d in try withBases(e) { e in try body(a, b, c, d, e) } }
    }

    /// `max(x, 0)`, as `Reference.reluForward` (NaN gives 0), on the shared lane pass.
    /// - Returns: the shape of `x`.
    /// - Complexity: one pass over `x`.
    public static func reluForward(_ x: Tensor<Float>) throws -> Tensor<Float> {
        mapLanes(x, ReLULanes())
    }

    /// `dOutput` where `x > 0`, else 0, as `Reference.reluBackward`: `dOutput * (x > 0 ? 1 : 0)`,
    /// a select on four lanes (a branch per value would mispredict on half of a layer's
    /// activations), so an infinite `dOutput` at `x <= 0` gives NaN there, as in the reference.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func reluBackward(_ x: Tensor<Float>, dOutput: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(dOutput.shape, x.shape, op: "reluBackward")
        return zipLanes(x, dOutput, LeakyReLUBackwardLanes(alpha: 0))
    }

    /// `a + b`, as `Reference.addForward`, on the shared lane pass.
    /// - Throws: `ConvLabError` when the shapes differ (the reference's check).
    public static func addForward(_ a: Tensor<Float>, _ b: Tensor<Float>) throws -> Tensor<Float> {
        try OpCheck.sameShape(b.shape, a.shape, names: ("b", "a"), op: "add")
        return zipLanes(a, b, AddLanes())
    }

    /// `input + bias` along the last axis, as `Reference.biasAddForward`.
    /// - Throws: `ConvLabError` when `bias` is not `[C]` (the reference's check).
    public static func biasAddForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        let channels = try OpCheck.bias(bias.shape, for: input.shape, op: "biasAdd")
        guard channels > 0 else {
            return try referenceFallback("biasAdd", "no channels") { try Reference.biasAddForward(input, bias: bias) }
        }
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { y in
            bias.scalars.withUnsafeBufferPointer { b in
                let out = y.baseAddress!, add = b.baseAddress!
                forEachRow(input.count / channels, length: channels) { r in
                    let row = out + r * channels
                    for c in 0..<channels { row[c] += add[c] }
                }
            }
        }
        return output
    }

    /// `(dOutput, Σ dOutput over all but the last axis)`, as `Reference.biasAddBackward`.
    /// - Throws: `ConvLabError` for a scalar `dOutput` (the reference's check).
    public static func biasAddBackward(dOutput: Tensor<Float>) throws -> (dInput: Tensor<Float>, dBias: Tensor<Float>) {
        let channels = try OpCheck.channels(dOutput.shape, name: "dOutput", op: "biasAddBackward")
        guard channels > 0 else {
            return try referenceFallback("biasAddBackward", "no channels") { try Reference.biasAddBackward(dOutput: dOutput) }
        }
        var dBias = zeros([channels])
        dOutput.scalars.withUnsafeBufferPointer { dy in
            dBias.scalars.withUnsafeMutableBufferPointer { db in
                columnSums(dy.baseAddress!, rows: dOutput.count / channels, columns: channels, into: db.baseAddress!)
            }
        }
        return (dOutput, dBias)
    }
}

extension Fast {
    /// `max(input + bias, 0)` along the last axis in one pass: the conv layers' tail
    /// (`Kernels.biasReLUForward`). Bias add then ReLU would write the sum and then read it back to
    /// write the ReLU, two passes over a tensor that is 12 MB for conv1 at batch 128; here each
    /// value is read once and written once.
    /// - Throws: `ConvLabError` when `bias` is not `[C]` (bias add's check).
    public static func biasReLUForward(_ input: Tensor<Float>, bias: Tensor<Float>) throws -> Tensor<Float> {
        let channels = try OpCheck.bias(bias.shape, for: input.shape, op: "biasAdd")
        guard channels > 0 else {
            return try referenceFallback("biasReLU", "no channels") { try Reference.reluForward(Reference.biasAddForward(input, bias: bias)) }
        }
        return tensor(input.shape) { values in
            withBases(input.scalars, bias.scalars) { source, add in
                forEachRow(input.count / channels, length: channels) { r in
                    let row = source + r * channels, result = values + r * channels
                    for c in 0..<channels {
                        let z = row[c] + add[c]
                        result[c] = z > 0 ? z : 0   // as Reference.reluForward: NaN gives 0
                    }
                }
            }
        }
    }
}

struct AddLanes: LanePairOp {
    @inline(__always) func callAsFunction(_ a: Fast.Lanes, _ b: Fast.Lanes) -> Fast.Lanes { a + b }
}
