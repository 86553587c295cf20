import Catalog
import ExerciseChecks
import Foundation

/// The instructors' proof, run by CI (.ci/exercises.sh) on a clean checkout:
/// every reference solution passes its checks (linked into the runner, and compiled on its own
/// the way a student's file is), every shipped stub fails them without crashing, every
/// known-wrong variant fails them, and the manifest is complete and agrees with the READMEs and
/// the lectures (`Consistency`).
struct Verifier {
    let runner: Runner
    /// `--verbose`: print how each wrong variant was caught (its first failed expectation).
    var verbose = false

    func run() -> Int32 {
        var violations: [String] = []
        let exercises = runner.exercises
        let variantCount = exercises.reduce(0) { $0 + $1.variants.count }
        print("Exercise proof: \(exercises.count) exercises, \(variantCount) wrong variants\n")
        let selfTest = Checks.selfTest()
        print(selfTest.isEmpty
              ? "self-test: the oracles reproduce the worked examples; the expectation helpers reject wrong values\n"
              : "SELF-TEST FAILS: the checks cannot be trusted\n")
        violations += selfTest.map { "self-test: \($0)" }

        // Solutions and wrong variants linked into the runner, each in a child process.
        var jobs: [(exercise: Exercise, implementation: String)] = []
        for exercise in exercises {
            jobs.append((exercise, "solution"))
            for variant in exercise.variants { jobs.append((exercise, variant.name)) }
        }
        let results = runner.parallelMap(jobs) { runner.outcome($0.exercise, implementation: $0.implementation) }
        func result(_ exercise: Exercise, _ implementation: String) -> Outcome {
            results[jobs.firstIndex { $0.exercise.id == exercise.id && $0.implementation == implementation }!]
        }
        // The solution files and the shipped stubs compiled on their own, as the runner compiles
        // a student's file: this proves each exercise's check call fits its file.
        let compiledSolutions = runner.studentOutcomes(from: runner.root.appendingPathComponent("Sources/Solutions"))
        let stubs = runner.studentOutcomes(from: runner.root.appendingPathComponent("Pristine"))

        for exercise in exercises {
            violations += lint(exercise)
            var line = "\(exercise.id) \(exercise.name.padding(toLength: 22, withPad: " ", startingAt: 0))"
            let solution = result(exercise, "solution")
            let compiled = compiledSolutions[exercise.id] ?? .crashed("not run")
            line += solution.isPassed && compiled.isPassed ? " solution passes" : " SOLUTION FAILS"
            if !solution.isPassed { violations.append("\(exercise.id): the reference solution fails:\n\(solution.report)") }
            if !compiled.isPassed {
                violations.append("\(exercise.id): the solution file compiled on its own (as a student's file) fails:\n\(compiled.report)")
            }
            let stub = stubs[exercise.id] ?? .crashed("not run")
            switch stub {
            case .passed:
                line += " · STUB PASSES"
                violations.append("\(exercise.id): the shipped stub passes its checks (ships solved?)")
            case .failed(let text):
                line += " · stub fails"
                if !(text.contains("input:") && text.contains("expected:") && text.contains("got:")) {
                    violations.append("\(exercise.id): the stub's first failure does not show input, expected and got:\n\(text)")
                }
            case .crashed, .notCompiling, .blocked:
                line += " · STUB BROKEN"
                violations.append("\(exercise.id): the shipped stub must fail cleanly, but: \(stub.report)")
            }
            var rejected = 0
            var details: [String] = []
            for variant in exercise.variants {
                let outcome = result(exercise, variant.name)
                if outcome.isPassed {
                    violations.append("\(exercise.id): the wrong variant \(variant.name) passes the checks")
                } else {
                    rejected += 1
                    if verbose { details.append("     \(variant.name): " + outcome.summary) }
                }
            }
            line += " · wrong variants rejected \(rejected)/\(exercise.variants.count)"
            print(line)
            for detail in details { print(detail) }
        }
        violations += lintCatalog()
        let consistency = Consistency(root: runner.root).problems()
        violations += consistency
        print("")
        if violations.isEmpty {
            print("OK: every solution passes, every stub fails, every wrong variant is rejected; the manifest, the READMEs and the lectures agree.")
            return 0
        }
        print("\(violations.count) violation(s):")
        for v in violations { print("  - " + v.replacingOccurrences(of: "\n", with: "\n    ")) }
        return 1
    }

    func read(_ path: String) -> String? {
        try? String(contentsOf: runner.root.appendingPathComponent(path), encoding: .utf8)
    }

    func lint(_ exercise: Exercise) -> [String] {
        var problems: [String] = []
        let id = exercise.id
        if let stub = read(exercise.studentFile) {
            if !stub.contains("// TODO:") { problems.append("\(id): \(exercise.studentFile) has no `// TODO:`") }
            if read(exercise.pristineFile) != stub {
                problems.append("\(id): \(exercise.pristineFile) differs from the shipped stub (after editing a stub run `swift run exercises pristine`)")
            }
        } else {
            problems.append("\(id): missing stub \(exercise.studentFile)")
        }
        if read(exercise.solutionFile) == nil { problems.append("\(id): missing solution \(exercise.solutionFile)") }
        if read(exercise.variantFile) == nil { problems.append("\(id): missing wrong variants \(exercise.variantFile)") }
        if read(exercise.checkFile) == nil { problems.append("\(id): missing checks \(exercise.checkFile)") }
        if let test = read(exercise.testFile) {
            // The student's test must call the same check as the manifest (07 and 09 have the same
            // closure type, so a swapped call would compile and fail forever).
            if !test.contains("@Test") || !test.contains("Checks.\(exercise.checkName)(") {
                problems.append("\(id): \(exercise.testFile) has no @Test calling Checks.\(exercise.checkName), the check the manifest uses")
            }
        } else {
            problems.append("\(id): missing tests \(exercise.testFile)")
        }
        if exercise.hints.count < 2 || exercise.hints.contains(where: { $0.count < 20 }) {
            problems.append("\(id): needs at least 2 real hint levels (has \(exercise.hints.count))")
        }
        if exercise.variants.isEmpty { problems.append("\(id): no known-wrong variant") }
        return problems
    }

    func lintCatalog() -> [String] {
        var problems: [String] = []
        let exercises = runner.exercises
        if exercises.count < 26 { problems.append("only \(exercises.count) exercises; the second edition needs at least 26") }
        for (k, exercise) in exercises.enumerated() where exercise.id != String(format: "%02d", k + 1) {
            problems.append("exercise ids must run 01, 02, ... in order; found \(exercise.id) at position \(k + 1)")
        }
        for module in Catalog.lectures.map(\.number)
        where !exercises.contains(where: { $0.lecture == module }) && !Catalog.capstoneLectures.contains(module) {
            problems.append("lecture module \(module) has no exercise")
        }
        if read(Runner.capstoneDesign) == nil || read(Runner.capstoneDesign) != read(Runner.capstonePristine) {
            problems.append("\(Runner.capstonePristine) differs from the shipped capstone design \(Runner.capstoneDesign)")
        }
        // Every stub file on disk belongs to an exercise (no orphan left behind by a rename).
        let files = (try? FileManager.default.contentsOfDirectory(atPath: runner.root.appendingPathComponent("Sources/Student").path)) ?? []
        for file in files where file.hasSuffix(".swift") && !exercises.contains(where: { $0.fileName == file }) {
            problems.append("Sources/Student/\(file) is not in the manifest (Sources/Catalog/Catalog.swift)")
        }
        return problems
    }
}
