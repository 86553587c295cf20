import ConvLabCore
import ConvLabData

/// The one argument parser of `convlab`: every subcommand declares its options as data and gets
/// `--help`, the usage text, the error messages and `--out` from the same code. It lives in the
/// library so that `convlab animate`'s options (`AnimationArguments`) serve the command line and
/// the lectures' animations alike.
///
///     convlab NAME [POSITIONAL ...] [--option VALUE | --option=VALUE | --flag] ...
///
/// Errors name the subcommand and point at its `--help`:
/// `convlab: train: unknown option '--epoch' (convlab train --help lists the options)`.
package struct CLIOption: Sendable {
    package let name: String
    /// The value's placeholder (`N`, `DIR`); nil for a flag, which takes no value.
    package let placeholder: String?
    package let help: String

    package static func flag(_ name: String, _ help: String) -> CLIOption {
        CLIOption(name: name, placeholder: nil, help: help)
    }

    package static func value(_ name: String, _ placeholder: String, _ help: String) -> CLIOption {
        CLIOption(name: name, placeholder: placeholder, help: help)
    }

    package var synopsis: String { "--" + name + (placeholder.map { " " + $0 } ?? "") }
}

/// A subcommand: what it takes, the text `--help` prints, and the function that runs it.
package struct CLICommand: Sendable {
    /// What a command writes, and so what `--out` means for it.
    package enum Output: Sendable {
        /// Nothing: no `--out`.
        case none
        /// Several files: `--out DIR`, default `out/NAME`.
        case folder
        /// One file: `--out FILE`, default `out/NAME/<file>`.
        case file(String)
    }

    package let name: String
    /// One line for `convlab help`.
    package let summary: String
    /// The positional arguments as the usage line spells them (`[IMAGE]`, `CASES RESULTS`).
    package var positionals: String
    /// How many positional arguments it accepts.
    package var positionalCount: ClosedRange<Int>
    package var options: [CLIOption]
    package var output: Output
    /// Paragraphs after the options.
    package var notes: String
    package let run: @Sendable (CLIArguments) throws -> Void

    package init(name: String, summary: String, positionals: String = "", positionalCount: ClosedRange<Int> = 0...0,
                options: [CLIOption] = [], output: Output = .none, notes: String = "",
                run: @escaping @Sendable (CLIArguments) throws -> Void) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.positionalCount = positionalCount
        self.options = options
        self.output = output
        self.notes = notes
        self.run = run
    }

    /// Every option it takes, `--out` and `--help` included.
    package var allOptions: [CLIOption] {
        let out: [CLIOption]
        switch output {
        case .none: out = []
        case .folder: out = [.value("out", "DIR", "where the files go (default out/\(name))")]
        case .file(let file): out = [.value("out", "FILE", "the file to write (default out/\(name)/\(file))")]
        }
        return options + out + [.flag("help", "this text")]
    }

    /// The generated `--help` text.
    package var usage: String {
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
    package func parse(_ words: [String]) throws -> CLIArguments {
        var parsed = CLIArguments(command: name, output: output)
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
    package func callAsFunction(_ words: [String]) throws {
        let arguments = try parse(words)
        if arguments.flag("help") {
            print(usage)
        } else {
            try run(arguments)
        }
    }
}

/// What one call of a subcommand was given, with typed accessors that throw the same errors.
package struct CLIArguments: Sendable {
    package let command: String
    package let output: CLICommand.Output
    package var positional: [String] = []
    package var values: [String: String] = [:]
    var flags: Set<String> = []

    /// The error format of every subcommand.
    package func error(_ message: String) -> ConvLabError {
        .argument(op: command, message: message + " (convlab \(command) --help lists the options)")
    }

    package func flag(_ name: String) -> Bool { flags.contains(name) }

    package func string(_ name: String) -> String? { values[name] }

    /// A number of any type that parses from text (`Int`, `Float`, `UInt64`), nil when absent.
    package func number<T: LosslessStringConvertible>(_ name: String) throws -> T? {
        guard let text = values[name] else { return nil }
        guard let value = T(text) else { throw error("--\(name) needs a number, got '\(text)'") }
        return value
    }

    /// An integer in `minimum...maximum`, `fallback` when absent.
    /// - Parameters:
    ///   - name: the option without its dashes.
    ///   - fallback: the value when the option is absent (not checked against the bounds).
    ///   - minimum: the smallest value accepted (1 by default).
    ///   - maximum: the largest value accepted (no bound by default).
    /// - Throws: the command's error for a non-number or a value out of bounds.
    package func integer(_ name: String, default fallback: Int, minimum: Int = 1, maximum: Int = .max) throws -> Int {
        guard let value: Int = try number(name) else { return fallback }
        guard value >= minimum else {
            throw error("--\(name) must be " + (maximum == .max ? "at least \(minimum)" : "in \(minimum)...\(maximum)") + ", got \(value)")
        }
        guard value <= maximum else { throw error("--\(name) must be in \(minimum)...\(maximum), got \(value)") }
        return value
    }

    /// `integer` for an option that may be absent: nil then, the checked value otherwise.
    package func optionalInteger(_ name: String, minimum: Int = 1, maximum: Int = .max) throws -> Int? {
        try values[name].map { _ in try integer(name, default: 0, minimum: minimum, maximum: maximum) }
    }

    /// Where a command that writes several files puts them: `--out DIR`, default `out/COMMAND`.
    package var outputDirectory: String { values["out"] ?? "out/\(command)" }

    /// The file a command that writes one file writes: `--out FILE`, default `out/COMMAND/<file>`;
    /// its folder is created.
    package func outputFile() throws -> String {
        guard case .file(let file) = output else { throw error("writes no single file") }
        let path = values["out"] ?? FileIO.join("out/\(command)", file)
        if let slash = path.lastIndex(of: "/") { try FileIO.createDirectory(String(path[..<slash])) }
        return path
    }
}
