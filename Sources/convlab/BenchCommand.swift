import ConvLab
import Foundation

/// `convlab bench [--json] [--batch N] [--repeats R]`: validates every fast kernel against its
/// reference twin, then times both paths op by op, then the lecture 7 convnet.
func runBench(_ arguments: [String]) throws {
    var json = false
    var batch = 128
    var repeats = 5
    var only: String? = nil
    var layers = false
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--json": json = true
        case "--layers": layers = true
        case "--threads":
            guard i + 1 < arguments.count, let value = Int(arguments[i + 1]), (1...Fast.maximumThreads).contains(value) else {
                throw ConvLabError.argument(op: "bench", message: "--threads needs an integer in 1...\(Fast.maximumThreads)")
            }
            Fast.threads = value
            i += 1
        case "--ops":
            guard i + 1 < arguments.count else {
                throw ConvLabError.argument(op: "bench", message: "--ops needs a name fragment, e.g. --ops conv2")
            }
            only = arguments[i + 1]
            i += 1
        case "--batch", "--repeats":
            // Bounded: a batch of lecture 7's convnet is about 0.4 MB of activations per image.
            guard i + 1 < arguments.count, let value = Int(arguments[i + 1]), (1...1024).contains(value) else {
                throw ConvLabError.argument(op: "bench", message: "\(arguments[i]) needs an integer in 1...1024")
            }
            if arguments[i] == "--batch" { batch = value } else { repeats = value }
            i += 1
        default:
            throw ConvLabError.argument(op: "bench", message: "unknown option '\(arguments[i])' (use --json, --batch N, --repeats R, --threads T, --ops NAME, --layers)")
        }
        i += 1
    }
    func say(_ line: String) { if !json { print(line) } }
    var figures: [BenchmarkFigure] = []
    func record(_ figure: BenchmarkFigure) {
        figures.append(figure)
        if json { print(figure.json) }
    }

    say("convlab bench: batch \(batch), \(Fast.configurationDescription)")
    // The yardstick: this machine's multiply-add peak, measured now (as loaded as the timings).
    let peakOne = Fast.measuredPeakGFLOPs(threads: 1), peak = Fast.measuredPeakGFLOPs()
    say(String(format: "  peak, measured (12 chains of SIMD8 multiply-adds per thread): %.1f GFLOP/s on 1 thread, %.1f on %d",
               peakOne, peak, Fast.threads))
    record(BenchmarkFigure("peak_gflops_1thread", peakOne, "GFLOP/s"))
    record(BenchmarkFigure("peak_gflops", peak, "GFLOP/s"))
    let cases = convnetOpBenchmarks(batch: batch).filter { only == nil || $0.name.contains(only!) }
    var allMatch = true
    var times: [String: (reference: Double, fast: Double)] = [:]
    for op in cases {
        let (error, matches) = try op.validate()
        say("  check \(op.name.padding(toLength: 18, withPad: " ", startingAt: 0)) max |fast - reference| = \(error) \(matches ? "ok" : "MISMATCH (atol \(op.atol), rtol \(op.rtol))")")
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
        say("  " + op.name.padding(toLength: 18, withPad: " ", startingAt: 0)
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
    if let only, !"convnet".contains(only) { return }

    // The whole convnet: training step (forward, loss, backward, Adam) and inference.
    let convnet = try ConvnetBenchmark(batch: batch)
    if layers {
        say("  lecture 7 convnet, per layer, \(Fast.threads) thread\(Fast.threads == 1 ? "" : "s"): wall ms (CPU ms of all threads)")
        for (name, forward, backward) in try convnet.layerTimes(repeats: repeats) {
            say("    " + name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: "forward %7.2f (%7.2f)   backward %7.2f (%7.2f)", forward.wall * 1e3, forward.cpu * 1e3,
                         backward.wall * 1e3, backward.cpu * 1e3))
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
