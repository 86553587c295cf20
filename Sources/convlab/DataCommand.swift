import ConvLab
import Foundation

/// `convlab data [DIR | --fashion]`: loads MNIST (the embedded subset by default) and prints
/// the splits, the class counts and the pixel statistics, so a student can see what trains.
/// `convlab data --bench [DIR]`: times the data path (see `runDataBench`).
func runData(_ arguments: [String]) throws {
    if arguments.first == "--bench" {
        try runDataBench(Array(arguments.dropFirst()))
        return
    }
    let mnist: MNIST
    switch arguments.first {
    case nil: mnist = try MNIST.embedded()
    case "--fashion": mnist = try MNIST.fashion()
    case let directory?: mnist = try MNIST.load(directory: directory)
    }
    print("source: \(mnist.source)")
    for (name, split) in [("train", mnist.train), ("validation", mnist.validation), ("test", mnist.test)] {
        let counts = split.labels.reduce(into: [Int](repeating: 0, count: split.classCount)) { $0[$1] += 1 }
        let (mean, std) = split.pixelStatistics()
        print("\(name): \(split.count) images of \(split.height)x\(split.width)x\(split.channels); "
              + "per class \(counts); pixel mean \(fixed(Double(mean), 4)), std \(fixed(Double(std), 4))")
    }
}

/// Times ConvLab's data path on the MNIST training images (full set in DIR, default
/// `../shared/data/mnist`, else the embedded subset), after checking the results: the inflated
/// bytes must hash to the SHA-256 that `SHA256SUMS.raw` (or ConvLab) knows. The baseline is the
/// system's `gzip -dc` (GNU gzip, C) on the same file, in the same run. Build with `-c release`.
func runDataBench(_ arguments: [String]) throws {
    let fullMNIST = "../shared/data/mnist"
    let directory = try arguments.first ?? (FileIO.exists(FileIO.join(fullMNIST, "train-images-idx3-ubyte.gz"))
                                            ? fullMNIST : MNIST.embeddedDirectory())
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
        print("  \(label.padding(toLength: 40, withPad: " ", startingAt: 0)) \(fixed(seconds, 3)) s  \(fixed(mb / seconds, 0)) MB/s")
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
