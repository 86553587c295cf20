import Catalog
import ExerciseChecks
import Foundation

/// The student's side: overview, list, check, hint, watch, reset, diff; and the instructors'
/// grade and verify.
///
/// The runner never links the student's code. Each exercise is compiled on its own into a judge
/// program (`JudgeCompiler`) and run in a child process with a time limit, so a file that does
/// not compile, crashes or loops forever is that exercise's status and nothing else stops.
public struct Runner: Sendable {
    /// The Exercises folder.
    public let root: URL
    /// The folder of the student's exercise files (`Sources/Student`, or `grade --student DIR`).
    public let studentDirectory: URL
    /// This program, for the `_judge` child processes that run solutions and wrong variants.
    public let executable: URL
    public let exercises = Catalog.all
    let compiler: JudgeCompiler

    /// - Parameters:
    ///   - root: the Exercises folder (default: found from this source file's path; the runner
    ///     is always built from source).
    ///   - studentDirectory: default `root/Sources/Student`.
    ///   - executable: default this process's executable.
    public init(root: URL? = nil, studentDirectory: URL? = nil, executable: URL? = nil) {
        let root = root ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        self.root = root.standardizedFileURL
        self.studentDirectory = (studentDirectory ?? root.appendingPathComponent("Sources/Student")).standardizedFileURL
        let executable = executable ?? URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        self.executable = executable.resolvingSymlinksInPath()
        compiler = JudgeCompiler(buildDirectory: self.executable.deletingLastPathComponent(),
                                 cacheDirectory: self.root.appendingPathComponent(".build/judges"))
    }

    /// Whether this runner works on the package's own `Sources/Student`.
    var usesDefaultStudentFolder: Bool {
        studentDirectory == root.appendingPathComponent("Sources/Student").standardizedFileURL
    }

    /// Hint levels and solved exercises: `Exercises/.exercises-state.json` (git-ignored), or
    /// beside another student folder's files.
    var stateURL: URL {
        usesDefaultStudentFolder ? root.appendingPathComponent(".exercises-state.json")
            : studentDirectory.appendingPathComponent(".exercises-state.json")
    }

    /// The student's file of an exercise, as shown to the student.
    func shownPath(_ exercise: Exercise) -> String {
        usesDefaultStudentFolder ? "Exercises/\(exercise.studentFile)" : studentDirectory.appendingPathComponent(exercise.fileName).path
    }

    // MARK: - Judging

    /// In the child process: run a solution or a wrong variant (linked into the runner) and print
    /// its first failure.
    func judge(_ id: String, implementation: String) -> Int32 {
        guard let exercise = exercises.first(where: { $0.id == id }) else {
            print("no exercise \(id)")
            return 2
        }
        let failures: [Failure]
        switch implementation {
        case "solution": failures = exercise.solution()
        default:
            guard let variant = exercise.variants.first(where: { $0.name == implementation }) else {
                print("exercise \(id) has no wrong variant \(implementation)")
                return 2
            }
            failures = variant.run()
        }
        guard let first = failures.first else { return 0 }
        print(first)
        if failures.count > 1 { print(Judge.moreLine(failures.count - 1)) }
        return 1
    }

    /// Runs a judge program (or `exercises _judge`) with a time limit.
    func run(_ program: URL, _ arguments: [String] = [], timeout: Double = 30) -> Outcome {
        let (status, output) = ChildProcess.run(program.path, arguments, timeout: timeout)
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 0: return .passed
        case 1: return .failed(text)
        case -999:
            return .crashed("the check did not finish within \(Int(timeout)) s: an endless loop? (a `while` whose condition never changes, a stride of 0)")
        case ..<0: return .crashed(crashReport(text, signal: -status))
        default: return .crashed(crashReport(text, signal: status))
        }
    }

    /// A solution or wrong variant, in a child process of this program.
    func outcome(_ exercise: Exercise, implementation: String) -> Outcome {
        run(executable, ["_judge", exercise.id, implementation])
    }

    /// The runtime's message ("Precondition failed: Tensor: index [0, 9, 9, 0] is out of range
    /// ...") and the first backtrace frame in the student's code, from a crashed check's output.
    func crashReport(_ text: String, signal: Int32) -> String {
        let lines = text.split(separator: "\n").map(String.init)
        let markers = ["Fatal error", "Precondition failed", "Assertion failed", "Index out of range"]
        var report = "your code crashed"
        if let message = lines.first(where: { line in markers.contains { line.contains($0) } }) {
            // "ExerciseKit/Tensor.swift:44: Precondition failed: ..." -> the part after the location.
            let reason = markers.compactMap { marker in message.range(of: marker).map { String(message[$0.lowerBound...]) } }.first
            report += ": " + (reason ?? message)
        } else {
            report += " (signal \(signal))"
        }
        let folder = studentDirectory.path + "/"
        if let frame = lines.first(where: { $0.contains(folder) || $0.contains("/Sources/Student/") }),
           let at = frame.range(of: " at ") {
            let location = String(frame[at.upperBound...])
            let short = location.range(of: folder).map { String(location[$0.upperBound...]) } ?? location
            report += "\n  in your code at \(short)"
        }
        return report + "\n(an index out of range usually means a wrong output size or a missing padding offset)"
    }

    /// The verdicts on the student's code for `wanted` (default: every exercise).
    ///
    /// Each exercise compiles on its own, with the files of the exercises it uses; those are
    /// judged too and, when one fails, the exercise is `.blocked` by it: its own check would only
    /// repeat the other file's mistake.
    public func studentOutcomes(_ wanted: [Exercise]? = nil, from folder: URL? = nil) -> [String: Outcome] {
        let folder = folder ?? studentDirectory
        let sources = SourceFolder(directory: folder, files: exercises.map { ($0.id, $0.fileName) })
        let wantedIDs = (wanted ?? exercises).map(\.id)
        var needed = Set(wantedIDs)
        for id in wantedIDs { needed.formUnion(sources.closure(id)) }
        let jobs = exercises.filter { needed.contains($0.id) }
        let own = parallelMap(jobs) { exercise -> Outcome in
            let file = folder.appendingPathComponent(exercise.fileName)
            guard FileManager.default.fileExists(atPath: file.path) else {
                return .notCompiling(location: "\(exercise.fileName) is missing from \(folder.path)",
                                     details: "(`swift run exercises reset \(exercise.id)` puts the original stub back)")
            }
            let files = [file] + sources.closure(exercise.id).compactMap { id in
                exercises.first { $0.id == id }.map { folder.appendingPathComponent($0.fileName) }
            }
            switch compiler.compile(exercise, files: files, displayBase: displayBase(for: folder)) {
            case .program(let program): return run(program)
            case .errors(let location, let details): return .notCompiling(location: location, details: details)
            }
        }
        var ownByID: [String: Outcome] = [:]
        for (exercise, outcome) in zip(jobs, own) { ownByID[exercise.id] = outcome }
        var result: [String: Outcome] = [:]
        for id in wantedIDs {
            // The first exercise it uses that fails, unless that one also uses this (a cycle).
            let blocker = sources.closure(id).first { used in
                !(ownByID[used]?.isPassed ?? true) && !sources.closure(used).contains(id)
            }
            if let blocker, let outcome = ownByID[blocker] {
                result[id] = .blocked(by: blocker, outcome)
            } else {
                result[id] = ownByID[id] ?? .crashed("not run")
            }
        }
        return result
    }

    /// Compiler locations are shown relative to the Exercises folder for the student's own
    /// files ("Sources/Student/03_Conv1D.swift:12"), else relative to the folder's parent.
    func displayBase(for folder: URL) -> URL {
        let standardized = folder.standardizedFileURL
        if standardized.path.hasPrefix(root.path + "/") { return root }
        return standardized.deletingLastPathComponent()
    }

    func studentOutcome(_ exercise: Exercise) -> Outcome {
        studentOutcomes([exercise])[exercise.id] ?? .crashed("not run")
    }

    /// The student's verdicts in catalog order.
    func statuses() -> [(Exercise, Outcome)] {
        let outcomes = studentOutcomes()
        return exercises.map { ($0, outcomes[$0.id] ?? .crashed("not run")) }
    }

    /// `body` over `items` on a few threads (a judge's time is mostly process start-up and
    /// compiling, so two or three at once keep a 2-core machine busy).
    func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) -> R) -> [R] {
        let results = ParallelResults<R>(items.count)
        let workers = min(max(2, ProcessInfo.processInfo.activeProcessorCount), 4, max(1, items.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = results.claim() {
                results.store(body(items[index]), at: index)
            }
        }
        return results.values.map { $0! }
    }

    // MARK: - Screens

    func overview() {
        let results = statuses()
        printList(results)
        let done = results.filter { $0.1.isPassed }.count
        print("")
        var state = State.load(stateURL)
        let passing = results.filter { $0.1.isPassed }.map { $0.0.id }
        let newlySolved = passing.filter { !state.solved.contains($0) }
        let broken = state.solved.filter { !passing.contains($0) }
        if !newlySolved.isEmpty {
            print("Solved since last time: \(newlySolved.joined(separator: ", ")). Compare with the reference: swift run exercises diff \(newlySolved[newlySolved.count - 1])\n")
        }
        if !broken.isEmpty {
            print("Passed before, fail now: \(broken.joined(separator: ", ")) (`swift run exercises check ID` shows why)\n")
        }
        state.solved = passing
        let next = results.first(where: { !$0.1.isPassed })
        state.lastNext = next?.0.id
        state.save(stateURL)
        guard let next else {
            print("All \(exercises.count) exercises are done. Compare with the reference solutions: swift run exercises diff 01")
            print("Then the capstone: design an efficient network (swift run exercises capstone; see Exercises/README.md).")
            return
        }
        if done == 0 {
            print("""
                Welcome. Each exercise is a Swift file with a `// TODO:` to replace; its checks stay red
                until your code is right. You edit only the files in Exercises/Sources/Student/.

                """)
        }
        printCurrent(next.0, next.1)
    }

    func printCurrent(_ exercise: Exercise, _ outcome: Outcome) {
        print("Next: \(exercise.id) · \(exercise.title)   (lecture module \(exercise.lecture): \(lectureName(exercise.lecture)))")
        print("")
        print(indent(outcome.report))
        print("""

            What to do now:
              1. open   \(shownPath(exercise))   and replace the // TODO: with your code
              2. run    swift run exercises watch    (re-checks on every save; or re-run `swift run exercises`)
              stuck?    swift run exercises hint \(exercise.id)     (\(exercise.hints.count) levels, one more per call)
            """)
    }

    func list() {
        printList(statuses())
    }

    func printList(_ results: [(Exercise, Outcome)]) {
        let done = results.filter { $0.1.isPassed }.count
        print("ConvLab exercises: \(done) / \(results.count) done  \(progressBar(done, results.count))\n")
        var markedNext = false
        for (exercise, outcome) in results {
            let mark: String
            var note = ""
            switch outcome {
            case .passed: mark = "done   "
            case .failed: mark = markedNext ? "todo   " : "NEXT > "
            case .crashed: mark = markedNext ? "crash  " : "NEXT > "
            case .notCompiling, .blocked:
                mark = markedNext ? "todo   " : "NEXT > "
                note = "  (" + outcome.summary + ")"
            }
            if !outcome.isPassed { markedNext = true }
            print("  \(mark) \(exercise.id)  \(exercise.title.padding(toLength: 50, withPad: " ", startingAt: 0)) lecture \(exercise.lecture)\(note)")
        }
    }

    /// `check [ID]`: one exercise's verdict. Without an ID, the next unsolved exercise; if the
    /// exercise that was next last time passes now, a ✔ line says so first.
    func check(_ id: String?) -> Int32 {
        if let id {
            let exercise = find(id)
            let result = studentOutcome(exercise)
            report(exercise, result)
            return result.isPassed ? 0 : 1
        }
        let results = statuses()
        var state = State.load(stateURL)
        let next = results.first { !$0.1.isPassed }
        if let previous = state.lastNext, previous != next?.0.id,
           let (exercise, outcome) = results.first(where: { $0.0.id == previous }), outcome.isPassed {
            print("✔ \(exercise.id) · \(exercise.title) passes now. Compare with the reference: swift run exercises diff \(exercise.id)\n")
        }
        state.noteSolved(results.filter { $0.1.isPassed }.map(\.0.id))
        state.lastNext = next?.0.id
        state.save(stateURL)
        guard let (exercise, outcome) = next else {
            print("All \(exercises.count) exercises are done. Next: the capstone (swift run exercises capstone).")
            return 0
        }
        report(exercise, outcome)
        return 1
    }

    /// One exercise's result, and on success what comes next.
    func report(_ exercise: Exercise, _ result: Outcome, next: Exercise? = nil) {
        if result.isPassed {
            print("✔ \(exercise.id) · \(exercise.title): all checks pass.")
            var state = State.load(stateURL)
            state.noteSolved([exercise.id])
            state.save(stateURL)
            print("  Compare with the reference solution:  swift run exercises diff \(exercise.id)")
            if let next { print("  Next: \(next.id) · \(next.title)   (\(shownPath(next)))") }
        } else {
            print("✘ \(exercise.id) · \(exercise.title)   (\(shownPath(exercise)))\n")
            print(indent(result.report))
            print("\n  stuck? swift run exercises hint \(exercise.id)")
        }
    }

    func hint(_ id: String?) -> Int32 {
        let exercise: Exercise
        if let id {
            exercise = find(id)
        } else {
            guard let next = statuses().first(where: { !$0.1.isPassed })?.0 else {
                print("All exercises are done.")
                return 0
            }
            exercise = next
        }
        var state = State.load(stateURL)
        let shown = state.hintLevels[exercise.id, default: 0]
        let level = min(shown + 1, exercise.hints.count)
        state.hintLevels[exercise.id] = level
        state.save(stateURL)
        print("\(exercise.id) · \(exercise.title): hints 1-\(level) of \(exercise.hints.count)\n")
        for (k, text) in exercise.hints.prefix(level).enumerated() {
            print("Hint \(k + 1):")
            print(indent(text))
            print("")
        }
        if level < exercise.hints.count {
            print("Run the same command again for the next hint.")
        }
        print("Lecture module \(exercise.lecture): \(lectureName(exercise.lecture))")
        return 0
    }

    func diff(_ id: String?, force: Bool) -> Int32 {
        let exercise: Exercise
        if let id {
            exercise = find(id)
        } else {
            guard let last = statuses().last(where: { $0.1.isPassed })?.0 else {
                print("Solve an exercise first; then `swift run exercises diff ID` shows your code beside the reference.")
                return 1
            }
            exercise = last
        }
        if !force && !studentOutcome(exercise).isPassed {
            print("\(exercise.id) does not pass yet: the reference solution stays hidden until it does.")
            print("(Instructors: add --force.)")
            return 1
        }
        print("\(exercise.id) · \(exercise.title): your code (-) against the reference solution (+)\n")
        let (status, output) = ChildProcess.run("/usr/bin/env", [
            "diff", "-u", "--label", "your code (\(exercise.fileName))", "--label", "reference (\(exercise.solutionFile))",
            studentDirectory.appendingPathComponent(exercise.fileName).path,
            root.appendingPathComponent(exercise.solutionFile).path,
        ], timeout: 20)
        if status == 0 || status == 1 {
            print(output.isEmpty ? "(identical)" : output)
        } else {
            print("(no `diff` program; the reference is in Exercises/\(exercise.solutionFile))")
        }
        return 0
    }

    func reset(_ id: String?, confirmed: Bool) -> Int32 {
        guard let id else {
            print("Say which: `swift run exercises reset 03` or `swift run exercises reset all`.")
            return 2
        }
        if id == "capstone" { return resetCapstone(confirmed: confirmed) }
        let targets = id == "all" ? exercises : [find(id)]
        let names = targets.map(\.fileName).joined(separator: ", ")
        if !confirmed {
            print("This replaces \(id == "all" ? "ALL your exercise code" : names) with the original stub(s). Your code is lost. Continue? [y/N] ", terminator: "")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                print("Nothing changed.")
                return 0
            }
        }
        var state = State.load(stateURL)
        var status: Int32 = 0
        for exercise in targets {
            let pristine = root.appendingPathComponent(exercise.pristineFile)
            let student = studentDirectory.appendingPathComponent(exercise.fileName)
            do {
                let data = try Data(contentsOf: pristine)
                try data.write(to: student, options: .atomic)
                state.hintLevels[exercise.id] = nil
                state.solved.removeAll { $0 == exercise.id }
                print("reset \(usesDefaultStudentFolder ? exercise.studentFile : student.path)")
            } catch {
                print("could not reset \(exercise.fileName): \(error.localizedDescription)")
                status = 1
            }
        }
        state.save(stateURL)
        return status
    }

    /// The capstone's design file, the shipped starting point in `Capstone/Pristine/Design.swift`.
    static let capstoneDesign = "Capstone/Sources/Design/Design.swift"
    static let capstonePristine = "Capstone/Pristine/Design.swift"

    func resetCapstone(confirmed: Bool) -> Int32 {
        if !confirmed {
            print("This replaces your capstone design (\(Runner.capstoneDesign)) with the starting point. Continue? [y/N] ", terminator: "")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                print("Nothing changed.")
                return 0
            }
        }
        do {
            let data = try Data(contentsOf: root.appendingPathComponent(Runner.capstonePristine))
            try data.write(to: root.appendingPathComponent(Runner.capstoneDesign), options: .atomic)
            print("reset \(Runner.capstoneDesign)")
            return 0
        } catch {
            print("could not reset the capstone: \(error.localizedDescription)")
            return 1
        }
    }

    /// Instructors: after editing a stub, copy Sources/Student into Pristine/ (verify then proves
    /// the stub still fails).
    func updatePristine() -> Int32 {
        for exercise in exercises {
            do {
                let data = try Data(contentsOf: root.appendingPathComponent(exercise.studentFile))
                try data.write(to: root.appendingPathComponent(exercise.pristineFile), options: .atomic)
            } catch {
                print("could not copy \(exercise.studentFile): \(error.localizedDescription)")
                return 1
            }
        }
        print("Pristine/ now equals Sources/Student/ (\(exercises.count) files). Run `swift run exercises verify`.")
        return 0
    }

    static let helpText = """
        ConvLab exercises: small Swift functions with checks, from the output-size formula to a
        training step, and a capstone network. You edit Exercises/Sources/Student/*.swift.

        swift run exercises                progress, and what to do next
        swift run exercises list           every exercise with its status
        swift run exercises check [ID]     check one exercise (default: the next unsolved one)
        swift run exercises watch [ID]     re-check on every save (h + Enter: hint, l: list, q: quit)
        swift run exercises hint [ID]      the next hint level (a nudge, the formula, the loops)
        swift run exercises diff ID        once ID passes: your code against the reference solution
        swift run exercises reset ID|all   put the original stub back (asks first; --yes skips);
                                           `reset capstone` restores the capstone's starting point
        swift run exercises capstone       build and train your network on MNIST (release build;
                                           --data DIR, --subset, --reference; see the README)

        Instructors:
        swift run exercises grade [--student DIR] [--json FILE] [--report FILE]
                                           check a student's folder, write a report and a
                                           Gradescope results.json
        swift run exercises verify         solutions pass, stubs and wrong variants fail, lint
        swift run exercises pristine       copy Sources/Student to Pristine/ after editing a stub

        --student DIR   any command works on DIR's files instead of Sources/Student
        """

    func help() {
        print(Runner.helpText)
    }

    // MARK: - Helpers

    func find(_ id: String) -> Exercise {
        if let exercise = lookup(id) { return exercise }
        print("No exercise '\(id)'. `swift run exercises list` shows them.")
        exit(2)
    }

    func lookup(_ id: String) -> Exercise? {
        let wanted = id.count == 1 ? "0" + id : id
        return exercises.first { $0.id == wanted || $0.name.lowercased() == id.lowercased() }
    }

    func lectureName(_ module: Int) -> String {
        guard let lecture = Catalog.lecture(module) else { return "?" }
        let path = root.deletingLastPathComponent().appendingPathComponent("Lectures").appendingPathComponent(lecture.file)
        return FileManager.default.fileExists(atPath: path.path)
            ? "\(lecture.title), Lectures/\(lecture.file)" : "\(lecture.title) (Lectures/\(lecture.file), being written)"
    }

    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    func progressBar(_ done: Int, _ total: Int) -> String {
        let width = 20
        let filled = total == 0 ? 0 : done * width / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }
}

/// The slots of `parallelMap`: which item is next, and the results so far.
final class ParallelResults<R>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [R?]
    private var next = 0
    init(_ count: Int) { values = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < values.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ value: R, at index: Int) {
        lock.lock(); defer { lock.unlock() }
        values[index] = value
    }
}

/// Progress remembered between runs in Exercises/.exercises-state.json (git-ignored).
struct State: Codable {
    var hintLevels: [String: Int] = [:]
    var solved: [String] = []
    /// The exercise that was next at the last `check` or overview (for the ✔ line).
    var lastNext: String?

    static func load(_ url: URL) -> State {
        guard let data = try? Data(contentsOf: url),
              let state = try? JSONDecoder().decode(State.self, from: data) else { return State() }
        return state
    }

    mutating func noteSolved(_ ids: [String]) {
        for id in ids where !solved.contains(id) { solved.append(id) }
        solved.sort()
    }

    func save(_ url: URL) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = try? encoder.encode(self) { try? data.write(to: url, options: .atomic) }
    }
}
