import ConvLabCore
import ConvLabData

/// Data augmentation by translation: each training image moved a few pixels, the vacated border
/// filled with zeros (MNIST's background) and what crosses the opposite border cut off. A digit
/// moved by one or two pixels is still the same digit, so the network sees new examples with the
/// old labels; a fully connected layer, which has no notion of "the same pattern one pixel to the
/// right", gains the most from them.
extension LabeledExamples {
    /// Image `image` (NHWC, `[N, H, W, C]`) moved down by `rows` and right by `columns` pixels
    /// (negative: up, left): `out[y, x] = in[y - rows, x - columns]`, zero outside the image.
    /// - Returns: `[H, W, C]` scalars, row-major.
    func shiftedImage(_ image: Int, rows: Int, columns: Int) -> [Float] {
        let (h, w, c) = (inputs.shape[1], inputs.shape[2], inputs.shape[3])
        let base = image * h * w * c
        var out = [Float](repeating: 0, count: h * w * c)
        for y in max(0, rows)..<min(h, h + rows) {
            for x in max(0, columns)..<min(w, w + columns) {
                for k in 0..<c {
                    // seek to input pixel (y - rows, x - columns)
                    out[(y * w + x) * c + k] = inputs.scalars[base + ((y - rows) * w + (x - columns)) * c + k]
                }
            }
        }
        return out
    }

    /// Every image moved by the same offset (see `randomlyShifted` for one offset per image).
    /// - Throws: `ConvLabError.shape` for inputs that are not `[N, H, W, C]`;
    ///   `ConvLabError.argument` for a shift of the full height or width or more.
    public func shifted(rows: Int, columns: Int) throws -> LabeledExamples {
        try checkShift(rows: rows, columns: columns, op: "shifted")
        return try makeShifted { _ in (rows, columns) }
    }

    /// Every image moved by its own offset, rows and columns each drawn uniformly from
    /// `-maxShift...maxShift` (two draws per image, in order, so a seed gives the same set on
    /// every platform). Drawn anew each epoch, this is the "shifted digits" augmentation.
    /// - Throws: `ConvLabError.shape` for inputs that are not `[N, H, W, C]`;
    ///   `ConvLabError.argument` for a negative `maxShift` or one of the full height or width.
    public func randomlyShifted(maxShift: Int, generator: inout SeededGenerator) throws -> LabeledExamples {
        guard maxShift >= 0 else {
            throw ConvLabError.argument(op: "randomlyShifted", message: "maxShift must be >= 0, got \(maxShift)")
        }
        try checkShift(rows: maxShift, columns: maxShift, op: "randomlyShifted")
        var offsets: [(Int, Int)] = []
        offsets.reserveCapacity(count)
        for _ in 0..<count {
            let rows = generator.nextInt(below: 2 * maxShift + 1) - maxShift
            let columns = generator.nextInt(below: 2 * maxShift + 1) - maxShift
            offsets.append((rows, columns))
        }
        return try makeShifted { offsets[$0] }
    }

    private func checkShift(rows: Int, columns: Int, op: String) throws {
        guard inputs.rank == 4 else {
            throw ConvLabError.shape(op: op, message: "needs images [N,H,W,C], got \(describeShape(inputs.shape))")
        }
        // magnitude, not abs: abs(Int.min) would trap.
        guard rows.magnitude < inputs.shape[1].magnitude, columns.magnitude < inputs.shape[2].magnitude else {
            throw ConvLabError.argument(op: op,
                message: "a shift of (\(rows), \(columns)) moves every pixel out of a \(inputs.shape[1])x\(inputs.shape[2]) image")
        }
    }

    private func makeShifted(_ offset: (Int) -> (Int, Int)) throws -> LabeledExamples {
        var scalars: [Float] = []
        scalars.reserveCapacity(inputs.count)
        for image in 0..<count {
            let (rows, columns) = offset(image)
            scalars += shiftedImage(image, rows: rows, columns: columns)
        }
        return try LabeledExamples(inputs: Tensor(shape: inputs.shape, scalars: scalars), labels: labels, classes: classes)
    }
}
