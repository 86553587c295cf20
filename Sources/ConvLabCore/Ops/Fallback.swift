import Foundation

/// A call a path hands to the reference loops instead of running its own kernel, and why: a
/// shape the fast kernel does not handle (softmax over another axis than the last), or an op with
/// no fast twin yet. `convlab bench` and the cross-check tests list them, so the slow shapes are
/// known, not guessed.
package struct Fallback: Sendable, Equatable, CustomStringConvertible {
    package let op: String
    package let reason: String

    package var description: String { "\(op): \(reason)" }

    /// The fallbacks taken by the calls `body` makes on this task (other tasks and threads do not
    /// count, so concurrent tests and benchmarks do not mix).
    package static func recorded<Result>(during body: () throws -> Result) rethrows -> (result: Result, fallbacks: [Fallback]) {
        let log = FallbackLog()
        let result = try FallbackLog.$current.withValue(log) { try body() }
        return (result, log.entries)
    }
}

/// Runs the reference loops for a call a path does not handle itself, and records it. Only for
/// valid arguments: an op checks its arguments first, with the reference's checks.
package func referenceFallback<Result>(_ op: String, _ reason: @autoclosure () -> String,
                                       _ body: () throws -> Result) rethrows -> Result {
    FallbackLog.current?.append(Fallback(op: op, reason: reason()))
    return try body()
}

/// Where `Fallback.recorded(during:)` collects the fallbacks of one task.
final class FallbackLog: @unchecked Sendable {
    @TaskLocal static var current: FallbackLog?
    private let lock = NSLock()
    private var list: [Fallback] = []

    func append(_ fallback: Fallback) {
        lock.lock()
        defer { lock.unlock() }
        list.append(fallback)
    }

    var entries: [Fallback] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
