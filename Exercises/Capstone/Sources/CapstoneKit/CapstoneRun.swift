import ConvLab
import Foundation

/// The capstone's rules and its run: load MNIST, time a short reference run (the calibration),
/// train the design on the fast path, time it again, score the 10,000 test digits, and print
/// the leaderboard line and the verdict.
///
/// The budget is expressed in calibration runs, so a slower machine gets proportionally more
/// seconds: `budget = budgetInCalibrations * calibration seconds`. The calibration trains a
/// fixed small convnet for a fixed number of steps on the same data and the same threads, once
/// before and once after the design's training; the slower of the two counts.
///
/// Both are measured in CPU seconds of this process (all its threads, user and system), not in
/// wall-clock seconds: on a machine shared with other work, the time other programs take does
/// not count against the design. The wall-clock seconds are printed beside them.
public enum Capstone {
    /// The rules of one mode.
    public struct Rules: Sendable, Equatable {
        /// The accuracy on the 10,000 test digits to reach.
        public var target: Double
        /// The training-time budget in calibration runs.
        public var budgetInCalibrations: Double
        /// How many training digits (60,000 for the full set, 10,000 for the embedded subset).
        public var trainingDigits: Int
    }

    /// Full MNIST: all 60,000 training digits, 99.0% on the test digits, 70 calibration runs
    /// (the reference design needs 38.8 on this project's 2-core machine: margin 1.8).
    public static let full = Rules(target: 0.990, budgetInCalibrations: 70, trainingDigits: 60_000)
    /// The embedded subset (CI, or without the full MNIST): the first 10,000 training digits and
    /// the same 10,000 test digits, the design's own epochs. The budget is the full budget
    /// scaled by the training digits (70 * 10,000 / 60,000 = 11.7 calibration runs); the target
    /// is lowered to 97.5%, what the reference design passes with margin on 10,000 digits
    /// (97.88%) and tutorial #03's starting point misses (92.23%).
    public static let subset = Rules(target: 0.975, budgetInCalibrations: full.budgetInCalibrations * 10_000 / 60_000,
                                     trainingDigits: 10_000)

    /// The calibration: this network, `calibrationSteps` SGD steps of `calibrationBatch` digits
    /// (after `calibrationWarmup` untimed steps). A typical small MNIST convnet (two 5x5
    /// convolutions of 16 and 32 filters, 2.8 million multiply-adds per digit), so that what
    /// slows it down on a given machine (cores, caches, other work) slows a design's training
    /// alike.
    static let calibrationSteps = 100
    static let calibrationWarmup = 4
    static let calibrationBatch = 64
    static func calibrationNetwork() -> [any Layer] {
        [Conv2D("cal_conv1", kernel: 5, inputChannels: 1, filters: 16, activation: .relu),
         MaxPool2D("cal_pool1"),
         Conv2D("cal_conv2", kernel: 5, inputChannels: 16, filters: 32, activation: .relu),
         MaxPool2D("cal_pool2"),
         Flatten("cal_flatten"),
         Dense("cal_fc", inputs: 7 * 7 * 32, outputs: 10)]
    }

    /// The result of one run.
    public struct Result: Codable, Sendable {
        public var design: String
        public var data: String
        public var accuracy: Double
        /// CPU seconds of the training steps (all threads), what the budget limits.
        public var trainingSeconds: Double
        /// Wall-clock seconds of the same steps.
        public var trainingWallSeconds: Double
        /// CPU seconds of the slower calibration run.
        public var calibrationSeconds: Double
        public var budgetSeconds: Double
        public var target: Double
        public var parameters: Int
        public var multiplyAdds: Int
        public var passed: Bool
    }

    /// The repository root (this file is Exercises/Capstone/Sources/CapstoneKit/CapstoneRun.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The default `--data`: ../shared/data/mnist beside the repository.
    public static var defaultDataDirectory: String {
        repository.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").standardizedFileURL.path
    }

    static let usage = """
        usage: capstone [--data DIR] [--subset] [--json FILE] [--threads N]
          --data DIR    the full MNIST (default: ../shared/data/mnist beside the repository)
          --subset      the embedded subset: 10,000 training digits, target \(percent(subset.target)), budget \(String(format: "%.1f", subset.budgetInCalibrations)) calibrations
          --json FILE   also write the result as JSON (for grading)
          --threads N   threads for the fast kernels (default: all cores)
        """

    /// Runs the capstone for `design` with the command-line `arguments`; returns the exit status
    /// (0 passed, 1 not passed, 2 no data or bad arguments).
    public static func main(design: CapstoneDesign, arguments: [String]) -> Int32 {
        var dataDirectory = defaultDataDirectory
        var useSubset = false
        var jsonPath: String?
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--data" where index + 1 < arguments.count: dataDirectory = arguments[index + 1]; index += 1
            case "--json" where index + 1 < arguments.count: jsonPath = arguments[index + 1]; index += 1
            case "--threads" where index + 1 < arguments.count:
                Fast.threads = Int(arguments[index + 1]) ?? Fast.threads; index += 1
            case "--subset": useSubset = true
            case "--help", "-h": print(usage); return 0
            default:
                print("unknown argument \(arguments[index])\n\(usage)")
                return 2
            }
            index += 1
        }
        do {
            let mnist: MNIST
            let rules: Rules
            if useSubset {
                mnist = try MNIST.embedded()
                rules = subset
            } else {
                guard FileManager.default.fileExists(atPath: dataDirectory) else {
                    print("""
                        The capstone trains on the full MNIST (60,000 training digits), which is not in
                        \(dataDirectory).
                        Get it (about 11 MB, SHA-256 checked) from the repository root with
                            swift run -c release convlab download-mnist \(dataDirectory)
                        or point --data at a folder holding the four IDX files. Without it,
                            swift run exercises capstone --subset
                        runs the scaled version on the embedded 10,000 digits (target \(percent(subset.target))).
                        """)
                    return 2
                }
                mnist = try MNIST.load(directory: dataDirectory, validationCount: 0)
                rules = full
            }
            let result = try run(design, mnist: mnist, rules: rules)
            if let jsonPath {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(result).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
            }
            return result.passed ? 0 : 1
        } catch {
            print("✘ the capstone stopped: \(error)")
            return 1
        }
    }

    /// Trains `design` under `rules` and prints the run, the leaderboard line and the verdict.
    public static func run(_ design: CapstoneDesign, mnist: MNIST, rules: Rules,
                           log: (String) -> Void = { print($0); fflush(nil) }) throws -> Result {
        let data = design.standardizeInputs ? try mnist.standardized() : mnist
        let train = try LabeledExamples(data.train)
        let test = try LabeledExamples(data.test)
        let source = "\(mnist.source): \(train.count) training, \(test.count) test digits"
        log("Capstone: \(design.name) on \(source)")
        log("rules: \(percent(rules.target)) on the test digits within \(String(format: "%.1f", rules.budgetInCalibrations)) calibration runs of training; \(Fast.configurationDescription)")

        // The network and its cost.
        let layers = design.layers()
        let model = try Sequential(layers)
        let outputShape = try model.outputShape(for: [1] + train.exampleShape)
        guard outputShape == [1, 10] else {
            throw ConvLabError.shape(op: "capstone",
                message: "the network must end in 10 logits [N,10] for [N,28,28,1] digits, but it gives \(describeShape(outputShape))")
        }
        let cost = try NetworkCost.of(layers)
        log(try model.summary(inputShape: [1] + train.exampleShape))
        if !cost.unknownKinds.isEmpty {
            log("(multiply-adds of \(cost.unknownKinds.joined(separator: ", ")) are not counted)")
        }

        let before = try calibrate(train)
        log(String(format: "calibration (the reference run): %.2f CPU s", before))

        // Training, timed: batches, forward, loss, backward, update; nothing else.
        model.initialize(seed: design.seed)
        let optimizer = design.optimizer()
        let trainer = try Trainer(model: model, optimizer: optimizer, loss: .softmaxCrossEntropy,
                                  kernels: Kernels(.fast), batchSize: design.batchSize, seed: design.seed)
        var seconds = 0.0, wallSeconds = 0.0
        var batch = Tensor<Float>([Float]())
        var oneHot = Tensor<Float>([Float]())
        for epoch in 1...max(design.epochs, 1) {
            if let schedule = design.learningRate { optimizer.learningRate = schedule(epoch) }
            model.reseedDropout(design.seed &+ UInt64(epoch))
            let order = trainer.shuffledIndices(count: train.count, epoch: epoch)
            let start = Date(), startCPU = cpuSeconds()
            var lossSum = 0.0, steps = 0
            for first in stride(from: 0, to: order.count, by: design.batchSize) {
                train.gather(order[first..<min(first + design.batchSize, order.count)], into: &batch, oneHot: &oneHot)
                lossSum += Double(try trainer.step(inputs: batch, oneHot: oneHot, epoch: epoch))
                steps += 1
            }
            let epochSeconds = cpuSeconds() - startCPU, epochWall = Date().timeIntervalSince(start)
            seconds += epochSeconds
            wallSeconds += epochWall
            log(String(format: "epoch %d: training loss %.4f, %.1f CPU s (%.1f s wall-clock), lr %g", epoch, lossSum / Double(max(steps, 1)),
                       epochSeconds, epochWall, Double(optimizer.learningRate)))
        }

        let after = try calibrate(train)
        let calibration = max(before, after)
        log(String(format: "calibration again: %.2f CPU s; the slower one counts: %.2f CPU s", after, calibration))
        let accuracy = try trainer.evaluate(test).accuracy
        let budget = rules.budgetInCalibrations * calibration
        let passed = accuracy >= rules.target && seconds <= budget
        let result = Result(design: design.name, data: source, accuracy: accuracy, trainingSeconds: seconds,
                            trainingWallSeconds: wallSeconds, calibrationSeconds: calibration, budgetSeconds: budget, target: rules.target,
                            parameters: cost.parameters, multiplyAdds: cost.multiplyAdds, passed: passed)
        log("")
        log(leaderboardLine(result))
        if passed {
            log("✔ \(percent(accuracy)) >= \(percent(rules.target)) in \(String(format: "%.1f", seconds)) CPU s of training, within the budget of \(String(format: "%.1f", budget)) CPU s.")
        } else {
            var reasons: [String] = []
            if accuracy < rules.target { reasons.append("accuracy \(percent(accuracy)) is below \(percent(rules.target))") }
            if seconds > budget { reasons.append(String(format: "training took %.1f CPU s, over the budget of %.1f CPU s", seconds, budget)) }
            log("✘ not yet: " + reasons.joined(separator: "; ") + ".")
        }
        return result
    }

    /// The leaderboard line: accuracy, training seconds, parameters, multiply-adds.
    public static func leaderboardLine(_ r: Result) -> String {
        String(format: "leaderboard: accuracy %@  training %.1f CPU s (budget %.1f; %.1f s wall-clock)  parameters %@  multiply-adds %@ per digit  [%@]",
               percent(r.accuracy), r.trainingSeconds, r.budgetSeconds, r.trainingWallSeconds, thousands(r.parameters),
               thousands(r.multiplyAdds), r.design)
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    /// Seconds for `calibrationSteps` SGD steps of the calibration network on the first digits
    /// of `train` (after `calibrationWarmup` untimed steps).
    static func calibrate(_ train: LabeledExamples) throws -> Double {
        let model = try Sequential(calibrationNetwork())
        model.initialize(seed: 1)
        let trainer = try Trainer(model: model, optimizer: .sgd(learningRate: 0.05), loss: .softmaxCrossEntropy,
                                  kernels: Kernels(.fast), batchSize: calibrationBatch, seed: 1)
        var batch = Tensor<Float>([Float]())
        var oneHot = Tensor<Float>([Float]())
        var start = cpuSeconds()
        for step in 0..<(calibrationWarmup + calibrationSteps) {
            if step == calibrationWarmup { start = cpuSeconds() }
            let first = (step * calibrationBatch) % max(train.count - calibrationBatch, 1)
            train.gather(Array(first..<(first + calibrationBatch))[...], into: &batch, oneHot: &oneHot)
            _ = try trainer.step(inputs: batch, oneHot: oneHot)
        }
        return cpuSeconds() - start
    }

    /// The CPU time of this process so far, all threads, user and system, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
