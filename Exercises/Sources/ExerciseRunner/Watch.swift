import Catalog
import Foundation

/// Lines typed while watching (h, l, q), handed from a reader thread to the polling loop.
final class Keyboard: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Reads fd 0 with `FileHandle`, not `readLine()`: `readLine` holds the C `stdin` lock while
    /// it waits, and `fflush(nil)` on the main thread would then wait for it forever.
    func start() {
        Thread.detachNewThread { [self] in
            var pending = ""
            while true {
                let data = FileHandle.standardInput.availableData
                if data.isEmpty { return }   // end of input
                pending += String(decoding: data, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending = String(pending[pending.index(after: newline)...])
                    lock.lock(); lines.append(line); lock.unlock()
                }
            }
        }
    }

    func take() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let taken = lines
        lines.removeAll()
        return taken
    }
}

extension Runner {
    /// Polls the modification times of the student's files; on a change re-compiles and
    /// re-checks the exercise whose file changed (only that judge is rebuilt).
    func watch(_ id: String?) {
        let pinned = id.map(find)
        var current = pinned ?? statuses().first(where: { !$0.1.isPassed })?.0 ?? exercises[exercises.count - 1]
        var stamps = studentStamps()
        let keyboard = Keyboard()
        keyboard.start()
        func recheck() {
            let result = studentOutcome(current)
            print("\u{1B}[2J\u{1B}[H", terminator: "")   // clear the screen
            var next: Exercise? = nil
            if result.isPassed && pinned == nil {
                next = statuses().first(where: { !$0.1.isPassed })?.0
            }
            report(current, result, next: next)
            if let next, next.id != current.id {
                current = next
                print("\nNow watching \(current.id) · \(current.title): open \(shownPath(current))")
            }
            print("\n[watching \(usesDefaultStudentFolder ? "Sources/Student" : studentDirectory.path); save a file to re-check · h+Enter hint · l list · q quit]")
            fflush(nil)
        }
        recheck()
        while true {
            for key in keyboard.take() {
                switch key.trimmingCharacters(in: .whitespaces).lowercased() {
                case "q", "quit": return
                case "h", "hint": _ = hint(current.id); fflush(nil)
                case "l", "list": list(); fflush(nil)
                default: recheck()
                }
            }
            usleep(250_000)
            let now = studentStamps()
            guard now != stamps else { continue }
            // Re-check the file that changed if it belongs to another exercise.
            if pinned == nil, let changed = changedExercise(from: now, since: stamps) { current = changed }
            stamps = now
            print("\nchange seen, checking \(current.id)...")
            fflush(nil)
            recheck()
        }
    }

    /// Modification dates of the student's files.
    func studentStamps() -> [String: Date] {
        var stamps: [String: Date] = [:]
        for exercise in exercises {
            let path = studentDirectory.appendingPathComponent(exercise.fileName).path
            if let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                stamps[exercise.id] = date
            }
        }
        return stamps
    }

    /// The exercise whose file changed most recently.
    func changedExercise(from stamps: [String: Date], since old: [String: Date]) -> Exercise? {
        let changed = stamps.filter { old[$0.key] != $0.value }
        let newest = changed.max { $0.value < $1.value }
        return newest.flatMap { entry in exercises.first { $0.id == entry.key } }
    }
}
