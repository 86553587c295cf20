import ConvLab
import Foundation

let benchCommand = CLICommand(
    name: "bench", summary: "check every fast kernel against its reference twin, then time both and the lecture 7 convnet",
    options: [
        .flag("json", "the figures as one {\"name\",\"value\",\"unit\"} object per line"),
        .value("batch", "N", "batch size (default 128)"),
        .value("repeats", "R", "timed repeats per op, the best one counts (default 5)"),
        .value("threads", "T", "threads for the fast kernels (default: the active cores)"),
        .value("ops", "NAMES", "only the ops whose name contains one of the comma-separated NAMES (e.g. conv2,fc); 'convnet' keeps the whole-net timing"),
        .flag("layers", "also time each layer of the convnet, forward and backward"),
    ],
    notes: "  Build with -c release: a debug build times nothing useful.",
    run: runBench)

/// `convlab bench`: validates every fast kernel against its reference twin, then times both
/// paths op by op, then the lecture 7 convnet.
func runBench(_ arguments: CLIArguments) throws {
    let json = arguments.flag("json"), layers = arguments.flag("layers")
    // Bounded: a batch of lecture 7's convnet is about 0.4 MB of activations per image.
    let batch = try arguments.integer("batch", default: 128, maximum: 1024)
    let repeats = try arguments.integer("repeats", default: 5, maximum: 1024)
    let only = arguments.string("ops").map { $0.split(separator: ",").map(String.init) }
    if let threads = try arguments.optionalInteger("threads", maximum: Fast.maximumThreads) { Fast.threads = threads }
    func say(_ line: String) { if !json { print(line) } }
    var figures: [BenchmarkFigure] = []
    func record(_ figure: BenchmarkFigure) {
        figures.append(figure)
        if json { print(figure.json) }
    }

    say("convlab bench: batch \(batch), \(Fast.configurationDescription)")
    // How busy the machine was: every figure below is as loaded as this.
    var load = [Double](repeating: 0, count: 1)
    if getloadavg(&load, 1) == 1 {
        say(String(format: "  load average (1 min) at the start: %.2f", load[0]))
        record(BenchmarkFigure("load_average_1min", load[0], "processes"))
    }
    // The yardstick: this machine's multiply-add peak, measured now (as loaded as the timings).
    let peakOne = Fast.measuredPeakGFLOPs(threads: 1), peak = Fast.measuredPeakGFLOPs()
    say(String(format: "  peak, measured (12 chains of SIMD8 multiply-adds per thread): %.1f GFLOP/s on 1 thread, %.1f on %d",
               peakOne, peak, Fast.threads))
    record(BenchmarkFigure("peak_gflops_1thread", peakOne, "GFLOP/s"))
    record(BenchmarkFigure("peak_gflops", peak, "GFLOP/s"))
    let cases = try opBenchmarks(batch: batch) { name in only.map { $0.contains { name.contains($0) } } ?? true }
    var allMatch = true
    var times: [String: (reference: Double, fast: Double)] = [:]
    for op in cases {
        let (error, matches, fallbacks) = try op.validate()
        say("  check \(leftAligned(op.name, 18)) max |fast - reference| = \(error) \(matches ? "ok" : "MISMATCH (atol \(op.atol), rtol \(op.rtol))")"
            + (fallbacks.isEmpty ? "" : "; falls back to the reference: " + fallbacks.map(\.description).joined(separator: ", ")))
        allMatch = allMatch && matches
    }
    guard allMatch else {
        throw ConvLabError.argument(op: "bench", message: "a fast kernel disagrees with its reference twin; not timing")
    }
    say("All results match. Starting benchmarks.")
    say("  op                  reference ms    fast ms   speedup   fast GFLOP/s  of peak   fast CPU ms")
    for op in cases {
        let referenceTime = try bestTime(repeats: 1, warmUp: false) { _ = try op.reference() }
        let (fastTime, fastCPU) = try bestTimes(repeats: repeats) { _ = try op.fast() }
        let gflops = op.flops / fastTime / 1e9
        say("  " + leftAligned(op.name, 18)
            + String(format: "%14.2f %10.2f %9.1fx %12.1f %7.0f%% %13.2f", referenceTime * 1e3, fastTime * 1e3,
                     referenceTime / fastTime, gflops, 100 * gflops / peak, fastCPU * 1e3))
        record(BenchmarkFigure("\(op.name)_reference_ms", referenceTime * 1e3, "ms"))
        record(BenchmarkFigure("\(op.name)_ms", fastTime * 1e3, "ms"))
        record(BenchmarkFigure("\(op.name)_speedup_vs_reference", referenceTime / fastTime, "x"))
        if op.flops > 0 {
            record(BenchmarkFigure("\(op.name)_gflops", gflops, "GFLOP/s"))
            record(BenchmarkFigure("\(op.name)_share_of_peak", gflops / peak, "fraction"))
        }
        times[op.name] = (referenceTime, fastTime)
    }
    if let forward = times["conv2_forward"] {
        // Nominal multiply-adds count the taps on SAME padding too; the real ones do not.
        let counts = ConvMultiplyAdds(try Conv2DGeometry(input: [batch, 14, 14, 32], filter: [5, 5, 32, 64],
                                                         strides: 1, padding: .same, dilations: 1))
        let nominal = 2 * Double(counts.nominal) / forward.fast / 1e9, real = 2 * Double(counts.real) / forward.fast / 1e9
        say(String(format: "  conv2 forward: %.1f GFLOP/s nominal (%.0f%% of peak); %.0f%% of those multiply-adds read real input, %.1f GFLOP/s of them (%.0f%% of peak)",
                   nominal, 100 * nominal / peak, 100 * counts.realShare, real, 100 * real / peak))
        record(BenchmarkFigure("conv2_forward_real_gflops", real, "GFLOP/s"))
        record(BenchmarkFigure("conv2_forward_real_share_of_peak", real / peak, "fraction"))
    }
    if let forward = times["conv2_forward"], let backward = times["conv2_backward"] {
        let speedup = (forward.reference + backward.reference) / (forward.fast + backward.fast)
        say(String(format: "  conv2 forward + backward: fast is %.1fx the reference", speedup))
        record(BenchmarkFigure("conv2_speedup_vs_reference", speedup, "x"))
    }
    if let only, !only.contains(where: { "convnet".contains($0) }) { return }

    // The whole convnet: training step (forward, loss, backward, Adam) and inference.
    let convnet = try ConvnetBenchmark(batch: batch)
    if layers {
        say("  lecture 7 convnet, per layer, \(Fast.threads) thread\(Fast.threads == 1 ? "" : "s"): wall ms (CPU ms of all threads)")
        for (name, forward, backward) in try convnet.layerTimes(repeats: repeats) {
            say("    " + leftAligned(name, 30)
                + String(format: "forward %7.2f (%7.2f)   backward %7.2f (%7.2f)", forward.wall * 1e3, forward.cpu * 1e3,
                         backward.wall * 1e3, backward.cpu * 1e3))
            let layer = "layer_" + (name.split(separator: " ").first.map(String.init) ?? name)
            record(BenchmarkFigure(layer + "_forward_ms", forward.wall * 1e3, "ms"))
            record(BenchmarkFigure(layer + "_forward_cpu_ms", forward.cpu * 1e3, "ms"))
            record(BenchmarkFigure(layer + "_backward_ms", backward.wall * 1e3, "ms"))
            record(BenchmarkFigure(layer + "_backward_cpu_ms", backward.cpu * 1e3, "ms"))
        }
    }
    let defaultThreads = Fast.threads
    defer { Fast.threads = defaultThreads }
    var trainRate: [Int: Double] = [:]
    for threads in [1, 2] {
        Fast.threads = threads
        let (train, trainCPU) = try bestTimes(repeats: repeats) { try convnet.trainStep() }
        let (infer, inferCPU) = try bestTimes(repeats: repeats) { try convnet.infer() }
        trainRate[threads] = Double(batch) / train
        say(String(format: "  lecture 7 convnet, batch %d, %d thread%@: train %7.1f images/s (%.1f ms/step, %.1f CPU ms), infer %7.1f images/s (%.1f ms, %.1f CPU ms)",
                   batch, threads, threads == 1 ? "" : "s", Double(batch) / train, train * 1e3, trainCPU * 1e3,
                   Double(batch) / infer, infer * 1e3, inferCPU * 1e3))
        if threads > 1 && trainCPU < 1.25 * train {
            say("  (the extra threads barely ran: CPU time ~ wall time, as when another process keeps a core busy; time on an idle machine)")
        }
        let suffix = threads == 2 ? "" : "_\(threads)thread"
        record(BenchmarkFigure("train_images_per_s" + suffix, Double(batch) / train, "images/s"))
        record(BenchmarkFigure("infer_images_per_s" + suffix, Double(batch) / infer, "images/s"))
        record(BenchmarkFigure("train_step_cpu_ms" + suffix, trainCPU * 1e3, "ms"))
        record(BenchmarkFigure("infer_cpu_ms" + suffix, inferCPU * 1e3, "ms"))
    }
    if let one = trainRate[1], let two = trainRate[2] {
        say(String(format: "  training step: 2 threads are %.2fx one thread", two / one))
        record(BenchmarkFigure("train_2thread_vs_1thread", two / one, "x"))
    }
}
