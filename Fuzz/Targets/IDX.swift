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

/// IDX files, raw or gzip, with ConvLab's own budget (`IDXFile.maximumDataBytes`), then what
/// `MNIST.load` does with them: image files become labelled images in [0, 1].
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let file = fuzzCheck({ try IDXFile.parse(bytes(data, size), path: "fuzz.idx") }) else { return 0 }
    precondition(file.bytes.count == (try? TensorShape.elementCount(file.dimensions, op: "fuzz")))
    if file.dimensions.count == 3, file.dimensions[0] <= 1 << 16 {
        let count = file.dimensions[0]
        if let labels = fuzzCheck({ try IDXFile(dimensions: [count], bytes: (0..<count).map { UInt8($0 % 10) }) }) {
            _ = fuzzCheck {
                try LabeledImages(images: file, imagesPath: "fuzz.idx", labels: labels, labelsPath: "labels", classCount: 10)
            }
        }
    }
    return 0
}
