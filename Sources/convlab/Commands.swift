import ConvLab

/// Every subcommand, in the order `convlab help` lists them. Each is declared in its own file.
let commands: [CLICommand] = [
    trainCommand, tourCommand, shapesCommand, lectureCommand, animateCommand, benchCommand, kernelsCommand,
    srcnnCommand, autoencoderCommand, conformanceCommand, dataCommand, downloadMNISTCommand,
]

/// Dispatches `convlab COMMAND ...`; no command at all is `convlab train` with its defaults
/// (the README's first command: lecture 7's convnet on the embedded MNIST subset).
func runCommand(_ words: [String]) throws {
    guard let name = words.first else { return try trainCommand([]) }
    let rest = Array(words.dropFirst())
    if ["help", "--help", "-h"].contains(name) {
        guard let topic = rest.first else { return print(usage) }
        return try command(named: topic)(["--help"])
    }
    try command(named: name)(rest)
}

func command(named name: String) throws -> CLICommand {
    guard let command = commands.first(where: { $0.name == name }) else {
        throw ConvLabError.argument(op: name, message: "unknown command (convlab help lists the commands)")
    }
    return command
}

/// The generated list of commands.
var usage: String {
    let width = commands.map(\.name.count).max() ?? 0
    return (["usage: convlab [COMMAND [ARGUMENTS]]   (no command: convlab train with its defaults)"]
        + commands.map { "  " + leftAligned($0.name, width) + "  " + $0.summary }
        + ["convlab COMMAND --help shows a command's options; files go to out/COMMAND unless --out says otherwise."])
        .joined(separator: "\n")
}

let tourCommand = CLICommand(name: "tour", summary: "the lab 11-0 toy image convolved, SAME and VALID") { _ in
    let image = try Tensor<Float>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    let ones = try Tensor<Float>(shape: [2, 2, 1, 1], repeating: 1)
    for padding in Padding.allCases {
        let y = try Reference.conv2DForward(image, filter: ones, padding: padding)
        print("lab 11-0: 3x3 toy image * 2x2 ones, \(padding): \(try y.reshaped([y.shape[1], y.shape[2]]))")
    }
}

let shapesCommand = CLICommand(
    name: "shapes", summary: "the output size and TF's actual top/bottom/left/right pads of one window",
    options: [.value("input", "N", "input size (default 28)"), .value("kernel", "K", "kernel size (default 5)"),
              .value("stride", "S", "stride (default 1)"), .value("dilation", "D", "dilation (default 1)"),
              .value("padding", "SAME|VALID", "the padding rule (default SAME)")]
) { arguments in
    let padding = try arguments.string("padding").map { try Padding(parsing: $0) } ?? .same
    // Any integer passes here: the library's own checks name what is wrong with it.
    func number(_ name: String, _ fallback: Int) throws -> Int { try arguments.integer(name, default: fallback, minimum: .min) }
    print(try shapesReport(input: try number("input", 28), kernel: try number("kernel", 5),
                           stride: try number("stride", 1), dilation: try number("dilation", 1), padding: padding))
}
