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

/// inflate, gzip and zlib: the first byte picks the container (so one corpus serves all three),
/// the rest is the stream. The output cap is 16 MiB so a bomb costs milliseconds, not seconds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(bytes(data, size).dropFirst())
    switch data[0] % 3 {
    case 0:
        if let output = fuzzCheck({ try Gzip.decompress(input, path: "fuzz.gz", outputLimit: 1 << 24) }) {
            precondition(output.count <= 1 << 24)
        }
    case 1:
        _ = fuzzCheck { try Zlib.decompress(input, path: "fuzz.z", outputLimit: 1 << 24) }
    default:
        if let (output, end) = fuzzCheck({ try Inflate.decompress(input, path: "fuzz.deflate", outputLimit: 1 << 24) }) {
            precondition(end <= input.count && output.count <= 1 << 24)
        }
    }
    return 0
}
