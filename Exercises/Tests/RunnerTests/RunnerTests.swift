import Catalog
@testable import ExerciseRunner
import Foundation
import Testing

/// The Exercises folder (this file is Exercises/Tests/RunnerTests/RunnerTests.swift).
let exercisesRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `exercises` program this test build made (the test target depends on it).
func exercisesProgram() throws -> URL {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("exercises")
    for candidate in [besideTests, exercisesRoot.appendingPathComponent(".build/debug/exercises")]
    where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    throw RunnerError("no exercises program beside the tests; run `swift build --build-tests` in Exercises/")
}

/// Runs the real program, as a student would, on `studentFolder`.
func run(_ arguments: [String], student: URL) throws -> (status: Int32, output: String) {
    let result = ChildProcess.run(try exercisesProgram().path, arguments + ["--student", student.path], timeout: 600)
    return (result.status, result.output)
}

/// A fresh student folder holding the shipped stubs (or the solutions).
func studentFolder(_ name: String, from source: String = "Pristine") throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("convlab-runner-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for exercise in Catalog.all {
        try FileManager.default.copyItem(at: exercisesRoot.appendingPathComponent(source).appendingPathComponent(exercise.fileName),
                                         to: folder.appendingPathComponent(exercise.fileName))
    }
    return folder
}

@Suite("The runner survives a broken file")
struct BrokenFileTests {
    /// Issue 16: with a syntax error in exercise 03's file, `hint 03`, `list`, `reset 03` and
    /// `check 04` all work, and 03's status says where the error is.
    @Test func syntaxErrorInExercise03() throws {
        let folder = try studentFolder("broken")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("03_Conv1D.swift")
        try (String(contentsOf: file, encoding: .utf8) + "\nfunc broken( {\n").write(to: file, atomically: true, encoding: .utf8)

        let hint = try run(["hint", "03"], student: folder)
        #expect(hint.status == 0)
        #expect(hint.output.contains("Hint 1:"), "hint 03 printed: \(hint.output)")

        let list = try run(["list"], student: folder)
        #expect(list.status == 0)
        let line03 = list.output.split(separator: "\n").first { $0.contains(" 03 ") } ?? ""
        #expect(line03.contains("does not compile: \(folder.lastPathComponent)/03_Conv1D.swift:"), "list shows 03 as: \(line03)")
        let line04 = list.output.split(separator: "\n").first { $0.contains(" 04 ") } ?? ""
        #expect(!line04.contains("does not compile"), "list shows 04 as: \(line04)")

        let check03 = try run(["check", "03"], student: folder)
        #expect(check03.status == 1)
        #expect(check03.output.contains("does not compile: \(folder.lastPathComponent)/03_Conv1D.swift:"), "check 03 printed: \(check03.output)")

        // 04's stub fails its checks normally (input, expected, got), untouched by 03.
        let check04 = try run(["check", "04"], student: folder)
        #expect(check04.status == 1)
        #expect(check04.output.contains("expected:") && !check04.output.contains("does not compile"), "check 04 printed: \(check04.output)")
        // ... and 04 solved passes while 03 is still broken.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("04_Conv2D.swift"))
        try FileManager.default.copyItem(at: exercisesRoot.appendingPathComponent("Sources/Solutions/04_Conv2D.swift"),
                                         to: folder.appendingPathComponent("04_Conv2D.swift"))
        let solved04 = try run(["check", "04"], student: folder)
        #expect(solved04.status == 0, "check 04 with the solution printed: \(solved04.output)")

        let reset = try run(["reset", "03", "--yes"], student: folder)
        #expect(reset.status == 0, "reset printed: \(reset.output)")
        let restored = try String(contentsOf: file, encoding: .utf8)
        #expect(restored == (try String(contentsOf: exercisesRoot.appendingPathComponent("Pristine/03_Conv1D.swift"), encoding: .utf8)))
        let after = try run(["check", "03"], student: folder)
        #expect(after.output.contains("expected:") && !after.output.contains("does not compile"), "check 03 after reset printed: \(after.output)")

        // The same broken file in another folder: the error names that folder, not the one whose
        // compile the judge cache kept (a second run on a warm machine once showed the first).
        let other = try studentFolder("broken-elsewhere")
        defer { try? FileManager.default.removeItem(at: other) }
        try (String(contentsOf: other.appendingPathComponent("03_Conv1D.swift"), encoding: .utf8) + "\nfunc broken( {\n")
            .write(to: other.appendingPathComponent("03_Conv1D.swift"), atomically: true, encoding: .utf8)
        let elsewhere = try run(["check", "03"], student: other)
        #expect(elsewhere.output.contains("does not compile: \(other.lastPathComponent)/03_Conv1D.swift:"), "check 03 elsewhere printed: \(elsewhere.output)")
    }

    /// An exercise calling another exercise's function reports that exercise first.
    @Test func usedExerciseFailsFirst() throws {
        let folder = try studentFolder("uses")
        defer { try? FileManager.default.removeItem(at: folder) }
        // 07 solved with a call to 02's samePadding, while 02 is still the stub.
        var text = try String(contentsOf: exercisesRoot.appendingPathComponent("Sources/Solutions/07_MaxPoolForward.swift"), encoding: .utf8)
        let direct = """
                        let output = (size + stride - 1) / stride
                        return (output, max((output - 1) * stride + kernel - size, 0) / 2)
            """
        #expect(text.contains(direct))
        text = text.replacingOccurrences(of: direct, with: """
                        let pads = samePadding(input: Size2(size, size), kernel: Size2(kernel, kernel), stride: Size2(stride, stride))
                        return ((size + stride - 1) / stride, pads.top)
            """)
        try text.write(to: folder.appendingPathComponent("07_MaxPoolForward.swift"), atomically: true, encoding: .utf8)
        let blocked = try run(["check", "07"], student: folder)
        #expect(blocked.status == 1)
        #expect(blocked.output.contains("exercise 02 (used here) fails"), "check 07 printed: \(blocked.output)")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("02_SamePadding.swift"))
        try FileManager.default.copyItem(at: exercisesRoot.appendingPathComponent("Sources/Solutions/02_SamePadding.swift"),
                                         to: folder.appendingPathComponent("02_SamePadding.swift"))
        let passes = try run(["check", "07"], student: folder)
        #expect(passes.status == 0, "check 07 with 02 solved printed: \(passes.output)")
    }

    @Test func helpIsHelp() throws {
        let result = ChildProcess.run(try exercisesProgram().path, ["--help"], timeout: 60)
        #expect(result.status == 0)
        #expect(result.output.contains("swift run exercises grade") && !result.output.contains("done  ["),
                "--help printed: \(result.output)")
    }
}

@Suite("Which exercise's file another one uses")
struct SourceScanTests {
    @Test func commentsAndStringsAreNotCode() {
        let text = """
            // conv2DChannels(x) in a comment
            let a = "samePadding( in a string \\(outputSize(inputSize: 1, kernelSize: 1, stride: 1, padding: .valid))"
            /* activation( in /* a nested */ block */
            """
        let scan = SourceScan(text: text)
        #expect(!scan.calls.contains("conv2DChannels"))
        #expect(!scan.calls.contains("samePadding"))
        #expect(!scan.calls.contains("activation"))
        #expect(scan.calls.contains("outputSize"), "a call inside an interpolation is code")
    }

    @Test func callsMakeDependenciesLocalsDoNot() {
        let declares = SourceScan(text: "public func outputSize(inputSize: Int) -> Int { 0 }\nprivate func helper() {}\npublic struct Box {}")
        #expect(declares.functions == ["outputSize"])
        #expect(declares.otherNames == ["Box"])
        let calls = SourceScan(text: "func f() -> Int {\n    return outputSize(inputSize: 3)\n}")
        #expect(calls.uses(declares))
        let local = SourceScan(text: "func f() -> Int {\n    let outputSize = 3\n    return outputSize\n}")
        #expect(!local.uses(declares), "a local named like another file's function is not a use")
        let method = SourceScan(text: "func f(x: Thing) -> Int { x.outputSize(inputSize: 1) }")
        #expect(!method.uses(declares), "a method call on something else is not a use")
        let type = SourceScan(text: "func f() -> Box { Box() }")
        #expect(type.uses(declares))
        let helper = SourceScan(text: "func f() { helper() }")
        #expect(!helper.uses(declares), "a private function is not visible to other files")
    }

    /// The solutions' own dependencies: 17 calls 05, 10, 11, 12 and 13; nothing else calls another.
    @Test func solutionDependencies() {
        let folder = SourceFolder(directory: exercisesRoot.appendingPathComponent("Sources/Solutions"),
                                  files: Catalog.all.map { ($0.id, $0.fileName) })
        #expect(folder.closure("17") == ["05", "10", "11", "12", "13"])
        for exercise in Catalog.all where exercise.id != "17" {
            #expect(folder.closure(exercise.id).isEmpty, "\(exercise.id) uses \(folder.closure(exercise.id))")
        }
    }
}

@Suite("Grading: the report and Gradescope's results.json")
struct GradeTests {
    @Test func solvedAndUnsolvedFolders() throws {
        for (name, source, expected) in [("solved", "Sources/Solutions", Catalog.all.count), ("unsolved", "Pristine", 0)] {
            let folder = try studentFolder(name, from: source)
            defer { try? FileManager.default.removeItem(at: folder) }
            let json = folder.appendingPathComponent("results.json")
            let report = folder.appendingPathComponent("report.txt")
            let result = try run(["grade", "--json", json.path, "--report", report.path], student: folder)
            #expect(result.status == 0, "grade printed: \(result.output)")
            #expect(result.output.contains("Score: \(expected) / \(Catalog.all.count)"), "grade printed: \(result.output)")
            let data = try Data(contentsOf: json)
            #expect(GradescopeFormat.problems(data) == [], "results.json of the \(name) folder")
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let tests = object?["tests"] as? [[String: Any]] ?? []
            #expect(tests.count == Catalog.all.count)
            #expect((object?["score"] as? NSNumber)?.intValue == expected)
            for test in tests {
                // The fields the issue asks for, in every test.
                #expect(test["name"] is String && test["output"] is String && test["score"] is NSNumber && test["max_score"] is NSNumber)
            }
            if name == "unsolved" {
                let first = tests.first { ($0["number"] as? String) == "03" }
                #expect((first?["output"] as? String)?.contains("expected:") == true)
            }
            #expect(FileManager.default.fileExists(atPath: report.path))
        }
    }

    /// The validator rejects what Gradescope would: it can fail.
    @Test(arguments: [
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"tests": [{"name": "a", "max_score": 1}]}"#, "score is required unless every test has one"),
        (#"{"score": "3", "tests": []}"#, "score is not a number"),
        (#"{"score": true}"#, "score is not a number"),
        (#"{"score": 1, "tests": [{"score": 2, "max_score": 1}]}"#, "tests[0]: score 2 above max_score 1"),
        (#"{"score": 1, "tests": [{"score": 1, "max_score": 1, "status": "ok"}]}"#, "tests[0].status must be \"passed\" or \"failed\""),
        (#"{"score": 1, "tests": [{"score": 1, "maxscore": 1}]}"#, "tests[0]: unknown key \"maxscore\""),
        (#"{"score": 2, "tests": [{"score": 1, "max_score": 1}]}"#, "score 2 is not the sum of the tests' scores (1.0)"),
        (#"{"score": 0, "visibility": "public"}"#, "visibility \"public\" is not one of [\"after_due_date\", \"after_published\", \"hidden\", \"visible\"]"),
        (#"{"score": 0, "leaderboard": [{"name": "Accuracy", "value": 0.99, "order": "up"}]}"#, "leaderboard[0].order must be \"asc\" or \"desc\""),
    ])
    func validatorRejects(json: String, problem: String) {
        #expect(GradescopeFormat.problems(Data(json.utf8)).contains(problem), "\(GradescopeFormat.problems(Data(json.utf8)))")
    }

    @Test func validatorAcceptsTheSpecificationsExample() {
        let example = #"""
            {"score": 44.0, "execution_time": 136, "output": "Text", "visibility": "after_due_date",
             "stdout_visibility": "visible", "extra_data": {},
             "tests": [{"score": 2.0, "max_score": 2.0, "status": "passed", "name": "Your name here", "number": "1.1",
                        "output": "Giant multiline string", "tags": ["tag1"], "visibility": "visible", "extra_data": {}}],
             "leaderboard": [{"name": "Accuracy", "value": 0.926}, {"name": "Time", "value": 15, "order": "asc"}]}
            """#
        // The top-level score need not equal the tests' sum when a test has no score; here it
        // has one, so make them agree.
        let fixed = example.replacingOccurrences(of: "\"score\": 44.0", with: "\"score\": 2.0")
        #expect(GradescopeFormat.problems(Data(fixed.utf8)) == [])
    }
}

@Suite("The catalog, the READMEs and the lectures agree")
struct ConsistencyTests {
    /// Fails until every lecture module an exercise links to exists and Lectures/README.md lists
    /// the right exercises in each module's row; each problem is one line saying what is missing.
    @Test func catalogReadmesAndLecturesAgree() {
        let problems = Consistency(root: exercisesRoot).problems()
        let report = "\(problems.count) disagreement(s):\n" + problems.joined(separator: "\n")
        #expect(problems.isEmpty, "\(report)")
    }

    /// The consistency check can fail: a README row with the wrong lecture is caught.
    @Test func aStaleRowIsCaught() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-consistency-\(ProcessInfo.processInfo.processIdentifier)")
        let exercises = folder.appendingPathComponent("Exercises")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: exercises, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var readme = try String(contentsOf: exercisesRoot.appendingPathComponent("README.md"), encoding: .utf8)
        readme = readme.replacingOccurrences(of: "| 07 | Max pooling, forward | [5 Pooling](../Lectures/05-pooling.md)",
                                             with: "| 07 | Max pooling, forward | [4 Pooling](../Lectures/04-pooling.md)")
        try readme.write(to: exercises.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let problems = Consistency(root: exercises).exercisesReadme()
        #expect(problems.contains { $0.hasPrefix("Exercises/README.md row 07 links [4 Pooling]") }, "\(problems)")
    }
}
