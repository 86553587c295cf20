import ConvLab
import Foundation

/// The doc-test: the Markdown of a lecture against what its code prints now.
///
/// The Markdown marks what is checked with an HTML comment (invisible on GitHub) before a fence:
///
///     <!-- output: toy-valid -->          the next fenced block is snippet `toy-valid`'s output
///     <!-- code: toy-valid -->            the next fenced block is the source region
///                                         `// @code toy-valid` ... `// @end` of the module's file
///
/// Output blocks are compared token by token, spacing ignored:
/// - words (runs of non-space characters that are not numbers) must be equal;
/// - a number the code printed as plain text (an integer, a label) must have the same value;
/// - a *measured* number (a computed float; see `Transcript`) with exact value `v`, printed with
///   one unit `u` in its last place, accepts the text's number `e` when
///   `|e - v| <= u/2 + slack`, where `slack` is 64 machine epsilons of the computing type times
///   `max(1, |v|)`. A correctly rounded digit always passes, on any platform; a digit changed
///   by one unit fails unless `v` lies within `slack` of a rounding midpoint.
/// Code blocks must equal their source region line for line (indentation and trailing spaces
/// aside), so the text never shows code that is not the code that ran.
package enum DocTest {
    package struct Block: Sendable, Equatable {
        package enum Kind: String, Sendable { case output, code }
        package let kind: Kind
        package let name: String
        /// Line numbers (1-based) of the fences in the Markdown.
        package let openingFence: Int
        package let closingFence: Int
        package let lines: [String]
    }

    /// One disagreement, worded for the student or author who has to fix it.
    package struct Mismatch: Sendable, CustomStringConvertible {
        package let file: String
        package let line: Int
        package let block: String
        package let message: String
        package var description: String { "\(file):\(line) [\(block)]: \(message)" }
    }

    // MARK: - Reading the Markdown

    /// The marked blocks of `markdown`, in order.
    /// - Throws: `ConvLabError.file` when a marker is not followed by a fenced block.
    package static func blocks(in markdown: String, file: String) throws -> [Block] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            guard let (kind, name) = marker(lines[i]) else { i += 1; continue }
            var open = i + 1
            while open < lines.count && lines[open].trimmingSpaces.isEmpty { open += 1 }
            guard open < lines.count, lines[open].trimmingSpaces.hasPrefix("```") else {
                throw ConvLabError.file(path: file, offset: nil,
                    message: "line \(i + 1): '\(lines[i])' is not followed by a fenced block")
            }
            var close = open + 1
            while close < lines.count && lines[close].trimmingSpaces != "```" { close += 1 }
            guard close < lines.count else {
                throw ConvLabError.file(path: file, offset: nil, message: "line \(open + 1): fence never closed")
            }
            blocks.append(Block(kind: kind, name: name, openingFence: open + 1, closingFence: close + 1,
                                lines: Array(lines[(open + 1)..<close])))
            i = close + 1
        }
        return blocks
    }

    static func marker(_ line: String) -> (Block.Kind, String)? {
        let text = line.trimmingSpaces
        guard text.hasPrefix("<!--"), text.hasSuffix("-->") else { return nil }
        let inner = text.dropFirst(4).dropLast(3).trimmingSpaces
        for kind in [Block.Kind.output, .code] where inner.hasPrefix(kind.rawValue + ":") {
            return (kind, String(inner.dropFirst(kind.rawValue.count + 1)).trimmingSpaces)
        }
        return nil
    }

    // MARK: - Checking

    /// Compares every output block of `markdown` with the snippet transcripts, and checks that
    /// each snippet has exactly one block and each block a snippet.
    /// - Parameters:
    ///   - markdown: the text of a module, `Lectures/NN-topic.md`.
    ///   - file: its name, for the mismatches' locations.
    ///   - transcripts: what each snippet printed, by snippet name.
    ///   - notRun: snippets whose blocks must exist but were not run (slow ones).
    package static func checkOutputs(markdown: String, file: String,
                                    transcripts: [(name: String, transcript: Transcript)],
                                    notRun: [String] = []) throws -> [Mismatch] {
        let outputBlocks = try blocks(in: markdown, file: file).filter { $0.kind == .output }
        var mismatches: [Mismatch] = []
        for (name, transcript) in transcripts {
            let matching = outputBlocks.filter { $0.name == name }
            if matching.count != 1 {
                mismatches.append(Mismatch(file: file, line: matching.first?.openingFence ?? 0, block: name,
                    message: "snippet '\(name)' has \(matching.count) output blocks; it needs exactly one"))
            }
            for block in matching {
                if let problem = compare(block: block, transcript: transcript) {
                    mismatches.append(Mismatch(file: file, line: problem.line, block: name, message: problem.message))
                }
            }
        }
        for name in notRun where outputBlocks.filter({ $0.name == name }).count != 1 {
            mismatches.append(Mismatch(file: file, line: 0, block: name,
                message: "slow snippet '\(name)' needs exactly one output block"))
        }
        for block in outputBlocks where !transcripts.contains(where: { $0.name == block.name }) && !notRun.contains(block.name) {
            mismatches.append(Mismatch(file: file, line: block.openingFence, block: block.name,
                                       message: "no snippet of this name prints this block"))
        }
        return mismatches
    }

    /// The code a module may show, read from the package at `root`: its own file's `// @code`
    /// regions and the library's (every `Sources/ConvLab*` module but the lectures'; the gradient
    /// checker is one copy, in ConvLabCore/Checks, that the lectures and the tests share).
    package static func source(of lecture: Lecture, root: URL) throws -> String {
        let folder = root.appendingPathComponent("Sources")
        func read(_ path: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
        }
        let paths = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        let library = try paths.filter { $0.hasPrefix("ConvLab") && !$0.hasPrefix("ConvLabLectures/") && $0.hasSuffix(".swift") }
            .sorted().map(read).filter { $0.contains("// @code ") }
        return try ([read("ConvLabLectures/" + lecture.source)] + library).joined(separator: "\n")
    }

    /// Compares every code block of `markdown` with its region in `source`.
    package static func checkCode(markdown: String, file: String, source: String, sourceFile: String) throws
        -> [Mismatch] {
        var mismatches: [Mismatch] = []
        for block in try blocks(in: markdown, file: file) where block.kind == .code {
            guard let region = codeRegion(named: block.name, in: source) else {
                mismatches.append(Mismatch(file: file, line: block.openingFence, block: block.name,
                    message: "\(sourceFile) has no region '// @code \(block.name)' ... '// @end'"))
                continue
            }
            let shown = dedented(block.lines), actual = dedented(region)
            for k in 0..<max(shown.count, actual.count) {
                let a = k < shown.count ? shown[k] : "(end of block)"
                let b = k < actual.count ? actual[k] : "(end of region)"
                if a != b {
                    mismatches.append(Mismatch(file: file, line: block.openingFence + 1 + k, block: block.name,
                        message: "the text shows `\(a)` where \(sourceFile) has `\(b)`"))
                    break
                }
            }
        }
        return mismatches
    }

    /// The lines between `// @code name` and the next `// @end` in `source`.
    package static func codeRegion(named name: String, in source: String) -> [String]? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.trimmingSpaces == "// @code \(name)" }) else { return nil }
        guard let end = lines[(start + 1)...].firstIndex(where: { $0.trimmingSpaces == "// @end" }) else { return nil }
        return Array(lines[(start + 1)..<end])
    }

    static func dedented(_ lines: [String]) -> [String] {
        var trimmed = lines.map { line -> String in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
        while trimmed.first?.isEmpty == true { trimmed.removeFirst() }
        while trimmed.last?.isEmpty == true { trimmed.removeLast() }
        let indent = trimmed.filter { !$0.isEmpty }.map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
        return trimmed.map { $0.isEmpty ? $0 : String($0.dropFirst(indent)) }
    }

    /// The first disagreement between a block and a transcript, if any.
    static func compare(block: Block, transcript: Transcript) -> (line: Int, message: String)? {
        let expected = tokens(of: block.lines, firstLine: block.openingFence + 1)
        let actual = tokens(of: transcript)
        for k in 0..<max(expected.count, actual.count) {
            guard k < expected.count else {
                return (block.closingFence, "the text ends where the code goes on printing '\(actual[k].token.text)'")
            }
            let e = expected[k]
            guard k < actual.count else {
                return (e.line, "the text has '\(e.token.text)' after the end of what the code printed")
            }
            if let problem = judge(expected: e.token, actual: actual[k].token) {
                return (e.line, problem)
            }
        }
        return nil
    }

    static func judge(expected: Token, actual: Token) -> String? {
        switch (expected, actual) {
        case let (.word(e), .word(a)):
            return e == a ? nil : "the text says '\(e)' where the code prints '\(a)'"
        case let (.number(e, ev), .number(a, av)):
            return ev == av ? nil : "the text says \(e) where the code prints \(a)"
        case let (.number(e, ev), .measured(m)):
            if m.accepts(ev) { return nil }
            return "the text says \(e) where the code prints \(m.printed) "
                + "(exact \(m.exact); allowed difference \(String(format: "%.2g", m.unit / 2 + m.slack)))"
        default:
            return "the text says '\(expected.text)' where the code prints '\(actual.text)'"
        }
    }

    // MARK: - Tokens

    enum Token: Equatable {
        case word(String)
        case number(String, Double)
        case measured(MeasuredNumber)

        var text: String {
            switch self {
            case let .word(text), let .number(text, _): return text
            case let .measured(number): return number.printed
            }
        }
    }

    /// Tokens of Markdown lines, each with its line number.
    static func tokens(of lines: [String], firstLine: Int) -> [(token: Token, line: Int)] {
        var result: [(Token, Int)] = []
        for (k, line) in lines.enumerated() {
            for token in tokens(of: Array(line), measured: [:]) { result.append((token, firstLine + k)) }
        }
        return result
    }

    /// Tokens of a transcript: measured pieces stay whole, the text between them is scanned.
    static func tokens(of transcript: Transcript) -> [(token: Token, line: Int)] {
        var characters: [Character] = []
        var measured: [Int: (length: Int, number: MeasuredNumber)] = [:]
        for piece in transcript.pieces {
            if case let .measured(number) = piece {
                measured[characters.count] = (number.printed.count, number)
            }
            characters += Array(piece.printed)
        }
        return tokens(of: characters, measured: measured).map { ($0, 0) }
    }

    /// Splits text into words and numbers. A number is `-?digits(.digits)?(e[+-]?digits)?` that
    /// does not continue a word (`conv2d` and `x28` are words); the minus sign belongs to it
    /// only where it cannot be a binary minus (not after a letter, digit, `)` or `]`).
    static func tokens(of text: [Character], measured: [Int: (length: Int, number: MeasuredNumber)]) -> [Token] {
        var result: [Token] = []
        var word = ""
        func flush() {
            if !word.isEmpty { result.append(.word(word)); word = "" }
        }
        var i = 0
        while i < text.count {
            if let (length, number) = measured[i] {
                flush()
                result.append(.measured(number))
                i += length
                continue
            }
            let c = text[i]
            if c.isWhitespace { flush(); i += 1; continue }
            if word.isEmpty || !(word.last!.isLetter || word.last!.isNumber || word.last! == "_" || word.last! == ".") {
                if let end = numberEnd(text, from: i, previous: i > 0 ? text[i - 1] : " ") {
                    flush()
                    let literal = String(text[i..<end])
                    result.append(.number(literal, Double(literal) ?? .nan))
                    i = end
                    continue
                }
            }
            word.append(c)
            i += 1
        }
        flush()
        return result
    }

    /// Where a number starting at `start` ends, or nil when none starts there.
    static func numberEnd(_ text: [Character], from start: Int, previous: Character) -> Int? {
        var i = start
        if text[i] == "-" {
            guard !(previous.isLetter || previous.isNumber || previous == ")" || previous == "]") else { return nil }
            i += 1
        }
        func digits(_ from: Int) -> Int {
            var j = from
            while j < text.count, text[j].isASCII, text[j].isNumber { j += 1 }
            return j
        }
        let integerEnd = digits(i)
        guard integerEnd > i else { return nil }
        i = integerEnd
        if i + 1 < text.count, text[i] == ".", text[i + 1].isASCII, text[i + 1].isNumber {
            i = digits(i + 1)
        }
        if i + 1 < text.count, text[i] == "e" || text[i] == "E" {
            var j = i + 1
            if j < text.count, text[j] == "-" || text[j] == "+" { j += 1 }
            let exponentEnd = digits(j)
            if exponentEnd > j { i = exponentEnd }
        }
        return i
    }

    // MARK: - Pictures

    /// Compares a committed text picture (SVG) with a freshly generated one: words equal,
    /// numbers (pixel coordinates) within `tolerance`.
    /// - Returns: nil when they agree, else the first difference.
    package static func compareFigure(committed: String, generated: String, tolerance: Double = 0.1) -> String? {
        let old = tokens(of: Array(committed), measured: [:]), new = tokens(of: Array(generated), measured: [:])
        for k in 0..<max(old.count, new.count) {
            guard k < old.count, k < new.count else {
                return "the committed picture has \(old.count) tokens, the code makes \(new.count)"
            }
            switch (old[k], new[k]) {
            case let (.number(_, a), .number(_, b)) where abs(a - b) <= tolerance + 1e-9:
                continue
            case let (.word(a), .word(b)) where a == b:
                continue
            default:
                return "token \(k): the committed picture has '\(old[k].text)' where the code makes '\(new[k].text)'"
            }
        }
        return nil
    }

    // MARK: - Updating

    /// `markdown` with every output block replaced by its snippet's text and every code block by
    /// its source region: how an author refreshes a module after changing its code.
    package static func updating(markdown: String, file: String, outputs: [String: String],
                                source: String?) throws -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for block in try blocks(in: markdown, file: file).reversed() {
            let replacement: [String]?
            switch block.kind {
            case .output:
                replacement = outputs[block.name].map { text in
                    var body = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    while body.last?.isEmpty == true { body.removeLast() }
                    return body
                }
            case .code:
                replacement = source.flatMap { codeRegion(named: block.name, in: $0) }.map(dedented)
            }
            if let replacement {
                lines.replaceSubrange(block.openingFence..<(block.closingFence - 1), with: replacement)
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
