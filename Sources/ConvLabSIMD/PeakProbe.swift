// The machine's FMA peak, measured: the yardstick `convlab bench` divides every GFLOP/s by.

/// Runs `iterations` steps of twelve independent chains `c = c * a + b` on `SIMD8<Float>` vectors
/// (one fused multiply-add each where the build has FMA, a multiply and an add elsewhere) and
/// returns a sum of the chains, so that none of the work can be optimized away.
///
/// Twelve chains cover an FMA unit's latency times its issue rate on current x86-64 and arm64
/// cores (Zen 2: 5 cycles x 2 per cycle = 10 in flight), so the loop runs at the peak rate:
/// `iterations * 12 * 8 * 2` floating-point operations.
/// - Parameters:
///   - iterations: steps of the twelve chains.
///   - seed: the chains' first value (any finite number; they converge to 1).
/// - Returns: the sum of the chains' lanes, finite unless the arithmetic is broken.
@inline(never)
public func fmaPeakProbe(_ iterations: Int, _ seed: Float) -> Float {
    let a = SIMD8<Float>(repeating: 0.9999), b = SIMD8<Float>(repeating: 1e-4)
    var c0 = SIMD8<Float>(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3
    var c4 = c0 + 4, c5 = c0 + 5, c6 = c0 + 6, c7 = c0 + 7
    var c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
    for _ in 0..<iterations {
        c0 = chainStep(c0, a, b); c1 = chainStep(c1, a, b); c2 = chainStep(c2, a, b)
        c3 = chainStep(c3, a, b); c4 = chainStep(c4, a, b); c5 = chainStep(c5, a, b)
        c6 = chainStep(c6, a, b); c7 = chainStep(c7, a, b); c8 = chainStep(c8, a, b)
        c9 = chainStep(c9, a, b); c10 = chainStep(c10, a, b); c11 = chainStep(c11, a, b)
    }
    let sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11))
    return sum.sum()
}

/// `c * a + b`, the next link of a chain: fused where the build has FMA.
@inline(__always)
func chainStep(_ c: SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
#if CONVLAB_FMA || arch(arm64)
    b.addingProduct(c, a)
#else
    c * a + b
#endif
}
