import Catalog
import Foundation

/// `exercises grade [--student DIR] [--json FILE] [--report FILE]`: judges every exercise of a
/// student's folder (each compiled on its own, in child processes with time limits, so one
/// broken file costs only that exercise), prints a report, and writes a Gradescope autograder
/// `results.json` (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
public struct Grader {
    public let runner: Runner

    public init(runner: Runner) { self.runner = runner }

    /// One graded exercise.
    public struct Line: Sendable {
        public var exercise: Exercise
        public var outcome: Outcome
        public var score: Double { outcome.isPassed ? 1 : 0 }
        public var maxScore: Double { 1 }
    }

    /// A student folder: the exercise files themselves, or a checkout holding them in
    /// `Sources/Student` or `Exercises/Sources/Student`.
    public static func studentFolder(_ path: String) -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        for inner in ["Exercises/Sources/Student", "Sources/Student"] {
            let candidate = url.appendingPathComponent(inner)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        return url
    }

    public func grade() -> [Line] {
        let outcomes = runner.studentOutcomes()
        return runner.exercises.map { Line(exercise: $0, outcome: outcomes[$0.id] ?? .crashed("not run")) }
    }

    /// The text report: one line per exercise and the total.
    public func report(_ lines: [Line]) -> String {
        let total = lines.reduce(0) { $0 + $1.score }, maximum = lines.reduce(0) { $0 + $1.maxScore }
        var text = "ConvLab exercises: \(runner.studentDirectory.path)\n\n"
        for line in lines {
            let score = "\(Int(line.score))/\(Int(line.maxScore))"
            text += "  \(line.exercise.id)  \(line.exercise.title.padding(toLength: 48, withPad: " ", startingAt: 0)) \(score)  \(line.outcome.summary)\n"
        }
        text += "\nScore: \(Int(total)) / \(Int(maximum))\n"
        return text
    }

    /// Gradescope's results format: a top-level score and one test per exercise with name,
    /// number, score, max_score, status and output (the first failed expectation, or the
    /// compiler's message).
    public func gradescopeJSON(_ lines: [Line], executionTime: Double) -> Data {
        let tests: [[String: Any]] = lines.map { line in
            [
                "name": "\(line.exercise.id) · \(line.exercise.title)",
                "number": line.exercise.id,
                "score": line.score,
                "max_score": line.maxScore,
                "status": line.outcome.isPassed ? "passed" : "failed",
                "output": line.outcome.isPassed ? "passes" : line.outcome.report,
                "visibility": "visible",
            ]
        }
        let total = lines.reduce(0) { $0 + $1.score }, maximum = lines.reduce(0) { $0 + $1.maxScore }
        let results: [String: Any] = [
            "score": total,
            "execution_time": Int(executionTime.rounded(.up)),
            "output": "ConvLab exercises: \(Int(total)) of \(Int(maximum)) pass.",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
        ]
        return (try? JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    func run(json: String?, reportFile: String?) -> Int32 {
        let start = Date()
        let lines = grade()
        let text = report(lines)
        print(text, terminator: "")
        do {
            if let reportFile {
                try Data(text.utf8).write(to: URL(fileURLWithPath: reportFile), options: .atomic)
                print("report written to \(reportFile)")
            }
            if let json {
                try gradescopeJSON(lines, executionTime: Date().timeIntervalSince(start))
                    .write(to: URL(fileURLWithPath: json), options: .atomic)
                print("Gradescope results written to \(json)")
            }
        } catch {
            print("could not write: \(error.localizedDescription)")
            return 1
        }
        return 0
    }
}

/// The required shape of a Gradescope `results.json`, as its specification describes it
/// (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a JSON object; `score`
/// (number) required unless every test has one; `tests`, when present, an array of objects whose
/// `score` and `max_score` are numbers and `name`, `number`, `output` strings; `status` is
/// "passed" or "failed"; `visibility` one of hidden, after_due_date, after_published, visible;
/// `execution_time` a number; `leaderboard` entries have a `name` and a `value`, and an `order`
/// of "asc" or "desc". Unknown keys are errors here, so a typo cannot slip through.
public enum GradescopeFormat {
    static let topKeys: Set<String> = ["score", "execution_time", "output", "output_format", "test_output_format",
                                       "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"]
    static let testKeys: Set<String> = ["score", "max_score", "status", "name", "name_format", "number", "output",
                                        "output_format", "tags", "visibility", "extra_data"]
    static let visibilities: Set<String> = ["hidden", "after_due_date", "after_published", "visible"]

    /// The violations of the format (empty when the data is a valid results file).
    public static func problems(_ data: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
            return ["not a JSON object"]
        }
        var problems: [String] = []
        func isNumber(_ value: Any?) -> Bool {
            // JSON true/false also arrive as NSNumber, with the Objective-C type "c" (char).
            guard let number = value as? NSNumber else { return false }
            return String(cString: number.objCType) != "c"
        }
        for key in top.keys where !topKeys.contains(key) { problems.append("unknown top-level key \"\(key)\"") }
        if let value = top["execution_time"], !isNumber(value) { problems.append("execution_time is not a number") }
        for key in ["output", "visibility", "stdout_visibility"] where top[key] != nil && !(top[key] is String) {
            problems.append("\(key) is not a string")
        }
        for key in ["visibility", "stdout_visibility"] {
            if let value = top[key] as? String, !visibilities.contains(value) { problems.append("\(key) \"\(value)\" is not one of \(visibilities.sorted())") }
        }
        var everyTestScored = true
        var sum = 0.0
        if let testsValue = top["tests"] {
            guard let tests = testsValue as? [Any] else { return problems + ["tests is not an array"] }
            for (index, entry) in tests.enumerated() {
                guard let test = entry as? [String: Any] else { problems.append("tests[\(index)] is not an object"); continue }
                for key in test.keys where !testKeys.contains(key) { problems.append("tests[\(index)]: unknown key \"\(key)\"") }
                if let score = test["score"] {
                    if isNumber(score) { sum += (score as! NSNumber).doubleValue } else { problems.append("tests[\(index)].score is not a number") }
                } else {
                    everyTestScored = false
                }
                if let maxScore = test["max_score"], !isNumber(maxScore) { problems.append("tests[\(index)].max_score is not a number") }
                if let score = test["score"] as? NSNumber, let maxScore = test["max_score"] as? NSNumber,
                   score.doubleValue > maxScore.doubleValue {
                    problems.append("tests[\(index)]: score \(score) above max_score \(maxScore)")
                }
                for key in ["name", "number", "output", "name_format", "output_format"] where test[key] != nil && !(test[key] is String) {
                    problems.append("tests[\(index)].\(key) is not a string")
                }
                if let status = test["status"], !(["passed", "failed"] as [String]).contains(status as? String ?? "") {
                    problems.append("tests[\(index)].status must be \"passed\" or \"failed\"")
                }
                if let visibility = test["visibility"], !visibilities.contains(visibility as? String ?? "") {
                    problems.append("tests[\(index)].visibility is not one of \(visibilities.sorted())")
                }
                if let tags = test["tags"], !(tags is [String]) { problems.append("tests[\(index)].tags is not an array of strings") }
            }
        } else {
            everyTestScored = false
        }
        if let score = top["score"] {
            if !isNumber(score) { problems.append("score is not a number") }
            else if top["tests"] != nil, everyTestScored, abs((score as! NSNumber).doubleValue - sum) > 1e-9 {
                problems.append("score \(score) is not the sum of the tests' scores (\(sum))")
            }
        } else if !everyTestScored {
            problems.append("score is required unless every test has one")
        }
        if let board = top["leaderboard"] {
            if let entries = board as? [[String: Any]] {
                for (index, entry) in entries.enumerated() {
                    if !(entry["name"] is String) { problems.append("leaderboard[\(index)].name is not a string") }
                    if entry["value"] == nil { problems.append("leaderboard[\(index)] has no value") }
                    if let order = entry["order"], !(["asc", "desc"] as [String]).contains(order as? String ?? "") {
                        problems.append("leaderboard[\(index)].order must be \"asc\" or \"desc\"")
                    }
                }
            } else {
                problems.append("leaderboard is not an array of objects")
            }
        }
        return problems
    }
}
