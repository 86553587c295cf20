import Foundation

/// `exercises capstone [--reference] [--data DIR] [--subset] ...`: builds the capstone package
/// (`Exercises/Capstone`, a release build of ConvLab and the student's design) and runs it. The
/// capstone is a package of its own so the exercises never wait for a release build.
struct CapstoneCommand {
    let runner: Runner

    var package: URL { runner.root.appendingPathComponent("Capstone") }

    func run(reference: Bool, passing arguments: [String]) -> Int32 {
        let product = reference ? "capstone-reference" : "capstone"
        print("Building \(product) (release; the first build compiles ConvLab and takes a few minutes)...")
        fflush(nil)
        let (status, output) = ChildProcess.run("/usr/bin/env", ["swift", "build", "-c", "release", "--package-path", package.path,
                                                                 "--product", product], timeout: 3600)
        if status != 0 {
            let blocks = compilerErrorBlocks(output)
            print("✘ the capstone does not build:\n")
            print(blocks.isEmpty ? output : blocks.prefix(3).joined(separator: "\n\n"))
            return 1
        }
        let binary = package.appendingPathComponent(".build/release/\(product)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        do {
            try process.run()
        } catch {
            print("could not start \(binary.path): \(error)")
            return 1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
