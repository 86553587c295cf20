import Foundation

/// `swift run exercises [command] [options]`: the one dispatch switch; each command lives in
/// its own file.
public enum Command {
    /// Options that take a value (`--student DIR`).
    static let valued: Set<String> = ["--student", "--json", "--report", "--data", "--epochs"]

    public static func main(_ arguments: [String]) -> Int32 {
        var words: [String] = []
        var flags: Set<String> = []
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if valued.contains(argument) {
                guard index + 1 < arguments.count else {
                    print("\(argument) needs a value.\n")
                    print(Runner.helpText)
                    return 2
                }
                values[argument] = arguments[index + 1]
                index += 2
                continue
            }
            if let equals = argument.firstIndex(of: "="), valued.contains(String(argument[..<equals])) {
                values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if argument.hasPrefix("-") {
                flags.insert(argument)
            } else {
                words.append(argument)
            }
            index += 1
        }
        if flags.contains("--help") || flags.contains("-h") || words.first == "help" {
            print(Runner.helpText)
            return 0
        }
        let student = values["--student"].map(Grader.studentFolder)
        let runner = Runner(studentDirectory: student)
        let argument = words.dropFirst().first
        switch words.first ?? "" {
        case "": runner.overview(); return 0
        case "list": runner.list(); return 0
        case "check", "run": return runner.check(argument)
        case "hint": return runner.hint(argument)
        case "watch": runner.watch(argument); return 0
        case "reset": return runner.reset(argument, confirmed: flags.contains("--yes"))
        case "diff", "solution": return runner.diff(argument, force: flags.contains("--force"))
        case "grade": return Grader(runner: runner).run(json: values["--json"], reportFile: values["--report"])
        case "capstone":
            return CapstoneCommand(runner: runner).run(reference: flags.contains("--reference"), passing: capstoneArguments(arguments))
        case "verify": return Verifier(runner: runner, verbose: flags.contains("--verbose")).run()
        case "pristine": return runner.updatePristine()
        case "_judge": return runner.judge(argument ?? "", implementation: words.dropFirst(2).first ?? "solution")
        default:
            print("Unknown command '\(words[0])'.\n")
            print(Runner.helpText)
            return 2
        }
    }

    /// What `exercises capstone ...` hands on to the capstone program (everything after
    /// `capstone` except `--reference`).
    static func capstoneArguments(_ arguments: [String]) -> [String] {
        guard let position = arguments.firstIndex(of: "capstone") else { return [] }
        return arguments[(position + 1)...].filter { $0 != "--reference" }
    }
}
