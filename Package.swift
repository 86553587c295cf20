// swift-tools-version:6.0
//
// ConvLab: convolutional neural networks with verified math.
// No package dependencies: the standard library, Foundation, Dispatch and Swift Testing only.

import PackageDescription

// MARK: - Build settings for the SIMD kernels
//
// Swift on x86-64 targets the 2003 baseline (SSE2) unless told otherwise: no AVX, no FMA, and
// SIMD8<Float> code then runs ~100x slower than it could (0.5 GFLOP/s against 67-90 measured
// for the GEMM micro-kernel on an AVX2 + FMA machine). `-target-cpu native` would fix the speed
// but makes a binary that crashes on an older CPU. So the micro-kernels live in their own small
// target, compiled twice from the same files (Sources/ConvLabSIMDAVX2 is a symlink to
// Sources/ConvLabSIMD): once for the baseline and once for Haswell-class CPUs (AVX2 + FMA,
// x86-64-v3), and `Fast` picks the AVX2 build at run time only when /proc/cpuinfo (Linux) or
// sysctl (macOS) reports avx2 and fma. On arm64 NEON and FMA are baseline; both modules then
// build the same generic code and no x86 flag is passed. `#if arch` here tests the machine that
// builds the package, which is the machine it runs on unless you cross-compile.
// `.unsafeFlags` is allowed because ConvLab is a root package, not someone's dependency.
let kernelOptimization: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
#if arch(x86_64)
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"]), .define("CONVLAB_FMA")]
#else
let avx2Settings: [SwiftSetting] = []
#endif

let package = Package(
    name: "ConvLab",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConvLab", targets: ["ConvLab"]),
        .library(name: "ConvLabLectures", targets: ["ConvLabLectures"]),
        .executable(name: "convlab", targets: ["convlab"]),
    ],
    targets: [
        // MARK: - Library

        // One module per layer of ARCHITECTURE.md's table, so its "may use" column is what each
        // target may import: a layering violation is a compile error. `ConvLab` re-exports them all.
        .target(
            name: "ConvLabCore",  // Tensor, Shapes, Checks, Reference, Ops
            path: "Sources/ConvLabCore"
        ),
        .target(
            name: "ConvLabFast",  // the SIMD twins of the reference ops
            dependencies: ["ConvLabCore", "ConvLabSIMD", "ConvLabSIMDAVX2"],
            path: "Sources/ConvLabFast"
        ),
        .target(
            name: "ConvLabData",  // compression, checksums, IDX, files, MNIST, downloads
            dependencies: ["ConvLabCore"],
            path: "Sources/ConvLabData",
            // The embedded MNIST subset (CC BY-SA 3.0, see Resources/MNIST/CREDITS.md),
            // read through Bundle.module by MNIST.embedded().
            resources: [.copy("Resources/MNIST")]
        ),
        .target(
            name: "ConvLabPictures",  // images, PNG, PGM/PPM, plots, canvases
            dependencies: ["ConvLabCore", "ConvLabData"],
            path: "Sources/ConvLabPictures"
        ),
        .target(
            name: "ConvLabNN",  // Kernels (the path switch), Layers, Training
            dependencies: ["ConvLabCore", "ConvLabFast", "ConvLabData"],
            path: "Sources/ConvLabNN"
        ),
        .target(
            name: "ConvLabCLI",  // the one argument parser (the tool's and `convlab animate`'s)
            dependencies: ["ConvLabCore", "ConvLabData"],
            path: "Sources/ConvLabCLI"
        ),
        .target(
            name: "ConvLabAnimation",  // `convlab animate`: a sliding window as SVG and PNG frames
            dependencies: ["ConvLabCore", "ConvLabData", "ConvLabPictures", "ConvLabCLI"],
            path: "Sources/ConvLabAnimation"
        ),
        .target(
            name: "ConvLabConformance",  // the TensorFlow conformance runner
            dependencies: ["ConvLabCore", "ConvLabData", "ConvLabNN"],
            path: "Sources/ConvLabConformance"
        ),
        .target(
            name: "ConvLabBenchmark",  // what `convlab bench` times
            dependencies: ["ConvLabCore", "ConvLabNN"],
            path: "Sources/ConvLabBenchmark"
        ),
        .target(
            name: "ConvLabApplications",  // classic kernels on a photograph, SRCNN, the autoencoder
            dependencies: ["ConvLabCore", "ConvLabData", "ConvLabPictures", "ConvLabNN"],
            path: "Sources/ConvLabApplications",
            // The photograph of `convlab kernels` (CC0, see Resources/Photographs/CREDITS.md).
            resources: [.copy("Resources/Photographs")]
        ),
        // `import ConvLab` gives all of the above.
        .target(
            name: "ConvLab",
            dependencies: ["ConvLabCore", "ConvLabFast", "ConvLabData", "ConvLabPictures", "ConvLabNN",
                           "ConvLabCLI", "ConvLabAnimation", "ConvLabConformance", "ConvLabBenchmark",
                           "ConvLabApplications"],
            path: "Sources/ConvLab"
        ),
        // The code the read-along lectures in Lectures/ walk through, one file per module.
        .target(
            name: "ConvLabLectures",
            dependencies: ["ConvLab"],
            path: "Sources/ConvLabLectures"
        ),

        // MARK: - SIMD kernels (one source folder, two builds; see the top of this file)

        .target(
            name: "ConvLabSIMD",
            path: "Sources/ConvLabSIMD",
            swiftSettings: kernelOptimization
        ),
        .target(
            name: "ConvLabSIMDAVX2",
            path: "Sources/ConvLabSIMDAVX2",
            swiftSettings: kernelOptimization + avx2Settings
        ),

        // MARK: - Executables

        .executableTarget(
            name: "convlab",
            dependencies: ["ConvLab", "ConvLabLectures"],
            path: "Sources/convlab"
        ),

        // MARK: - Tests

        .target(
            name: "ConvLabTestSupport",
            dependencies: ["ConvLab"],
            path: "Tests/ConvLabTestSupport"
        ),
        .testTarget(
            name: "ConvLabTests",
            dependencies: ["ConvLab", "ConvLabTestSupport"],
            path: "Tests/ConvLabTests",
            exclude: ["Fixtures"]  // JSON read by path (#filePath), not bundled
        ),
        // The command-line tool's argument parser, through `@testable import convlab`.
        .testTarget(
            name: "ConvLabCLITests",
            dependencies: ["convlab"],
            path: "Tests/ConvLabCLITests"
        ),
        // The lectures' doc-tests: every printed number in Lectures/*.md is re-computed.
        .testTarget(
            name: "ConvLabLecturesTests",
            dependencies: ["ConvLab", "ConvLabLectures"],
            path: "Tests/ConvLabLecturesTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
