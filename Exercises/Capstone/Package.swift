// swift-tools-version:6.0
//
// The ConvLab capstone: design an efficient network (tutorial #03's "Practice: build your own
// model"). The student's design (`Sources/Design/Design.swift`) is built from ConvLab's own
// layers and trained on the fast path in a release build; it must reach 99.0% on the 10,000
// MNIST test digits within a training-time budget measured on the machine it runs on.
//
// A package of its own (inside Exercises/, which stays dependency-free), because it needs the
// ConvLab library in a release build: `swift run exercises capstone` builds and runs it, or
// `swift run -c release capstone` in this folder.

import Foundation
import PackageDescription

// The ConvLab package is the repository root, two folders up. A path dependency's identity is
// its folder's name, which depends on where the repository was cloned.
let repository = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let convLab: Target.Dependency = .product(name: "ConvLab", package: repository.lastPathComponent)

let package = Package(
    name: "ConvLabCapstone",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "capstone", targets: ["capstone"]),
        .executable(name: "capstone-reference", targets: ["capstone-reference"]),
    ],
    dependencies: [.package(path: repository.path)],
    targets: [
        // The harness: data, the calibration run, the timed training, the leaderboard line.
        .target(name: "CapstoneKit", dependencies: [convLab], path: "Sources/CapstoneKit"),
        // What the student edits (the shipped starting point does not pass).
        .target(name: "Design", dependencies: ["CapstoneKit", convLab], path: "Sources/Design"),
        // The reference design (passes with margin).
        .target(name: "ReferenceDesign", dependencies: ["CapstoneKit", convLab], path: "Sources/ReferenceDesign"),
        .executableTarget(name: "capstone", dependencies: ["CapstoneKit", "Design"], path: "Sources/capstone"),
        .executableTarget(name: "capstone-reference", dependencies: ["CapstoneKit", "ReferenceDesign"],
                          path: "Sources/capstone-reference"),
    ],
    swiftLanguageModes: [.v6]
)
