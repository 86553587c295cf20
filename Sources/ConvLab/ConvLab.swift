// ConvLab: convolutional neural networks with verified math.
//
// The library is several modules, one per layer of ARCHITECTURE.md's table, so that each may use
// only the layers below it; this module re-exports them, and `import ConvLab` gives all of them.

@_exported import ConvLabCore
@_exported import ConvLabFast
@_exported import ConvLabData
@_exported import ConvLabPictures
@_exported import ConvLabNN
@_exported import ConvLabCLI
@_exported import ConvLabAnimation
@_exported import ConvLabConformance
@_exported import ConvLabBenchmark
@_exported import ConvLabApplications
