import ConvLabCore

/// A labelled image set held in memory: MNIST's training, validation or test split.
///
/// Pixels are stored as `Float` in NHWC order, `[count, height, width, channels]`, each the raw
/// byte divided by 255 (so in [0, 1]), or standardised afterwards with `standardized(mean:std:)`.
/// Labels are class indices 0..<classCount; batches also carry them one-hot, as the lectures'
/// `input_data.read_data_sets(..., one_hot=True)` does.
public struct LabeledImages: Sendable {
    public let height: Int
    public let width: Int
    public let channels: Int
    package let classCount: Int
    /// `[count, height, width, channels]`, row-major.
    public private(set) var pixels: [Float]
    /// The class of each image.
    public let labels: [Int]

    /// The number of images.
    public var count: Int { labels.count }
    /// Scalars per image: height * width * channels.
    public var imageSize: Int { height * width * channels }

    /// - Throws: `ConvLabError.shape` when the counts do not agree, `.argument` for a label
    ///   outside 0..<classCount.
    public init(height: Int, width: Int, channels: Int = 1, classCount: Int,
                pixels: [Float], labels: [Int]) throws {
        let op = "LabeledImages"
        guard height > 0, width > 0, channels > 0, classCount > 0 else {
            throw ConvLabError.argument(op: op, message: "height \(height), width \(width), channels \(channels) and classCount \(classCount) must be positive")
        }
        guard pixels.count == labels.count * height * width * channels else {
            throw ConvLabError.shape(op: op, message: "\(labels.count) labels need \(labels.count * height * width * channels) pixels of \(describeShape([labels.count, height, width, channels])), got \(pixels.count)")
        }
        if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw ConvLabError.argument(op: op, message: "label \(labels[bad]) of image \(bad) is outside 0..<\(classCount)")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.classCount = classCount
        self.pixels = pixels
        self.labels = labels
    }

    /// Images and labels from the bytes of two IDX files, pixels divided by 255.
    /// - Throws: `ConvLabError.file` naming the file when the two files disagree or a label is
    ///   out of range (with the label's byte offset in the decompressed file).
    init(images: IDXFile, imagesPath: String, labels: IDXFile, labelsPath: String, classCount: Int) throws {
        guard images.dimensions.count == 3 else {
            throw ConvLabError.file(path: imagesPath, offset: 3, message: "expected images of rank 3 [count, rows, columns], got \(describeShape(images.dimensions))")
        }
        guard labels.dimensions.count == 1 else {
            throw ConvLabError.file(path: labelsPath, offset: 3, message: "expected labels of rank 1 [count], got \(describeShape(labels.dimensions))")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw ConvLabError.file(path: labelsPath, offset: 4, message: "holds \(labels.dimensions[0]) labels but \(imagesPath) holds \(images.dimensions[0]) images")
        }
        guard images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw ConvLabError.file(path: imagesPath, offset: 8, message: "images of \(images.dimensions[1])x\(images.dimensions[2]) pixels are empty")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw ConvLabError.file(path: labelsPath, offset: 8 + bad,
                message: "label \(labels.bytes[bad]) of image \(bad) is outside 0..<\(classCount) (offset in the decompressed data)")
        }
        // x / 255 rather than x * (1 / 255): the exact quotient, as TF's read_data_sets.
        let scaled = images.bytes.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { target, initialized in
                // Raw pointers and a while loop: iterators are slow in debug builds.
                // Raw pointers and a while loop: iterators are slow in debug builds.
                if let from = source.baseAddress, let to = target.baseAddress {
                    var i = 0
                    while i < source.count {
                        to[i] = Float(from[i]) / 255
                        i += 1
                    }
                }
                initialized = source.count
            }
        }
        try self.init(height: images.dimensions[1], width: images.dimensions[2], channels: 1,
                      classCount: classCount, pixels: scaled, labels: labels.bytes.map(Int.init))
    }

    /// The images `range`, as a new set.
    /// - Throws: `ConvLabError.argument` when the range is outside 0..<count.
    public func subset(_ range: Range<Int>) throws -> LabeledImages {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw ConvLabError.argument(op: "LabeledImages.subset", message: "range \(range) is outside 0..<\(count)")
        }
        return try LabeledImages(height: height, width: width, channels: channels, classCount: classCount,
                                 pixels: Array(pixels[range.lowerBound * imageSize ..< range.upperBound * imageSize]),
                                 labels: Array(labels[range]))
    }

    /// The mean and standard deviation of all pixels (population, two-pass in Double).
    public func pixelStatistics() -> (mean: Float, std: Float) {
        guard !pixels.isEmpty else { return (0, 0) }
        let mean = pixels.reduce(0.0) { $0 + Double($1) } / Double(pixels.count)
        let variance = pixels.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(pixels.count)
        return (Float(mean), Float(variance.squareRoot()))
    }

    /// Every pixel replaced by (pixel - mean) / std.
    /// - Throws: `ConvLabError.argument` when `std` is not positive and finite.
    public func standardized(mean: Float, std: Float) throws -> LabeledImages {
        guard std > 0, std.isFinite, mean.isFinite else {
            throw ConvLabError.argument(op: "standardized", message: "std must be positive and finite, got mean \(mean), std \(std)")
        }
        var copy = self
        copy.pixels = pixels.map { ($0 - mean) / std }
        return copy
    }

    /// All images as one tensor `[count, height, width, channels]` (a copy of `pixels`), for
    /// code that takes the whole set at once, such as an evaluation pass.
    package var imagesTensor: Tensor<Float> {
        Tensor(uncheckedShape: [count, height, width, channels], scalars: pixels)
    }

    // MARK: - Batches

    /// The images and labels at `indices`, in that order.
    /// - Returns: images `[B, height, width, channels]`, one-hot labels `[B, classCount]`, and
    ///   the class indices.
    /// - Throws: `ConvLabError.argument` for an index outside 0..<count.
    public func batch<Indices: Collection<Int>>(_ indices: Indices) throws -> Batch {
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw ConvLabError.argument(op: "LabeledImages.batch", message: "index \(bad) is outside 0..<\(count)")
        }
        return uncheckedBatch(indices)
    }

    func uncheckedBatch<Indices: Collection<Int>>(_ indices: Indices) -> Batch {
        let size = imageSize
        var images = [Float]()
        images.reserveCapacity(indices.count * size)
        var oneHot = [Float](repeating: 0, count: indices.count * classCount)
        var classes = [Int]()
        classes.reserveCapacity(indices.count)
        for (row, index) in indices.enumerated() {
            images += pixels[index * size ..< (index + 1) * size]
            oneHot[row * classCount + labels[index]] = 1
            classes.append(labels[index])
        }
        return Batch(images: Tensor(uncheckedShape: [indices.count, height, width, channels], scalars: images),
                     oneHotLabels: Tensor(uncheckedShape: [indices.count, classCount], scalars: oneHot),
                     labels: classes)
    }

    /// Batches of `size` images in file order; the last batch holds the remainder unless
    /// `dropRemainder` is true.
    /// - Throws: `ConvLabError.argument` when `size` is not positive.
    public func batches(size: Int, dropRemainder: Bool = false) throws -> BatchSequence {
        try BatchSequence(data: self, order: Array(0..<count), size: size, dropRemainder: dropRemainder)
    }

    /// Batches of `size` images in an order shuffled by `generator` (Fisher-Yates with the
    /// seeded generator, so the same seed gives the same batches on every platform).
    public func batches(size: Int, shuffledWith generator: inout SeededGenerator,
                        dropRemainder: Bool = false) throws -> BatchSequence {
        try BatchSequence(data: self, order: LabeledImages.shuffledIndices(count, using: &generator),
                          size: size, dropRemainder: dropRemainder)
    }

    /// A random permutation of 0..<count: Fisher-Yates, drawing from the end down.
    public static func shuffledIndices(_ count: Int, using generator: inout SeededGenerator) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            let j = generator.nextInt(below: i + 1)
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }
}

/// One mini-batch: images `[B, H, W, C]`, one-hot labels `[B, classes]` and the class indices.
public struct Batch: Sendable {
    public let images: Tensor<Float>
    package let oneHotLabels: Tensor<Float>
    public let labels: [Int]
}

/// The batches of one epoch, built one at a time as they are iterated.
public struct BatchSequence: Sequence, Sendable {
    public let data: LabeledImages
    /// The image indices of the epoch, in batch order.
    public let order: [Int]
    public let size: Int
    package let dropRemainder: Bool

    init(data: LabeledImages, order: [Int], size: Int, dropRemainder: Bool) throws {
        guard size > 0 else {
            throw ConvLabError.argument(op: "batches", message: "batch size must be positive, got \(size)")
        }
        self.data = data
        self.order = order
        self.size = size
        self.dropRemainder = dropRemainder
    }

    /// The number of batches.
    public var count: Int {
        dropRemainder ? order.count / size : (order.count + size - 1) / size
    }

    public struct Iterator: IteratorProtocol {
        let sequence: BatchSequence
        var index = 0

        public mutating func next() -> Batch? {
            guard index < sequence.count else { return nil }
            let start = index * sequence.size
            let end = Swift.min(start + sequence.size, sequence.order.count)
            index += 1
            return sequence.data.uncheckedBatch(sequence.order[start..<end])
        }
    }

    public func makeIterator() -> Iterator { Iterator(sequence: self) }
}
