import ConvLab
import ConvLabLectures
import Foundation

let lectureCommand = CLICommand(
    name: "lecture", summary: "the read-along modules: run one, doc-test them, refresh their text and pictures",
    positionals: "[N | check [N...] | update N]", positionalCount: 0...Int.max,
    options: [
        .value("snippet", "NAME", "run one snippet of module N (slow ones too)"),
        .value("figures", "DIR", "write module N's pictures into DIR"),
        .value("dir", "D", "the folder of the modules' text for check and update (default Lectures)"),
        .value("full", "yes|no", "check and update also run the slow (training) snippets; build with -c release"),
    ],
    notes: """
      convlab lecture                 the list of modules
      convlab lecture 1               every snippet of module 1, in order (slow ones are named, not run)
      convlab lecture check [N...]    doc-test modules: every printed number and code block against the code
      convlab lecture update N        rewrite module N's output and code blocks from the code, and its pictures
    """,
    run: runLecture)

/// `convlab lecture ...`: run a read-along module's code, check it against its text, refresh the
/// text after changing the code, or write the module's pictures.
func runLecture(_ arguments: CLIArguments) throws {
    let positional = arguments.positional
    let directory = arguments.string("dir") ?? "Lectures"
    let full = arguments.string("full") == "yes"

    switch positional.first {
    case nil:
        for lecture in Lectures.all {
            print("\(lecture.number)\t\(lecture.title)\tLectures/\(lecture.markdown)")
        }
        print(lectureCommand.usage)
    case "check":
        let lectures = try positional.dropFirst().map { try Lectures.lecture(try lectureNumber($0)) }
        try checkLectures(lectures.isEmpty ? Lectures.all : lectures, directory: directory,
                          full: full)
    case "update":
        guard positional.count == 2 else {
            throw arguments.error("update needs one module number")
        }
        try updateLecture(try Lectures.lecture(try lectureNumber(positional[1])), directory: directory,
                          full: full)
    case let number?:
        let lecture = try Lectures.lecture(try lectureNumber(number))
        if let folder = arguments.string("figures") {
            try writeFigures(lecture, into: folder)
        } else if let name = arguments.string("snippet") {
            print(try lecture.snippet(named: name).transcript().rendered, terminator: "")
        } else {
            print("Module \(lecture.number): \(lecture.title) (text: Lectures/\(lecture.markdown))")
            for snippet in lecture.snippets {
                print("\n-- \(snippet.name) --")
                if snippet.slow {
                    print("(a long run: swift run -c release convlab lecture \(lecture.number) --snippet \(snippet.name))")
                    continue
                }
                print(try snippet.transcript().rendered, terminator: "")
            }
        }
    }
}

private func lectureNumber(_ text: String) throws -> Int {
    guard let number = Int(text) else {
        throw ConvLabError.argument(op: "lecture", message: "'\(text)' is not a module number (convlab lecture --help lists the options)")
    }
    return number
}

/// The package's folder: the current one (the commands run from the package root).
private let packageRoot = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

private func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw ConvLabError.file(path: path, offset: nil, message: "cannot read (run from the package root or pass --dir)")
    }
    return text
}

private func checkLectures(_ lectures: [Lecture], directory: String, full: Bool) throws {
    var failures = 0
    for lecture in lectures {
        let file = "\(directory)/\(lecture.markdown)"
        let markdown = try readText(file)
        let source = try? DocTest.source(of: lecture, root: packageRoot)
        var mismatches = try DocTest.checkOutputs(markdown: markdown, file: file,
                                                  transcripts: try lecture.run(includingSlow: full),
                                                  notRun: full ? [] : lecture.slowSnippets)
        if let source {
            mismatches += try DocTest.checkCode(markdown: markdown, file: file, source: source,
                                                sourceFile: "\(lecture.source) or Sources/ConvLab*")
        }
        print("module \(lecture.number): \(mismatches.isEmpty ? "text and code agree" : "\(mismatches.count) mismatches")")
        for mismatch in mismatches { print("  \(mismatch)") }
        failures += mismatches.count
    }
    if failures > 0 {
        throw ConvLabError.argument(op: "lecture check", message: "\(failures) mismatches; see above")
    }
}

/// Refreshes a module's blocks and pictures; slow snippets (and their pictures) only when `full`.
private func updateLecture(_ lecture: Lecture, directory: String, full: Bool) throws {
    let file = "\(directory)/\(lecture.markdown)"
    let markdown = try readText(file)
    let source = try? DocTest.source(of: lecture, root: packageRoot)
    var outputs: [String: String] = [:]
    for (name, transcript) in try lecture.run(includingSlow: full) { outputs[name] = transcript.rendered }
    let updated = try DocTest.updating(markdown: markdown, file: file, outputs: outputs, source: source)
    try FileIO.writeAtomically(updated, to: file)
    print(updated == markdown ? "\(file): already up to date" : "\(file): output and code blocks refreshed")
    // The pictures come from the same runs (slow snippets' results are cached in the process).
    try writeFigures(lecture, into: "\(directory)/figures", includingSlow: full)
}

private func writeFigures(_ lecture: Lecture, into folder: String, includingSlow: Bool = true) throws {
    let figures = lecture.figures.filter { includingSlow || !$0.slow }
    guard !figures.isEmpty else { return }
    try FileIO.createDirectory(folder)
    for figure in figures {
        let path = "\(folder)/\(figure.file)"
        try FileIO.writeAtomically(try figure.make(), to: path)
        print("wrote \(path)")
    }
}
