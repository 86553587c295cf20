import Foundation

/// What one exercise file offers other files (its top-level, non-private declarations) and
/// which names it calls, read from the text without compiling it.
///
/// The runner compiles each exercise on its own. When a student's file calls a function another
/// exercise's file declares (07's `maxPoolForward` calling 02's `samePadding`, 17 calling 05, 10,
/// 11, 12 and 13), that file is compiled in too, and its own check runs first.
struct SourceScan: Equatable {
    /// Top-level functions visible to other files.
    var functions: Set<String> = []
    /// Top-level types, type aliases and global constants/variables visible to other files.
    var otherNames: Set<String> = []
    /// Names called as functions (`name(`), not after a `.` or `func`.
    var calls: Set<String> = []
    /// Every identifier in the code.
    var identifiers: Set<String> = []
    /// Names this file binds itself anywhere (`let x`, `var x`, `func x`, ...): a use of them is
    /// not a use of another file's declaration.
    var ownNames: Set<String> = []

    init(text: String) {
        let code = SourceScan.codeOnly(text)
        let declaration = /^(?:@[A-Za-z_]+(?:\([^)\n]*\))?\s+)*((?:(?:public|internal|private|fileprivate|package|open|final|nonisolated|indirect)\s+)*)(func|struct|enum|class|actor|protocol|typealias|let|var)\s+([A-Za-z_][A-Za-z0-9_]*)/
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let match = line.firstMatch(of: declaration) else { continue }
            let modifiers = String(match.1)
            if modifiers.contains("private") { continue }   // private and fileprivate
            let name = String(match.3)
            if match.2 == "func" { functions.insert(name) } else { otherNames.insert(name) }
        }
        for match in code.matches(of: /[A-Za-z_][A-Za-z0-9_]*/) {
            identifiers.insert(String(match.0))
        }
        for match in code.matches(of: /(^|[^.A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\s*\(/) {
            calls.insert(String(match.2))
        }
        for match in code.matches(of: /\b(?:func|let|var|struct|enum|class|typealias|case|for|guard let|if let)\s+([A-Za-z_][A-Za-z0-9_]*)/) {
            ownNames.insert(String(match.1))
        }
    }

    /// Whether this file uses something `other` declares.
    func uses(_ other: SourceScan) -> Bool {
        for name in other.functions where calls.contains(name) && !functions.contains(name) { return true }
        for name in other.otherNames where identifiers.contains(name) && !ownNames.contains(name) { return true }
        return false
    }

    /// The text with comments and string literals blanked out (interpolations kept: the code in
    /// `"\(conv1D(x, filter: w))"` is a real call). Line breaks stay, so line starts stay.
    static func codeOnly(_ text: String) -> String {
        enum Mode { case code, lineComment, blockComment(Int), string(multiline: Bool) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var modes: [Mode] = [.code]
        // For each open interpolation, the parenthesis depth at which it closes.
        var interpolationDepths: [Int] = []
        var parenthesisDepth = 0
        let characters = Array(text)
        var i = 0
        func peek(_ offset: Int) -> Character? { i + offset < characters.count ? characters[i + offset] : nil }
        while i < characters.count {
            let c = characters[i]
            switch modes.last! {
            case .code:
                if c == "/" && peek(1) == "/" {
                    modes.append(.lineComment); i += 2; continue
                }
                if c == "/" && peek(1) == "*" {
                    modes.append(.blockComment(1)); out += "  "; i += 2; continue
                }
                if c == "\"" {
                    let multiline = peek(1) == "\"" && peek(2) == "\""
                    modes.append(.string(multiline: multiline))
                    out += multiline ? "\"\"\"" : "\""
                    i += multiline ? 3 : 1
                    continue
                }
                if c == "(" { parenthesisDepth += 1 }
                if c == ")" {
                    if let depth = interpolationDepths.last, depth == parenthesisDepth {
                        interpolationDepths.removeLast()
                        modes.removeLast()   // back into the string
                        parenthesisDepth -= 1
                        out += ")"
                        i += 1
                        continue
                    }
                    parenthesisDepth -= 1
                }
                out.append(c)
                i += 1
            case .lineComment:
                if c == "\n" { modes.removeLast(); out.append(c) }
                i += 1
            case .blockComment(let depth):
                if c == "*" && peek(1) == "/" {
                    modes.removeLast()
                    if depth > 1 { modes.append(.blockComment(depth - 1)) }
                    out += "  "; i += 2; continue
                }
                if c == "/" && peek(1) == "*" {
                    modes.removeLast(); modes.append(.blockComment(depth + 1)); i += 2; continue
                }
                out.append(c == "\n" ? "\n" : " ")
                i += 1
            case .string(let multiline):
                if c == "\\" && peek(1) == "(" {
                    parenthesisDepth += 1
                    interpolationDepths.append(parenthesisDepth)
                    modes.append(.code)
                    out += " ("
                    i += 2
                    continue
                }
                if c == "\\" { out += "  "; i += 2; continue }
                if multiline && c == "\"" && peek(1) == "\"" && peek(2) == "\"" {
                    modes.removeLast(); out += "\"\"\""; i += 3; continue
                }
                if !multiline && (c == "\"" || c == "\n") {
                    modes.removeLast(); out.append(c); i += 1; continue
                }
                out.append(c == "\n" ? "\n" : " ")
                i += 1
            }
        }
        return out
    }
}

/// The exercise files of one folder and who uses whom.
struct SourceFolder {
    /// Exercise id -> the file's scan (only files that exist and can be read).
    let scans: [String: SourceScan]

    init(directory: URL, files: [(id: String, fileName: String)]) {
        var scans: [String: SourceScan] = [:]
        for file in files {
            if let text = try? String(contentsOf: directory.appendingPathComponent(file.fileName), encoding: .utf8) {
                scans[file.id] = SourceScan(text: text)
            }
        }
        self.scans = scans
    }

    /// The exercises whose files exercise `id` uses directly.
    func directUses(_ id: String) -> [String] {
        guard let scan = scans[id] else { return [] }
        return scans.keys.filter { $0 != id && scan.uses(scans[$0]!) }.sorted()
    }

    /// Every exercise `id` uses, directly or through another, in id order (without `id`).
    func closure(_ id: String) -> [String] {
        var seen: Set<String> = [id]
        var queue = [id]
        while let next = queue.popLast() {
            for used in directUses(next) where !seen.contains(used) {
                seen.insert(used)
                queue.append(used)
            }
        }
        seen.remove(id)
        return seen.sorted()
    }
}
