import Foundation
import ConvLabCore
import ConvLabNN

/// One op timed on both paths after its results were compared: `convlab bench` builds a list of
/// these, validates every one ("all results match"), then times them.
package struct OpBenchmark {
    package let name: String
    /// Floating-point operations of one call (multiply-add = 2), for GFLOP/s; 0 when not meaningful.
    package let flops: Double
    /// `|fast - reference| <= atol + rtol * |reference|` elementwise.
    package let atol: Float
    package let rtol: Float
    package let reference: () throws -> [Tensor<Float>]
    package let fast: () throws -> [Tensor<Float>]

    package init(name: String, flops: Double, tolerance: Tolerance = Tolerance(atol: 1e-4, rtol: 1e-4),
                reference: @escaping () throws -> [Tensor<Float>], fast: @escaping () throws -> [Tensor<Float>]) {
        self.name = name
        self.flops = flops
        self.atol = Float(tolerance.atol)
        self.rtol = Float(tolerance.rtol)
        self.reference = reference
        self.fast = fast
    }

    /// Runs both paths once and compares every output.
    /// - Returns: the largest absolute difference, whether every element was within tolerance,
    ///   and the calls the fast path handed to the reference.
    package func validate() throws -> (maxAbsError: Float, matches: Bool, fallbacks: [Fallback]) {
        let expected = try reference()
        let (actual, fallbacks) = try Fallback.recorded(during: fast)
        let tolerance = Tolerance(atol: Double(atol), rtol: Double(rtol))
        guard expected.count == actual.count else { return (.infinity, false, fallbacks) }
        let worst = zip(actual, expected).map { maxAbsError($0, $1) }.max() ?? 0
        let matches = zip(actual, expected).allSatisfy { compare($0, $1, tolerance) == nil }
        return (Float(worst), matches, fallbacks)
    }
}

/// Every op of `OpTable` at its benchmark shapes for `batch`, forward and backward, each on both
/// paths: what `convlab bench` validates and times, named `LABEL_forward` and `LABEL_backward`.
/// - Parameters:
///   - batch: the batch size of every benchmark shape.
///   - seed: the seed of the example tensors' values.
///   - including: which names to build (the others cost nothing).
/// - Throws: when an op's fast forward pass, run once to size the upstream gradient, throws.
package func opBenchmarks(batch: Int, seed: UInt64 = 7, including: (String) -> Bool = { _ in true }) throws -> [OpBenchmark] {
    let reference = Kernels(.reference), fast = Kernels(.fast)
    var benchmarks: [OpBenchmark] = []
    var generator = SeededGenerator(seed: seed)
    for op in OpTable.all {
        for example in op.benchmarks(batch) {
            let forwardName = example.label + "_forward", backwardName = example.label + "_backward"
            let call = example.call(for: op, seed: generator.next())
            let gradientSeed = generator.next()
            if including(forwardName) {
                benchmarks.append(OpBenchmark(name: forwardName, flops: example.flops, tolerance: example.tolerance,
                                              reference: { try op.forward(call, on: reference.ops) },
                                              fast: { try op.forward(call, on: fast.ops) }))
            }
            guard op.hasBackward, (try? example.attributes.bool("training", default: true, op: op.name)) ?? true,
                  including(backwardName) else { continue }
            // The upstream gradient has the output's shape; the forward outputs (dropout's mask)
            // are the same on both paths, so the fast path's serve both backward passes.
            let outputs = try op.forward(call, on: fast.ops)
            var draws = SeededGenerator(seed: gradientSeed)
            let dy = ExampleValues.uniform(1).tensor(outputs[0].shape, generator: &draws)
            benchmarks.append(OpBenchmark(name: backwardName, flops: 2 * example.flops, tolerance: example.gradientTolerance,
                                          reference: { try op.backward(call, outputs: outputs, dy: dy, on: reference.ops).map(\.tensor) },
                                          fast: { try op.backward(call, outputs: outputs, dy: dy, on: fast.ops).map(\.tensor) }))
        }
    }
    return benchmarks
}

/// Seconds taken by the fastest of `repeats` calls of `body` (after one warm-up call unless
/// `warmUp` is false): the least-disturbed run on a shared machine.
package func bestTime(repeats: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows -> Double {
    if warmUp { try body() }
    var best = Double.infinity
    for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

/// The fastest of `repeats` calls by wall clock and, separately, by CPU time of the whole process
/// (all threads). On a machine shared with other work the wall time grows with the load; the CPU
/// time of a one-thread run does not, so it shows what the code costs on an idle core.
package func bestTimes(repeats: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    try body()
    var wall = Double.infinity, cpu = Double.infinity
    for _ in 0..<max(1, repeats) {
        let startCPU = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        wall = min(wall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpu = min(cpu, processCPUSeconds() - startCPU)
    }
    return (wall, cpu)
}

/// CPU seconds used so far by every thread of this process.
package func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A benchmark figure as `convlab bench --json` prints it: `{"name": ..., "value": ..., "unit": ...}`.
package struct BenchmarkFigure: Sendable {
    package let name: String
    package let value: Double
    package let unit: String

    package init(_ name: String, _ value: Double, _ unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    /// One JSON object on one line.
    package var json: String {
        let number = value.isFinite ? String(format: "%.6g", value) : "null"
        return "{\"name\": \"\(name)\", \"value\": \(number), \"unit\": \"\(unit)\"}"
    }
}
