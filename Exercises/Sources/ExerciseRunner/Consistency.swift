import Catalog
import Foundation

/// The exercises' manifest, their README table, the stubs' headers, the lecture files and the
/// exercises column of `Lectures/README.md` must tell the same story; each disagreement is one
/// line saying what is missing or wrong and where. Run by `exercises verify` (so by CI) and by
/// the `RunnerTests` consistency test.
public struct Consistency {
    /// The Exercises folder.
    public let root: URL
    public var exercises = Catalog.all

    public init(root: URL) { self.root = root }

    var lecturesFolder: URL { root.deletingLastPathComponent().appendingPathComponent("Lectures") }

    func read(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

    /// Every disagreement found (empty when all agree).
    public func problems() -> [String] {
        lectureFiles() + exercisesReadme() + stubHeaders() + lecturesReadme()
    }

    /// Each module an exercise (or the capstone) links to has its file.
    public func lectureFiles() -> [String] {
        var problems: [String] = []
        for lecture in Catalog.lectures {
            var users = exercises.filter { $0.lecture == lecture.number }.map(\.id)
            if Catalog.capstoneLectures.contains(lecture.number) { users.append("the capstone") }
            guard !users.isEmpty else { continue }
            let path = lecturesFolder.appendingPathComponent(lecture.file).path
            if !FileManager.default.fileExists(atPath: path) {
                problems.append("Lectures/\(lecture.file) (module \(lecture.number), \(lecture.title)) does not exist yet; linked by exercise \(users.joined(separator: ", "))")
            }
        }
        for exercise in exercises where Catalog.lecture(exercise.lecture) == nil {
            problems.append("exercise \(exercise.id) names lecture module \(exercise.lecture), which the catalog does not list")
        }
        return problems
    }

    /// The rows of a Markdown table whose first cell satisfies `key`, as trimmed cells.
    func tableRows(_ text: String, key: (String) -> Bool) -> [[String]] {
        text.split(separator: "\n").compactMap { line -> [String]? in
            guard line.hasPrefix("|") else { return nil }
            var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            cells.removeFirst()
            if cells.last == "" { cells.removeLast() }
            guard let first = cells.first, key(first) else { return nil }
            return cells
        }
    }

    /// Exercises/README.md: one row per exercise, in order, with the catalog's title, lecture
    /// link and file; a capstone row; every link into ../Lectures resolves; no stale text.
    public func exercisesReadme() -> [String] {
        guard let readme = read(root.appendingPathComponent("README.md")) else { return ["Exercises/README.md is missing"] }
        var problems: [String] = []
        let rows = tableRows(readme) { $0.count == 2 && $0.allSatisfy(\.isNumber) }
        let ids = rows.map { $0[0] }
        if ids != exercises.map(\.id) {
            problems.append("Exercises/README.md's table lists \(ids.joined(separator: " ")) but the catalog has \(exercises.map(\.id).joined(separator: " "))")
        }
        for exercise in exercises {
            guard let row = rows.first(where: { $0[0] == exercise.id }), row.count >= 4 else { continue }
            if row[1] != exercise.title {
                problems.append("Exercises/README.md row \(exercise.id) says \"\(row[1])\" but the catalog's title is \"\(exercise.title)\"")
            }
            if let lecture = Catalog.lecture(exercise.lecture), !row[2].hasPrefix("[\(lecture.number) ") || !row[2].contains("](../Lectures/\(lecture.file))") {
                problems.append("Exercises/README.md row \(exercise.id) links \(row[2]); the catalog says module \(lecture.number), ../Lectures/\(lecture.file)")
            }
            if row[3] != "`\(exercise.studentFile)`" {
                problems.append("Exercises/README.md row \(exercise.id) names \(row[3]); the file is `\(exercise.studentFile)`")
            }
        }
        let capstone = tableRows(readme) { $0 == "capstone" }
        if let row = capstone.first {
            for number in Catalog.capstoneLectures {
                if let lecture = Catalog.lecture(number), !row.joined(separator: "|").contains("](../Lectures/\(lecture.file))") {
                    problems.append("Exercises/README.md's capstone row does not link ../Lectures/\(lecture.file)")
                }
            }
        } else {
            problems.append("Exercises/README.md has no capstone row")
        }
        var linked: [String] = []
        for match in readme.matches(of: /\]\(\.\.\/Lectures\/([^)#]+)(#[^)]*)?\)/) where !linked.contains(String(match.1)) {
            linked.append(String(match.1))
        }
        for target in linked {
            if !FileManager.default.fileExists(atPath: lecturesFolder.appendingPathComponent(target).path) {
                problems.append("Exercises/README.md links ../Lectures/\(target), which does not exist yet")
            }
        }
        for stale in ["still being written", "being written", "(none yet)"] where readme.contains(stale) {
            problems.append("Exercises/README.md still says \"\(stale)\"")
        }
        return problems
    }

    /// Every stub, solution and pristine copy names its exercise and its lecture module's file.
    public func stubHeaders() -> [String] {
        var problems: [String] = []
        for exercise in exercises {
            guard let lecture = Catalog.lecture(exercise.lecture) else { continue }
            let expected = "lecture module \(lecture.number), Lectures/\(lecture.file)"
            for path in [exercise.studentFile, exercise.solutionFile, exercise.pristineFile] {
                guard let text = read(root.appendingPathComponent(path)) else { continue }
                let header = text.split(separator: "\n").first { $0.hasPrefix("// Exercise \(exercise.id) ") }
                if header == nil || !header!.contains(expected) {
                    problems.append("\(path): the header line should read \"// Exercise \(exercise.id) · ... (\(expected))\"")
                }
            }
        }
        return problems
    }

    /// Lectures/README.md: a row for every module, whose exercises column lists exactly the
    /// catalog's exercises of that module (and "capstone" where it belongs), "none" otherwise.
    public func lecturesReadme() -> [String] {
        guard let readme = read(lecturesFolder.appendingPathComponent("README.md")) else { return ["Lectures/README.md is missing"] }
        var problems: [String] = []
        let rows = tableRows(readme) { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        for lecture in Catalog.lectures {
            var expected = exercises.filter { $0.lecture == lecture.number }.map(\.id)
            if Catalog.capstoneLectures.contains(lecture.number) { expected.append("capstone") }
            guard let row = rows.first(where: { Int($0[0]) == lecture.number }) else {
                problems.append("Lectures/README.md has no row for module \(lecture.number) (\(lecture.file)); its exercises: \(expected.isEmpty ? "none" : expected.joined(separator: ", "))")
                continue
            }
            if !row.joined(separator: "|").contains("(\(lecture.file))") {
                problems.append("Lectures/README.md's row \(lecture.number) does not link \(lecture.file)")
            }
            let cell = row.last ?? ""
            var listed = cell.matches(of: /\b\d\d\b/).map { String($0.0) }
            if cell.lowercased().contains("capstone") { listed.append("capstone") }
            if listed != expected {
                problems.append("Lectures/README.md's row \(lecture.number) lists exercises \"\(cell)\"; the catalog has \(expected.isEmpty ? "none" : expected.joined(separator: ", "))")
            }
            if expected.isEmpty && cell != "none" {
                problems.append("Lectures/README.md's row \(lecture.number) should say \"none\" in its exercises column")
            }
        }
        if readme.contains("(none yet)") { problems.append("Lectures/README.md still says \"(none yet)\"") }
        return problems
    }
}
