import Foundation

/// Which build of the SIMD micro-kernels this CPU can run.
///
/// Swift has no `cpuid`, so the answer comes from the operating system: the `flags` line of
/// /proc/cpuinfo on Linux, `sysctl hw.optional.*` on macOS. The AVX2 build is compiled for
/// Haswell (`-target-cpu haswell`, the x86-64-v3 level), so every feature of that level must be
/// present, not only avx2 and fma.
enum CPUFeatures {
    static let hasAVX2AndFMA: Bool = {
        #if arch(x86_64)
        if ProcessInfo.processInfo.environment["CONVLAB_NO_AVX2"] != nil { return false }
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            return false
        }
        let flags = Set(line.split(separator: " ").map(String.init))
        return ["avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"].allSatisfy(flags.contains)
        #elseif os(macOS)
        return ["hw.optional.avx2_0", "hw.optional.fma", "hw.optional.bmi2"].allSatisfy { sysctlFlag($0) }
        #else
        return false
        #endif
        #else
        return false
        #endif
    }()

    #if os(macOS)
    private static func sysctlFlag(_ name: String) -> Bool {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
    }
    #endif
}
