import ConvLabSIMD
#if arch(x86_64)
import ConvLabSIMDAVX2
#endif
import Dispatch
import ConvLabCore

extension Fast {
    /// This machine's measured peak in GFLOP/s on `threads` threads: every thread runs twelve
    /// independent SIMD8 multiply-add chains (`fmaPeakProbe`, in the micro-kernel build this
    /// process uses) for about `seconds`; the best of `repeats` runs counts. On a busy machine
    /// the other processes' share of the cores is missing from the figure, as from any other.
    package static func measuredPeakGFLOPs(threads: Int = Fast.threads, seconds: Double = 0.05, repeats: Int = 3) -> Double {
        let flopsPerIteration = 12.0 * 8 * 2
        let results = scratch(Float.self, threads)
        defer { recycle(results) }
        var check: Float = 0
        func run(_ iterations: Int) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            parallelFor(threads, threads: threads) { task in results[task] = probe(iterations, Float(task) * 1e-3) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            for task in 0..<threads { check += results[task] }   // the results are used: the work stays
            return seconds
        }
        // Size the run from a short one (about 1 GFLOP per thread at 100 GFLOP/s takes 10 ms).
        let trial = 200_000
        let once = max(run(trial), 1e-6)
        let iterations = max(trial, Int(Double(trial) * seconds / once))
        var best = Double.infinity
        for _ in 0..<max(1, repeats) { best = min(best, run(iterations)) }
        // The chains converge to 1, so the sum is finite; NaN would mean a broken probe.
        return check.isFinite ? Double(threads) * Double(iterations) * flopsPerIteration / best / 1e9 : 0
    }

    /// The probe build this CPU can run.
    static func probe(_ iterations: Int, _ seed: Float) -> Float {
        #if arch(x86_64)
        if usesAVX2 { return ConvLabSIMDAVX2.fmaPeakProbe(iterations, seed) }
        #endif
        return ConvLabSIMD.fmaPeakProbe(iterations, seed)
    }
}
