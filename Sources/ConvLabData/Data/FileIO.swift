#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ConvLabCore

/// Reading whole files, and writing them atomically: every file ConvLab writes (datasets,
/// checkpoints, pictures) is complete or absent, never half written.
///
/// An atomic write goes to a temporary file in the destination's directory
/// (`.name.tmp-<pid>-<random>`), is flushed to disk, and is then renamed over the destination.
/// `rename(2)` within one file system is atomic: a reader sees the old file or the new one. On
/// any failure the temporary file is removed; a temporary file left by a process that was
/// killed mid-write is removed by the next write to the same destination (its name carries the
/// writer's process id, and only files of processes that no longer run are touched). Readers
/// open the exact names they are given, so a leftover `.name.tmp-*` is never read as data.
package enum FileIO {
    /// The largest file `read` accepts unless told otherwise (1 GiB): far above any dataset,
    /// checkpoint or picture ConvLab reads, and a bound when a path names something endless
    /// such as `/dev/zero`.
    package static let defaultReadLimit = 1 << 30

    /// The whole contents of the file at `path`.
    /// - Parameters:
    ///   - path: the file to read, named in every error.
    ///   - limit: the most bytes the caller accepts (a decoder's budget). A larger regular file
    ///     is refused before anything is read; a device or pipe is cut off once it passes it.
    ///   - kind: what the caller reads, for the error ("an IDX file").
    /// - Throws: `ConvLabError.file(path:offset:message:)` with the system's reason ("No such
    ///   file or directory") and, for a failed read, the byte offset reached; for a directory or
    ///   a file over the limit, the path and the limit.
    package static func read(_ path: String, limit: Int = defaultReadLimit, kind: String = "a file") throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw systemError(path, "cannot open for reading") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw systemError(path, "cannot inspect") }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw ConvLabError.file(path: path, offset: nil, message: "is a directory, not \(kind)")
        }
        func tooLarge(_ size: Int) -> ConvLabError {
            .file(path: path, offset: nil, message: "holds \(size) bytes or more, above the \(limit)-byte limit for \(kind)")
        }
        let size = Int(status.st_size)
        guard size <= limit else { throw tooLarge(size) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError(path, "read failed", offset: bytes.count)
            }
            if count == 0 { break }
            guard bytes.count + count <= limit else { throw tooLarge(bytes.count + count) }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Writes `bytes` to `path` whole or not at all (temporary file, fsync, rename).
    /// - Parameters:
    ///   - bytes: the whole new content of the file.
    ///   - path: the destination; its directory must exist.
    /// - Throws: `ConvLabError.file` naming the destination and, for a failed write, the byte
    ///   offset reached. The destination is then untouched and no temporary file remains.
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let (directory, name) = split(path)
        removeStaleTemporaries(directory: directory, name: name)
        var generator = SystemRandomNumberGenerator()
        let temporary = directory + temporaryPrefix(name) + "\(getpid())-\(generator.next() % 1_000_000_000)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw systemError(path, "cannot create a temporary file in \(directory.isEmpty ? "." : directory)") }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = systemError(path, "write failed", offset: written)
                close(descriptor)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = systemError(path, "cannot flush to disk")
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw systemError(path, "cannot close") }
        guard rename(temporary, path) == 0 else { throw systemError(path, "cannot rename the temporary file into place") }
        succeeded = true
    }

    /// `.name.tmp-`: every temporary file of a write to `name` starts so, then `<pid>-<random>`.
    static func temporaryPrefix(_ name: String) -> String { "." + name + ".tmp-" }

    /// Removes the temporary files that writes to `directory/name` left behind when their
    /// process was killed: those whose process id names no running process. A live writer's
    /// file (another process saving the same checkpoint right now) is left alone.
    /// - Returns: the paths removed.
    @discardableResult
    static func removeStaleTemporaries(directory: String, name: String) -> [String] {
        let prefix = temporaryPrefix(name)
        guard let stream = opendir(directory.isEmpty ? "." : directory) else { return [] }
        defer { closedir(stream) }
        var removed: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let rest = entryName.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, pid != getpid(), rest[1].allSatisfy(\.isNumber) else {
                continue
            }
            // kill(pid, 0) sends nothing; ESRCH means no such process.
            if kill(pid, 0) != 0 && errno == ESRCH && unlink(directory + entryName) == 0 {
                removed.append(directory + entryName)
            }
        }
        return removed
    }

    /// Writes UTF-8 text atomically.
    package static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// True when something exists at `path`.
    package static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// True when `path` is a directory.
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and its missing parents (like `mkdir -p`).
    package static func createDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix) {
                guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else {
                    throw systemError(prefix, "cannot create directory")
                }
            }
            prefix += "/"
        }
    }

    /// `path` joined to `name` with one slash.
    package static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : (path.hasSuffix("/") ? path + name : path + "/" + name)
    }

    /// ("dir/", "file") for "dir/file"; ("", "file") for "file".
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    static func systemError(_ path: String, _ what: String, offset: Int? = nil) -> ConvLabError {
        let reason = String(cString: strerror(errno))
        return .file(path: path, offset: offset, message: "\(what): \(reason)")
    }
}

// The C calls, named apart from Swift methods called `read` and `write`.
private typealias CRead = @Sendable (Int32, UnsafeMutableRawPointer?, Int) -> Int
private typealias CWrite = @Sendable (Int32, UnsafeRawPointer?, Int) -> Int
#if canImport(Darwin)
private let (systemRead, systemWrite): (CRead, CWrite) = (Darwin.read, Darwin.write)
#elseif canImport(Glibc)
private let (systemRead, systemWrite): (CRead, CWrite) = (Glibc.read, Glibc.write)
#else
private let (systemRead, systemWrite): (CRead, CWrite) = (Musl.read, Musl.write)
#endif
