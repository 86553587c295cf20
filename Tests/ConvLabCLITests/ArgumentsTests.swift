import ConvLab
import Testing
@testable import convlab

/// The one argument parser every subcommand shares: `--help`, the error format, `--out`.
@Suite("convlab's argument parser")
struct ArgumentsTests {
    static let sample = CLICommand(
        name: "sample", summary: "a command for the tests", positionals: "[FILE]", positionalCount: 0...1,
        options: [.value("epochs", "N", "epochs"), .flag("json", "JSON lines")], output: .folder) { _ in }

    func message(_ words: [String], _ command: CLICommand = sample) -> String? {
        do {
            _ = try command.parse(words)
            return nil
        } catch {
            return error.convLabMessage
        }
    }

    @Test("values, flags, --name=value and positionals are read")
    func parses() throws {
        let parsed = try Self.sample.parse(["in.png", "--epochs", "3", "--json"])
        #expect(parsed.positional == ["in.png"])
        #expect(try parsed.integer("epochs", default: 1) == 3)
        #expect(parsed.flag("json"))
        #expect(try Self.sample.parse(["--epochs=7"]).integer("epochs", default: 1) == 7)
        #expect(try Self.sample.parse([]).integer("epochs", default: 5) == 5)
    }

    @Test("every mistake names the command and points at its --help", arguments: [
        (["--epoch", "3"], "sample: unknown option '--epoch' (convlab sample --help lists the options)"),
        (["--epochs"], "sample: --epochs needs a value (N) (convlab sample --help lists the options)"),
        (["--epochs", "2", "--epochs", "3"], "sample: --epochs is given twice (convlab sample --help lists the options)"),
        (["--json=yes"], "sample: --json takes no value (convlab sample --help lists the options)"),
        (["a", "b"], "sample: unexpected argument 'b' (takes [FILE]) (convlab sample --help lists the options)"),
        (["-x"], "sample: unknown option '-x' (convlab sample --help lists the options)"),
    ])
    func errors(words: [String], expected: String) {
        #expect(message(words) == expected)
    }

    @Test("typed values are checked where they are read")
    func typedErrors() throws {
        let parsed = try Self.sample.parse(["--epochs", "many"])
        #expect(throws: ConvLabError.argument(op: "sample",
            message: "--epochs needs a number, got 'many' (convlab sample --help lists the options)")) {
            try parsed.integer("epochs", default: 1)
        }
        let zero = try Self.sample.parse(["--epochs", "0"])
        #expect(throws: ConvLabError.self) { try zero.integer("epochs", default: 1) }
    }

    @Test("--help is accepted by every command, even without its required arguments")
    func helpEverywhere() throws {
        for command in commands {
            #expect(try command.parse(["--help"]).flag("help"), "\(command.name)")
            #expect(try command.parse(["-h"]).flag("help"), "\(command.name)")
            #expect(command.usage.hasPrefix("usage: convlab \(command.name)"), "\(command.name)")
            for option in command.options {
                #expect(command.usage.contains(option.synopsis), "\(command.name) --help leaves out --\(option.name)")
            }
        }
        #expect(Set(commands.map(\.name)).count == commands.count, "two commands share a name")
        for command in commands { #expect(usage.contains("  " + command.name + " "), "\(command.name)") }
    }

    @Test("files go to out/COMMAND unless --out says otherwise; only commands that write take --out")
    func outputs() throws {
        #expect(try Self.sample.parse([]).outputDirectory == "out/sample")
        #expect(try Self.sample.parse(["--out", "pictures"]).outputDirectory == "pictures")
        #expect(Self.sample.usage.contains("--out DIR"))
        let picture = CLICommand(name: "picture", summary: "writes one file", output: .file("p.png")) { _ in }
        #expect(picture.usage.contains("--out FILE"))
        #expect(try picture.parse(["--out", "elsewhere.png"]).outputFile() == "elsewhere.png")
        let silent = CLICommand(name: "silent", summary: "writes nothing") { _ in }
        #expect(!silent.usage.contains("--out"))
        #expect(message(["--out", "x"], silent) == "silent: unknown option '--out' (convlab silent --help lists the options)")
        for name in ["train", "kernels", "srcnn", "autoencoder", "animate"] {
            #expect(try command(named: name).allOptions.contains { $0.name == "out" }, "\(name) writes files but takes no --out")
        }
    }

    /// Issue #18's argument checks, through the one parser: each run names a data folder that does
    /// not exist, so an error about the argument (not the folder) shows it was checked first.
    @Test("bad arguments are refused before any data is read", arguments: [
        ("train", ["--loss", "both", "--trace", "t"], "--loss both does not trace"),
        ("train", ["--loss", "both", "--checkpoint", "c"], "--loss both does not save or resume checkpoints"),
        ("train", ["--batch", "100000"], "examples fit the 536870912-byte budget of a batch"),
        ("train", ["--batch", "0"], "--batch must be at least 1, got 0"),
        ("train", ["--limit", "0"], "--limit must be at least 1, got 0"),
        ("train", ["--threads", "257"], "--threads must be in 1...256, got 257"),
        ("train", ["--lr", "inf"], "--lr must be positive and finite, got inf"),
        ("train", ["--order", "random"], "--order 'random': use shuffled, file, file-then-shuffled"),
        ("train", ["--score", "2018"], "unknown scoring '2018'"),
        ("train", ["--training-conv", "fft"], "'fft' is neither winograd nor direct"),
        ("srcnn", ["--train", "0"], "--train must be at least 1, got 0"),
        ("autoencoder", ["--train", "-5"], "--train must be at least 1, got -5"),
        ("autoencoder", ["--path", "slow"], "'slow' is neither reference nor fast"),
        ("bench", ["--batch", "1025"], "--batch must be in 1...1024, got 1025"),
        ("bench", ["--repeats", "0"], "--repeats must be in 1...1024, got 0"),
        ("bench", ["--threads", "300"], "--threads must be in 1...256, got 300"),
    ])
    func checkedBeforeData(name: String, words: [String], expected: String) throws {
        let data = name == "bench" ? [] : ["--data", "/nonexistent/convlab-test-data"]
        do {
            try command(named: name)(words + data)
            Issue.record("convlab \(name) \(words) ran")
        } catch {
            #expect(error.convLabMessage.contains(expected), "\(error.convLabMessage)")
        }
    }

    @Test("an unknown command is an error that names it")
    func unknownCommand() {
        #expect(throws: ConvLabError.argument(op: "trian", message: "unknown command (convlab help lists the commands)")) {
            try command(named: "trian")
        }
    }
}
