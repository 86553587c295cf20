import ConvLabCore
import ConvLabData

// A data set's image as a picture: here, not in Data/, because Data may not use Pictures.
extension LabeledImages {
    /// Image `index` as an 8-bit picture (values clamped to [0, 1] first, so a standardised
    /// set shows its contrast clipped), e.g. to save misclassified digits as PNG.
    /// - Throws: `ConvLabError.argument` for an index outside 0..<count.
    public func picture(_ index: Int) throws -> Image {
        guard (0..<count).contains(index) else {
            throw ConvLabError.argument(op: "LabeledImages.picture", message: "index \(index) is outside 0..<\(count)")
        }
        let one = Tensor(uncheckedShape: [1, height, width, channels],
                         scalars: Array(pixels[index * imageSize ..< (index + 1) * imageSize]))
        return try Image(tensor: one)
    }
}
