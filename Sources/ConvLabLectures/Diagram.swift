import Foundation
import ConvLabPictures

/// A small SVG drawing for the lectures' diagrams: boxes, labels, lines, arrows and grids of
/// numbered cells. Coordinates print with one decimal, so that the doc-test can compare a
/// committed picture with a fresh one (within 0.1) and a moved shape shows up.
struct Diagram {
    let width: Double
    let height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished SVG document, on a white background.
    var svg: String {
        Self.document(width: Self.number(width), height: Self.number(height), attributes: " font-family=\"sans-serif\"")
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String = "none",
                       stroke: String = "#333", strokeWidth: Double = 1, dashed: Bool = false) {
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\""
            + (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>")
    }

    mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: String = "middle",
                       fill: String = "#000", bold: Bool = false) {
        elements.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" "
            + "text-anchor=\"\(anchor)\" fill=\"\(fill)\"" + (bold ? " font-weight=\"bold\"" : "") + ">"
            + escapeXML(text) + "</text>")
    }

    mutating func line(from a: (Double, Double), to b: (Double, Double), stroke: String = "#333",
                       width: Double = 1, dashed: Bool = false) {
        elements.append("<line x1=\"\(Self.number(a.0))\" y1=\"\(Self.number(a.1))\" x2=\"\(Self.number(b.0))\" "
            + "y2=\"\(Self.number(b.1))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
            + (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>")
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String = "#333", strokeWidth: Double = 1) {
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        elements.append("<polygon points=\"\(list)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(strokeWidth))\"/>")
    }

    /// A line from `a` to `b` with an arrowhead at `b`.
    mutating func arrow(from a: (Double, Double), to b: (Double, Double), stroke: String = "#333", width: Double = 1.2) {
        line(from: a, to: b, stroke: stroke, width: width)
        let (dx, dy) = (b.0 - a.0, b.1 - a.1)
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let (ux, uy) = (dx / length, dy / length)
        let size = 7.0
        polygon([b, (b.0 - size * ux - size / 2 * uy, b.1 - size * uy + size / 2 * ux),
                 (b.0 - size * ux + size / 2 * uy, b.1 - size * uy - size / 2 * ux)], fill: stroke, stroke: stroke)
    }

    /// A labelled box, the label centred (one line, or several separated by "\n").
    mutating func box(_ label: String, x: Double, y: Double, width: Double, height: Double, fill: String,
                      size: Double = 12) {
        rect(x: x, y: y, width: width, height: height, fill: fill)
        let lines = label.split(separator: "\n").map(String.init)
        let top = y + height / 2 - Double(lines.count - 1) * (size + 2) / 2 + size * 0.35
        for (k, text) in lines.enumerated() {
            self.text(text, x: x + width / 2, y: top + Double(k) * (size + 2), size: size)
        }
    }

    /// A grid of cells, row by row, each filled by `fill` and labelled by `label` (if not nil) in
    /// the colour `labelFill` gives.
    mutating func grid(rows: Int, columns: Int, x: Double, y: Double, cell: Double,
                       fill: (Int, Int) -> String, label: (Int, Int) -> String?, size: Double = 11,
                       stroke: String = "#666", strokeWidth: Double = 1, labelFill: (Int, Int) -> String = { _, _ in "#000" }) {
        for r in 0..<rows {
            for c in 0..<columns {
                let left = x + Double(c) * cell, top = y + Double(r) * cell
                rect(x: left, y: top, width: cell, height: cell, fill: fill(r, c), stroke: stroke, strokeWidth: strokeWidth)
                if let text = label(r, c) {
                    self.text(text, x: left + cell / 2, y: top + cell / 2 + size * 0.35, size: size, fill: labelFill(r, c))
                }
            }
        }
    }

    /// A colour for a value in [-1, 1]: blue for negative, white for 0, red for positive.
    static func diverging(_ value: Double) -> String {
        let v = min(max(value, -1), 1)
        let fade = { (c: Double) in Int((255 - (255 - c) * abs(v)).rounded()) }
        return v < 0 ? "rgb(\(fade(33)),\(fade(102)),\(fade(172)))" : "rgb(\(fade(178)),\(fade(24)),\(fade(43)))"
    }

    static func number(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }
}

// MARK: - Whole-pixel pictures

extension Diagram {
    /// The opening of an SVG document `width` x `height` pixels on a white background, for the
    /// pictures written by hand with whole-pixel coordinates (digits, bars); `attributes` go on
    /// the root element.
    static func document(width: some CustomStringConvertible, height: some CustomStringConvertible,
                         attributes: String = "") -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\""
            + attributes + ">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    }

    /// A 28x28 digit as grey rectangles `scale` pixels high, one per run of pixels of the same
    /// level in a row, which keeps the file small. A pixel's level is the number of `thresholds`
    /// (ascending) it reaches: level 0 is left white, level k is filled with `greys[k - 1]`.
    static func digitRuns(_ pixel: (_ row: Int, _ col: Int) -> Float, left: Int, top: Int, scale: Int,
                          thresholds: [Float], greys: [String]) -> String {
        var svg = ""
        for row in 0..<28 {
            func level(_ col: Int) -> Int { thresholds.filter { pixel(row, col) >= $0 }.count }
            var col = 0
            while col < 28 {
                let l = level(col)
                var end = col
                while end + 1 < 28 && level(end + 1) == l { end += 1 }
                if l > 0 {
                    svg += "<rect x=\"\(left + col * scale)\" y=\"\(top + row * scale)\" width=\"\((end - col + 1) * scale)\" "
                        + "height=\"\(scale)\" fill=\"\(greys[l - 1])\"/>\n"
                }
                col = end + 1
            }
        }
        return svg
    }
}
