/// The command line of `convlab animate`, parsed in the library so that its `--help`, its errors
/// and the lectures' animations (`Figure.animation`) share one parser.
public struct AnimationArguments: Sendable {
    public var config = AnimationConfig()
    /// `--out`: the SVG to write.
    public var out = "animation.svg"
    /// `--frames`: a directory for the PNG frames, if asked.
    public var frames: String? = nil
    /// `--help` or `-h` was given.
    public var help = false

    public static let usage = """
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
                     H*stride + max(K - stride, 0) for VALID, (H-1)*stride + K - pads for explicit)
  --input-values V   the input, H*W*C numbers in NHWC order, ',' or ' ' between numbers and ';'
                     between rows, e.g. "1,2,3; 4,5,6; 7,8,9" (default: 1, 2, 3, ... per channel)
  --filter-values V  the filter in TF's layout: [KH,KW,C,O] conv2d, [KH,KW,C,M] depthwise,
                     [KH,KW,O,C] conv2d-transpose (default: all ones)
  --step-seconds T   seconds per step, 0.1...10 (default 1); the last state is held 2 steps (>= 2 s)
  --out FILE         the SVG to write (default animation.svg)
  --frames DIR       also write each step as DIR/frame-NNN.png, and the last state, for slides
  --help             this text
"""

    /// The options that take a value (every option but `--help`).
    public static let options = ["op", "input", "channels", "kernel", "stride", "dilation", "padding", "filters",
                                 "output-size", "input-values", "filter-values", "step-seconds", "out", "frames"]

    /// - Throws: `ConvLabError.argument` naming `animate` and the option, with the usage.
    public init(_ arguments: [String]) throws {
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--help" || argument == "-h" {
                help = true
                i += 1
                continue
            }
            let name = argument.hasPrefix("--") ? String(argument.dropFirst(2)) : ""
            guard Self.options.contains(name) else {
                throw ConvLabError.argument(op: "animate", message: "unknown option or argument '\(argument)'\n\(Self.usage)")
            }
            guard i + 1 < arguments.count else {
                throw ConvLabError.argument(op: "animate", message: "\(argument) needs a value\n\(Self.usage)")
            }
            values[name] = arguments[i + 1]
            i += 2
        }
        func integer(_ name: String) throws -> Int? {
            guard let text = values[name] else { return nil }
            guard let value = Int(text) else {
                throw ConvLabError.argument(op: "animate", message: "--\(name) needs an integer, got '\(text)'")
            }
            return value
        }
        func size(_ name: String) throws -> Size2? {
            guard let text = values[name] else { return nil }
            let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(parts.count), let h = parts[0], let w = parts[parts.count - 1] else {
                throw ConvLabError.argument(op: "animate", message: "--\(name) needs N or HxW, got '\(text)'")
            }
            return Size2(h, w)
        }
        if let op = values["op"] { config.op = try AnimatedOp(parsing: op) }
        config.channels = try integer("channels") ?? 1
        if let text = values["input-values"] {
            let (numbers, rows) = try AnimationConfig.parseValues(text, name: "--input-values")
            config.inputValues = numbers
            // Rows given with ';' and no --input: the rows are the height.
            if values["input"] == nil, rows > 1, config.channels >= 1 {
                config.input = Size2(rows, numbers.count / rows / config.channels)
            }
        }
        if let input = try size("input") { config.input = input }
        if let kernel = try size("kernel") { config.kernel = kernel }
        if let strides = try size("stride") { config.strides = strides }
        if let dilations = try size("dilation") { config.dilations = dilations }
        if let text = values["padding"] { config.padding = try Padding(parsing: text) }
        config.filters = try integer("filters") ?? 1
        config.outputSize = try size("output-size")
        if let text = values["filter-values"] {
            config.filterValues = try AnimationConfig.parseValues(text, name: "--filter-values").values
        }
        if let text = values["step-seconds"] {
            guard let seconds = Double(text) else {
                throw ConvLabError.argument(op: "animate", message: "--step-seconds needs a number, got '\(text)'")
            }
            config.stepSeconds = seconds
        }
        out = values["out"] ?? out
        frames = values["frames"]
    }
}
