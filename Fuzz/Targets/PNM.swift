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

/// PGM and PPM files (P2, P3, P5, P6) within `Image`'s budget, and the grey/RGB conversions.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNM(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let image = fuzzCheck({ try PNM.decode(bytes(data, size), path: "fuzz.pnm") }) else { return 0 }
    precondition(image.pixels.count == image.width * image.height * image.channels)
    _ = fuzzCheck { try image.converted(toChannels: image.channels == 1 ? 3 : 1) }
    return 0
}
