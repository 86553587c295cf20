/// Printing the way the lectures print: `[[12, 16], [24, 28]]`.
///
/// Whole numbers print without a decimal point; other values print with at most `decimals`
/// digits after the point, trailing zeros dropped (`0.0625`, `-0.3333`).
extension Tensor: CustomStringConvertible {
    public var description: String { formatted() }

    /// The nested-bracket text of this tensor.
    /// - Parameter decimals: digits kept after the decimal point for non-integral values.
    public func formatted(decimals: Int = 4) -> String {
        if shape.isEmpty { return Tensor.format(scalars[0], decimals: decimals) }
        var text = ""
        func emit(axis: Int, base: Int) {
            text += "["
            let step = strides[axis]
            for i in 0..<shape[axis] {
                if i > 0 { text += ", " }
                if axis == shape.count - 1 {
                    text += Tensor.format(scalars[base + i], decimals: decimals)
                } else {
                    emit(axis: axis + 1, base: base + i * step)
                }
            }
            text += "]"
        }
        emit(axis: 0, base: 0)
        return text
    }

    /// One scalar as the lectures print it; values too large for `decimals` fixed digits print
    /// in Swift's exponent form (`1e+16`).
    public static func format(_ value: Scalar, decimals: Int = 4) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let rounded = value.rounded()
        if rounded == value && abs(value) < 1e15 { return String(Int64(value)) }
        let scale = Scalar.pow(10, Scalar(decimals))
        // Beyond what an Int64 of scaled digits holds (|value| * 10^decimals >= 9e18, or a
        // decimals count that overflows the scale), Swift's shortest form: `1e+16`.
        guard (abs(value) * scale).isFinite, abs(value) * scale < 9e18 else { return "\(value)" }
        let fixed = (value * scale).rounded() / scale
        if fixed == fixed.rounded() && abs(fixed) < 1e15 { return String(Int64(fixed)) }
        // Print the scaled integer and place the point ourselves: exact, no locale, no Foundation.
        let negative = fixed < 0
        var digits = String(Int64((abs(fixed) * scale).rounded()))
        while digits.count <= decimals { digits = "0" + digits }
        var whole = String(digits.dropLast(decimals))
        var fraction = String(digits.suffix(decimals))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }
}
