import ConvLabCore

/// What an animation shows, step by step, laid out in pixels: the padded input, the filter, the
/// output, and for each step the window's cells, the multiply-adds and the output cell it fills.
///
/// Every number comes from a reference op: outputs from `Reference.conv2DForward`,
/// `depthwiseConv2DForward`, `maxPoolForward`, `avgPoolForward` or `conv2DTranspose` (for the
/// transposed conv, the running sums too, as the op on the input cells scattered so far); a max
/// pool's winner is the cell `Reference.maxPoolBackward` sends that window's gradient to. The
/// window's cells come from the reference's geometry (`WindowAxis`). The drawing code
/// (`animationSVG`, `animationFrames`) only places this text.
package struct Storyboard: Sendable {
    /// How a grid cell is drawn.
    package enum CellKind: Sendable, Equatable {
        /// A value of the tensor.
        case real
        /// TF's padding (zeros for a conv, ignored cells for a pool).
        case pad
        /// A real cell no window ever reads (VALID drops it), or, for the transposed conv, an
        /// output cell no input cell reaches.
        case unread
    }

    /// What a grid holds.
    package enum GridRole: Sendable, Equatable {
        case input(channel: Int)
        case filter(Int, Int)
        case output(channel: Int)
    }

    /// One drawn grid: a tensor plane, with its padding when it has any.
    package struct Grid: Sendable {
        package let role: GridRole
        package let label: String
        /// The top-left pixel of the first drawn cell.
        package let x: Int, y: Int
        /// Drawn rows and columns, and the tensor index of the first one (negative for top/left pads).
        package let rows: Int, cols: Int, firstRow: Int, firstCol: Int
        /// Row-major over the drawn cells.
        package let kinds: [CellKind]
        /// The fixed text of each cell (input and filter values, `0` in a conv's padding); empty
        /// for output cells, whose values appear over time (`Storyboard.values`).
        package let texts: [String]
        /// Whether row and column indices are written beside the grid.
        package let indexed: Bool

        /// The pixel rectangle of tensor cell `(row, col)` (which may be a padding cell).
        package func cell(_ row: Int, _ col: Int) -> (x: Int, y: Int) {
            (x + (col - firstCol) * Storyboard.cell, y + (row - firstRow) * Storyboard.cell)
        }
        package func kind(_ row: Int, _ col: Int) -> CellKind { kinds[(row - firstRow) * cols + col - firstCol] }
        package func text(_ row: Int, _ col: Int) -> String { texts[(row - firstRow) * cols + col - firstCol] }
        /// Every drawn cell's tensor index, row by row (padding included).
        package var positions: [(row: Int, col: Int)] {
            (firstRow..<(firstRow + rows)).flatMap { r in (firstCol..<(firstCol + cols)).map { (r, $0) } }
        }
        package var width: Int { cols * Storyboard.cell }
        package var height: Int { rows * Storyboard.cell }
    }

    /// A highlight drawn during one step.
    package struct Mark: Sendable, Equatable {
        package enum Kind: Sendable, Equatable {
            /// A cell the window reads.
            case tap
            /// The window's bounding box (`rowEnd`, `colEnd` inclusive).
            case window
            /// The max pool's winning cell.
            case winner
            /// The output cell being filled, or the input cell being scattered.
            case current
            /// A filter in use (the whole grid).
            case filter
            /// A transposed conv's contribution to an output cell (`+v`).
            case contribution(String)
            /// A contribution that lands in the padding and is dropped.
            case dropped(String)
        }
        package let kind: Kind
        package let grid: Int
        package let row: Int, col: Int
        package var rowEnd: Int, colEnd: Int

        init(_ kind: Kind, grid: Int, _ row: Int, _ col: Int) {
            self.kind = kind
            self.grid = grid
            self.row = row
            self.col = col
            rowEnd = row
            colEnd = col
        }
    }

    package struct Step: Sendable {
        package let marks: [Mark]
        /// The multiply-adds (or the max, or the mean) of this step, wrapped into lines.
        package let caption: [String]
        /// The same terms unwrapped, for tests: the product terms of a conv (`x×w`), the cells of a pool.
        package let terms: [String]
    }

    /// An output cell's text over an interval of steps: from the start of step `from` until the
    /// start of step `until` (`steps.count + 1`: through the final hold, the last state).
    package struct TimedValue: Sendable, Equatable {
        package let grid: Int
        package let row: Int, col: Int
        package let text: String
        package let from: Int, until: Int
    }

    /// The size of a cell in pixels.
    package static let cell = 48

    // Set once, by `build` (below) while the storyboard is made.
    package let config: AnimationConfig
    package private(set) var title = "", notes: [String] = []
    package private(set) var grids: [Grid] = []
    package private(set) var steps: [Step] = []
    /// The caption of the final hold: the whole output, and the reference op that computed it.
    package private(set) var lastCaption: [String] = []
    package private(set) var values: [TimedValue] = []
    /// The reference op's output `[1, OH, OW, P]`.
    package private(set) var output = Tensor<Float>.zerosUnchecked([0])
    /// The grid index of each output plane `P`.
    package private(set) var outputGrids: [Int] = []
    /// The caption's first baseline and the picture's size in pixels.
    package private(set) var captionY = 0, width = 0, height = 0
    /// Characters per caption line.
    package private(set) var captionWidth = 0

    /// The index of the final hold, after the last step: what is visible then is the last state.
    package var holdStep: Int { steps.count }

    /// How a value is written: whole numbers without a point, others with up to 3 decimals.
    package static func format(_ value: Float) -> String {
        let text = Tensor<Float>.format(value, decimals: 3)
        return text == "-0" ? "0" : text
    }

    /// Builds the storyboard of `config`.
    /// - Throws: `ConvLabError` for a configuration out of `AnimationConfig.Limits`, or the op's own error.
    package init(_ config: AnimationConfig) throws {
        let (x, w) = try config.tensors()
        self.config = config
        try build(x, w)
    }
}

/// Lays out and fills a storyboard.
extension Storyboard {
    private static let margin = 28, columnGap = 64, planeGap = 52, captionLine = 20

    private mutating func build(_ x: Tensor<Float>, _ w: Tensor<Float>?) throws {
        let c = config
        let cell = Storyboard.cell
        switch c.op {
        case .conv2d:
            output = try Reference.conv2DForward(x, filter: w!, strides: c.strides, padding: c.padding, dilations: c.dilations)
        case .depthwise:
            output = try Reference.depthwiseConv2DForward(x, filter: w!, strides: c.strides, padding: c.padding, dilations: c.dilations)
        case .maxPool:
            try Self.requireNoDilation(c)
            output = try Reference.maxPoolForward(x, windowSize: c.kernel, strides: c.strides, padding: c.padding)
        case .avgPool:
            try Self.requireNoDilation(c)
            output = try Reference.avgPoolForward(x, windowSize: c.kernel, strides: c.strides, padding: c.padding)
        case .conv2dTranspose:
            output = try Reference.conv2DTranspose(x, filter: w!, outputSize: c.outputSize, strides: c.strides,
                                                   padding: c.padding, dilations: c.dilations)
        }
        // The forward window: over the input, or (transposed conv) over the output it scatters into.
        let transposed = c.op == .conv2dTranspose
        let windowed = transposed ? output.shape : x.shape
        let (rows, cols) = try WindowAxis.pair(height: windowed[1], width: windowed[2], kernel: c.kernel,
                                               strides: c.strides, dilations: c.dilations, padding: c.padding, op: "animate")
        let (xh, xw, channels) = (x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow, planes) = (output.shape[1], output.shape[2], output.shape[3])
        let fmt = Storyboard.format
        // Bounded before anything is laid out: the steps, and the drawn grids (with their padding).
        let stepCount = transposed ? xh * xw : oh * ow * planes
        guard stepCount <= AnimationConfig.Limits.steps else {
            throw ConvLabError.argument(op: "animate",
                message: "\(stepCount) steps is more than \(AnimationConfig.Limits.steps); use a smaller input or larger strides")
        }
        let drawn = Swift.max(rows.input + rows.padBefore + rows.padAfter, cols.input + cols.padBefore + cols.padAfter, oh, ow)
        guard drawn <= AnimationConfig.Limits.drawnSide else {
            throw ConvLabError.argument(op: "animate",
                message: "a grid of \(drawn) cells per side is more than \(AnimationConfig.Limits.drawnSide); use a smaller input or stride")
        }

        // Which rows/columns of the windowed tensor any window reads.
        func reached(_ axis: WindowAxis) -> Set<Int> {
            var set = Set<Int>()
            for o in 0..<axis.output { for k in 0..<axis.kernel { if let p = axis.inputPosition(output: o, tap: k) { set.insert(p) } } }
            return set
        }
        let readRows = reached(rows), readCols = reached(cols)
        func windowedGrid(_ role: Storyboard.GridRole, _ label: String, at origin: (Int, Int),
                          text: (Int, Int) -> String) -> Storyboard.Grid {
            var kinds: [Storyboard.CellKind] = [], texts: [String] = []
            for r in -rows.padBefore..<(rows.input + rows.padAfter) {
                for q in -cols.padBefore..<(cols.input + cols.padAfter) {
                    let inside = r >= 0 && r < rows.input && q >= 0 && q < cols.input
                    kinds.append(!inside ? .pad : (readRows.contains(r) && readCols.contains(q) ? .real : .unread))
                    texts.append(text(r, q))
                }
            }
            return Storyboard.Grid(role: role, label: label, x: origin.0, y: origin.1,
                                   rows: rows.input + rows.padBefore + rows.padAfter,
                                   cols: cols.input + cols.padBefore + cols.padAfter,
                                   firstRow: -rows.padBefore, firstCol: -cols.padBefore, kinds: kinds, texts: texts, indexed: true)
        }
        func plainGrid(_ role: Storyboard.GridRole, _ label: String, at origin: (Int, Int), _ h: Int, _ wd: Int,
                       indexed: Bool, text: (Int, Int) -> String) -> Storyboard.Grid {
            var texts: [String] = []
            for r in 0..<h { for q in 0..<wd { texts.append(text(r, q)) } }
            return Storyboard.Grid(role: role, label: label, x: origin.0, y: origin.1, rows: h, cols: wd, firstRow: 0, firstCol: 0,
                                   kinds: Array(repeating: .real, count: h * wd), texts: texts, indexed: indexed)
        }

        // Title and notes.
        func size(_ h: Int, _ w: Int) -> String { "\(h)x\(w)" }
        var settings = "kernel \(size(c.kernel.h, c.kernel.w))"
        if c.strides != 1 { settings += ", stride \(c.strides.h == c.strides.w ? "\(c.strides.h)" : "\(c.strides)")" }
        if c.dilations != 1 { settings += ", dilation \(c.dilations.h == c.dilations.w ? "\(c.dilations.h)" : "\(c.dilations)")" }
        settings += ", padding \(c.padding)"
        if c.op == .depthwise && c.filters > 1 { settings += ", multiplier \(c.filters)" }
        title = "\(c.op.tensorFlowName): input \(size(xh, xw))\(channels > 1 ? "x\(channels)" : ""), \(settings) -> output \(size(oh, ow))\(planes > 1 ? "x\(planes)" : "")"
        let padWhere = transposed ? "output" : "input"
        if rows.padBefore + rows.padAfter + cols.padBefore + cols.padAfter > 0 {
            var line = "pads of the \(padWhere): top \(rows.padBefore), bottom \(rows.padAfter), left \(cols.padBefore), right \(cols.padAfter)"
            if c.padding == .same && (rows.padAfter > rows.padBefore || cols.padAfter > cols.padBefore) {
                line += "; SAME puts the odd pad at the bottom/right"
            }
            notes.append(line)
        }
        let unusedRows = rows.input - readRows.count, unusedCols = cols.input - readCols.count
        if unusedRows + unusedCols > 0 {
            notes.append(transposed
                ? "no input cell reaches \(unusedRows) output row(s) and \(unusedCols) column(s): they stay 0"
                : "no window reads \(unusedRows) input row(s) and \(unusedCols) column(s) (faded)")
        }
        switch c.op {
        case .maxPool: notes.append("max pool ignores padding (as -∞); the first maximum in row-major order wins")
        case .avgPool: notes.append("avg pool divides by the real cells of the window; padding is not counted")
        case .conv2dTranspose: notes.append("each input cell scatters value × kernel; overlaps add; what lands in padding is dropped")
        default: break
        }

        let top = 72 + 16 * notes.count
        // Columns of grids: input planes | filters | output planes, each stacked downwards.
        let padText = c.op == .maxPool ? "-∞" : (c.op == .avgPool ? "" : "0")
        let padded = rows.padBefore + rows.padAfter + cols.padBefore + cols.padAfter > 0
        var left = Self.margin + 24, right = left
        var inputGrids: [Int] = []
        var columnBottom = top
        for ch in 0..<channels {
            let origin = (left, top + ch * ((transposed ? xh : rows.input + rows.padBefore + rows.padAfter) * cell + Self.planeGap))
            let label = channels == 1 ? "input x" : "input x, channel \(ch)"
            let grid = transposed
                ? plainGrid(.input(channel: ch), label, at: origin, xh, xw, indexed: true) { r, q in fmt(x[0, r, q, ch]) }
                : windowedGrid(.input(channel: ch), label + (padded ? " (padded)" : ""), at: origin) { r, q in
                    r >= 0 && r < xh && q >= 0 && q < xw ? fmt(x[0, r, q, ch]) : padText
                }
            inputGrids.append(grids.count)
            grids.append(grid)
            columnBottom = max(columnBottom, grid.y + grid.height)
            right = max(right, grid.x + grid.width)
        }
        left = right + Self.columnGap

        // Filters: row c beside input channel c (the kernels that read it), column f for filter f
        // (conv2d's output channel, depthwise's multiplier, the transposed conv's output channel).
        var filterGrids: [[Int]] = []   // [input channel][filter index] -> grid
        if let w {
            let (kh, kw) = (c.kernel.h, c.kernel.w)
            filterGrids = Array(repeating: Array(repeating: -1, count: c.filters), count: channels)
            for ch in 0..<channels {
                for f in 0..<c.filters {
                    let origin = (left + f * (kw * cell + 28), grids[inputGrids[ch]].y)
                    let label = transposed ? "w[:,:,\(f),\(ch)]" : "w[:,:,\(ch),\(f)]"
                    let grid = plainGrid(.filter(ch, f), label, at: origin, kh, kw, indexed: false) { a, b in
                        fmt(transposed ? w[a, b, f, ch] : w[a, b, ch, f])
                    }
                    filterGrids[ch][f] = grids.count
                    grids.append(grid)
                    columnBottom = max(columnBottom, grid.y + grid.height)
                }
            }
            left += c.filters * (kw * cell + 28) - 28 + Self.columnGap
        }

        // Output planes.
        for p in 0..<planes {
            let label = planes == 1 ? "output y" : "output y, channel \(p)"
            let grid: Storyboard.Grid
            if transposed {
                let origin = (left + 24, top + p * ((rows.input + rows.padBefore + rows.padAfter) * cell + Self.planeGap))
                grid = windowedGrid(.output(channel: p), label + (padded ? " (padding dropped)" : ""), at: origin) { _, _ in "" }
            } else {
                let origin = (left + 24, top + p * (oh * cell + Self.planeGap))
                grid = plainGrid(.output(channel: p), label, at: origin, oh, ow, indexed: true) { _, _ in "" }
            }
            outputGrids.append(grids.count)
            grids.append(grid)
            columnBottom = max(columnBottom, grid.y + grid.height)
            right = max(right, grid.x + grid.width)
        }
        left = right
        // Wide enough for the title (15 px bold, ~9 px a character) and the notes (12 px, ~7.3).
        let textWidth = max(title.count * 9, (notes.map(\.count).max() ?? 0) * 15 / 2) + 2 * Self.margin
        width = max(left + Self.margin, textWidth, 560)
        captionWidth = (width - 2 * Self.margin) / 8

        // Steps.
        let lineWidth = captionWidth
        func wrap(_ prefix: String, _ terms: [String], _ joiner: String, _ suffix: String) -> [String] {
            var lines: [String] = [], line = prefix
            // A break keeps the joiner's mark at the end of the line ("... 3×1 +", then "    4×1").
            let mark = String(joiner.reversed().drop { $0 == " " }.reversed())
            for (k, term) in terms.enumerated() {
                if k > 0 && line.count + joiner.count + term.count > lineWidth && line.count > 4 {
                    lines.append(line + mark)
                    line = "    " + term
                } else {
                    line += (k == 0 ? "" : joiner) + term
                }
            }
            if line.count + suffix.count > lineWidth { lines.append(line); line = "    " }
            lines.append(line + suffix)
            return lines
        }
        let hold = { (steps: Int) in steps + 1 }
        if transposed {
            try buildScatter(c, x, w!, rows, cols, inputGrids, filterGrids, hold: hold, wrap: wrap)
        } else {
            try buildWindows(c, x, w, rows, cols, inputGrids, filterGrids, hold: hold, wrap: wrap)
        }
        let reference = switch c.op {
        case .conv2d: "Reference.conv2DForward"
        case .depthwise: "Reference.depthwiseConv2DForward"
        case .maxPool: "Reference.maxPoolForward"
        case .avgPool: "Reference.avgPoolForward"
        case .conv2dTranspose: "Reference.conv2DTranspose"
        }
        lastCaption = ["the output, as computed by \(reference):"]
        for p in 0..<planes {
            let plane = (0..<oh).map { i in "[" + (0..<ow).map { j in fmt(output[0, i, j, p]) }.joined(separator: ", ") + "]" }
            lastCaption += wrap(planes == 1 ? "y = [" : "y[:,:,\(p)] = [", plane, ", ", "]")
        }
        let captionLines = (steps.map(\.caption.count) + [lastCaption.count]).max() ?? 1
        captionY = columnBottom + 40
        height = captionY + (captionLines - 1) * Self.captionLine + Self.margin
    }

    private static func requireNoDilation(_ c: AnimationConfig) throws {
        if c.dilations != 1 {
            throw ConvLabError.argument(op: "animate", message: "\(c.op) takes no dilation (tf.nn pools have none); got \(c.dilations)")
        }
    }

    /// conv2d, depthwise and the pools: one step per output cell and output channel.
    private mutating func buildWindows(_ c: AnimationConfig, _ x: Tensor<Float>, _ w: Tensor<Float>?, _ rows: WindowAxis,
                               _ cols: WindowAxis, _ inputGrids: [Int], _ filterGrids: [[Int]], hold: (Int) -> Int,
                               wrap: (String, [String], String, String) -> [String]) throws {
        let fmt = Storyboard.format
        let planes = output.shape[3]
        let total = rows.output * cols.output * planes
        let pool = c.op == .avgPool ? try PoolGeometry(input: x.shape, windowSize: c.kernel, strides: c.strides,
                                                       padding: c.padding, op: "animate") : nil
        for i in 0..<rows.output {
            for j in 0..<cols.output {
                for p in 0..<planes {
                    var marks: [Storyboard.Mark] = []
                    var terms: [String] = []
                    // The input channels this output reads, and the filter index it uses.
                    let (channels, f): ([Int], Int) = switch c.op {
                    case .conv2d: (Array(0..<x.shape[3]), p)
                    case .depthwise: ([p / c.filters], p % c.filters)
                    default: ([p], 0)
                    }
                    let r0 = i * rows.stride - rows.padBefore, c0 = j * cols.stride - cols.padBefore
                    for ch in channels {
                        let g = inputGrids[ch]
                        var box = Storyboard.Mark(.window, grid: g, r0, c0)
                        box.rowEnd = r0 + rows.effectiveKernel - 1
                        box.colEnd = c0 + cols.effectiveKernel - 1
                        marks.append(box)
                        for a in 0..<rows.kernel {
                            for b in 0..<cols.kernel {
                                let r = r0 + a * rows.dilation, q = c0 + b * cols.dilation
                                marks.append(Storyboard.Mark(.tap, grid: g, r, q))
                                let real = rows.inputPosition(output: i, tap: a) != nil && cols.inputPosition(output: j, tap: b) != nil
                                let value = real ? fmt(x[0, r, q, ch]) : "0"
                                switch c.op {
                                case .conv2d, .depthwise:
                                    let weight = w![a, b, ch, f]
                                    terms.append("\(value)×\(weight < 0 ? "(\(fmt(weight)))" : fmt(weight))")
                                case .maxPool, .avgPool: if real { terms.append(value) }
                                case .conv2dTranspose: break
                                }
                            }
                        }
                        if c.op.hasFilter { marks.append(Storyboard.Mark(.filter, grid: filterGrids[ch][f], 0, 0)) }
                    }
                    let value = output[0, i, j, p]
                    let name = planes == 1 ? "y[\(i),\(j)]" : "y[\(i),\(j),\(p)]"
                    var caption: [String]
                    switch c.op {
                    case .maxPool:
                        // The winner: the cell the reference's backward pass sends this window's gradient to.
                        var dy = try Tensor<Float>(zeros: output.shape)
                        dy.scalars[((i * cols.output) + j) * planes + p] = 1
                        let routed = try Reference.maxPoolBackward(x, dOutput: dy, windowSize: c.kernel, strides: c.strides, padding: c.padding)
                        if let flat = routed.scalars.firstIndex(of: 1) {
                            let pixel = flat / x.shape[3]
                            marks.append(Storyboard.Mark(.winner, grid: inputGrids[p], pixel / x.shape[2], pixel % x.shape[2]))
                        }
                        caption = wrap("\(name) = max(", terms, ", ", ") = \(fmt(value))")
                    case .avgPool:
                        let divisor = pool!.realCells(i, j)
                        caption = wrap("\(name) = (", terms, " + ", ") / \(divisor) = \(fmt(value))")
                    default:
                        caption = wrap("\(name) = ", terms, " + ", " = \(fmt(value))")
                    }
                    let step = steps.count
                    marks.append(Storyboard.Mark(.current, grid: outputGrids[p], i, j))
                    caption.insert("step \(step + 1)/\(total): the window at output (\(i), \(j))\(planes > 1 ? ", channel \(p)" : "")", at: 0)
                    steps.append(Storyboard.Step(marks: marks, caption: caption, terms: terms))
                    values.append(Storyboard.TimedValue(grid: outputGrids[p], row: i, col: j, text: fmt(value), from: step, until: hold(total)))
                }
            }
        }
    }

    /// conv2d-transpose: one step per input cell, which scatters its kernel into every output channel.
    private mutating func buildScatter(_ c: AnimationConfig, _ x: Tensor<Float>, _ w: Tensor<Float>, _ rows: WindowAxis,
                               _ cols: WindowAxis, _ inputGrids: [Int], _ filterGrids: [[Int]], hold: (Int) -> Int,
                               wrap: (String, [String], String, String) -> [String]) throws {
        let fmt = Storyboard.format
        let (xh, xw, channels) = (x.shape[1], x.shape[2], x.shape[3])
        let planes = output.shape[3]
        let total = xh * xw
        // The running output after each step: the reference op on the cells scattered so far.
        var shown: [[String]] = Array(repeating: Array(repeating: "0", count: output.count), count: 1)
        var since = Array(repeating: 0, count: output.count)
        var scattered = try Tensor<Float>(zeros: x.shape)
        func emit(_ flat: Int, until: Int) {
            guard until > since[flat] else { return }
            let p = flat % planes, pixel = flat / planes
            values.append(Storyboard.TimedValue(grid: outputGrids[p], row: pixel / output.shape[2], col: pixel % output.shape[2],
                                                text: shown[0][flat], from: since[flat], until: until))
        }
        for i in 0..<xh {
            for j in 0..<xw {
                let step = steps.count
                var only = try Tensor<Float>(zeros: x.shape)
                for ch in 0..<channels {
                    only.scalars[(i * xw + j) * channels + ch] = x[0, i, j, ch]
                    scattered.scalars[(i * xw + j) * channels + ch] = x[0, i, j, ch]
                }
                // This cell's copy of the kernel on the whole padded canvas (zero pads kept, nothing
                // cropped), so the part TF drops into the padding can be shown too.
                let canvas = Size2(rows.input + rows.padBefore + rows.padAfter, cols.input + cols.padBefore + cols.padAfter)
                let part = try Reference.conv2DTranspose(only, filter: w, outputSize: canvas, strides: c.strides,
                                                         padding: .explicit(ExplicitPadding(top: 0, bottom: 0, left: 0, right: 0)),
                                                         dilations: c.dilations)
                let running = try Reference.conv2DTranspose(scattered, filter: w, outputSize: Size2(output.shape[1], output.shape[2]),
                                                            strides: c.strides, padding: c.padding, dilations: c.dilations)
                var marks: [Storyboard.Mark] = []
                for ch in 0..<channels {
                    marks.append(Storyboard.Mark(.current, grid: inputGrids[ch], i, j))
                    for f in 0..<planes { marks.append(Storyboard.Mark(.filter, grid: filterGrids[ch][f], 0, 0)) }
                }
                let r0 = i * rows.stride - rows.padBefore, c0 = j * cols.stride - cols.padBefore
                var terms: [String] = []
                for p in 0..<planes {
                    var box = Storyboard.Mark(.window, grid: outputGrids[p], r0, c0)
                    box.rowEnd = r0 + rows.effectiveKernel - 1
                    box.colEnd = c0 + cols.effectiveKernel - 1
                    marks.append(box)
                    for a in 0..<rows.kernel {
                        for b in 0..<cols.kernel {
                            let r = r0 + a * rows.dilation, q = c0 + b * cols.dilation
                            let added = fmt(part[0, r + rows.padBefore, q + cols.padBefore, p])
                            if rows.inputPosition(output: i, tap: a) != nil && cols.inputPosition(output: j, tap: b) != nil {
                                marks.append(Storyboard.Mark(.contribution("+" + added), grid: outputGrids[p], r, q))
                                terms.append(added)
                            } else {
                                marks.append(Storyboard.Mark(.dropped(added), grid: outputGrids[p], r, q))
                            }
                        }
                    }
                }
                let values = (0..<channels).map { fmt(x[0, i, j, $0]) }
                let source = channels == 1 ? "x[\(i),\(j)] = \(values[0])" : "x[\(i),\(j),:] = (\(values.joined(separator: ", ")))"
                var caption = wrap("\(source) scatters \(channels == 1 ? values[0] : "x") × kernel: ", terms.map { "+" + $0 }, " ", "")
                caption.insert("step \(step + 1)/\(total): input cell (\(i), \(j)) into output rows \(r0)...\(r0 + rows.effectiveKernel - 1), columns \(c0)...\(c0 + cols.effectiveKernel - 1)", at: 0)
                steps.append(Storyboard.Step(marks: marks, caption: caption, terms: terms))
                for flat in 0..<output.count {
                    let text = fmt(running.scalars[flat])
                    if text != shown[0][flat] {
                        emit(flat, until: step)
                        shown[0][flat] = text
                        since[flat] = step
                    }
                }
            }
        }
        for flat in 0..<output.count { emit(flat, until: hold(total)) }
        // The running sum after the last step is the op's output: checked, not assumed.
        for flat in 0..<output.count where shown[0][flat] != fmt(output.scalars[flat]) {
            throw ConvLabError.argument(op: "animate", message: "internal: the scattered sum \(shown[0][flat]) differs from conv2DTranspose's \(fmt(output.scalars[flat]))")
        }
    }
}
