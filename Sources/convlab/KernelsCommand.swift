import ConvLab
import Foundation

let kernelsUsage = """
usage: convlab kernels [IMAGE] [--stride S] [--out FILE] [--scale K] [--path reference|fast]
  Lecture 7's convolutions without training: blur, sharpen, edge (4- and 8-neighbour), top Sobel
  and emboss on a photograph, per colour channel (depthwise), on grey, and mixing the channels
  as the course's kernels.py builds its RGB blur, sharpen, Sobel and emboss (one [3,3,3,3]
  filter that sums the colour channels). Writes one labelled
  contact sheet (default kernels.png). IMAGE defaults to the committed photograph of Chelsea
  the cat (scikit-image sample, CC0).
"""

/// `convlab kernels`: the contact sheet of classic kernels on a photograph.
func runKernels(_ arguments: [String]) throws {
    let options = try ApplicationOptions(arguments, command: "kernels", valued: ["stride", "out", "scale", "path"],
                                         usage: kernelsUsage)
    guard options.positional.count <= 1 else {
        throw ConvLabError.argument(op: "kernels", message: "one image at most\n\(kernelsUsage)")
    }
    let stride = try options.integer("stride", default: 1, command: "kernels")
    let scale = try options.integer("scale", default: 1, command: "kernels")
    let output = options.values["out"] ?? "kernels.png"
    let kernels = try options.kernels()   // checked before the picture is read
    let path = try options.positional.first ?? Photograph.chelseaPath()
    let picture = try Image.read(path)
    // Size the sheet from the header's size before the pixels become tensors, and name the file.
    do {
        _ = try kernelContactSheetSize(imageWidth: picture.width, imageHeight: picture.height, stride: stride,
                                       displayScale: scale)
    } catch let error as ConvLabError {
        throw ConvLabError.file(path: path, offset: nil, message: error.description)
    }
    let photo = try picture.converted(toChannels: 3).tensor()
    let name = options.positional.first ?? "chelsea.png (the committed photograph, CC0)"
    print("\(name): \(photo.shape[2])x\(photo.shape[1]) RGB, stride \(stride) -> tiles \(ceilDiv(photo.shape[2], stride))x\(ceilDiv(photo.shape[1], stride))")
    for kernel in ClassicKernel.allCases {
        print("  \(kernel): \(kernel.weights), sum \(kernel.weightSum)")
    }
    print("  the mixing [3,3,3,3] filter (kernels.py's RGB blur) sums the three channels: every output channel is the same (grey),")
    print("  and kernels whose weights sum to 1 (blur, sharpen, emboss) come out three times as bright.")
    let sheet = try kernelContactSheet(image: photo, stride: stride, displayScale: scale, kernels: kernels)
    try writePicture(sheet, to: output)
    print("wrote \(output) (\(sheet.width)x\(sheet.height))")
}

private func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
