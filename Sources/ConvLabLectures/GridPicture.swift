import ConvLab
import Foundation

/// Small SVG pictures of number grids: kernels, feature maps, receptive fields. Each panel is a
/// matrix drawn as coloured cells (optionally with the values written in them) under a title,
/// with optional outlined rectangles on top. Coordinates are written with one decimal, so the
/// doc-test's picture check (numbers within 0.1) compares them.
struct GridPicture {
    /// How a value becomes a colour.
    enum Palette {
        /// Blue for negative, white for 0, red for positive, full colour at `±limit`.
        case diverging(limit: Double)
        /// White at 0 to dark blue at `limit`.
        case sequential(limit: Double)
    }

    /// A rectangle drawn over a panel's cells: rows `top..<top + height`, columns likewise.
    struct Outline {
        var top: Int, left: Int, height: Int, width: Int
        var label: String
        /// An index into `GridPicture.outlineColors`.
        var color: Int
    }

    struct Panel {
        var title: String
        var values: [[Double]]
        var outlines: [Outline] = []
        /// This panel's own colours, instead of the picture's.
        var palette: Palette? = nil
    }

    var panels: [Panel]
    var palette: Palette
    /// The side of one cell in pixels.
    var cell: Double = 24
    /// Write each cell's value (with `decimals` digits) inside it.
    var showValues: Bool = true
    /// With `showValues`, leave cells whose value is 0 blank.
    var blankZeros: Bool = false
    var decimals: Int = 1
    var columns: Int = 8

    static let outlineColors = ["#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#1f77b4", "#8c564b"]

    /// The SVG document, ending in a newline.
    func svg() -> String {
        let rowsOfPanels = (panels.count + columns - 1) / columns
        let maxRows = panels.map(\.values.count).max() ?? 0
        let maxCols = panels.map { $0.values.first?.count ?? 0 }.max() ?? 0
        let legendLines = panels.map { $0.outlines.count }.max() ?? 0
        let panelWidth = Double(maxCols) * cell + 24
        let panelHeight = Double(maxRows) * cell + 34 + Double(legendLines) * 14
        let width = Double(min(columns, panels.count)) * panelWidth + 8
        let height = Double(rowsOfPanels) * panelHeight + 8
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"10\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (k, panel) in panels.enumerated() {
            let left = 12 + Double(k % columns) * panelWidth, top = 8 + Double(k / columns) * panelHeight
            let cols = panel.values.first?.count ?? 0
            svg += "<text x=\"\(n(left + Double(cols) * cell / 2))\" y=\"\(n(top + 12))\" text-anchor=\"middle\" font-size=\"12\">\(xmlText(panel.title))</text>\n"
            let gridTop = top + 20
            for (r, row) in panel.values.enumerated() {
                for (c, value) in row.enumerated() {
                    let (fill, dark) = colour(value, panel.palette ?? palette)
                    let x = left + Double(c) * cell, y = gridTop + Double(r) * cell
                    svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"\(fill)\" stroke=\"#bbb\" stroke-width=\"0.5\"/>"
                    if showValues && !(blankZeros && value == 0) {
                        svg += "<text x=\"\(n(x + cell / 2))\" y=\"\(n(y + cell / 2 + 3.5))\" text-anchor=\"middle\" "
                            + "fill=\"\(dark ? "white" : "black")\">\(LectureFormat.fixed(value, decimals: decimals))</text>"
                    }
                    svg += "\n"
                }
            }
            for (m, outline) in panel.outlines.enumerated() {
                let colour = GridPicture.outlineColors[outline.color % GridPicture.outlineColors.count]
                // Earlier outlines are drawn further inside their cells, so that edges two outlines
                // share stay visible side by side.
                let inset = 1.5 + 2.5 * Double(panel.outlines.count - 1 - m)
                svg += "<rect x=\"\(n(left + Double(outline.left) * cell + inset))\" y=\"\(n(gridTop + Double(outline.top) * cell + inset))\" "
                    + "width=\"\(n(Double(outline.width) * cell - 2 * inset))\" height=\"\(n(Double(outline.height) * cell - 2 * inset))\" "
                    + "fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
                let legendY = gridTop + Double(panel.values.count) * cell + 14 + Double(m) * 14
                svg += "<rect x=\"\(n(left))\" y=\"\(n(legendY - 9))\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
                svg += "<text x=\"\(n(left + 16))\" y=\"\(n(legendY))\">\(xmlText(outline.label))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// The fill colour of `value` and whether it is dark enough to need white text.
    func colour(_ value: Double, _ palette: Palette) -> (String, Bool) {
        func mix(_ a: (Double, Double, Double), _ t: Double) -> (Int, Int, Int) {
            let t = min(max(t, 0), 1)
            return (Int((255 + (a.0 - 255) * t).rounded()), Int((255 + (a.1 - 255) * t).rounded()),
                    Int((255 + (a.2 - 255) * t).rounded()))
        }
        let rgb: (Int, Int, Int), t: Double
        switch palette {
        case let .diverging(limit):
            t = abs(value) / limit
            rgb = mix(value < 0 ? (33, 102, 172) : (178, 24, 43), t)
        case let .sequential(limit):
            t = value / limit
            rgb = mix((8, 48, 107), t)
        }
        return ("rgb(\(rgb.0),\(rgb.1),\(rgb.2))", t > 0.55)
    }
}

/// `text` with the characters XML reserves escaped.
func xmlText(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}
