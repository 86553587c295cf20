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

/// Conformance cases files: the JSON reader, the case reader and every op the runner dispatches,
/// on both kernel paths. The budget is smaller than the standard one (2^16 values and 2^24
/// operations per case instead of 2^22 and 2^30) so that each input takes milliseconds; the
/// budget's arithmetic is the same.
let budget = ConformanceBudget(values: 1 << 16, work: 1 << 24)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConformance(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let document = fuzzCheck({ try JSONValue.parse(bytes(data, size), path: "fuzz.json") }) else { return 0 }
    for path in KernelPath.allCases {
        if let run = fuzzCheck({ try Conformance.run(document, kernels: Kernels(path), path: "fuzz.json", budget: budget) }) {
            _ = Conformance.resultsJSON(run.results, generator: "fuzz")
        }
    }
    return 0
}
