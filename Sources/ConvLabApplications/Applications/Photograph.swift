import Foundation
import ConvLabCore

/// The photograph committed with ConvLab for `convlab kernels`: Chelsea the cat (scikit-image's
/// sample image by Stefan van der Walt, CC0; see `Resources/Photographs/CREDITS.md`).
public enum Photograph {
    /// The path of `chelsea.png` (451x300 RGB) inside the library's resource bundle.
    /// - Throws: `ConvLabError.file` when the bundle lacks it.
    public static func chelseaPath() throws -> String {
        guard let url = Bundle.module.url(forResource: "Photographs", withExtension: nil) else {
            throw ConvLabError.file(path: "ConvLab resources/Photographs", offset: nil,
                message: "the committed photograph is missing from the ConvLab resource bundle")
        }
        return url.appendingPathComponent("chelsea.png").path
    }
}
