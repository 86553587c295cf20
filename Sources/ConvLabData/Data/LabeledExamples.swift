import ConvLabCore

/// Inputs with integer class labels, as the trainer consumes them: `inputs` is `[N, ...]`
/// (`[N, 28, 28, 1]` for MNIST, `[N, 2]` for the toy points), `labels[i]` in `0..<classes`.
public struct LabeledExamples: Sendable {
    public let inputs: Tensor<Float>
    public let labels: [Int]
    public let classes: Int

    /// - Throws: `ConvLabError.shape` when the counts differ, `.argument` for a label out of range.
    public init(inputs: Tensor<Float>, labels: [Int], classes: Int) throws {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            throw ConvLabError.shape(op: "examples",
                message: "\(labels.count) labels for inputs \(describeShape(inputs.shape))")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw ConvLabError.argument(op: "examples", message: "label \(bad) is outside 0..<\(classes)")
        }
        self.inputs = inputs
        self.labels = labels
        self.classes = classes
    }

    /// For slices of already validated examples.
    private init(unchecked inputs: Tensor<Float>, labels: [Int], classes: Int) {
        self.inputs = inputs
        self.labels = labels
        self.classes = classes
    }

    public var count: Int { labels.count }
    /// The shape of one example, `[28, 28, 1]`.
    public var exampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// The first `n` examples (for quick runs and tests).
    public func prefix(_ n: Int) -> LabeledExamples {
        let n = max(0, min(n, count))
        let size = exampleShape.reduce(1, *)
        return LabeledExamples(
            unchecked: Tensor(uncheckedShape: [n] + exampleShape, scalars: Array(inputs.scalars[0..<(n * size)])),
            labels: Array(labels[0..<n]), classes: classes)
    }

    /// Copies the examples at `indices` into `batch` and their one-hot labels into `oneHot`,
    /// reusing both buffers when their shapes already fit (the usual case: every full batch).
    public func gather(_ indices: ArraySlice<Int>, into batch: inout Tensor<Float>, oneHot: inout Tensor<Float>) {
        let n = indices.count
        let size = exampleShape.reduce(1, *)
        if batch.shape != [n] + exampleShape { batch = Tensor.zerosUnchecked([n] + exampleShape) }
        if oneHot.shape != [n, classes] { oneHot = Tensor.zerosUnchecked([n, classes]) }
        inputs.scalars.withUnsafeBufferPointer { source in
            batch.withUnsafeMutableBufferPointer { target in
                for (row, index) in indices.enumerated() {
                    let from = index * size, to = row * size
                    for k in 0..<size { target[to + k] = source[from + k] }
                }
            }
        }
        oneHot.withUnsafeMutableBufferPointer { target in
            for k in target.indices { target[k] = 0 }
            for (row, index) in indices.enumerated() { target[row * classes + labels[index]] = 1 }
        }
    }
}

extension LabeledExamples {
    /// The trainer's view of a set of images: inputs `[N, H, W, C]`, the same labels.
    public init(_ images: LabeledImages) throws {
        try self.init(inputs: Tensor(shape: [images.count, images.height, images.width, images.channels],
                                     scalars: images.pixels),
                      labels: images.labels, classes: images.classCount)
    }
}
