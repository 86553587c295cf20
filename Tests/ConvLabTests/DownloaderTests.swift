import Foundation
import Testing
import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabData
@testable import ConvLabPictures
@testable import ConvLabNN
@testable import ConvLabCLI
@testable import ConvLabAnimation
@testable import ConvLabConformance
@testable import ConvLabBenchmark
@testable import ConvLabApplications
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the downloader tests: POSIX sockets, one thread,
/// one request per connection. A route may declare a longer Content-Length than the body it
/// sends, to imitate a connection that breaks mid-download.
final class LocalHTTPServer: @unchecked Sendable {  // routes are immutable; the socket is closed once
    struct Route {
        var status = 200
        var body: [UInt8]
        /// Content-Length to announce; the body's own length when nil.
        var announcedLength: Int?
    }

    let routes: [String: Route]
    let port: UInt16
    private let listener: Int32

    init(routes: [String: Route]) throws {
        self.routes = routes
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ConvLabError.argument(op: "LocalHTTPServer", message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0  // any free port
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw ConvLabError.argument(op: "LocalHTTPServer", message: "cannot listen on 127.0.0.1")
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in serve() }
    }

    /// The base URL of a route folder, e.g. "http://127.0.0.1:PORT/good/".
    func url(_ folder: String) -> String { "http://127.0.0.1:\(port)/\(folder)/" }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }  // the listener was shut down
            respond(client)
            close(client)
        }
    }

    private func respond(_ client: Int32) {
        // Read the request head (up to 16 KB) and take the path from "GET /path HTTP/1.1".
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384 {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            request += buffer[0..<count]
            if request.count >= 4, Array(request.suffix(4)) == Array("\r\n\r\n".utf8) { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = firstLine.count >= 2 ? String(firstLine[1]) : "/"
        let route = routes[path] ?? Route(status: 404, body: Array("not found".utf8))
        let reason = route.status == 200 ? "OK" : "Not Found"
        let head = "HTTP/1.1 \(route.status) \(reason)\r\nContent-Length: \(route.announcedLength ?? route.body.count)\r\n"
            + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        send(client, Array(head.utf8))
        send(client, route.body)
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) {
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)  // a client that hangs up must not kill the test with SIGPIPE
        #else
        let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc_send(client, $0.baseAddress! + sent, $0.count - sent, flags) }
            if count <= 0 { return }
            sent += count
        }
    }
}

@inline(__always) private func Glibc_send(_ socket: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
    return Glibc.send(socket, buffer, count, flags)
    #else
    return Darwin.send(socket, buffer, count, flags)
    #endif
}

@Suite("MNIST downloader: mirrors, checksums, atomic writes (local HTTP server)", .serialized)
struct DownloaderTests {
    /// A small labels file standing in for MNIST's.
    static let raw = try! IDXFile(dimensions: [300], bytes: (0..<300).map { UInt8($0 % 10) }).encoded()
    static let good = Gzip.compress(raw)
    static let file = MNISTDownloader.File(name: "tiny-labels-idx1-ubyte", rawSHA256: SHA256.hex(raw))

    /// good: the file; corrupt: a byte of its compressed data changed; other: a valid gzip of
    /// different content; truncated: half the bytes with the full Content-Length announced.
    static func makeServer() throws -> LocalHTTPServer {
        var corrupt = good
        corrupt[corrupt.count / 2] ^= 0x5A
        let other = Gzip.compress(Array(raw.reversed()))
        let name = "/" + file.name + ".gz"
        return try LocalHTTPServer(routes: [
            "/good" + name: .init(body: good),
            "/corrupt" + name: .init(body: corrupt),
            "/other" + name: .init(body: other),
            "/truncated" + name: .init(body: Array(good[..<(good.count / 2)]), announcedLength: good.count),
        ])
    }

    func downloader(_ server: LocalHTTPServer, _ folders: [String]) -> MNISTDownloader {
        var downloader = MNISTDownloader(mirrors: folders.map(server.url), timeout: 20)
        downloader.files = [DownloaderTests.file]
        return downloader
    }

    @Test func fallsThroughBadMirrorsToAGoodOne() throws {
        let server = try DownloaderTests.makeServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        var lines: [String] = []
        try downloader(server, ["missing", "truncated", "corrupt", "other", "good"])
            .download(to: directory.path) { lines.append($0) }
        let written = try FileIO.read(FileIO.join(directory.path, DownloaderTests.file.name + ".gz"))
        #expect(written == DownloaderTests.good)
        #expect(try directory.contents() == ["SHA256SUMS.raw", DownloaderTests.file.name + ".gz"])
        // Each bad mirror was tried and its failure logged.
        let log = lines.joined(separator: "\n")
        #expect(log.contains("HTTP status 404"))
        #expect(log.contains("SHA-256 of the decompressed bytes"))
        #expect(lines.filter { $0.contains(": trying ") }.count == 5)
        // A second run finds the verified file and fetches nothing.
        lines = []
        try downloader(server, ["good"]).download(to: directory.path) { lines.append($0) }
        #expect(lines.contains { $0.contains("already present and verified") })
    }

    @Test(arguments: [("corrupt", "image data"), ("truncated", "truncated"), ("other", "SHA-256"), ("missing", "404")])
    func badMirrorLeavesNothing(folder: String, reason: String) throws {
        let server = try DownloaderTests.makeServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        do {
            try downloader(server, [folder]).download(to: directory.path)
            Issue.record("\(folder): the download succeeded")
        } catch let ConvLabError.file(path, _, message) {
            #expect(path == FileIO.join(directory.path, DownloaderTests.file.name + ".gz"))
            #expect(message.contains("could not download from any of 1 mirrors"))
            if folder == "corrupt" {
                // Damaged deflate data shows up as an inflate error or a CRC mismatch.
                #expect(message.contains("CRC-32") || message.contains("Huffman") || message.contains("distance")
                        || message.contains("block") || message.contains("truncated"), "\(message)")
            } else {
                #expect(message.contains(reason), "\(folder): \(message)")
            }
        }
        #expect(try directory.contents() == [], "\(folder): files were left behind")
    }

    @Test func unreachableMirrorIsReported() throws {
        let server = try DownloaderTests.makeServer()
        let deadURL = server.url("good")
        server.stop()  // nothing listens on that port any more
        let directory = try TemporaryDirectory()
        var downloader = MNISTDownloader(mirrors: [deadURL], timeout: 5)
        downloader.files = [DownloaderTests.file]
        #expect(throws: ConvLabError.self) { try downloader.download(to: directory.path) }
        #expect(try directory.contents() == [])
    }

    @Test func knowsTheMNISTChecksums() {
        let downloader = MNISTDownloader()
        #expect(downloader.files.map(\.name) == ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
        #expect(downloader.mirrors.count >= 2)
        #expect(downloader.files.allSatisfy { $0.rawSHA256.count == 64 })
    }
}
