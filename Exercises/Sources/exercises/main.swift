import ExerciseRunner
import Foundation

// `swift run exercises [command]`: the student's runner and the instructors' proof
// (Sources/ExerciseRunner; `swift run exercises --help`).
exit(Command.main(Array(CommandLine.arguments.dropFirst())))
