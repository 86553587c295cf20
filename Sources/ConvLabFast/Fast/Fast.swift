import Dispatch
import Foundation
import ConvLabCore

// The fast path's settings and thread pool; `Fast` itself is declared in ConvLabCore (Ops/).
extension Fast {
    /// How many threads the fast kernels use (default: the active cores). Set it to 1 to measure
    /// one core; values below 1 count as 1 and values above `maximumThreads` as that.
    public static var threads: Int {
        get { settings.withLock { $0 } }
        set { settings.withLock { $0 = min(max(1, newValue), maximumThreads) } }
    }

    /// The most threads the fast kernels use (256): more only queue behind the cores, and each
    /// takes its own scratch buffers.
    package static let maximumThreads = 256

    /// Whether this CPU can run the AVX2 + FMA build of the micro-kernels (false off x86-64).
    package static let cpuHasAVX2: Bool = CPUFeatures.hasAVX2AndFMA

    /// Whether the fast path uses the AVX2 + FMA build of the micro-kernels: true when the CPU
    /// has them. Set it to false to run the baseline build (the cross-check tests run both);
    /// setting it to true on a CPU without AVX2 leaves it false.
    package static var usesAVX2: Bool {
        get { avx2Setting.withLock { $0 } }
        set { avx2Setting.withLock { $0 = newValue && cpuHasAVX2 } }
    }

    /// A one-line description of the kernels this process uses, for benchmarks and logs.
    public static var configurationDescription: String {
        #if arch(x86_64)
        let simd = usesAVX2 ? "AVX2+FMA micro-kernels (ConvLabSIMDAVX2)" : "SSE2 micro-kernels (ConvLabSIMD; no AVX2+FMA on this CPU)"
        #else
        let simd = "NEON micro-kernels (ConvLabSIMD)"
        #endif
        return "\(simd), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    private static let settings: LockedValue<Int> = {
        keepLargeBlocksInHeap()
        return LockedValue(ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// glibc serves every block over 128 KB-32 MB with a fresh `mmap` and unmaps it on free, so
    /// each new activation tensor of a training step (12 MB for conv1's) page-faults and is
    /// zeroed by the kernel again: measured ~30% of the CPU time of a step. Raising the mmap and
    /// trim thresholds lets freed tensors be reused from the heap, the cheap version of reusing
    /// buffers across steps. Runs once, the first time the fast path is used.
    private static func keepLargeBlocksInHeap() {
        #if os(Linux)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        _ = glibcMallopt(mmapThreshold, 1 << 30)
        _ = glibcMallopt(trimThreshold, 1 << 30)
        #endif
    }
    private static let avx2Setting = LockedValue(cpuHasAVX2)

    /// Runs `body(0..<count)` on up to `threads` threads, task `i` on worker `i % workers`.
    /// The tasks must write disjoint memory.
    static func parallelFor(_ count: Int, threads: Int = Fast.threads, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for task in 0..<count { body(task) }
            return
        }
        // The tasks share raw pointers, which Swift cannot prove safe; disjoint writes make it so.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var task = worker
                while task < count {
                    shared.value(task)
                    task += workers
                }
            }
        }
    }
}

/// A value handed to other threads on the caller's promise that they use it safely.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A value behind a lock, for the few process-wide settings.
final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)`; Swift's Glibc module does not import malloc.h.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// The fast twins are the other path; the composite ops they do not replace come from `KernelOps`.
extension Fast: KernelOps {}
