/// The gradient checker, CS231n's `gradient_check.py` for ConvLab: centred differences in
/// `Double` and the relative error that judges a backward pass. The tests, the lectures and a
/// student checking a new op all use these; module 9 shows the two `// @code` regions below.

// @code numerical-gradient
/// The gradient of a scalar loss by centred differences: (L(x + h) - L(x - h)) / 2h, one
/// element at a time.
public func numericalGradient(_ loss: (Tensor<Double>) throws -> Double, at x: Tensor<Double>,
                              h: Double = 1e-5) rethrows -> Tensor<Double> {
    var gradient = x
    var probe = x
    for i in 0..<x.count {
        let original = x.scalars[i]
        probe.withUnsafeMutableBufferPointer { $0[i] = original + h }
        let plus = try loss(probe)
        probe.withUnsafeMutableBufferPointer { $0[i] = original - h }
        let minus = try loss(probe)
        probe.withUnsafeMutableBufferPointer { $0[i] = original }
        gradient.withUnsafeMutableBufferPointer { $0[i] = (plus - minus) / (2 * h) }
    }
    return gradient
}
// @end

/// The numerical gradient of `L = sum(f(x) * dOut)` with respect to `x`, for an op `f` whose
/// backward pass takes the upstream gradient `dOut` (the same shape as `f(x)`).
///
/// The differences are taken per output element before they are weighted and summed: outputs
/// the probe does not touch then contribute exactly 0, whereas differencing two full sums
/// `L(x + h) - L(x - h)` would add their rounding noise (measured: 1.8e-7 instead of < 1e-7
/// relative error on a strided conv1d). That is why this is not written through the scalar form.
/// - Parameters:
///   - f: the op, as a function of the one input being checked.
///   - x: the point.
///   - dOut: the upstream gradient.
///   - h: the step (1e-5 by default, CS231n's choice for Double).
public func numericalGradient(
    of f: (Tensor<Double>) throws -> Tensor<Double>, at x: Tensor<Double>, upstream dOut: Tensor<Double>,
    h: Double = 1e-5
) rethrows -> Tensor<Double> {
    var gradient = x
    var probe = x
    for i in 0..<x.count {
        let original = x.scalars[i]
        probe.withUnsafeMutableBufferPointer { $0[i] = original + h }
        let plus = try f(probe)
        probe.withUnsafeMutableBufferPointer { $0[i] = original - h }
        let minus = try f(probe)
        probe.withUnsafeMutableBufferPointer { $0[i] = original }
        var slope = 0.0
        for k in 0..<min(dOut.count, plus.count, minus.count) {
            slope += (plus.scalars[k] - minus.scalars[k]) * dOut.scalars[k]
        }
        gradient.withUnsafeMutableBufferPointer { $0[i] = slope / (2 * h) }
    }
    return gradient
}

// @code relative-error
/// CS231n's assignment helper `rel_error`: the largest over all elements of
/// |a - n| / max(1e-8, |a| + |n|) (infinity when the shapes differ or an element is NaN).
public func relativeError(_ analytic: Tensor<Double>, _ numeric: Tensor<Double>) -> Double {
    guard analytic.shape == numeric.shape else { return .infinity }
    var worst = 0.0
    for i in 0..<analytic.count {
        let error = relativeError(analytic.scalars[i], numeric.scalars[i])
        if error.isNaN { return .infinity }
        worst = max(worst, error)
    }
    return worst
}

/// One element's relative error, |a - n| / max(1e-8, |a| + |n|).
public func relativeError(_ a: Double, _ n: Double) -> Double {
    abs(a - n) / max(1e-8, abs(a) + abs(n))
}
// @end

/// CS231n's relative error, `max|a - n| / max(1e-8, |a| + |n|)`, taken element-wise and
/// reported at the worst element, with the input value there so a student can act on it.
package struct GradientReport: CustomStringConvertible, Sendable {
    package let relativeError: Double
    package let index: [Int]
    package let analytic: Double
    package let numeric: Double
    package let input: Double

    package var description: String {
        index.isEmpty && relativeError.isInfinite
            ? "the gradients' shapes differ"
            : "relative error \(relativeError) at \(index): analytic \(analytic), numeric \(numeric), input \(input)"
    }
}

/// Compares an analytic gradient with a numerical one.
/// - Parameters:
///   - analytic: the backward pass's gradient.
///   - numeric: `numericalGradient`'s.
///   - input: the tensor the gradient is taken with respect to (only for the report).
/// - Returns: the worst element; an infinite error with no index when the shapes differ.
package func gradientReport(analytic: Tensor<Double>, numeric: Tensor<Double>,
                           input: Tensor<Double>) -> GradientReport {
    guard analytic.shape == numeric.shape else {
        return GradientReport(relativeError: .infinity, index: [], analytic: .nan, numeric: .nan, input: .nan)
    }
    var worst = GradientReport(relativeError: 0, index: [], analytic: 0, numeric: 0, input: 0)
    for i in 0..<analytic.count {
        let a = analytic.scalars[i], n = numeric.scalars[i]
        let rel = relativeError(a, n)
        if rel.isNaN || rel > worst.relativeError || worst.index.isEmpty {
            worst = GradientReport(relativeError: rel.isNaN ? .infinity : rel,
                                   index: unravel(i, analytic.shape), analytic: a, numeric: n,
                                   input: input.count == analytic.count ? input.scalars[i] : .nan)
        }
    }
    return worst
}
