import Foundation

// SwiftPM generates `Bundle.module` for a target with resources; the fuzz build compiles the
// library's sources without SwiftPM, so it supplies its own. The fuzz targets read no resource
// (no embedded MNIST, no photograph): code that asks for one gets the "missing from the
// resource bundle" error it gives anywhere else.
extension Bundle {
    static let module = Bundle.main
}
