import ConvLab

let kernelsCommand = CLICommand(
    name: "kernels", summary: "blur, sharpen, edges, Sobel and emboss on a photograph, as one labelled PNG",
    positionals: "[IMAGE]", positionalCount: 0...1,
    options: [
        .value("stride", "S", "the kernels' stride (default 1)"),
        .value("scale", "K", "each tile drawn K times larger (default 1)"),
        .value("path", "reference|fast", "the kernels (default fast)"),
    ],
    output: .file("kernels.png"),
    notes: """
      Lecture 7's convolutions without training: blur, sharpen, edge (4- and 8-neighbour), top Sobel
      and emboss on a photograph, per colour channel (depthwise), on grey, and mixing the channels
      as the course's kernels.py builds its RGB blur, sharpen, Sobel and emboss (one [3,3,3,3]
      filter that sums the colour channels). Writes one labelled contact sheet. IMAGE (PNG, PGM or PPM) defaults to the
      committed photograph of Chelsea the cat (scikit-image sample, CC0).
    """,
    run: runKernels)

/// `convlab kernels`: the contact sheet of classic kernels on a photograph.
func runKernels(_ arguments: CLIArguments) throws {
    let stride = try arguments.integer("stride", default: 1)
    let scale = try arguments.integer("scale", default: 1)
    let kernels = Kernels(try arguments.kernelPath())   // checked before the picture is read
    let path = try arguments.positional.first ?? Photograph.chelseaPath()
    let picture = try Image.read(path)
    // Size the sheet from the header's size before the pixels become tensors, and name the file.
    do {
        _ = try kernelContactSheetSize(imageWidth: picture.width, imageHeight: picture.height, stride: stride,
                                       displayScale: scale)
    } catch let error as ConvLabError {
        throw ConvLabError.file(path: path, offset: nil, message: error.description)
    }
    let photo = try picture.converted(toChannels: 3).tensor()
    let name = arguments.positional.first ?? "chelsea.png (the committed photograph, CC0)"
    print("\(name): \(photo.shape[2])x\(photo.shape[1]) RGB, stride \(stride) -> tiles \(ceilDiv(photo.shape[2], stride))x\(ceilDiv(photo.shape[1], stride))")
    for kernel in ClassicKernel.allCases {
        print("  \(kernel): \(kernel.weights), sum \(kernel.weightSum)")
    }
    print("  the mixing [3,3,3,3] filter (kernels.py's RGB blur) sums the three channels: every output channel is the same (grey),")
    print("  and kernels whose weights sum to 1 (blur, sharpen, emboss) come out three times as bright.")
    let sheet = try kernelContactSheet(image: photo, stride: stride, displayScale: scale, kernels: kernels)
    let output = try arguments.outputFile()
    try writePicture(sheet, to: output)
    print("wrote \(output) (\(sheet.width)x\(sheet.height))")
}

private func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
