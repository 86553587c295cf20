/// A dense tensor: a shape and its scalars in contiguous row-major order (last index fastest).
///
/// Images are NHWC `[batch, height, width, channels]`; convolution filters are HWIO
/// `[kernelHeight, kernelWidth, inChannels, outChannels]`, as in `tf.nn`.
/// A tensor of shape `[]` is a scalar holding one value.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// The size of each dimension.
    public private(set) var shape: [Int]
    /// All elements, row-major. The count always equals the product of `shape`.
    public package(set) var scalars: [Scalar]

    /// Creates a tensor from a shape and row-major scalars.
    /// - Throws: `ConvLabError.shape` when a dimension is negative, the shape is beyond
    ///   `TensorShape.maximumExtent`, or the count does not match.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let expected = try TensorShape.elementCount(shape, op: "Tensor")
        guard scalars.count == expected else {
            throw ConvLabError.shape(op: "Tensor",
                message: "shape \(describeShape(shape)) needs \(expected) scalars but \(scalars.count) were given")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element equal to `value`.
    /// - Throws: `ConvLabError.shape` for a negative dimension or a shape beyond
    ///   `TensorShape.maximumExtent`.
    public init(shape: [Int], repeating value: Scalar) throws {
        let count = try TensorShape.elementCount(shape, op: "Tensor")
        self.init(uncheckedShape: shape, scalars: Array(repeating: value, count: count))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) throws {
        try self.init(shape: shape, repeating: 0)
    }

    /// For ops that have already checked the shape: no validation.
    @usableFromInline
    package init(uncheckedShape shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// A zero tensor whose shape the caller has already validated.
    @usableFromInline
    package static func zerosUnchecked(_ shape: [Int]) -> Tensor {
        Tensor(uncheckedShape: shape, scalars: Array(repeating: 0, count: shape.reduce(1, *)))
    }

    // MARK: - Nested literals (tests and lectures)

    /// A rank-0 tensor.
    public init(scalar: Scalar) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    /// A rank-1 tensor: `Tensor([1, 2, 3])`.
    public init(_ vector: [Scalar]) {
        self.init(uncheckedShape: [vector.count], scalars: vector)
    }

    /// A rank-2 tensor: `Tensor([[1, 2], [3, 4]])`.
    /// - Throws: `ConvLabError.shape` when the rows are ragged.
    public init(_ matrix: [[Scalar]]) throws {
        let rows = matrix.map { Tensor($0) }
        try self.init(stacking: rows, outer: matrix.count)
    }

    /// A rank-3 tensor from nested arrays.
    public init(_ nested: [[[Scalar]]]) throws {
        try self.init(stacking: nested.map { try Tensor($0) }, outer: nested.count)
    }

    /// A rank-4 tensor from nested arrays, such as an NHWC batch written out by hand.
    public init(_ nested: [[[[Scalar]]]]) throws {
        try self.init(stacking: nested.map { try Tensor($0) }, outer: nested.count)
    }

    private init(stacking parts: [Tensor], outer: Int) throws {
        guard let first = parts.first else {
            self.init(uncheckedShape: [0], scalars: [])
            return
        }
        for part in parts where part.shape != first.shape {
            throw ConvLabError.shape(op: "Tensor",
                message: "ragged nested literal: \(describeShape(part.shape)) beside \(describeShape(first.shape))")
        }
        self.init(uncheckedShape: [outer] + first.shape, scalars: parts.flatMap(\.scalars))
    }

    /// A one-image, one-channel NHWC tensor `[1, H, W, 1]` from rows of pixels, the way the
    /// lectures write their toy images.
    public init(image rows: [[Scalar]]) throws {
        let matrix = try Tensor(rows)
        try self.init(shape: [1] + matrix.shape + [1], scalars: matrix.scalars)
    }

    /// Converts between precisions: `Tensor<Double>(floatTensor)`.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        self.init(uncheckedShape: other.shape, scalars: other.scalars.map { Scalar($0) })
    }

    // MARK: - Shape

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { scalars.count }

    /// Row-major strides: `strides[k]` elements separate neighbours along axis `k`.
    public var strides: [Int] {
        var result = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            result[axis] = step
            step *= shape[axis]
        }
        return result
    }

    /// The same scalars under a new shape; one dimension may be `-1` and is then inferred.
    /// - Throws: `ConvLabError.shape` when the counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        if unknown.count == 1 {
            let known = (try? TensorShape.elementCount(newShape.filter { $0 != -1 }, op: "reshape")) ?? 0
            guard known > 0, count % known == 0 else {
                throw ConvLabError.shape(op: "reshape",
                    message: "cannot reshape \(describeShape(shape)) to \(describeShape(newShape))")
            }
            resolved[unknown[0]] = count / known
        }
        guard (try? TensorShape.elementCount(resolved, op: "reshape")) == count else {
            throw ConvLabError.shape(op: "reshape",
                message: "cannot reshape \(describeShape(shape)) (\(count) scalars) to \(describeShape(newShape))")
        }
        return Tensor(uncheckedShape: resolved, scalars: scalars)
    }

    /// The flat offset of a multi-index.
    @inlinable
    public func offset(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "index rank \(indices.count) != tensor rank \(shape.count)")
        var offset = 0
        for axis in indices.indices {
            precondition(indices[axis] >= 0 && indices[axis] < shape[axis],
                         "index \(indices) out of range for shape \(describeShape(shape))")
            offset = offset * shape[axis] + indices[axis]
        }
        return offset
    }

    /// Element access by multi-index, `t[0, 1, 2, 0]`. Out-of-range indices trap, as for `Array`.
    public subscript(_ indices: Int...) -> Scalar {
        get { scalars[offset(indices)] }
        set { scalars[offset(indices)] = newValue }
    }

    /// Mutable access to the storage, for layers and optimizers that update in place.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Tensor {
        Tensor(uncheckedShape: shape, scalars: try scalars.map(transform))
    }

    /// The largest `|self - other|` over all elements.
    /// - Throws: `ConvLabError.shape` when the shapes differ.
    public func maxAbsDifference(_ other: Tensor) throws -> Scalar {
        guard shape == other.shape else {
            throw ConvLabError.shape(op: "maxAbsDifference",
                message: "\(describeShape(shape)) vs \(describeShape(other.shape))")
        }
        var worst: Scalar = 0
        for i in scalars.indices { worst = Swift.max(worst, abs(scalars[i] - other.scalars[i])) }
        return worst
    }

    /// The sum of all elements.
    public func sum() -> Scalar { scalars.reduce(0, +) }
}
