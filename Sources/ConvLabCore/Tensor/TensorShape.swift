/// The limits on a tensor's shape, and the one checked product of its dimensions. `Tensor`
/// itself, the conformance reader, the checkpoint reader and the IDX reader all count elements
/// through `TensorShape.elementCount`, so a shape read from a file can neither overflow `Int`
/// nor describe more than the limit.
///
/// A shape's *extent* is the product of its dimensions with zeros counted as one: how many
/// positions a loop over the non-empty axes visits. The limit bounds the extent, not only the
/// element count, so an empty tensor such as `[1099511627776, 0]` (no elements, but 2^40 rows
/// for a softmax to walk) is refused like a full one of that size.
package enum TensorShape {
    /// The largest extent, and so the largest dimension and element count: 2^31 - 1 (8 GiB of
    /// `Float`), the largest count an `Int32` index reaches.
    package static let maximumExtent = Int(Int32.max)

    /// The number of elements of `shape` (the product of its dimensions).
    /// - Parameters:
    ///   - shape: the dimensions, as given (from a file, an argument or a caller).
    ///   - op: the op or reader named in the error.
    ///   - limit: the largest extent allowed (at most `maximumExtent` is meaningful); readers
    ///     with a tighter budget pass their own.
    /// - Throws: `ConvLabError.shape` naming `op` and the shape when a dimension is negative or
    ///   the extent is larger than `limit`. The product is computed with overflow checks.
    package static func elementCount(_ shape: [Int], op: String, limit: Int = maximumExtent) throws -> Int {
        let extent = try self.extent(shape, op: op, limit: limit)
        return shape.contains(0) ? 0 : extent
    }

    /// The product of the dimensions with zeros counted as one (see the type's comment).
    /// - Throws: as `elementCount`.
    package static func extent(_ shape: [Int], op: String, limit: Int = maximumExtent) throws -> Int {
        var extent = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw ConvLabError.shape(op: op, message: "negative dimension in shape \(describeShape(shape))")
            }
            let (product, overflow) = extent.multipliedReportingOverflow(by: Swift.max(dimension, 1))
            guard !overflow, product <= limit else {
                throw ConvLabError.shape(op: op, message: shape.contains(0)
                    ? "shape \(describeShape(shape)) has no elements but spans more than \(limit) positions (its dimensions multiplied with zeros counted as one), the limit"
                    : "shape \(describeShape(shape)) has more than \(limit) elements, the limit")
            }
            extent = product
        }
        return extent
    }
}
