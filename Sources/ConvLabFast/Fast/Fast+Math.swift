import ConvLabCore

// Vector exp, expm1, log1p and tanh on four Float lanes, for the fast activations, softmax and
// losses.
//
// The reference calls the C library's `expf`/`tanhf`/`log1pf` once per element; the compiler
// cannot vectorize across such calls, and each costs several ns. These are the classic Cephes
// single-precision algorithms (Moshier), written for `SIMD4<Float>` with no branches: range
// reduction to a small interval, a short polynomial there, and a select between the cases. The
// ops built on them stay within 4 ulps of the Double result over the Float range
// (`FastCrossCheckOpsTests` asserts it, and each op against its reference twin) and keep libm's
// behaviour at the ends of the range: arguments below -87 give exp = 0 and expm1 = -1 (libm would
// give a subnormal of at most 1.7e-38 there), and NaN stays NaN. Every caller needs exp only of a
// non-positive argument (sigmoid of -|x|, softmax of x - max, ELU below 0), so the functions are
// defined for x <= 0 and make no attempt at overflow.

extension Fast {
    typealias Lanes = SIMD4<Float>

    /// `exp(x) = scale * (1 + pm1)` for `x <= 0`: `scale = 2^n` and `pm1 = exp(r) - 1` with
    /// `r = x - n ln 2` in [-ln2/2, ln2/2], split so that expm1 near 0 loses no digits.
    @inline(__always)
    static func expParts(_ x: Lanes) -> (scale: Lanes, pm1: Lanes) {
        let clamped = x.replacing(with: -87, where: x .< -87)
        // Adding 1.5 * 2^23 rounds x / ln2 to the nearest integer n, which then sits in the low
        // mantissa bits of `shifted`.
        let magic = Lanes(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        // r = x - n ln2, with ln2 in two parts (Cody and Waite) so that n * 0.693359375 is exact.
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_91e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let pm1 = p * (r * r) + r
        let exponent = unsafeBitCast(shifted, to: SIMD4<Int32>.self) &- unsafeBitCast(magic, to: SIMD4<Int32>.self)
        let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: Lanes.self)
        return (scale, pm1)
    }

    /// `exp(x)` for `x <= 0`; 0 below -87; NaN for NaN.
    @inline(__always)
    static func expOfNonPositive(_ x: Lanes) -> Lanes {
        let (scale, pm1) = expParts(x)
        return (scale * pm1 + scale).replacing(with: 0, where: x .< -87).replacing(with: x, where: x .!= x)
    }

    /// `exp(x) - 1` for `x <= 0` without cancellation near 0 (`2^n pm1 + (2^n - 1)`, exactly
    /// `pm1` when n = 0); -1 below -87; NaN for NaN.
    @inline(__always)
    static func expm1OfNonPositive(_ x: Lanes) -> Lanes {
        let (scale, pm1) = expParts(x)
        return (scale * pm1 + (scale - 1)).replacing(with: -1, where: x .< -87).replacing(with: x, where: x .!= x)
    }

    /// `log(1 + e)` for `e` in [0, 1]. Up to sqrt(2) - 1 the polynomial takes `e` itself (no
    /// rounding of 1 + e); above it, `ln 2 + log(1 + f)` with `f = (e - 1) / 2` in (-0.293, 0].
    @inline(__always)
    static func log1pOfUnit(_ e: Lanes) -> Lanes {
        let large = e .> 0.414_213_56
        let f = e.replacing(with: (e - 1) * 0.5, where: large)
        let k = Lanes(repeating: 0).replacing(with: 1, where: large)
        let z = f * f
        var p = Lanes(repeating: 7.037_683_629_2e-2)
        p = p * f - 1.151_461_031_0e-1
        p = p * f + 1.167_699_874_0e-1
        p = p * f - 1.242_014_084_6e-1
        p = p * f + 1.424_932_278_7e-1
        p = p * f - 1.666_805_766_5e-1
        p = p * f + 2.000_071_476_5e-1
        p = p * f - 2.499_999_399_3e-1
        p = p * f + 3.333_333_117_4e-1
        // ln2 = 0.693359375 - 2.12194440e-4, the small part added first.
        let y = f * z * p - 0.5 * z - k * 2.121_944_40e-4
        return f + y + k * 0.693_359_375
    }

    /// The logistic sigmoid `1 / (1 + exp(-x))`, as `Reference.stableSigmoid`: with
    /// `e = exp(-|x|)`, `1 / (1 + e)` for x >= 0 and `e / (1 + e)` below, so exp never overflows.
    @inline(__always)
    static func sigmoid(_ x: Lanes) -> Lanes {
        let e = expOfNonPositive(-absolute(x))
        let positive = 1 / (1 + e)
        return positive.replacing(with: e * positive, where: x .< 0)
    }

    /// `tanh(x)`: for |x| < 0.625 Cephes' odd polynomial `x + x^3 P(x^2)`; above,
    /// `sign(x) (1 - e) / (1 + e)` with `e = exp(-2|x|)`, which tends to +-1 without overflow.
    @inline(__always)
    static func tanh(_ x: Lanes) -> Lanes {
        let magnitude = absolute(x)
        let e = expOfNonPositive(-2 * magnitude)
        var large = (1 - e) / (1 + e)
        large = large.replacing(with: -large, where: x .< 0)
        let z = x * x
        var p = Lanes(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        return large.replacing(with: small, where: magnitude .< 0.625)
    }

    /// `|x|` lane by lane (the sign bit cleared).
    @inline(__always)
    static func absolute(_ x: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt32>.self) & 0x7fff_ffff, to: Lanes.self)
    }

    /// Four floats from `p`.
    @inline(__always)
    static func loadLanes(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    /// Stores four lanes at `p`.
    @inline(__always)
    static func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    /// The last `count` (< 4) floats from `p`, zeros in the other lanes: for the end of a buffer,
    /// outside the vector loops.
    static func loadLanes(_ p: UnsafePointer<Float>, _ count: Int) -> Lanes {
        var v = Lanes(repeating: 0)
        for lane in 0..<Swift.min(count, 4) { v[lane] = p[lane] }
        return v
    }

    /// Stores the first `count` (< 4) lanes of `v` at `p`.
    static func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for lane in 0..<Swift.min(count, 4) { p[lane] = v[lane] }
    }
}
