import ConvLab
import ConvLabLectures
import Foundation
import Testing

/// The package root, found from this file's path (Tests/ConvLabLecturesTests/...).
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func read(_ relativePath: String) throws -> String {
    try String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
}

/// `CONVLAB_FULL_LECTURES=1` also runs the slow (training) snippets; build with `-c release`.
private let includingSlow = ProcessInfo.processInfo.environment["CONVLAB_FULL_LECTURES"] == "1"

/// The transcripts of each module, computed once per test process.
private let transcripts: [Int: Result<[(name: String, transcript: Transcript)], any Error>] = {
    var result: [Int: Result<[(name: String, transcript: Transcript)], any Error>] = [:]
    for lecture in Lectures.all { result[lecture.number] = Result { try lecture.run(includingSlow: includingSlow) } }
    return result
}()

private func run(_ lecture: Lecture) throws -> [(name: String, transcript: Transcript)] {
    try transcripts[lecture.number]!.get()
}

@Suite("lecture doc-tests")
struct LectureDocTests {
    /// Every printed number, word and table of each module's text equals what its code prints.
    @Test(arguments: Lectures.all.map(\.number))
    func outputBlocksMatchTheCode(number: Int) throws {
        let lecture = try Lectures.lecture(number)
        let file = "Lectures/\(lecture.markdown)"
        let markdown = try read(file)
        let mismatches = try DocTest.checkOutputs(markdown: markdown, file: file, transcripts: try run(lecture),
                                                  notRun: includingSlow ? [] : lecture.slowSnippets)
        #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "\n"))")
    }

    /// Every code block of the text is the code that ran.
    @Test(arguments: Lectures.all.map(\.number))
    func codeBlocksMatchTheSource(number: Int) throws {
        let lecture = try Lectures.lecture(number)
        let file = "Lectures/\(lecture.markdown)"
        let markdown = try read(file)
        let source = try DocTest.source(of: lecture, root: packageRoot)
        let mismatches = try DocTest.checkCode(markdown: markdown, file: file, source: source,
                                               sourceFile: "\(lecture.source) or Sources/ConvLab*")
        #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "\n"))")
        let codeBlocks = try DocTest.blocks(in: markdown, file: file).filter { $0.kind == .code }
        #expect(!codeBlocks.isEmpty, "\(file) shows none of its code")
    }

    /// The text links only to pictures its code generates, each is committed, and each stable
    /// picture is what the code generates now (pixel coordinates within 0.1).
    @Test(arguments: Lectures.all.map(\.number))
    func picturesAreGeneratedByTheCode(number: Int) throws {
        let lecture = try Lectures.lecture(number)
        let markdown = try read("Lectures/\(lecture.markdown)")
        let linked = markdown.components(separatedBy: "](figures/").dropFirst().map {
            String($0.prefix(while: { $0 != ")" }))
        }
        for file in linked {
            guard let figure = lecture.figures.first(where: { $0.file == file }) else {
                Issue.record("Lectures/\(lecture.markdown) links figures/\(file), which no code of module \(number) makes")
                continue
            }
            if let command = figure.command {
                #expect(markdown.contains(command), "Lectures/\(lecture.markdown) does not quote the command that draws \(file): \(command)")
            }
            guard figure.committed else { continue }  // written on request only; the text says how
            let committed = try read("Lectures/figures/\(file)")  // must be committed
            guard !figure.slow || includingSlow else { continue }
            let generated = String(decoding: try figure.make(), as: UTF8.self)
            #expect(generated.hasPrefix("<svg") && generated.hasSuffix("</svg>\n"))
            guard figure.stable else { continue }
            let difference = DocTest.compareFigure(committed: committed, generated: generated)
            #expect(difference == nil, "Lectures/figures/\(file) is stale: \(difference ?? ""); run swift run convlab lecture \(number) --figures Lectures/figures")
        }
    }

    /// A picture that moved by more than the tolerance is reported.
    @Test func aMovedPictureIsStale() {
        let picture = "<polyline points=\"10.0,20.0 30.5,40.0\"/>"
        #expect(DocTest.compareFigure(committed: picture, generated: picture) == nil)
        #expect(DocTest.compareFigure(committed: picture, generated: picture.replacingOccurrences(of: "30.5", with: "30.6")) == nil)
        #expect(DocTest.compareFigure(committed: picture, generated: picture.replacingOccurrences(of: "30.5", with: "31.5")) != nil)
    }

    /// The mechanism itself: change any one printed number of a module's text and the doc-test
    /// must report it, on the right line. Each number's last digit, one number at a time, is
    /// replaced by the next digit (9 becomes 0).
    @Test(arguments: Lectures.all.map(\.number))
    func changingAnyPrintedNumberFails(number: Int) throws {
        let lecture = try Lectures.lecture(number)
        let file = "Lectures/\(lecture.markdown)"
        let markdown = try read(file)
        let transcripts = try run(lecture)
        #expect(try DocTest.checkOutputs(markdown: markdown, file: file, transcripts: transcripts,
                                         notRun: includingSlow ? [] : lecture.slowSnippets).isEmpty)

        // Each block is checked on its own (a one-block text and its snippet), to keep this fast.
        let lines = markdown.components(separatedBy: "\n")
        let blocks = try DocTest.blocks(in: markdown, file: file).filter { $0.kind == .output }
        var mutated = 0
        for block in blocks {
            let snippet = transcripts.filter { $0.name == block.name }
            if snippet.isEmpty && lecture.slowSnippets.contains(block.name) { continue }  // not run here
            // Numbers the snippet deliberately checks loosely (training figures, sums whose last
            // digit depends on the build) are skipped: found by their line and column in the
            // transcript, since a loose number's digits on this build may differ from the text's.
            // So is a number whose exact value is a rounding midpoint (5.55 printed to one
            // decimal): the next digit up is as right as the one printed.
            var loose = Set<[Int]>()
            for transcript in snippet.map(\.transcript) {
                var line = 0, column = 0
                for piece in transcript.pieces {
                    switch piece {
                    case let .text(text):
                        for character in text {
                            if character == "\n" { line += 1; column = 0 } else { column += 1 }
                        }
                    case let .measured(number):
                        let midpoint = Double(number.printed)
                            .map { abs(abs(number.exact - $0) - number.unit / 2) <= number.slack }
                        if number.slack >= number.unit / 2 || midpoint == true { loose.insert([line, column]) }
                        column += number.printed.count
                    }
                }
            }
            for k in block.lines.indices {
                let original = block.lines[k]
                for (range, position) in numbersAndLastDigits(in: original) {
                    if loose.contains([k, range.lowerBound]) { continue }
                    var characters = Array(original)
                    let digit = characters[position].wholeNumberValue!
                    characters[position] = Character(String((digit + 1) % 10))
                    var body = block.lines
                    body[k] = String(characters)
                    let changed = (["<!-- output: \(block.name) -->", "```output"] + body + ["```"]).joined(separator: "\n")
                    let mismatches = try DocTest.checkOutputs(markdown: changed, file: file, transcripts: snippet)
                    #expect(mismatches.count == 1, "changing '\(original)' at column \(position) went unnoticed")
                    #expect(mismatches.first?.line == 3 + k, "wrong line reported for '\(original)'")
                    #expect(lines[block.openingFence + k] == original)
                    mutated += 1
                }
            }
        }
        #expect(mutated > 20, "only \(mutated) numbers were mutated")
    }

    /// The tolerance rule on one measured number: a correct rounding on either side of the
    /// exact value passes, a changed last digit fails, and so does a number printed too coarsely.
    @Test func measuredNumbersAreJudgedToHalfAUnit() throws {
        var out = Transcript()
        let exact = 0.123449  // prints 0.1234 at four decimals
        out.say("e = \(exact, decimals: 4)")
        let transcripts = [(name: "n", transcript: out)]
        func check(_ shown: String) throws -> Bool {
            let markdown = "<!-- output: n -->\n```output\ne = \(shown)\n```\n"
            return try DocTest.checkOutputs(markdown: markdown, file: "t.md", transcripts: transcripts).isEmpty
        }
        #expect(try check("0.1234"))
        #expect(try check("0.12345"))   // another correct rounding of the same value
        #expect(try !check("0.1235"))   // 0.1235 is 5.1e-5 away: more than half a unit
        #expect(try !check("0.1233"))
        #expect(try !check("0.12"))
        #expect(try !check("0.1234 extra"))
    }

    /// A loose rule widens only the numbers after its label (in a line or under a table heading),
    /// by the amount it states; every other number keeps its half-unit tolerance.
    @Test func looseRulesWidenOnlyTheirLabelledNumbers() throws {
        let snippet = Snippet("s", loose: [.relative(0.01, after: "loss"), .absolute(0.01, after: "accuracy")]) { out in
            out.say("epoch 1: lr \(0.25, decimals: 3), loss \(0.5, decimals: 3), accuracy \(0.9, decimals: 3)")
            var table = Table("epoch", "loss", "test accuracy")
            table.row("2", "\(0.4, decimals: 3)", "\(0.95, decimals: 3)")
            out.say(table)
        }
        let transcripts = [(name: "s", transcript: try snippet.transcript())]
        func check(_ line: String, _ row: String) throws -> Bool {
            let markdown = "<!-- output: s -->\n```output\n\(line)\nepoch  loss  test accuracy\n\(row)\n```\n"
            return try DocTest.checkOutputs(markdown: markdown, file: "t.md", transcripts: transcripts).isEmpty
        }
        let row = "    2  0.400          0.950"
        #expect(try check("epoch 1: lr 0.250, loss 0.500, accuracy 0.900", row))
        #expect(try check("epoch 1: lr 0.250, loss 0.505, accuracy 0.909", "2 0.404 0.959"))  // within 1% and 0.01
        #expect(try !check("epoch 1: lr 0.250, loss 0.507, accuracy 0.900", row))           // 1.4% off
        #expect(try !check("epoch 1: lr 0.250, loss 0.500, accuracy 0.912", row))           // 0.012 off
        #expect(try !check("epoch 1: lr 0.251, loss 0.500, accuracy 0.900", row))           // before any label: not loose
        #expect(try !check("epoch 1: lr 0.250, loss 0.500, accuracy 0.900", "2 0.406 0.950"))
        #expect(try !check("epoch 1: lr 0.250, loss 0.500, accuracy 0.900", "2 0.400 0.962"))
        #expect(try !check("epoch 1: lr 0.250, loss 0.500, accuracy 0.900", "3 0.400 0.950"))  // integers exact
    }

    /// A table's columns are as wide as their widest cell: numbers aligned right, words left.
    @Test func tablesAlignNumbersRightAndWordsLeft() {
        var table = Table("layer", "output", "parameters")
        table.row("input", "[1,28,28,1]")
        table.row("conv1", "[1,28,28,32]", "\(832)")
        table.row("total", "", "3,274,634")
        var out = Transcript()
        out.say(table)
        #expect(out.rendered == """
            layer  output        parameters
            input  [1,28,28,1]
            conv1  [1,28,28,32]         832
            total                 3,274,634

            """)
    }

    /// Words are compared too, and a snippet without a block (or a block without a snippet) fails.
    @Test func wordsAndMissingBlocksFail() throws {
        var out = Transcript()
        out.say("conv2d.shape \(shape: [1, 2, 2, 1])")
        let transcripts = [(name: "a", transcript: out)]
        let good = "<!-- output: a -->\n```output\nconv2d.shape [1,2,2,1]\n```\n"
        #expect(try DocTest.checkOutputs(markdown: good, file: "t.md", transcripts: transcripts).isEmpty)
        let badWord = good.replacingOccurrences(of: "conv2d.shape", with: "conv1d.shape")
        #expect(try DocTest.checkOutputs(markdown: badWord, file: "t.md", transcripts: transcripts).count == 1)
        let renamed = good.replacingOccurrences(of: "output: a", with: "output: b")
        #expect(try DocTest.checkOutputs(markdown: renamed, file: "t.md", transcripts: transcripts).count == 2)
    }

    /// `update` regenerates a text that then passes.
    @Test func updatingRewritesBlocksThatThenPass() throws {
        var out = Transcript()
        out.say("y = \(2.0 / 3.0, decimals: 3)")
        let stale = "intro\n<!-- output: a -->\n```output\ny = 0.5\n```\nend"
        let fresh = try DocTest.updating(markdown: stale, file: "t.md", outputs: ["a": out.rendered], source: nil)
        #expect(fresh == "intro\n<!-- output: a -->\n```output\ny = 0.667\n```\nend")
        #expect(try DocTest.checkOutputs(markdown: fresh, file: "t.md", transcripts: [("a", out)]).isEmpty)
    }
}

/// Each number token of `line` (as a character range) with the offsets of the last digit of its
/// mantissa and, in scientific notation, of its exponent; found the way the doc-test finds
/// numbers (a digit run with an optional fraction and exponent, not continuing a word).
private func numbersAndLastDigits(in line: String) -> [(Range<Int>, Int)] {
    let characters = Array(line)
    func isDigit(_ k: Int) -> Bool { k < characters.count && characters[k].isASCII && characters[k].isNumber }
    var found: [(Range<Int>, Int)] = []
    var i = 0
    while i < characters.count {
        let startsNumber = isDigit(i)
            && (i == 0 || !(characters[i - 1].isLetter || characters[i - 1].isNumber || characters[i - 1] == "_"
                            || characters[i - 1] == "."))
        guard startsNumber else { i += 1; continue }
        var j = i
        while isDigit(j) || (j < characters.count && characters[j] == "." && isDigit(j + 1)) { j += 1 }
        let start = i > 0 && characters[i - 1] == "-" ? i - 1 : i
        var lastDigits = [j - 1]
        if j < characters.count, characters[j] == "e" {
            var k = j + 1
            if k < characters.count, characters[k] == "-" || characters[k] == "+" { k += 1 }
            if isDigit(k) {
                while isDigit(k) { k += 1 }
                lastDigits.append(k - 1)
                j = k
            }
        }
        for position in lastDigits { found.append((start..<j, position)) }
        i = j
    }
    return found
}
