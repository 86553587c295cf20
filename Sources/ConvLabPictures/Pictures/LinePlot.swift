import Foundation
import ConvLabCore

/// A line plot: loss and accuracy curves, activation functions and their derivatives. Axes with
/// round-number ticks, one colour per series (dashed where asked), a legend, a title.
///
/// One layout (`Frame`) serves both outputs: `render()` draws on a `Canvas` for PNG, and
/// `svg()` / `LinePlot.svgDocument(_:columns:)` write SVG text, which GitHub shows directly and
/// which stays a few kilobytes.
package struct LinePlot: Sendable {
    package struct Series: Sendable {
        package var name: String
        package var points: [(x: Double, y: Double)]
        package var dashed: Bool
        package init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
        /// A function sampled at `count` evenly spaced points of `range`.
        package init(name: String, range: ClosedRange<Double>, count: Int = 200, dashed: Bool = false,
                    _ f: (Double) -> Double) {
            let n = max(count, 2)
            let step = (range.upperBound - range.lowerBound) / Double(n - 1)
            self.init(name: name, points: (0..<n).map { i in
                let x = range.lowerBound + Double(i) * step
                return (x, f(x))
            }, dashed: dashed)
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var series: [Series]
    /// Fixed axis ranges; nil fits the data and widens to round ticks.
    package var xRange: ClosedRange<Double>?
    package var yRange: ClosedRange<Double>?

    package init(title: String, xLabel: String = "", yLabel: String = "", series: [Series],
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
    }

    /// Series colours (the Tableau 10 palette's first six), shared by both renderers.
    static let colors: [Canvas.Color] = Canvas.Color.series

    /// The largest magnitude drawn to scale: 10^15, below 2^53, so the axis and tick arithmetic
    /// stays exact. Larger values, infinities and NaN (a diverging loss of 5e36, a loss read
    /// back as 1e308) are not fitted into the axes: each is drawn as a marker clipped to the
    /// top or bottom edge (NaN at the top) with its value written beside it.
    static let largestPlotted = 1e15

    /// Whether `value` is drawn to scale (finite and at most `largestPlotted` in magnitude).
    static func isPlotted(_ value: Double) -> Bool { value.isFinite && abs(value) <= largestPlotted }

    /// The text beside a clipped value: `NaN`, `+inf`, `-inf`, or the value to 3 digits (`5.06e+36`).
    static func clippedLabel(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+inf" : "-inf" }
        return String(format: "%.3g", value)
    }

    /// The points of `series` that are drawn to scale, and those whose x is but whose y is
    /// not (drawn clipped and labelled). Points whose x is not drawable are left out.
    static func split(_ points: [(x: Double, y: Double)]) -> (plotted: [(x: Double, y: Double)], clipped: [(x: Double, y: Double)]) {
        let placeable = points.filter { isPlotted($0.x) }
        return (placeable.filter { isPlotted($0.y) }, placeable.filter { !isPlotted($0.y) })
    }

    // MARK: - Layout

    /// Where the axes sit inside a panel and how data maps onto them.
    struct Frame {
        let left: Double, right: Double, top: Double, bottom: Double
        let xs: ClosedRange<Double>, ys: ClosedRange<Double>
        let xTicks: [Double], yTicks: [Double]

        func px(_ x: Double) -> Double { left + (x - xs.lowerBound) / (xs.upperBound - xs.lowerBound) * (right - left) }
        /// Values outside a fixed y range are clamped to its edge; NaN and +infinity go to the
        /// top, -infinity to the bottom.
        func py(_ y: Double) -> Double {
            let clamped = y.isNaN ? ys.upperBound : min(max(y, ys.lowerBound), ys.upperBound)
            return bottom - (clamped - ys.lowerBound) / (ys.upperBound - ys.lowerBound) * (bottom - top)
        }
    }

    /// Lays the plot out in the panel `(left, top, width, height)`: the axes fit the points drawn
    /// to scale (0...1 when there are none but clipped ones).
    /// - Throws: `ConvLabError.argument` when there is no point at all to draw.
    func frame(left: Double, top: Double, width: Double, height: Double) throws -> Frame {
        let parts = series.map { LinePlot.split($0.points) }
        let plotted = parts.flatMap(\.plotted), clipped = parts.flatMap(\.clipped)
        guard !plotted.isEmpty || !clipped.isEmpty else {
            throw ConvLabError.argument(op: "LinePlot", message: "'\(title)' has no point with a finite x to draw")
        }
        func fitted(_ fixed: ClosedRange<Double>?, _ values: [Double]) -> (ClosedRange<Double>, [Double]) {
            if let fixed, fixed.upperBound > fixed.lowerBound, LinePlot.isPlotted(fixed.lowerBound),
               LinePlot.isPlotted(fixed.upperBound) {
                return (fixed, LinePlot.ticks(fixed.lowerBound, fixed.upperBound).filter { fixed.contains($0) })
            }
            var low = values.min() ?? 0, high = values.max() ?? 1
            if low == high { low -= 1; high += 1 }   // exact: |values| <= 10^15 < 2^53
            let ticks = LinePlot.ticks(low, high)
            return (min(low, ticks.first ?? low)...max(high, ticks.last ?? high), ticks)
        }
        let (xs, xTicks) = fitted(xRange, (plotted + clipped).map(\.x))
        let (ys, yTicks) = fitted(yRange, plotted.map(\.y))
        return Frame(left: left + 56, right: left + width - 12, top: top + 28, bottom: top + height - 36,
                     xs: xs, ys: ys, xTicks: xTicks, yTicks: yTicks)
    }

    // MARK: - Raster

    /// Draws the plot on a canvas (for PNG).
    /// - Throws: `ConvLabError.argument` when there is nothing finite to plot or the size is below 200x150.
    package func render(width: Int = 640, height: Int = 420) throws -> Canvas {
        guard width >= 200, height >= 150 else {
            throw ConvLabError.argument(op: "LinePlot", message: "size \(width)x\(height) is below 200x150")
        }
        let f = try frame(left: 0, top: 0, width: Double(width), height: Double(height))
        var canvas = try Canvas(width: width, height: height)
        // Pixel positions, bounded before the conversion to Int (the canvas clips the rest).
        func pixel(_ v: Double) -> Int { v.isNaN ? -1 : Int(min(max(v, -1e6), 1e6).rounded()) }
        func ix(_ x: Double) -> Int { pixel(f.px(x)) }
        func iy(_ y: Double) -> Int { pixel(f.py(y)) }
        let left = Int(f.left), right = Int(f.right), top = Int(f.top), bottom = Int(f.bottom)
        for t in f.yTicks {
            canvas.drawLine(x0: left, y0: iy(t), x1: right, y1: iy(t), color: t == 0 ? .gray : .lightGray)
            let label = LinePlot.label(t)
            canvas.draw(text: label, x: left - 6 - Canvas.textWidth(label), y: iy(t) - 3, color: .gray)
        }
        for t in f.xTicks {
            canvas.drawLine(x0: ix(t), y0: top, x1: ix(t), y1: bottom, color: t == 0 ? .gray : .lightGray)
            let label = LinePlot.label(t)
            canvas.draw(text: label, x: ix(t) - Canvas.textWidth(label) / 2, y: bottom + 6, color: .gray)
        }
        canvas.drawLine(x0: left, y0: bottom, x1: right, y1: bottom, color: .black)
        canvas.drawLine(x0: left, y0: top, x1: left, y1: bottom, color: .black)
        for (k, s) in series.enumerated() {
            let color = LinePlot.colors[k % LinePlot.colors.count]
            let (points, clipped) = LinePlot.split(s.points)
            for (i, p) in clipped.enumerated() {
                let x = ix(p.x), y = iy(p.y), atTop = !(p.y < 0)
                canvas.fill(x: x - 2, y: y - 2, width: 5, height: 5, color: color)
                // One label per run of clipped values (the first), so a diverged tail stays readable.
                if i == 0 || LinePlot.clippedLabel(clipped[i - 1].y) != LinePlot.clippedLabel(p.y) {
                    canvas.draw(text: LinePlot.clippedLabel(p.y), x: x + 4, y: atTop ? y + 3 : y - 10, color: color)
                }
            }
            if points.count == 1 {
                canvas.fill(x: ix(points[0].x) - 2, y: iy(points[0].y) - 2, width: 5, height: 5, color: color)
            }
            for (i, (a, b)) in zip(points, points.dropFirst()).enumerated() where !s.dashed || i % 4 < 2 {
                canvas.drawLine(x0: ix(a.x), y0: iy(a.y), x1: ix(b.x), y1: iy(b.y), color: color, thickness: 2)
            }
            let legendY = top + 4 + k * 12
            canvas.fill(x: right - 120, y: legendY + 2, width: s.dashed ? 5 : 12, height: 3, color: color)
            if s.dashed { canvas.fill(x: right - 113, y: legendY + 2, width: 5, height: 3, color: color) }
            canvas.draw(text: s.name, x: right - 104, y: legendY, color: .black)
        }
        canvas.draw(text: title, x: (width - Canvas.textWidth(title, scale: 2)) / 2, y: 6, color: .black, scale: 2)
        canvas.draw(text: xLabel, x: (left + right - Canvas.textWidth(xLabel)) / 2, y: height - 14, color: .black)
        canvas.draw(text: yLabel, x: 4, y: top - 14, color: .black)
        return canvas
    }

    // MARK: - SVG

    /// The plot as a standalone SVG document.
    /// - Throws: `ConvLabError.argument` when there is nothing finite to plot.
    package func svg(width: Int = 640, height: Int = 420) throws -> String {
        try LinePlot.svgDocument([self], columns: 1, panelWidth: Double(width), panelHeight: Double(height))
    }

    /// Several plots side by side in one SVG document, `columns` per row.
    /// - Throws: `ConvLabError.argument` when a plot has nothing to draw, `columns < 1`, or a
    ///   panel side is outside 1...100000.
    package static func svgDocument(_ plots: [LinePlot], columns: Int, panelWidth: Double = 240,
                                   panelHeight: Double = 200) throws -> String {
        guard columns >= 1 else {
            throw ConvLabError.argument(op: "LinePlot", message: "columns must be >= 1, got \(columns)")
        }
        guard panelWidth >= 1, panelHeight >= 1, panelWidth <= 1e5, panelHeight <= 1e5, plots.count <= 10_000 else {
            throw ConvLabError.argument(op: "LinePlot",
                message: "panels of \(panelWidth)x\(panelHeight) (for \(plots.count) plots) must be 1...100000 a side")
        }
        let rows = (plots.count + columns - 1) / columns
        let width = Int(Double(columns) * panelWidth), height = Int(Double(rows) * panelHeight)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"11\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (k, plot) in plots.enumerated() {
            svg += try plot.svgGroup(left: Double(k % columns) * panelWidth, top: Double(k / columns) * panelHeight,
                                     width: panelWidth, height: panelHeight)
        }
        return svg + "</svg>\n"
    }

    /// The SVG elements of this plot in the panel `(left, top, width, height)`.
    func svgGroup(left: Double, top: Double, width: Double, height: Double) throws -> String {
        let f = try frame(left: left, top: top, width: width, height: height)
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        func hex(_ c: Canvas.Color) -> String { String(format: "#%02x%02x%02x", c.r, c.g, c.b) }
        var svg = "<text x=\"\(n(left + width / 2))\" y=\"\(n(top + 16))\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML(title))</text>\n"
        for t in f.yTicks {
            svg += "<line x1=\"\(n(f.left))\" y1=\"\(n(f.py(t)))\" x2=\"\(n(f.right))\" y2=\"\(n(f.py(t)))\" stroke=\"\(t == 0 ? "#999" : "#e5e5e5")\"/>"
            svg += "<text x=\"\(n(f.left - 4))\" y=\"\(n(f.py(t) + 3))\" text-anchor=\"end\" font-size=\"9\">\(LinePlot.label(t))</text>\n"
        }
        for t in f.xTicks {
            svg += "<line x1=\"\(n(f.px(t)))\" y1=\"\(n(f.top))\" x2=\"\(n(f.px(t)))\" y2=\"\(n(f.bottom))\" stroke=\"\(t == 0 ? "#999" : "#e5e5e5")\"/>"
            svg += "<text x=\"\(n(f.px(t)))\" y=\"\(n(f.bottom + 12))\" text-anchor=\"middle\" font-size=\"9\">\(LinePlot.label(t))</text>\n"
        }
        svg += "<rect x=\"\(n(f.left))\" y=\"\(n(f.top))\" width=\"\(n(f.right - f.left))\" height=\"\(n(f.bottom - f.top))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(n((f.left + f.right) / 2))\" y=\"\(n(top + height - 6))\" text-anchor=\"middle\">\(escapeXML(xLabel))</text>\n"
        svg += "<text x=\"\(n(left + 4))\" y=\"\(n(f.top - 8))\">\(escapeXML(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let color = hex(LinePlot.colors[k % LinePlot.colors.count])
            let dash = s.dashed ? " stroke-dasharray=\"5,3\"" : ""
            let (points, clipped) = LinePlot.split(s.points)
            let path = points.map { "\(n(f.px($0.x))),\(n(f.py($0.y)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            for (i, p) in clipped.enumerated() {
                let x = f.px(p.x), y = f.py(p.y), atTop = !(p.y < 0)
                svg += "<rect x=\"\(n(x - 2.5))\" y=\"\(n(y - 2.5))\" width=\"5\" height=\"5\" fill=\"\(color)\"/>"
                if i == 0 || LinePlot.clippedLabel(clipped[i - 1].y) != LinePlot.clippedLabel(p.y) {
                    svg += "<text x=\"\(n(x + 4))\" y=\"\(n(atTop ? y + 12 : y - 4))\" font-size=\"9\" fill=\"\(color)\">\(LinePlot.clippedLabel(p.y))</text>"
                }
                svg += "\n"
            }
            let legendY = f.top + 12 + Double(k) * 12
            svg += "<line x1=\"\(n(f.left + 6))\" y1=\"\(n(legendY - 3))\" x2=\"\(n(f.left + 20))\" y2=\"\(n(legendY - 3))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(n(f.left + 24))\" y=\"\(n(legendY))\" font-size=\"10\">\(escapeXML(s.name))</text>\n"
        }
        return svg
    }

    // MARK: - Ticks

    /// About five round tick values (1, 2 or 5 times a power of ten) covering `low...high`;
    /// just the ends when the range is empty, reversed or not finite.
    package static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        guard raw.isFinite, raw > 0, low.isFinite, high.isFinite else { return [low, high].filter(\.isFinite) }
        let magnitude = Double.pow(10, (Double.log(raw) / Double.log(10)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        let steps = ((last - first) / step).rounded()
        guard steps.isFinite, steps >= 0, steps <= 100 else { return [low, high] }   // only for degenerate ranges
        let count = Int(steps)
        // Snap to the step's grid so that 0.6000000000000001 prints (and compares) as 0.6.
        return (0...count).map { ((first / step).rounded() + Double($0)) * step }.map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// `0.95`, `10`, `0.001`: short tick labels.
    static func label(_ value: Double) -> String {
        Tensor<Double>.format(value, decimals: 4)
    }
}

/// Text escaped for SVG and XML.
package func escapeXML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
