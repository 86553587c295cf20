@testable import ConvLabLectures
import Foundation
import Testing

/// Module 11's tables of full-MNIST runs and module 18's benchmark figures are read from files
/// committed in `Lectures/results/` (the doc-test then holds the text to those files). These tests hold the files to their
/// commands: each file is there and readable, each command writes that very file, and the text
/// quotes every command, so a reader can regenerate every figure.
@Suite("modules 11 and 18's committed runs")
struct CommittedRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every committed run, and the module text that quotes its command.
    static let runs = MNISTConvnetLecture.committedRuns.map { ($0, "11-mnist-convnet.md") }
        + MakingItFastLecture.committedRuns.map { ($0, "18-making-it-fast.md") }

    @Test(arguments: runs.map(\.0.file))
    func eachFileIsCommittedAndReadable(file: String) throws {
        let run = CommittedRunTests.runs.first { $0.0.file == file }!.0
        #expect(run.path == CommittedRunTests.root.appendingPathComponent("Lectures/results/\(file)").path)
        if file.hasSuffix(".txt") {
            #expect(!(try run.text()).isEmpty, "\(file) is empty")
        } else {
            #expect(!(try run.objects()).isEmpty, "\(file) holds no JSON object")
        }
    }

    @Test(arguments: runs.map(\.0.file))
    func eachCommandWritesItsFile(file: String) throws {
        let command = CommittedRunTests.runs.first { $0.0.file == file }!.0.command
        #expect(command.hasSuffix("> Lectures/results/\(file)") || command.hasSuffix("--json Lectures/results/\(file)"),
                "\(command) does not write Lectures/results/\(file)")
    }

    @Test func theTextQuotesEveryCommand() throws {
        let quoted = MNISTConvnetLecture.quotedCommands.map { ($0, "11-mnist-convnet.md") }
            + MakingItFastLecture.committedRuns.map { ($0.command, "18-making-it-fast.md") }
        for (command, module) in quoted {
            let markdown = try String(contentsOf: CommittedRunTests.root.appendingPathComponent("Lectures/\(module)"),
                                      encoding: .utf8)
            #expect(markdown.contains(command), "Lectures/\(module) does not quote: \(command)")
        }
    }

    /// The README's training section shows module 11's table of the 2017 recipe's runs as the
    /// code prints it from the committed files, and quotes the commands that wrote them.
    @Test func theReadmeShowsTheRunsAsTheCodePrintsThem() throws {
        let readme = try String(contentsOf: CommittedRunTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        var transcript = Transcript()
        try MNISTConvnetLecture.reproduced(&transcript)
        let block = "```text\n" + transcript.rendered + "```\n"
        let shown = readme.contains(block)  // not the whole README in the failure message
        #expect(shown, "README.md's training section should show, from the committed runs:\n\(block)")
        for run in MNISTConvnetLecture.convlab2017Runs + MNISTConvnetLecture.tensorFlow2017Runs {
            #expect(readme.contains(run.command), "README.md does not quote: \(run.command)")
        }
    }

    /// A line that is not JSON is reported with its file and byte offset.
    @Test func aBrokenLineNamesItsOffset() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("committed-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.jsonl")
        try Data("{\"epoch\":1}\nnot json\n".utf8).write(to: file)
        let run = CommittedRun(file: "run.jsonl", command: "true", directory: directory)
        #expect(throws: (any Error).self) { try run.objects() }
        do {
            _ = try run.objects()
        } catch {
            #expect("\(error)".contains("12"), "\(error)")
            #expect("\(error)".contains(file.path), "\(error)")
        }
    }
}
