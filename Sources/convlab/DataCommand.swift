import ConvLab
import Foundation

let dataCommand = CLICommand(
    name: "data", summary: "MNIST's splits, class counts and pixel statistics (embedded subset by default)",
    positionals: "[DIR]", positionalCount: 0...1,
    options: [
        .flag("fashion", "Fashion-MNIST instead (Debian's dataset-fashion-mnist, or DIR)"),
        .flag("bench", "time inflate, CRC-32, SHA-256 and IDX parsing against the system gzip (build with -c release)"),
    ],
    notes: "  DIR holds MNIST IDX files (raw or gzip, SHA-256 checked); --bench defaults to the downloaded MNIST, else the embedded subset.",
    run: runData)

/// `convlab data`: loads MNIST (the embedded subset by default) and prints the splits, the class
/// counts and the pixel statistics, so a student can see what trains.
func runData(_ arguments: CLIArguments) throws {
    let directory = arguments.positional.first
    if arguments.flag("bench") { return try runDataBench(directory) }
    let mnist = try arguments.flag("fashion") ? MNIST.fashion(directory: directory ?? MNIST.fashionDirectory)
        : directory.map { try MNIST.load(directory: $0) } ?? MNIST.embedded()
    print("source: \(mnist.source)")
    for (name, split) in [("train", mnist.train), ("validation", mnist.validation), ("test", mnist.test)] {
        let counts = split.labels.reduce(into: [Int](repeating: 0, count: split.classCount)) { $0[$1] += 1 }
        let (mean, std) = split.pixelStatistics()
        print("\(name): \(split.count) images of \(split.height)x\(split.width)x\(split.channels); "
              + "per class \(counts); pixel mean \(fixed(Double(mean), 4)), std \(fixed(Double(std), 4))")
    }
}

/// Times ConvLab's data path on the MNIST training images (full set in DIR, default the
/// downloaded copy, else the embedded subset), after checking the results: the inflated
/// bytes must hash to the SHA-256 that `SHA256SUMS.raw` (or ConvLab) knows. The baseline is the
/// system's `gzip -dc` (GNU gzip, C) on the same file, in the same run. Build with `-c release`.
func runDataBench(_ folder: String?) throws {
    let directory = try folder ?? DataCache.downloadedMNIST() ?? MNIST.embeddedDirectory()
    let name = MNIST.fileNames.trainImages
    let path = FileIO.join(directory, name + ".gz")
    let compressed = try IDXFile.readBytes(path)
    let sumsPath = FileIO.join(directory, "SHA256SUMS.raw")
    let expected = FileIO.exists(sumsPath)
        ? String(decoding: try FileIO.read(sumsPath, limit: 1 << 20, kind: "a checksum list"), as: UTF8.self).split(separator: "\n")
            .first { $0.hasSuffix(name) }.map { String($0.prefix(64)) }
        : MNIST.rawSHA256[name]

    // Validate first (within the IDX budget, as every IDX read).
    let raw = try IDXFile.decompressedBytes(compressed, path: path)
    let digest = SHA256.hex(raw)
    guard digest == expected else {
        throw ConvLabError.file(path: path, offset: nil, message: "inflated bytes hash to \(digest), expected \(expected ?? "?"); not timing wrong results")
    }
    print("\(path): \(compressed.count) bytes -> \(raw.count) bytes, SHA-256 matches. Timing (best of 3):")

    func best(_ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.min()!
    }
    let megabytes = Double(raw.count) / 1e6
    let inflate = try best { _ = try Inflate.decompress(compressed, from: 10, path: path) }
    let gunzip = try best { _ = try Gzip.decompress(compressed, path: path) }
    let crc = best { _ = Checksum.crc32(raw) }
    let sha = best { _ = SHA256.hex(raw) }
    let parse = try best { _ = try IDXFile.parse(raw, path: path) }
    let deflateInput = Array(raw.prefix(10_000_000))
    var deflated = 0
    let deflate = best { deflated = Gzip.compress(deflateInput).count }
    let system = try best { try runSystemGunzip(path) }

    func row(_ label: String, _ seconds: Double, _ mb: Double) {
        print("  \(leftAligned(label, 40)) \(fixed(seconds, 3)) s  \(fixed(mb / seconds, 0)) MB/s")
    }
    row("inflate (raw DEFLATE)", inflate, megabytes)
    row("gunzip (inflate + CRC-32 + ISIZE)", gunzip, megabytes)
    row("CRC-32", crc, megabytes)
    row("SHA-256", sha, megabytes)
    row("IDX parse", parse, megabytes)
    row("gzip 10 MB (-> \(deflated) bytes)", deflate, Double(deflateInput.count) / 1e6)
    row("baseline: system gzip -dc > /dev/null", system, megabytes)
    print("  ConvLab gunzip / system gzip -dc: \(fixed(gunzip / system, 2))x the time")
}

/// Runs `gzip -dc path > /dev/null` (the C baseline, process start included).
private func runSystemGunzip(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ConvLabError.file(path: path, offset: nil, message: "gzip -dc failed (status \(process.terminationStatus))")
    }
}

/// `value` with `decimals` digits after the point.
private func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
