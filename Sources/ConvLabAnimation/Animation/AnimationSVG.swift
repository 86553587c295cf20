import ConvLabCore
import ConvLabPictures

/// A storyboard as one self-contained animated SVG: CSS keyframes in its own `<style>`, no script,
/// no external reference (no `href`, no `url(` outside the file, no web font).
///
/// Each step is a group shown from the start of its step to the next; an output value is shown
/// from the step that computes it until the end of the loop (or, for the transposed conv's
/// running sums, until the next step changes it). Every timed element starts at 0 s with the same
/// duration and `step-end` timing, so the whole picture at time `t` is `t` into the keyframes;
/// setting `animation-delay: -t s` with `animation-play-state: paused` on every `.k` element
/// freezes it there (the browser check does this). A viewer without CSS animation, or one that
/// asks for reduced motion, shows the last state: the whole output.
extension Storyboard {
    /// The loop: `steps.count` steps of `config.stepSeconds`, then a hold on the last state.
    package var holdSeconds: Double { max(2, 2 * config.stepSeconds) }
    package var loopSeconds: Double { Double(steps.count) * config.stepSeconds + holdSeconds }

    /// The time (seconds into the loop) at which step `k` starts; `holdStep` starts the final hold.
    package func startSeconds(ofStep k: Int) -> Double { Double(k) * config.stepSeconds }

    /// The keyframes name of the interval `[from, until)` of steps.
    static func interval(_ from: Int, _ until: Int) -> String { "v\(from)_\(until)" }

    /// The SVG text, starting with `<svg` and ending with `</svg>` and a newline.
    package func svg() -> String {
        var out = SVGText()
        let stepCount = steps.count
        out.line("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">")
        out.line("<title>\(escapeXML(title))</title>")
        out.line("<desc>convlab animate --op \(config.op): every output value is computed by ConvLab's reference op (\(config.op.tensorFlowName) semantics), not by the drawing code.</desc>")

        // Which intervals are used, then their keyframes.
        var intervals: [(Int, Int)] = (0...stepCount).map { ($0, $0 + 1) }
        for value in values where !(value.from == 0 && value.until == stepCount + 1) {
            intervals.append((value.from, value.until))
        }
        var seen = Set<String>()
        intervals = intervals.filter { seen.insert(Storyboard.interval($0.0, $0.1)).inserted }
        out.line("<style>")
        out.line(".k{animation-duration:\(number(loopSeconds))s;animation-iteration-count:infinite;animation-timing-function:step-end;animation-fill-mode:both}")
        for (from, until) in intervals {
            let start = percent(from), end = percent(until)
            var frames = from == 0 ? "0%{opacity:1}" : "0%{opacity:0}\(start)%{opacity:1}"
            frames += until > stepCount ? "100%{opacity:1}" : "\(end)%{opacity:0}100%{opacity:0}"
            out.line("@keyframes \(Storyboard.interval(from, until)){\(frames)}")
        }
        out.line("@media (prefers-reduced-motion:reduce){.k{animation:none}}")
        out.line(".c{fill:#fff;stroke:#555}.p{fill:#ececec;stroke:#9e9e9e;stroke-dasharray:4 3}.u{fill:#f5f5f5;stroke:#c8c8c8}")
        out.line(".t{font-size:13px;text-anchor:middle;fill:#212121}.tp{fill:#9e9e9e}.tu{fill:#bdbdbd}.i{font-size:10px;fill:#9e9e9e;text-anchor:middle}")
        out.line(".l{font-size:12px;fill:#424242}.n{font-size:12px;fill:#616161}.h{font-size:15px;font-weight:bold;fill:#212121}.cap{font-size:13px;fill:#212121;white-space:pre}")
        out.line(".mt{fill:#ffb74d;fill-opacity:.55}.mw{fill:none;stroke:#e65100;stroke-width:3}.mx{fill:#43a047;fill-opacity:.6}.mc{fill:#bbdefb}.mo{fill:none;stroke:#1565c0;stroke-width:3}")
        out.line(".add{font-size:10px;fill:#e65100}.drop{font-size:10px;fill:#9e9e9e}.v{font-size:13px;text-anchor:middle;fill:#0d47a1;font-weight:bold}")
        out.line("</style>")
        out.line("<rect width=\"\(width)\" height=\"\(height)\" fill=\"#fff\"/>")
        out.line("<text class=\"h\" x=\"\(Storyboard.cell / 2)\" y=\"26\">\(escapeXML(title))</text>")
        for (k, note) in notes.enumerated() {
            out.line("<text class=\"n\" x=\"\(Storyboard.cell / 2)\" y=\"\(46 + 16 * k)\">\(escapeXML(note))</text>")
        }

        // The grids' cells; then each step's fills, under the cells' text; then the text.
        for grid in grids {
            out.line("<g>")
            for (r, q) in grid.positions {
                let (x, y) = grid.cell(r, q)
                let kind = grid.kind(r, q)
                let box = kind == .real ? "c" : kind == .pad ? "p" : "u"
                out.line("<rect class=\"\(box)\" x=\"\(x)\" y=\"\(y)\" width=\"\(Storyboard.cell)\" height=\"\(Storyboard.cell)\"/>")
            }
            out.line("</g>")
        }
        for (k, step) in steps.enumerated() {
            out.line("<g class=\"k\" style=\"animation-name:\(Storyboard.interval(k, k + 1))\" opacity=\"0\" data-fills=\"\(k)\">")
            for mark in step.marks { if let fill = markFill(mark) { out.line(fill) } }
            out.line("</g>")
        }
        for grid in grids {
            out.line("<g>")
            out.line("<text class=\"l\" x=\"\(grid.x)\" y=\"\(grid.y - (grid.indexed ? 20 : 8))\">\(escapeXML(grid.label))</text>")
            for (r, q) in grid.positions {
                let (x, y) = grid.cell(r, q)
                let kind = grid.kind(r, q)
                let ink = kind == .real ? "t" : kind == .pad ? "t tp" : "t tu"
                let text = grid.text(r, q)
                if !text.isEmpty {
                    out.line("<text class=\"\(ink)\" x=\"\(x + Storyboard.cell / 2)\" y=\"\(y + Storyboard.cell / 2 + 5)\">\(escapeXML(text))</text>")
                }
            }
            if grid.indexed {
                for q in grid.firstCol..<(grid.firstCol + grid.cols) {
                    let (x, y) = grid.cell(grid.firstRow, q)
                    out.line("<text class=\"i\" x=\"\(x + Storyboard.cell / 2)\" y=\"\(y - 5)\">\(q)</text>")
                }
                for r in grid.firstRow..<(grid.firstRow + grid.rows) {
                    let (x, y) = grid.cell(r, grid.firstCol)
                    out.line("<text class=\"i\" x=\"\(x - 10)\" y=\"\(y + Storyboard.cell / 2 + 4)\">\(r)</text>")
                }
            }
            out.line("</g>")
        }

        // Each step's outlines and caption, over the text; the last state's caption.
        for (k, step) in steps.enumerated() {
            out.line("<g class=\"k\" style=\"animation-name:\(Storyboard.interval(k, k + 1))\" opacity=\"0\" data-step=\"\(k)\">")
            for mark in step.marks { if let top = markTop(mark) { out.line(top) } }
            for (n, line) in step.caption.enumerated() {
                out.line("<text class=\"cap\" x=\"\(Storyboard.cell / 2)\" y=\"\(captionY + n * 20)\">\(escapeXML(line))</text>")
            }
            out.line("</g>")
        }
        out.line("<g class=\"k\" style=\"animation-name:\(Storyboard.interval(stepCount, stepCount + 1))\" data-step=\"\(stepCount)\">")
        for (n, line) in lastCaption.enumerated() {
            out.line("<text class=\"cap\" x=\"\(Storyboard.cell / 2)\" y=\"\(captionY + n * 20)\">\(escapeXML(line))</text>")
        }
        out.line("</g>")

        // The output values over time; the ones shown in the hold are the last state.
        for value in values {
            let grid = grids[value.grid]
            let (x, y) = grid.cell(value.row, value.col)
            let always = value.from == 0 && value.until == stepCount + 1
            let timing = always ? "" : " class=\"k v\" style=\"animation-name:\(Storyboard.interval(value.from, value.until))\""
            let hidden = value.until <= stepCount ? " opacity=\"0\"" : ""
            out.line("<text\(always ? " class=\"v\"" : timing)\(hidden) x=\"\(x + Storyboard.cell / 2)\" y=\"\(y + Storyboard.cell / 2 + 5)\" data-channel=\"\(outputGrids.firstIndex(of: value.grid) ?? -1)\" data-row=\"\(value.row)\" data-col=\"\(value.col)\">\(escapeXML(value.text))</text>")
        }
        out.line("</svg>")
        return out.text
    }

    /// A mark's fill, drawn under the cells' text.
    private func markFill(_ mark: Mark) -> String? {
        let size = Storyboard.cell
        let (x, y) = grids[mark.grid].cell(mark.row, mark.col)
        switch mark.kind {
        case .tap, .contribution:
            return "<rect class=\"mt\" x=\"\(x)\" y=\"\(y)\" width=\"\(size)\" height=\"\(size)\"/>"
        case .winner:
            return "<rect class=\"mx\" x=\"\(x + 3)\" y=\"\(y + 3)\" width=\"\(size - 6)\" height=\"\(size - 6)\"/>"
        case .current:
            return "<rect class=\"mc\" x=\"\(x)\" y=\"\(y)\" width=\"\(size)\" height=\"\(size)\"/>"
        case .window, .filter, .dropped:
            return nil
        }
    }

    /// A mark's outline or small text, drawn over the cells' text.
    private func markTop(_ mark: Mark) -> String? {
        let grid = grids[mark.grid]
        let size = Storyboard.cell
        let (x, y) = grid.cell(mark.row, mark.col)
        switch mark.kind {
        case .tap, .winner:
            return nil
        case .current:
            return "<rect class=\"mo\" x=\"\(x + 2)\" y=\"\(y + 2)\" width=\"\(size - 4)\" height=\"\(size - 4)\"/>"
        case .window:
            let (x1, y1) = grid.cell(mark.rowEnd, mark.colEnd)
            return "<rect class=\"mw\" x=\"\(x)\" y=\"\(y)\" width=\"\(x1 + size - x)\" height=\"\(y1 + size - y)\"/>"
        case .filter:
            return "<rect class=\"mw\" x=\"\(grid.x - 3)\" y=\"\(grid.y - 3)\" width=\"\(grid.width + 6)\" height=\"\(grid.height + 6)\"/>"
        case .contribution(let text):
            return "<text class=\"add\" x=\"\(x + 3)\" y=\"\(y + 11)\">\(escapeXML(text))</text>"
        case .dropped(let text):
            return "<line x1=\"\(x + 4)\" y1=\"\(y + size - 4)\" x2=\"\(x + size - 4)\" y2=\"\(y + 4)\" stroke=\"#9e9e9e\"/><text class=\"drop\" x=\"\(x + 3)\" y=\"\(y + 11)\">\(escapeXML(text))</text>"
        }
    }

    /// `k`'s start as a percentage of the loop, with 3 decimals.
    private func percent(_ k: Int) -> String {
        number(startSeconds(ofStep: k) / loopSeconds * 100)
    }
}

/// Lines of SVG, joined with newlines.
private struct SVGText {
    var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
}

/// A non-negative value with at most 3 decimals, no exponent, no locale.
private func number(_ value: Double) -> String { Tensor<Double>.format(value, decimals: 3) }
