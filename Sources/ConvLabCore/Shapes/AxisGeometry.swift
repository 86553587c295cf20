/// The validated shapes of the ops that reduce along axes: softmax and the cross-entropies (one
/// axis), batch norm (the leading axes). Shared by the reference loops and the fast twins.

/// A tensor seen as `[outer, length, inner]` around one axis, so a reduction along any axis is a
/// loop over `k in 0..<length` at a fixed `(outer, inner)`. Shared by softmax and the
/// cross-entropy losses.
package struct SoftmaxAxis: Sendable {
    package let shape: [Int]
    /// The axis, made non-negative.
    package let axis: Int
    /// The product of the dimensions before `axis`.
    package let outer: Int
    /// `shape[axis]`.
    package let length: Int
    /// The product of the dimensions after `axis`: the stride between neighbours along `axis`.
    package let inner: Int

    /// - Throws: `ConvLabError` naming `op` when `shape` is a scalar or `axis` is outside `-rank..<rank`.
    package init(_ shape: [Int], axis: Int, op: String) throws {
        let rank = shape.count
        guard rank >= 1 else {
            throw ConvLabError.shape(op: op, message: "x must have rank >= 1 to have an axis, got a scalar []")
        }
        guard axis >= -rank && axis < rank else {
            throw ConvLabError.argument(op: op,
                message: "axis \(axis) is out of range for rank \(rank) (\(describeShape(shape))); use \(-rank)..<\(rank)")
        }
        self.shape = shape
        self.axis = axis < 0 ? axis + rank : axis
        outer = shape[..<self.axis].reduce(1, *)
        length = shape[self.axis]
        inner = shape[(self.axis + 1)...].reduce(1, *)
    }

    /// The shape with `axis` removed: the shape of a per-example loss.
    package var reducedShape: [Int] {
        var result = shape
        result.remove(at: axis)
        return result
    }

    @inline(__always) package func index(_ outer: Int, _ k: Int, _ inner: Int) -> Int {
        (outer * length + k) * self.inner + inner
    }

    /// Calls `body(slice, position)` for every 1-D slice along `axis`, `(outer, inner)` in
    /// row-major order: `slice` is the flat indices `index(outer, k, inner)` for `k in 0..<length`,
    /// and `position = outer * inner + inner` is the slice's place in `reducedShape`.
    @inline(__always)
    package func forEachSlice(_ body: (_ slice: StrideTo<Int>, _ position: Int) -> Void) {
        for o in 0..<outer {
            for i in 0..<inner {
                let start = index(o, 0, i)
                body(stride(from: start, to: start + length * inner, by: inner), o * inner + i)
            }
        }
    }

    /// Throws unless `other` equals the shape this layout was made for.
    package func check(_ other: [Int], name: String, op: String) throws {
        guard other == shape else {
            throw ConvLabError.shape(op: op,
                message: "\(name) is \(describeShape(other)) but x is \(describeShape(shape))")
        }
    }

    /// `max_k x[slice[k]]` (-infinity for an empty axis).
    package func maximum<Scalar: TensorScalar>(_ x: [Scalar], _ slice: StrideTo<Int>) -> Scalar {
        var m = -Scalar.infinity
        for index in slice { m = Swift.max(m, x[index]) }
        return m
    }

    /// `log Σ_k exp(x[slice[k]] - maximum)`: at least `log 1 = 0`, never overflowing.
    package func logSumExpShifted<Scalar: TensorScalar>(_ x: [Scalar], _ slice: StrideTo<Int>,
                                                maximum m: Scalar) -> Scalar {
        var sum: Scalar = 0
        for index in slice { sum += Scalar.exp(x[index] - m) }
        return Scalar.log(sum)
    }
}

/// Which parameter each element of a batch-normalized tensor belongs to.
///
/// The reduced axes are the leading `k` axes, so the parameters live on the trailing axes and,
/// in row-major order, element `e` belongs to parameter `e % parameterCount`; each parameter
/// averages over `groupSize = count / parameterCount` elements.
package struct BatchNormGeometry: Equatable, Sendable {
    /// The shape of `x`.
    package let shape: [Int]
    /// The trailing, unreduced axes of `x`: the shape of `gamma`, `beta`, the mean and the variance.
    package let parameterShape: [Int]
    /// The number of elements of `parameterShape`.
    package let parameterCount: Int
    /// `m`, the elements behind one mean and variance.
    package let groupSize: Int

    /// - Throws: `ConvLabError` naming `op` when `axes` are not `[0, ..., k-1]` for `1 <= k <= rank`
    ///   or a reduced axis is empty.
    package init(x shape: [Int], axes: [Int], op: String) throws {
        guard !shape.isEmpty else {
            throw ConvLabError.shape(op: op, message: "x must have at least one axis, got \(describeShape(shape))")
        }
        guard !axes.isEmpty, axes.count <= shape.count, axes == Array(0..<axes.count) else {
            throw ConvLabError.argument(op: op,
                message: "axes \(axes) must be the leading axes [0, ..., k-1] of x \(describeShape(shape)), e.g. [0, 1, 2] for NHWC")
        }
        self.shape = shape
        parameterShape = Array(shape.dropFirst(axes.count))
        parameterCount = parameterShape.reduce(1, *)
        groupSize = shape.prefix(axes.count).reduce(1, *)
        guard groupSize >= 1 else {
            throw ConvLabError.shape(op: op,
                message: "x \(describeShape(shape)) has no elements along axes \(axes) to average over")
        }
    }

    /// The parameter (channel) of flat element `e`.
    @inline(__always) func parameterIndex(_ e: Int) -> Int { e % parameterCount }

    /// Throws unless `parameter` has the shape `parameterShape`.
    package func checkParameter(_ parameter: [Int], name: String, op: String) throws {
        guard parameter == parameterShape else {
            throw ConvLabError.shape(op: op,
                message: "\(name) is \(describeShape(parameter)) but x \(describeShape(shape)) needs \(describeShape(parameterShape))")
        }
    }
}
