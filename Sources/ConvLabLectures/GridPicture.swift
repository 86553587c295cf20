import Foundation

/// Pictures of number grids, drawn with `Diagram`: kernels, feature maps, receptive fields. Each
/// panel is a matrix shown as coloured cells (optionally with the values written in them) under a
/// title, with optional outlined rectangles on top and a legend for them below.
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

    /// The SVG document.
    func svg() -> String {
        let maxRows = panels.map(\.values.count).max() ?? 0
        let maxCols = panels.map { $0.values.first?.count ?? 0 }.max() ?? 0
        let legendLines = panels.map(\.outlines.count).max() ?? 0
        let panelWidth = Double(maxCols) * cell + 24
        let panelHeight = Double(maxRows) * cell + 34 + Double(legendLines) * 14
        var d = Diagram(width: Double(min(columns, panels.count)) * panelWidth + 8,
                        height: Double((panels.count + columns - 1) / columns) * panelHeight + 8)
        for (k, panel) in panels.enumerated() {
            let left = 12 + Double(k % columns) * panelWidth, top = 8 + Double(k / columns) * panelHeight
            let cols = panel.values.first?.count ?? 0
            d.text(panel.title, x: left + Double(cols) * cell / 2, y: top + 12)
            let gridTop = top + 20
            let values = panel.values, palette = panel.palette ?? palette
            d.grid(rows: values.count, columns: cols, x: left, y: gridTop, cell: cell, fill: { colour(values[$0][$1], palette).0 },
                   label: { showValues && !(blankZeros && values[$0][$1] == 0) ? LectureFormat.fixed(values[$0][$1], decimals: decimals) : nil },
                   size: 10, stroke: "#bbb", strokeWidth: 0.5, labelFill: { colour(values[$0][$1], palette).1 ? "white" : "black" })
            for (m, outline) in panel.outlines.enumerated() {
                let colour = GridPicture.outlineColors[outline.color % GridPicture.outlineColors.count]
                // Earlier outlines are drawn further inside their cells, so that edges two outlines
                // share stay visible side by side.
                let inset = 1.5 + 2.5 * Double(panel.outlines.count - 1 - m)
                d.rect(x: left + Double(outline.left) * cell + inset, y: gridTop + Double(outline.top) * cell + inset,
                       width: Double(outline.width) * cell - 2 * inset, height: Double(outline.height) * cell - 2 * inset,
                       stroke: colour, strokeWidth: 2)
                let legendY = gridTop + Double(panel.values.count) * cell + 14 + Double(m) * 14
                d.rect(x: left, y: legendY - 9, width: 10, height: 10, stroke: colour, strokeWidth: 2)
                d.text(outline.label, x: left + 16, y: legendY, size: 10, anchor: "start")
            }
        }
        return d.svg
    }

    /// The fill colour of `value` and whether it is dark enough to need white text.
    func colour(_ value: Double, _ palette: Palette) -> (String, Bool) {
        switch palette {
        case let .diverging(limit):
            return (Diagram.diverging(value / limit), abs(value) / limit > 0.55)
        case let .sequential(limit):
            let t = min(max(value / limit, 0), 1)
            let fade = { (c: Double) in Int((255 - (255 - c) * t).rounded()) }
            return ("rgb(\(fade(8)),\(fade(48)),\(fade(107)))", t > 0.55)
        }
    }
}
