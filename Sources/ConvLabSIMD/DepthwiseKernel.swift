// The depthwise convolution micro-kernels: sums of elementwise products of runs of contiguous
// channels. A depthwise conv never mixes channels, so in NHWC every tap of every window is the
// same operation on `C` neighbouring floats: `out[c] += x[c] * w[c]`. Each kernel keeps a block
// of channels in vector registers across all the terms of one sum (the taps of a window, or
// the output pixels of a filter gradient) and writes it once, instead of loading and storing
// the output per term. Three ways to name the terms: a table of pointers (border windows,
// `sdepthwiseSumOfProducts`), one table of offsets for a run of interior windows
// (`sdepthwiseRun`), or two fixed strides (`sdepthwiseStridedSum`).

// 8 lanes where the build has AVX (256-bit registers); 4 lanes (one SSE or NEON register)
// otherwise, since an 8-lane vector on a 128-bit build is split into scalar code.
#if CONVLAB_FMA
typealias ChannelVector = SIMD8<Float>
#else
typealias ChannelVector = SIMD4<Float>
#endif

/// `out[c] (+)= Σ_t left[t][c] * right[t][c]` for `c in 0..<channels`.
///
/// - Parameters:
///   - terms: how many products are summed per channel (0 writes zeros, or leaves `out` as is
///     when accumulating).
///   - left: `terms` pointers, each to `channels` contiguous floats.
///   - right: `terms` pointers, each to `channels` contiguous floats.
///   - channels: the length of each run, and of `out`.
///   - out: `channels` floats, written (or added to) once.
///   - accumulate: add the sums to `out` instead of overwriting it.
/// - Complexity: `terms * channels` multiply-adds, in blocks of two vectors of channels.
@inline(never)
public func sdepthwiseSumOfProducts(
    _ terms: Int, _ left: UnsafePointer<UnsafePointer<Float>>, _ right: UnsafePointer<UnsafePointer<Float>>,
    _ channels: Int, _ out: UnsafeMutablePointer<Float>, _ accumulate: Bool
) {
    sumOfProducts(terms, channels, out, accumulate, left: { left[$0] }, right: { right[$0] })
}

/// `out[c] (+)= Σ_t left(t)[c] * right(t)[c]` for `c in 0..<channels`, the loop all three kernels
/// share: blocks of two vectors of channels, then one vector, then single floats, each block
/// summed in registers over every term and written once. `left(t)` and `right(t)` point at term
/// `t`'s runs of channels.
@inline(__always)
func sumOfProducts(_ terms: Int, _ channels: Int, _ out: UnsafeMutablePointer<Float>, _ accumulate: Bool,
                   left: (Int) -> UnsafePointer<Float>, right: (Int) -> UnsafePointer<Float>) {
    let width = ChannelVector.scalarCount
    var c = 0
    while c + 2 * width <= channels {
        var s0 = ChannelVector(), s1 = ChannelVector()
        for t in 0..<terms {
            let l = UnsafeRawPointer(left(t) + c), r = UnsafeRawPointer(right(t) + c)
            channelFMA(&s0, l.loadUnaligned(as: ChannelVector.self), r.loadUnaligned(as: ChannelVector.self))
            channelFMA(&s1, l.loadUnaligned(fromByteOffset: 4 * width, as: ChannelVector.self),
                       r.loadUnaligned(fromByteOffset: 4 * width, as: ChannelVector.self))
        }
        storeChannels(s0, out + c, accumulate)
        storeChannels(s1, out + c + width, accumulate)
        c += 2 * width
    }
    if c + width <= channels {
        var s = ChannelVector()
        for t in 0..<terms {
            channelFMA(&s, UnsafeRawPointer(left(t) + c).loadUnaligned(as: ChannelVector.self),
                       UnsafeRawPointer(right(t) + c).loadUnaligned(as: ChannelVector.self))
        }
        storeChannels(s, out + c, accumulate)
        c += width
    }
    while c < channels {
        var s: Float = 0
        for t in 0..<terms { s += left(t)[c] * right(t)[c] }
        out[c] = accumulate ? out[c] + s : s
        c += 1
    }
}

@inline(__always)
func channelFMA(_ acc: inout ChannelVector, _ a: ChannelVector, _ b: ChannelVector) {
#if CONVLAB_FMA || arch(arm64)
    acc.addProduct(a, b)
#else
    acc += a * b
#endif
}

@inline(__always)
func storeChannels(_ v: ChannelVector, _ out: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
    let raw = UnsafeMutableRawPointer(out)
    let value = accumulate ? raw.loadUnaligned(as: ChannelVector.self) + v : v
    raw.storeBytes(of: value, as: ChannelVector.self)
}

/// `out[p * outStep + c] = Σ_t source[p * sourceStep + offsets[t] + c] * weights[t][c]` for
/// `p in 0..<pixels`: a run of neighbouring windows that lie wholly inside the image, whose taps
/// sit at the same offsets from each window's corner. One table serves the whole run, so the
/// per-pixel cost is the products alone.
/// - Complexity: `pixels * terms * channels` multiply-adds.
@inline(never)
public func sdepthwiseRun(
    _ pixels: Int, _ source: UnsafePointer<Float>, _ sourceStep: Int,
    _ terms: Int, _ offsets: UnsafePointer<Int>, _ weights: UnsafePointer<UnsafePointer<Float>>,
    _ channels: Int, _ out: UnsafeMutablePointer<Float>, _ outStep: Int
) {
    for p in 0..<pixels {
        let corner = source + p * sourceStep
        sumOfProducts(terms, channels, out + p * outStep, false, left: { corner + offsets[$0] }, right: { weights[$0] })
    }
}

/// `out[c] += Σ_t left[t * leftStep + c] * right[t * rightStep + c]`: a sum along evenly spaced
/// runs of channels (a filter gradient's tap summed over one row of output pixels).
/// - Complexity: `terms * channels` multiply-adds.
@inline(never)
public func sdepthwiseStridedSum(
    _ terms: Int, _ left: UnsafePointer<Float>, _ leftStep: Int, _ right: UnsafePointer<Float>, _ rightStep: Int,
    _ channels: Int, _ out: UnsafeMutablePointer<Float>
) {
    sumOfProducts(terms, channels, out, true, left: { left + $0 * leftStep }, right: { right + $0 * rightStep })
}
