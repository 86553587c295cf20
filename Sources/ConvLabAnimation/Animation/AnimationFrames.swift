import ConvLabCore
import ConvLabData
import ConvLabPictures

/// A storyboard's steps as still pictures, for slides: the same layout as the SVG at twice its
/// size, drawn on a `Canvas` with the 5x7 bitmap font (which writes `×` as `*` and `∞` as `inf`).
extension Storyboard {
    /// Frame `k` for `k` in `0..<steps.count`, and the last state for `k == holdStep`, at `scale`
    /// times the SVG's size (the font's pixels too).
    /// - Throws: `ConvLabError.argument` for `k` outside `0...holdStep` or a scale outside 1...4.
    package func frame(_ k: Int, scale: Int = Storyboard.framesScale) throws -> Canvas {
        guard (0...holdStep).contains(k), (1...4).contains(scale) else {
            throw ConvLabError.argument(op: "animate", message: "frame \(k) at scale \(scale): need 0...\(holdStep) and 1...4")
        }
        let s = scale, size = Storyboard.cell * s
        var canvas = try Canvas(width: width * s, height: height * s)
        let ink = Canvas.Color(33, 33, 33), faint = Canvas.Color(158, 158, 158), fainter = Canvas.Color(189, 189, 189)
        let orange = Canvas.Color(230, 81, 0), blue = Canvas.Color(13, 71, 161)

        func write(_ text: String, x: Int, y: Int, color: Canvas.Color = ink, centred: Bool = false) {
            let scale = s
            var glyphs = ""
            for character in text {
                switch character {
                case "×": glyphs += "*"
                case "∞": glyphs += "inf"
                default: glyphs.append(character)
                }
            }
            let left = centred ? x - Canvas.textWidth(glyphs, scale: scale) / 2 : x
            canvas.draw(text: glyphs, x: left, y: y, color: color, scale: scale)
        }
        func outline(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ color: Canvas.Color, thickness: Int) {
            for t in 0..<thickness {
                canvas.drawLine(x0: x + t, y0: y + t, x1: x + w - 1 - t, y1: y + t, color: color)
                canvas.drawLine(x0: x + t, y0: y + h - 1 - t, x1: x + w - 1 - t, y1: y + h - 1 - t, color: color)
                canvas.drawLine(x0: x + t, y0: y + t, x1: x + t, y1: y + h - 1 - t, color: color)
                canvas.drawLine(x0: x + w - 1 - t, y0: y + t, x1: x + w - 1 - t, y1: y + h - 1 - t, color: color)
            }
        }
        func centre(_ x: Int, _ y: Int) -> (Int, Int) { (x * s + size / 2, y * s + size / 2 - Canvas.textHeight(scale: s) / 2) }

        write(title, x: Storyboard.cell / 2 * s, y: 14 * s)
        for (n, note) in notes.enumerated() { write(note, x: Storyboard.cell / 2 * s, y: (37 + 16 * n) * s, color: faint) }
        let step = k < steps.count ? steps[k] : nil

        // Cells, then this step's fills, then text and outlines on top.
        for grid in grids {
            write(grid.label, x: grid.x * s, y: (grid.y - (grid.indexed ? 31 : 19)) * s, color: Canvas.Color(66, 66, 66))
            for (r, q) in grid.positions {
                let (x, y) = grid.cell(r, q)
                let fill: Canvas.Color = switch grid.kind(r, q) {
                case .real: .white
                case .pad: Canvas.Color(236, 236, 236)
                case .unread: Canvas.Color(245, 245, 245)
                }
                canvas.fill(x: x * s, y: y * s, width: size, height: size, color: fill)
            }
        }
        for mark in step?.marks ?? [] {
            let grid = grids[mark.grid]
            let (x, y) = grid.cell(mark.row, mark.col)
            switch mark.kind {
            case .tap, .contribution: canvas.fill(x: x * s, y: y * s, width: size, height: size, color: Canvas.Color(255, 212, 153))
            case .winner: canvas.fill(x: x * s + 6, y: y * s + 6, width: size - 12, height: size - 12, color: Canvas.Color(129, 199, 132))
            case .current: canvas.fill(x: x * s, y: y * s, width: size, height: size, color: Canvas.Color(187, 222, 251))
            case .window, .filter, .dropped: break
            }
        }
        for grid in grids {
            for (r, q) in grid.positions {
                let (x, y) = grid.cell(r, q)
                let kind = grid.kind(r, q)
                outline(x * s, y * s, size + 1, size + 1, kind == .real ? Canvas.Color(85, 85, 85) : fainter, thickness: 1)
                let text = grid.text(r, q)
                if !text.isEmpty {
                    let (cx, cy) = centre(x, y)
                    write(text, x: cx, y: cy, color: kind == .real ? ink : kind == .pad ? faint : fainter, centred: true)
                }
            }
            if grid.indexed {
                for q in grid.firstCol..<(grid.firstCol + grid.cols) {
                    let (x, y) = grid.cell(grid.firstRow, q)
                    write(String(q), x: x * s + size / 2, y: (y - 14) * s, color: faint, centred: true)
                }
                for r in grid.firstRow..<(grid.firstRow + grid.rows) {
                    let (x, y) = grid.cell(r, grid.firstCol)
                    write(String(r), x: (x - 10) * s, y: y * s + size / 2 - 5, color: faint, centred: true)
                }
            }
        }
        for mark in step?.marks ?? [] {
            let grid = grids[mark.grid]
            let (x, y) = grid.cell(mark.row, mark.col)
            switch mark.kind {
            case .window:
                let (x1, y1) = grid.cell(mark.rowEnd, mark.colEnd)
                outline(x * s, y * s, (x1 - x) * s + size + 1, (y1 - y) * s + size + 1, orange, thickness: 5)
            case .filter:
                outline(grid.x * s - 6, grid.y * s - 6, grid.width * s + 13, grid.height * s + 13, orange, thickness: 5)
            case .current:
                outline(x * s, y * s, size + 1, size + 1, blue, thickness: 5)
            case .contribution(let text):
                write(text, x: x * s + 6, y: y * s + 6, color: orange)
            case .dropped(let text):
                canvas.drawLine(x0: x * s + 8, y0: y * s + size - 8, x1: x * s + size - 8, y1: y * s + 8, color: faint, thickness: 2)
                write(text, x: x * s + 6, y: y * s + 6, color: faint)
            case .tap, .winner: break
            }
        }
        // The output values visible at this step (in the hold: the last state).
        for value in values where value.from <= k && k < value.until {
            let (x, y) = grids[value.grid].cell(value.row, value.col)
            let (cx, cy) = centre(x, y)
            write(value.text, x: cx, y: cy, color: blue, centred: true)
        }
        let caption = step?.caption ?? lastCaption
        for (n, line) in caption.enumerated() {
            write(line, x: Storyboard.cell / 2 * s, y: (captionY - 10 + 20 * n) * s)
        }
        return canvas
    }

    /// The frames are drawn at this multiple of the SVG's size.
    package static let framesScale = 2

    /// Writes `frame-000.png` ... and the last state as the last file, into `directory` (created
    /// if missing), each atomically, at `scale` times the SVG's size.
    /// - Returns: the file names written, in order.
    /// - Throws: `ConvLabError.file` when a file cannot be written.
    @discardableResult
    package func writeFrames(to directory: String, scale: Int = Storyboard.framesScale) throws -> [String] {
        try FileIO.createDirectory(directory)
        var names: [String] = []
        for k in 0...holdStep {
            let canvas = try frame(k, scale: scale)
            let number = String(k)
            let name = "frame-" + String(repeating: "0", count: max(0, 3 - number.count)) + number + ".png"
            try Image(width: canvas.width, height: canvas.height, channels: 3, pixels: canvas.pixels)
                .write(to: FileIO.join(directory, name))
            names.append(name)
        }
        return names
    }
}
