import ConvLab
import Foundation

let animateUsage = """
usage: convlab animate [--op OP] [--input H[xW]] [--channels C] [--kernel K[xK]] [--stride S[xS]]
                       [--dilation D[xD]] [--padding SAME|VALID|P|PH,PW|T,B,L,R] [--filters F]
                       [--output-size H[xW]] [--input-values V] [--filter-values V]
                       [--step-seconds T] [--out FILE.svg] [--frames DIR]
  Writes one animated SVG (CSS keyframes; no script, no external file) of a window sliding over a
  small input: TF's padding, the window's multiply-adds, the output filling in. Every output value
  is computed by ConvLab's reference op, never by the drawing code. With no options: lab 11-0's
  3x3 toy image under a 2x2 filter of ones, VALID, giving [[12, 16], [24, 28]].

  --op OP            conv2d (default), depthwise, max-pool, avg-pool, conv2d-transpose
                     (tf.nn.conv2d, depthwise_conv2d, max_pool2d, avg_pool2d, conv2d_transpose:
                     the gradient of a strided conv, each input cell scattering its kernel)
  --input H[xW]      input size, 1...12 per side (default 3, or the rows of --input-values)
  --channels C       input channels, 1...3 (default 1)
  --kernel K[xK]     filter or pool window size, 1...5 per side (default 2)
  --stride S[xS]     strides, 1...6 (default 1)
  --dilation D[xD]   dilations, 1...4, with stride 1 (conv2d, depthwise, conv2d-transpose)
  --padding P        SAME, VALID (default), or explicit pads in 0...6: P (every side), PH,PW or
                     TOP,BOTTOM,LEFT,RIGHT, TF's [[0,0],[top,bottom],[left,right],[0,0]] (conv2d,
                     depthwise, max-pool and conv2d-transpose take explicit pads; avg-pool does not)
  --filters F        1...3: output channels (conv2d, conv2d-transpose) or multiplier (depthwise)
  --output-size HxW  conv2d-transpose's output_shape (default: Keras's H*stride for SAME,
                     H*stride + max(K - stride, 0) for VALID)
  --input-values V   the input, H*W*C numbers in NHWC order, ',' or ' ' between numbers and ';'
                     between rows, e.g. "1,2,3; 4,5,6; 7,8,9" (default: 1, 2, 3, ... per channel)
  --filter-values V  the filter in TF's layout: [KH,KW,C,O] conv2d, [KH,KW,C,M] depthwise,
                     [KH,KW,O,C] conv2d-transpose (default: all ones)
  --step-seconds T   seconds per step, 0.1...10 (default 1); the last state is held 2 steps (>= 2 s)
  --out FILE         the SVG to write (default animation.svg)
  --frames DIR       also write each step as DIR/frame-NNN.png, and the last state, for slides
"""

/// `convlab animate`: one animated SVG of a sliding window, and optionally its frames as PNGs.
func runAnimate(_ arguments: [String]) throws {
    if arguments.contains("--help") || arguments.contains("-h") {
        print(animateUsage)
        return
    }
    let options = try ApplicationOptions(arguments, command: "animate",
        valued: ["op", "input", "channels", "kernel", "stride", "dilation", "padding", "filters", "output-size",
                 "input-values", "filter-values", "step-seconds", "out", "frames"], usage: animateUsage)
    guard options.positional.isEmpty else {
        throw ConvLabError.argument(op: "animate", message: "unexpected argument '\(options.positional[0])'\n\(animateUsage)")
    }
    var config = AnimationConfig()
    let values = options.values
    if let op = values["op"] { config.op = try AnimatedOp(parsing: op) }
    if let text = values["input-values"] {
        let (numbers, rows) = try AnimationConfig.parseValues(text, name: "--input-values")
        config.inputValues = numbers
        if values["input"] == nil, rows > 1 {
            config.input = Size2(rows, numbers.count / rows / max(1, Int(values["channels"] ?? "1") ?? 1))
        }
    }
    if let text = values["input"] { config.input = try size(text, "--input") }
    config.channels = try options.integer("channels", default: 1, command: "animate")
    if let text = values["kernel"] { config.kernel = try size(text, "--kernel") }
    if let text = values["stride"] { config.strides = try size(text, "--stride") }
    if let text = values["dilation"] { config.dilations = try size(text, "--dilation") }
    if let text = values["padding"] { config.padding = try Padding(parsing: text) }
    config.filters = try options.integer("filters", default: 1, command: "animate")
    if let text = values["output-size"] { config.outputSize = try size(text, "--output-size") }
    if let text = values["filter-values"] { config.filterValues = try AnimationConfig.parseValues(text, name: "--filter-values").values }
    if let text = values["step-seconds"] {
        guard let seconds = Double(text) else {
            throw ConvLabError.argument(op: "animate", message: "--step-seconds needs a number, got '\(text)'")
        }
        config.stepSeconds = seconds
    }
    let board = try Storyboard(config)
    let path = values["out"] ?? "animation.svg"
    try FileIO.writeAtomically(board.svg(), to: path)
    print(board.title)
    for note in board.notes { print("  " + note) }
    let y = board.output
    let planes = y.shape[3] == 1 ? [y.shape[1], y.shape[2]] : Array(y.shape.dropFirst())
    print("output (reference op): \(try y.reshaped(planes).formatted(decimals: 3))")
    print("wrote \(path): \(board.steps.count) steps of \(config.stepSeconds) s, then the last state for \(board.holdSeconds) s")
    if let directory = values["frames"] {
        let files = try board.writeFrames(to: directory)
        print("wrote \(files.count) frames in \(directory) (\(files.first ?? "") ... \(files.last ?? ""))")
    }
}

/// `5` or `5x7` (height x width).
private func size(_ text: String, _ name: String) throws -> Size2 {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
    guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil }) else {
        throw ConvLabError.argument(op: "animate", message: "\(name) needs N or HxW, got '\(text)'")
    }
    return Size2(parts[0]!, parts[parts.count - 1]!)
}
