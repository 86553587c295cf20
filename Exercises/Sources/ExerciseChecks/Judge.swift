import Foundation

/// The entry point of a judge program. The runner compiles each exercise's file together with a
/// one-line `main.swift` that calls `Judge.main { Checks.conv1D(conv1D) }`, runs it in a child
/// process and reads what it prints:
///
/// - exit 0, nothing printed: every expectation holds;
/// - exit 1: the first failed expectation (what was checked, input, expected, got) and, on the
///   last line, how many more failed.
///
/// A crash (an index out of range in the student's code) or an endless loop ends the child, not
/// the runner, which reports it as such.
public enum Judge {
    public static func main(_ check: () -> [Failure]) -> Never {
        let failures = check()
        guard let first = failures.first else { exit(0) }
        print(first)
        if failures.count > 1 { print(moreLine(failures.count - 1)) }
        fflush(nil)
        exit(1)
    }

    /// "(3 more failing expectation(s) after this one)".
    public static func moreLine(_ count: Int) -> String { "(\(count) more failing expectation(s) after this one)" }
}
