import ConvLab

/// `convlab animate`: one animated SVG of a sliding window, and optionally its frames as PNGs.
/// Its options are declared with the library's `AnimationArguments`, which the lectures' animated
/// figures read too.
let animateCommand = AnimationArguments.command { arguments in
    let parsed = try AnimationArguments(arguments)
    let board = try Storyboard(parsed.config)
    try FileIO.writeAtomically(board.svg(), to: parsed.out)
    print(board.title)
    for note in board.notes { print("  " + note) }
    let y = board.output
    let planes = y.shape[3] == 1 ? [y.shape[1], y.shape[2]] : Array(y.shape.dropFirst())
    print("output (reference op): \(try y.reshaped(planes).formatted(decimals: 3))")
    print("wrote \(parsed.out): \(board.steps.count) steps of \(parsed.config.stepSeconds) s, then the last state for \(board.holdSeconds) s")
    if let directory = parsed.frames {
        let files = try board.writeFrames(to: directory)
        print("wrote \(files.count) frames in \(directory) (\(files.first ?? "") ... \(files.last ?? ""))")
    }
}
