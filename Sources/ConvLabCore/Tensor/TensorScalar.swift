#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The scalar types a reference op can run in: `Float` for training, `Double` for gradient checks.
///
/// The transcendental functions are spelled out here, once, so that every generic op calls the
/// C library's `expf`/`exp` for the matching precision instead of converting through `Double`.
public protocol TensorScalar: BinaryFloatingPoint, Sendable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// `e^x` in this precision.
    static func exp(_ x: Self) -> Self
    /// `e^x - 1`, accurate near 0.
    static func expm1(_ x: Self) -> Self
    /// The natural logarithm.
    static func log(_ x: Self) -> Self
    /// `log(1 + x)`, accurate near 0.
    static func log1p(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
    /// `x^y`.
    static func pow(_ x: Self, _ y: Self) -> Self
}

// Top-level wrappers: inside `extension Double`, a bare `exp(x)` would find the static member
// first. Float's C names (`expf`, ...) clash with nothing, so its extension calls them directly.
@inline(__always) private func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func cExpm1(_ x: Double) -> Double { expm1(x) }
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func cTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

extension Float: TensorScalar {
    public static func exp(_ x: Float) -> Float { expf(x) }
    public static func expm1(_ x: Float) -> Float { expm1f(x) }
    public static func log(_ x: Float) -> Float { logf(x) }
    public static func log1p(_ x: Float) -> Float { log1pf(x) }
    public static func tanh(_ x: Float) -> Float { tanhf(x) }
    public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: TensorScalar {
    public static func exp(_ x: Double) -> Double { cExp(x) }
    public static func expm1(_ x: Double) -> Double { cExpm1(x) }
    public static func log(_ x: Double) -> Double { cLog(x) }
    public static func log1p(_ x: Double) -> Double { cLog1p(x) }
    public static func tanh(_ x: Double) -> Double { cTanh(x) }
    public static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
}
