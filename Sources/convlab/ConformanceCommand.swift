import ConvLab
import Foundation

let conformanceCommand = CLICommand(
    name: "conformance", summary: "compute a cnn-golden-v1 cases file with ConvLab's ops, for compare.py",
    positionals: "CASES.json RESULTS.json", positionalCount: 2...2,
    options: [.value("path", "reference|fast", "the kernels (default reference)")],
    notes: "  Cases it cannot compute are listed on stderr, left out of RESULTS.json and make the exit status non-zero.",
    run: runConformance)

/// `convlab conformance`: computes every case of a cnn-golden-v1 file with ConvLab's ops and
/// writes the results for `compare.py`.
func runConformance(_ arguments: CLIArguments) throws {
    let files = arguments.positional
    let path = try arguments.kernelPath(default: .reference)
    let start = Date()
    let run = try Conformance.run(casesPath: files[0], resultsPath: files[1], kernels: Kernels(path))
    for failure in run.failures {
        FileHandle.standardError.write(Data("conformance: \(failure)\n".utf8))
    }
    let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
    print("conformance: computed \(run.results.count) of \(run.caseCount) cases on the \(path) path in \(seconds) s, "
          + "\(run.failures.count) not computed; wrote \(files[1])")
    guard run.failures.isEmpty else {
        throw ConvLabError.argument(op: "conformance",
            message: "\(run.failures.count) case(s) could not be computed (listed above); they are left out of \(files[1])")
    }
}
