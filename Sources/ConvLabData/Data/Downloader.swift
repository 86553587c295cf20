import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking  // URLSession on Linux (backed by libcurl)
#endif
import ConvLabCore

/// Downloads the full MNIST, trying several public mirrors in turn (the original site often
/// refuses), checking each file's SHA-256 and writing it atomically.
///
/// A file is accepted only when it decompresses cleanly (gzip CRC-32 and length) and the
/// SHA-256 of its decompressed bytes matches (see `MNIST.rawSHA256`; the `.gz` bytes differ
/// between mirrors, the IDX content must not). It is then written to `name.gz` through a
/// temporary file and a rename, so a failed or interrupted download leaves nothing behind.
package struct MNISTDownloader: Sendable {
    /// Base URLs, tried in this order; each serves `<name>.gz`.
    package static let defaultMirrors = [
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://yann.lecun.com/exdb/mnist/",
    ]

    /// One file to fetch: its name without `.gz` and the SHA-256 of its decompressed bytes.
    package struct File: Sendable {
        package var name: String
        package var rawSHA256: String
    }

    package var mirrors: [String]
    package var files: [File]
    /// Seconds without progress before a request is abandoned.
    package var timeout: Double
    /// The largest download accepted, in bytes.
    var maxBytes: Int

    /// The four MNIST files, from `mirrors`.
    package init(mirrors: [String] = defaultMirrors, timeout: Double = 60) {
        self.mirrors = mirrors
        self.files = [MNIST.fileNames.trainImages, MNIST.fileNames.trainLabels,
                      MNIST.fileNames.testImages, MNIST.fileNames.testLabels].map {
            File(name: $0, rawSHA256: MNIST.rawSHA256[$0]!)
        }
        self.timeout = timeout
        self.maxBytes = 64 << 20
    }

    /// Fetches every file that `directory` does not already hold in verified form, then writes
    /// `SHA256SUMS.raw` there so `MNIST.load(directory:)` checks the files on every load.
    /// - Parameters:
    ///   - directory: the destination; created if missing.
    ///   - log: receives one line per attempt ("train-images-idx3-ubyte.gz: trying ...").
    /// - Throws: `ConvLabError.file` naming the destination file and the reason each mirror
    ///   failed. Files already completed stay; the failed one leaves nothing.
    package func download(to directory: String, log: (String) -> Void = { _ in }) throws {
        try FileIO.createDirectory(directory)
        for file in files {
            try downloadFile(file, to: directory, log: log)
        }
        let sums = files.map { "\($0.rawSHA256)  \($0.name)\n" }.joined()
        try FileIO.writeAtomically(sums, to: FileIO.join(directory, "SHA256SUMS.raw"))
    }

    /// Fetches one file unless a verified copy is already there.
    /// - Returns: the path written (or found).
    @discardableResult
    func downloadFile(_ file: File, to directory: String, log: (String) -> Void = { _ in }) throws -> String {
        let destination = FileIO.join(directory, file.name + ".gz")
        if FileIO.exists(destination),
           (try? MNISTDownloader.verify(try FileIO.read(destination), path: destination, file: file)) != nil {
            log("\(file.name).gz: already present and verified")
            return destination
        }
        var failures: [String] = []
        for mirror in mirrors {
            let address = mirror.hasSuffix("/") ? mirror + file.name + ".gz" : mirror + "/" + file.name + ".gz"
            log("\(file.name).gz: trying \(address)")
            do {
                let bytes = try fetch(address)
                try MNISTDownloader.verify(bytes, path: address, file: file)
                try FileIO.writeAtomically(bytes, to: destination)
                log("\(file.name).gz: \(bytes.count) bytes verified and written")
                return destination
            } catch {
                log("\(file.name).gz: \(error.convLabMessage)")
                failures.append("\(address): \(error.convLabMessage)")
            }
        }
        throw ConvLabError.file(path: destination, offset: nil,
            message: "could not download from any of \(mirrors.count) mirrors; nothing was written\n  " + failures.joined(separator: "\n  "))
    }

    /// Checks that `bytes` is a gzip file whose decompressed bytes have the expected SHA-256.
    /// - Throws: `ConvLabError.file` naming `path`: gzip errors with their offset, or a
    ///   checksum mismatch.
    package static func verify(_ bytes: [UInt8], path: String, file: File) throws {
        let raw = try Gzip.decompress(bytes, path: path)
        let actual = SHA256.hex(raw)
        guard actual == file.rawSHA256.lowercased() else {
            throw ConvLabError.file(path: path, offset: nil,
                message: "SHA-256 of the decompressed bytes is \(actual), expected \(file.rawSHA256)")
        }
    }

    /// A blocking HTTP(S) GET of the whole body.
    /// - Throws: `ConvLabError.file` naming the URL for a bad address, a network error, a status
    ///   other than 200, a body shorter than its Content-Length, or more than `maxBytes`.
    func fetch(_ address: String) throws -> [UInt8] {
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
            throw ConvLabError.file(path: address, offset: nil, message: "not an http(s) URL")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let outcome = FetchOutcome()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: url) { data, response, error in
            outcome.set(data: data, response: response, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, response, error) = outcome.get()
        if let error {
            throw ConvLabError.file(path: address, offset: data?.count, message: "download failed: \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw ConvLabError.file(path: address, offset: nil, message: "no HTTP response")
        }
        guard http.statusCode == 200 else {
            throw ConvLabError.file(path: address, offset: nil, message: "HTTP status \(http.statusCode)")
        }
        let bytes = [UInt8](data ?? Data())
        if http.expectedContentLength >= 0 && Int64(bytes.count) != http.expectedContentLength {
            throw ConvLabError.file(path: address, offset: bytes.count,
                message: "truncated download: received \(bytes.count) of \(http.expectedContentLength) bytes")
        }
        guard bytes.count <= maxBytes else {
            throw ConvLabError.file(path: address, offset: maxBytes, message: "download is larger than \(maxBytes) bytes")
        }
        return bytes
    }
}

/// The completion handler's results, handed from URLSession's queue to the waiting caller.
private final class FetchOutcome: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: Error?

    func set(data: Data?, response: URLResponse?, error: Error?) {
        lock.lock()
        defer { lock.unlock() }
        (self.data, self.response, self.error) = (data, response, error)
    }

    func get() -> (Data?, URLResponse?, Error?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}
