import Foundation

/// `exercises capstone [--reference] [--data DIR] [--subset] [--json FILE]`: builds the capstone
/// package (`Exercises/Capstone`: a release build of ConvLab and the design) and runs it. The
/// capstone is a package of its own so the exercises never wait for a release build.
struct CapstoneCommand {
    let runner: Runner

    var package: URL { runner.root.appendingPathComponent("Capstone") }

    func run(reference: Bool, passing arguments: [String]) -> Int32 {
        let product = reference ? "capstone-reference" : "capstone"
        print("Building \(product) in release mode (the first build compiles ConvLab: a few minutes)...")
        fflush(nil)
        let build = launch("/usr/bin/env", ["swift", "build", "-c", "release", "--package-path", package.path, "--product", product])
        guard build == 0 else {
            print("\n✘ the capstone does not build (the compiler's messages are above); your design is \(Runner.capstoneDesign)")
            return 1
        }
        return launch(package.appendingPathComponent(".build/release/\(product)").path, arguments)
    }

    /// Runs a program with this terminal as its output; returns its exit status.
    func launch(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        do {
            try process.run()
        } catch {
            print("could not start \(path): \(error)")
            return 1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
