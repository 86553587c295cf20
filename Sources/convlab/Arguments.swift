import ConvLab

/// The one argument parser of `convlab`: every subcommand declares its options here as data,
/// and gets `--help`, the usage text, the error messages and `--out` from the same code.
///
///     convlab NAME [POSITIONAL ...] [--option VALUE | --option=VALUE | --flag] ...
///
/// Errors name the subcommand and point at its `--help`:
/// `convlab: train: unknown option '--epoch' (convlab train --help lists the options)`.
struct Option: Sendable {
    let name: String
    /// The value's placeholder (`N`, `DIR`); nil for a flag, which takes no value.
    let placeholder: String?
    let help: String

    static func flag(_ name: String, _ help: String) -> Option {
        Option(name: name, placeholder: nil, help: help)
    }

    static func value(_ name: String, _ placeholder: String, _ help: String) -> Option {
        Option(name: name, placeholder: placeholder, help: help)
    }

    var synopsis: String { "--" + name + (placeholder.map { " " + $0 } ?? "") }
}

/// A subcommand: what it takes, the text `--help` prints, and the function that runs it.
struct Command: Sendable {
    let name: String
    /// One line for `convlab help`.
    let summary: String
    /// The positional arguments as the usage line spells them (`[IMAGE]`, `CASES RESULTS`).
    var positionals: String = ""
    /// How many positional arguments it accepts.
    var positionalCount: ClosedRange<Int> = 0...0
    var options: [Option] = []
    /// Whether it writes files: then it takes `--out DIR`, default `out/NAME`.
    var writesFiles = false
    /// Paragraphs after the options.
    var notes: String = ""
    let run: @Sendable (Arguments) throws -> Void

    /// Every option it takes, `--out` and `--help` included.
    var allOptions: [Option] {
        options
            + (writesFiles ? [.value("out", "DIR", "where the files go (default out/\(name))")] : [])
            + [.flag("help", "this text")]
    }

    /// The generated `--help` text.
    var usage: String {
        let synopsis = allOptions.filter { $0.name != "help" }.map { "[\($0.synopsis)]" }
        var lines = ["usage: convlab \(name)" + (positionals.isEmpty ? "" : " " + positionals)
                     + (synopsis.isEmpty ? "" : " " + synopsis.joined(separator: " ")),
                     "  " + summary]
        let width = allOptions.map(\.synopsis.count).max() ?? 0
        for option in allOptions {
            lines.append("  " + leftAligned(option.synopsis, width) + "  " + option.help)
        }
        if !notes.isEmpty { lines.append(notes) }
        return lines.joined(separator: "\n")
    }

    /// The arguments after the command's name, checked against what it declares.
    /// - Throws: `ConvLabError.argument` naming the command for an unknown option, a missing
    ///   value, an option given twice, or the wrong number of positional arguments.
    func parse(_ words: [String]) throws -> Arguments {
        var parsed = Arguments(command: name, writesFiles: writesFiles)
        var i = 0
        while i < words.count {
            let word = words[i]
            i += 1
            guard word.hasPrefix("-"), word.count > 1, Double(word) == nil else {
                parsed.positional.append(word)
                continue
            }
            if word == "-h" { parsed.flags.insert("help"); continue }
            guard word.hasPrefix("--") else { throw parsed.error("unknown option '\(word)'") }
            var name = String(word.dropFirst(2))
            var inline: String? = nil
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = allOptions.first(where: { $0.name == name }) else {
                throw parsed.error("unknown option '--\(name)'")
            }
            guard parsed.values[name] == nil, !parsed.flags.contains(name) else {
                throw parsed.error("--\(name) is given twice")
            }
            if option.placeholder == nil {
                guard inline == nil else { throw parsed.error("--\(name) takes no value") }
                parsed.flags.insert(name)
            } else if let inline {
                parsed.values[name] = inline
            } else {
                guard i < words.count else { throw parsed.error("--\(name) needs a value (\(option.placeholder!))") }
                parsed.values[name] = words[i]
                i += 1
            }
        }
        if !parsed.flag("help") && !positionalCount.contains(parsed.positional.count) {
            let expected = positionals.isEmpty ? "no arguments" : positionals
            throw parsed.error(parsed.positional.count > positionalCount.upperBound
                ? "unexpected argument '\(parsed.positional[positionalCount.upperBound])' (takes \(expected))"
                : "missing arguments: takes \(expected)")
        }
        return parsed
    }

    /// Parses `words` and runs the command, or prints the usage for `--help`.
    func callAsFunction(_ words: [String]) throws {
        let arguments = try parse(words)
        if arguments.flag("help") {
            print(usage)
        } else {
            try run(arguments)
        }
    }
}

/// What one call of a subcommand was given, with typed accessors that throw the same errors.
struct Arguments: Sendable {
    let command: String
    let writesFiles: Bool
    var positional: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(command: String, writesFiles: Bool) {
        self.command = command
        self.writesFiles = writesFiles
    }

    /// The error format of every subcommand.
    func error(_ message: String) -> ConvLabError {
        .argument(op: command, message: message + " (convlab \(command) --help lists the options)")
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func string(_ name: String) -> String? { values[name] }

    /// A number of any type that parses from text (`Int`, `Float`, `UInt64`), nil when absent.
    func number<T: LosslessStringConvertible>(_ name: String) throws -> T? {
        guard let text = values[name] else { return nil }
        guard let value = T(text) else { throw error("--\(name) needs a number, got '\(text)'") }
        return value
    }

    /// An integer of at least `minimum`, `fallback` when absent.
    func integer(_ name: String, default fallback: Int, minimum: Int = 1) throws -> Int {
        guard let value: Int = try number(name) else { return fallback }
        guard value >= minimum else { throw error("--\(name) must be at least \(minimum), got \(value)") }
        return value
    }

    /// `--path reference|fast`, `fallback` when absent.
    func kernelPath(default fallback: KernelPath = .fast) throws -> KernelPath {
        try values["path"].map { try KernelPath(parsing: $0) } ?? fallback
    }

    /// Where the command writes its files: `--out DIR`, default `out/COMMAND`.
    var outputDirectory: String { values["out"] ?? "out/\(command)" }

    /// `name` inside the output directory, after creating the directory.
    func outputFile(_ name: String) throws -> String {
        try FileIO.createDirectory(outputDirectory)
        return FileIO.join(outputDirectory, name)
    }
}
