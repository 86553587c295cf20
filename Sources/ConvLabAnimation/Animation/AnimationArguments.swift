import ConvLabCore
import ConvLabCLI

/// The command line of `convlab animate`, declared for the one argument parser (`CLICommand`) in
/// the library, so that the command, its `--help` and errors, and the lectures' animations
/// (`Figure.animation`) read the same options.
package struct AnimationArguments: Sendable {
    package var config = AnimationConfig()
    /// `--out`: the SVG to write (default `out/animate/animation.svg`).
    package var out: String
    /// `--frames`: a directory for the PNG frames, if asked.
    package var frames: String? = nil
    /// `--help` or `-h` was given.
    package var help = false

    package static let summary = "one animated SVG of a window sliding over TF's padded input, its multiply-adds, the output filling in"

    package static let options: [CLIOption] = [
        .value("op", "OP", """
            conv2d (default), depthwise, max-pool, avg-pool, conv2d-transpose (tf.nn.conv2d, depthwise_conv2d,
                                max_pool2d, avg_pool2d, conv2d_transpose: the gradient of a strided conv, each input cell
                                scattering its kernel)
            """),
        .value("input", "H[xW]", "input size, 1...12 per side (default 3, or the rows of --input-values)"),
        .value("channels", "C", "input channels, 1...3 (default 1)"),
        .value("kernel", "K[xK]", "filter or pool window size, 1...5 per side (default 2)"),
        .value("stride", "S[xS]", "strides, 1...6 (default 1)"),
        .value("dilation", "D[xD]", "dilations, 1...4, with stride 1 (conv2d, depthwise, conv2d-transpose)"),
        .value("padding", "P", """
            SAME, VALID (default), or explicit pads in 0...6: P (every side), PH,PW or TOP,BOTTOM,LEFT,RIGHT,
                                TF's [[0,0],[top,bottom],[left,right],[0,0]] (conv2d, depthwise, max-pool and
                                conv2d-transpose take explicit pads; avg-pool does not)
            """),
        .value("filters", "F", "1...3: output channels (conv2d, conv2d-transpose) or multiplier (depthwise)"),
        .value("output-size", "HxW", """
            conv2d-transpose's output_shape (default: Keras's H*stride for SAME, H*stride + max(K - stride, 0)
                                for VALID, (H-1)*stride + K - pads for explicit)
            """),
        .value("input-values", "V", """
            the input, H*W*C numbers in NHWC order, ',' or ' ' between numbers and ';' between rows,
                                e.g. "1,2,3; 4,5,6; 7,8,9" (default: 1, 2, 3, ... per channel)
            """),
        .value("filter-values", "V", """
            the filter in TF's layout: [KH,KW,C,O] conv2d, [KH,KW,C,M] depthwise, [KH,KW,O,C]
                                conv2d-transpose (default: all ones)
            """),
        .value("step-seconds", "T", "seconds per step, 0.1...10 (default 1); the last state is held 2 steps (>= 2 s)"),
        .value("frames", "DIR", "also write each step as DIR/frame-NNN.png, and the last state, for slides"),
    ]

    package static let notes = """
      Every output value is computed by ConvLab's reference op, never by the drawing code; the SVG
      uses CSS keyframes (no script, no external file). With no options: lab 11-0's 3x3 toy image
      under a 2x2 filter of ones, VALID, giving [[12, 16], [24, 28]].
    """

    /// `convlab animate`'s command, running `run` on what it parsed.
    package static func command(run: @escaping @Sendable (CLIArguments) throws -> Void = { _ in }) -> CLICommand {
        CLICommand(name: "animate", summary: summary, options: options, output: .file("animation.svg"), notes: notes, run: run)
    }

    /// The `--help` text.
    package static var usage: String { command().usage }

    /// Parses a command line.
    /// - Throws: `ConvLabError.argument` naming `animate` and the option.
    package init(_ arguments: [String]) throws {
        try self.init(Self.command().parse(arguments))
    }

    /// Reads what the parser found.
    /// - Throws: `ConvLabError.argument` naming `animate` and the option.
    package init(_ parsed: CLIArguments) throws {
        help = parsed.flag("help")
        out = try parsed.outputFile()
        let values = parsed.values
        func integer(_ name: String) throws -> Int? { try parsed.number(name) }
        func size(_ name: String) throws -> Size2? {
            guard let text = values[name] else { return nil }
            let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(parts.count), let h = parts[0], let w = parts[parts.count - 1] else {
                throw parsed.error("--\(name) needs N or HxW, got '\(text)'")
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
        if let seconds: Double = try parsed.number("step-seconds") { config.stepSeconds = seconds }
        frames = values["frames"]
    }
}
