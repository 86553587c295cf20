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

/// PNG files as `convlab kernels` reads them: decode within `Image`'s budget, size the contact
/// sheet from the header's size, and only then turn the pixels into an RGB tensor.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let image = fuzzCheck({ try PNG.decode(bytes(data, size), path: "fuzz.png") }) else { return 0 }
    precondition(image.pixels.count == image.width * image.height * image.channels)
    if fuzzCheck({ try kernelContactSheetSize(imageWidth: image.width, imageHeight: image.height) }) != nil {
        _ = fuzzCheck { try image.converted(toChannels: 3).tensor() }
    }
    return 0
}
