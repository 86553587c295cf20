import Catalog
import Foundation

/// The verdict on one implementation of one exercise.
public enum Outcome: Equatable, Sendable {
    case passed
    /// The first failed expectation (and how many more).
    case failed(String)
    /// A crash or an endless loop in the implementation.
    case crashed(String)
    /// The file does not compile: `location` is "Sources/Student/03_Conv1D.swift:12: expected '}'",
    /// `details` the compiler's error blocks.
    case notCompiling(location: String, details: String)
    /// Another exercise this one uses (its function is called here) does not pass yet.
    indirect case blocked(by: String, Outcome)

    public var isPassed: Bool { self == .passed }

    /// One line for the list: "does not compile: 03_Conv1D.swift:12: expected '}'".
    public var summary: String {
        switch self {
        case .passed: return "passes"
        case .failed(let text): return text.split(separator: "\n").first.map(String.init) ?? "fails"
        case .crashed(let text): return text.split(separator: "\n").first.map(String.init) ?? "crashed"
        case .notCompiling(let location, _): return "does not compile: " + location
        case .blocked(let id, let outcome): return "exercise \(id) (used here) " + (outcome.isCompileError ? "does not compile" : "fails")
        }
    }

    var isCompileError: Bool {
        if case .notCompiling = self { return true }
        return false
    }

    /// The full text `check` prints.
    public var report: String {
        switch self {
        case .passed: return "passes"
        case .failed(let text), .crashed(let text): return text
        case .notCompiling(let location, let details):
            return "does not compile: \(location)\n\n\(details)"
        case .blocked(let id, let outcome):
            return """
                exercise \(id) (used here) \(outcome.isCompileError ? "does not compile" : "fails"): this exercise calls its code, so fix \(id) first
                (swift run exercises check \(id)). What \(id) says:

                \(outcome.report)
                """
        }
    }
}

/// Compiles one exercise's file (plus the files of the exercises it uses) with a one-line
/// `main.swift` into a judge program, against the `ExerciseKit` and `ExerciseChecks` objects the
/// runner itself was built from; caches the program (or the compiler's errors) by the hash of
/// everything that went in.
struct JudgeCompiler: Sendable {
    /// Where the runner's build lives: `.build/<triple>/debug`.
    let buildDirectory: URL
    /// Where judge programs are kept: `.build/judges`.
    let cacheDirectory: URL

    enum Result: Sendable {
        case program(URL)
        case errors(location: String, details: String)
    }

    /// The object files and module folder the judge programs link against.
    func kit() throws -> (objects: [URL], modules: URL) {
        let fm = FileManager.default
        var objects: [URL] = []
        for target in ["ExerciseKit", "ExerciseChecks"] {
            let folder = buildDirectory.appendingPathComponent("\(target).build")
            let files = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
            let found = files.filter { $0.hasSuffix(".o") }.sorted().map { folder.appendingPathComponent($0) }
            if found.isEmpty {
                throw RunnerError("the runner's build has no \(target) objects in \(folder.path); run `swift build --product exercises` in Exercises/")
            }
            objects += found
        }
        let modules = buildDirectory.appendingPathComponent("Modules")
        let moduleFolder = fm.fileExists(atPath: modules.appendingPathComponent("ExerciseChecks.swiftmodule").path) ? modules : buildDirectory
        return (objects, moduleFolder)
    }

    /// - Parameters:
    ///   - exercise: whose check the program runs.
    ///   - files: the exercise's file first, then the files of the exercises it uses.
    ///   - displayBase: compiler locations are shown relative to this folder.
    func compile(_ exercise: Exercise, files: [URL], displayBase: URL) -> Result {
        let kit: (objects: [URL], modules: URL)
        do { kit = try self.kit() } catch { return .errors(location: "\(error)", details: "\(error)") }
        let glue = "import ExerciseKit\nimport ExerciseChecks\n\nJudge.main { \(exercise.check) }\n"

        // The cache key: the glue, every source, and the kit's objects (size and date).
        var hasher = FNV1a()
        hasher.add("judge v1\n" + glue)
        for file in files {
            hasher.add(file.standardizedFileURL.path)   // compiler errors name the path, so a folder has its own entry
            hasher.add((try? Data(contentsOf: file)) ?? Data("missing".utf8))
        }
        for object in kit.objects + [kit.modules.appendingPathComponent("ExerciseChecks.swiftmodule")] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: object.path)
            hasher.add("\(object.lastPathComponent) \(attributes?[.size] ?? 0) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
        }
        let key = "\(exercise.id)-" + String(hasher.value, radix: 16)
        let folder = cacheDirectory.appendingPathComponent(key)
        let program = folder.appendingPathComponent("judge")
        let errorsFile = folder.appendingPathComponent("errors.txt")
        let fm = FileManager.default
        if fm.isExecutableFile(atPath: program.path) { return .program(program) }
        if let text = try? String(contentsOf: errorsFile, encoding: .utf8) { return errors(text, displayBase: displayBase) }

        // Compile in a private folder, then move it into place in one rename.
        let work = cacheDirectory.appendingPathComponent("\(key).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try? fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        let main = work.appendingPathComponent("main.swift")
        try? glue.write(to: main, atomically: true, encoding: .utf8)
        var arguments = ["swiftc", "-module-name", "Exercise\(exercise.id)", "-swift-version", "6", "-Onone",
                         "-I", kit.modules.path, main.path]
        arguments += files.map(\.path)
        arguments += kit.objects.map(\.path)
        arguments += ["-o", work.appendingPathComponent("judge").path]
        let (status, output) = ChildProcess.run("/usr/bin/env", arguments, timeout: 300)
        if status != 0 {
            let text = output.isEmpty ? "swiftc exited with status \(status)" : output
            try? text.write(to: work.appendingPathComponent("errors.txt"), atomically: true, encoding: .utf8)
        }
        try? fm.moveItem(at: work, to: folder)
        pruneCache(exercise.id)
        if status == 0, fm.isExecutableFile(atPath: program.path) { return .program(program) }
        return errors((try? String(contentsOf: errorsFile, encoding: .utf8)) ?? output, displayBase: displayBase)
    }

    /// Keeps the three newest builds of an exercise (a student's last edits; several folders
    /// graded in turn) and anything younger than a minute (a judge another process is about
    /// to run).
    func pruneCache(_ id: String) {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: cacheDirectory.path)) ?? [])
            .filter { $0.hasPrefix(id + "-") }
            .map { name -> (name: String, date: Date) in
                let date = (try? fm.attributesOfItem(atPath: cacheDirectory.appendingPathComponent(name).path))?[.modificationDate] as? Date
                return (name, date ?? .distantPast)
            }
        let builds = entries.filter { !$0.name.contains(".tmp-") }.sorted { $0.date > $1.date }
        // Half-finished compiles of an interrupted runner are stale after ten minutes.
        let stale = entries.filter { $0.name.contains(".tmp-") && Date().timeIntervalSince($0.date) > 600 }
        for entry in Array(builds.dropFirst(3)).filter({ Date().timeIntervalSince($0.date) > 60 }) + stale {
            try? fm.removeItem(at: cacheDirectory.appendingPathComponent(entry.name))
        }
    }

    /// The first error as "Sources/Student/03_Conv1D.swift:12: message" and the error blocks.
    func errors(_ output: String, displayBase: URL) -> Result {
        let base = displayBase.standardizedFileURL.path + "/"
        func shorten(_ line: Substring) -> String {
            var text = String(line)
            if let range = text.range(of: base) { text.removeSubrange(text.startIndex..<range.upperBound) }
            return text
        }
        let blocks = compilerErrorBlocks(output).map { block in
            block.split(separator: "\n", omittingEmptySubsequences: false).map(shorten).joined(separator: "\n")
        }
        guard let header = blocks.first?.split(separator: "\n").first else {
            let tail = output.split(separator: "\n").suffix(12).joined(separator: "\n")
            return .errors(location: "the compiler failed", details: tail)
        }
        // "path:12:5: error: message" -> "path:12: message"
        var location = String(header)
        if let match = location.firstMatch(of: /^(.*?):(\d+):(\d+): error: (.*)$/) {
            var path = String(match.1)
            if path.hasSuffix("/main.swift") || path == "main.swift" {
                path = "the check's call"
                location = "\(path): \(match.4) (keep the function's name and parameters as in the stub)"
            } else {
                location = "\(path):\(match.2): \(match.4)"
            }
        }
        var details = blocks.prefix(3).joined(separator: "\n\n")
        if blocks.count > 3 { details += "\n\n(\(blocks.count - 3) more error(s))" }
        return .errors(location: location, details: details)
    }
}

/// The compiler's error blocks (the `file:line:col: error:` line and its source excerpt), each once.
func compilerErrorBlocks(_ output: String) -> [String] {
    var blocks: [String] = []
    var seen = Set<String>()
    var current: [Substring] = []
    func close() {
        if let header = current.first, !seen.contains(String(header)) {
            seen.insert(String(header))
            blocks.append(current.joined(separator: "\n"))
        }
        current = []
    }
    for line in output.split(separator: "\n") {
        if line.contains(": error:") {
            close()
            current = [line]
        } else if !current.isEmpty && (line.hasPrefix(" ") || line.contains("|")) && !line.contains(": warning:") {
            current.append(line)
        } else {
            close()
        }
    }
    close()
    return blocks
}

/// A 64-bit FNV-1a hash: a cache key, not a security measure.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }
    mutating func add(_ text: String) { add(Data(text.utf8)); add(Data([0])) }
}

struct RunnerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Child processes with a time limit and their combined output.
enum ChildProcess {
    /// Runs `executable arguments`; returns the exit status (or -signal, or -999 on timeout) and
    /// the output (stdout and stderr together).
    static func run(_ executable: String, _ arguments: [String], timeout: Double,
                    directory: URL? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-998, "could not start \(executable): \(error)") }
        // Read while it runs so a chatty child never blocks on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            _ = done.wait(timeout: .now() + 2)
            return (-999, String(decoding: box.data, as: UTF8.self))
        }
        process.waitUntilExit()
        _ = done.wait(timeout: .now() + 5)
        let text = String(decoding: box.data, as: UTF8.self)
        if process.terminationReason == .uncaughtSignal { return (-process.terminationStatus, text) }
        return (process.terminationStatus, text)
    }
}
