// swift-tools-version:6.0
//
// ConvLab exercises: a package of its own, so that an unsolved exercise never touches the
// library's build or the instructors' `swift test` at the repository root.
//
// Student code lives in `Sources/Student` (the only folder a student edits). The runner never
// links it: `swift run exercises` compiles each exercise's file on its own into a small judge
// program (`swiftc`, against the prebuilt `ExerciseKit` and `ExerciseChecks`), so a file that
// does not compile is that exercise's status and every other command keeps working. The
// `Student` target below exists for editors (completion) and for `swift test`.
//
// The same checks judge three implementations of every exercise: the student's, the reference
// solution (`Sources/Solutions`) and the known-wrong variants (`Sources/WrongVariants`), so one
// debug build proves in CI that every solution passes, every shipped stub fails and every wrong
// variant fails (`swift run exercises verify`).
//
// The capstone (train an efficient network on MNIST) is a package of its own in `Capstone/`:
// it needs the ConvLab library in a release build, which nothing here should wait for.

import PackageDescription

let package = Package(
    name: "ConvLabExercises",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "exercises", targets: ["exercises"]),
    ],
    targets: [
        // MARK: - What the student uses and edits

        .target(name: "ExerciseKit", path: "Sources/ExerciseKit"),
        // For the editor and `swift test` only; the runner compiles these files one exercise at a time.
        .target(name: "Student", dependencies: ["ExerciseKit"], path: "Sources/Student"),

        // MARK: - What judges the student (checks, solutions, wrong variants, manifest)

        .target(name: "ExerciseChecks", dependencies: ["ExerciseKit"], path: "Sources/ExerciseChecks"),
        .target(name: "Solutions", dependencies: ["ExerciseKit"], path: "Sources/Solutions"),
        .target(name: "WrongVariants", dependencies: ["ExerciseKit", "Solutions"], path: "Sources/WrongVariants"),
        .target(
            name: "Catalog",
            dependencies: ["ExerciseKit", "ExerciseChecks", "Solutions", "WrongVariants"],
            path: "Sources/Catalog"
        ),

        // MARK: - The runner (never linked with `Student`)

        .target(name: "ExerciseRunner", dependencies: ["Catalog", "ExerciseChecks"], path: "Sources/ExerciseRunner"),
        .executableTarget(name: "exercises", dependencies: ["ExerciseRunner"], path: "Sources/exercises"),

        // MARK: - Tests

        // The student's tests (`swift test --filter StudentTests`: red until solved).
        .testTarget(
            name: "StudentTests",
            dependencies: ["ExerciseChecks", "Student", "ExerciseKit"],
            path: "Tests/StudentTests"
        ),
        // The runner's own tests: a broken file, grading, the Gradescope format, consistency.
        .testTarget(
            name: "RunnerTests",
            dependencies: ["ExerciseRunner", "Catalog", "exercises"],
            path: "Tests/RunnerTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
