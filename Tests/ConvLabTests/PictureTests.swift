import ConvLab
import Testing

@Suite("pictures")
struct PictureTests {
    @Test func canvasDrawsAndClips() throws {
        var canvas = try Canvas(width: 20, height: 10)
        canvas.fill(x: -5, y: -5, width: 8, height: 8, color: .black)
        #expect(canvas.pixel(x: 2, y: 2) == .black)
        #expect(canvas.pixel(x: 3, y: 3) == .white)
        canvas.draw(text: "1", x: 10, y: 1)
        #expect(canvas.pixel(x: 12, y: 1) == .black)   // the top of the "1" stem
        canvas.drawLine(x0: 0, y0: 9, x1: 100, y1: 9, color: .gray)  // runs off the edge
        #expect(canvas.pixel(x: 19, y: 9) == .gray)
        #expect(throws: ConvLabError.self) { try Canvas(width: 0, height: 5) }
    }

    @Test func imageIsScaledAndStretched() throws {
        var canvas = try Canvas(width: 4, height: 4)
        let image = try Tensor<Float>(shape: [1, 2, 2, 1], scalars: [-1, 1, 0, 0.5])
        try canvas.draw(image: image, x: 0, y: 0, scale: 2, low: -1, high: 1)
        #expect(canvas.pixel(x: 1, y: 1) == .black)
        #expect(canvas.pixel(x: 3, y: 0) == .white)
        #expect(canvas.pixel(x: 0, y: 3) == Canvas.Color(128, 128, 128))
        #expect(throws: ConvLabError.self) { try canvas.draw(image: try Tensor(zeros: [2, 2]), x: 0, y: 0) }
    }

    @Test func plotTicksAreRound() throws {
        let unit = LinePlot.ticks(0, 1)
        #expect(unit.count == 6 && unit.first == 0 && abs(unit.last! - 1) < 1e-12)
        let accuracy = LinePlot.ticks(0.91, 0.99)  // step 0.02, widened to round ends 0.90 and 1.00
        #expect(accuracy.count == 6)
        #expect(abs(accuracy.first! - 0.9) < 1e-12 && abs(accuracy.last! - 1.0) < 1e-12)
        let plot = LinePlot(title: "relu", xLabel: "x", yLabel: "y",
                            series: [.init(name: "relu", range: -3...3) { max($0, 0) }])
        let canvas = try plot.render()
        #expect(canvas.width == 640)
        #expect(canvas.pixels.contains(31))  // the first series colour was drawn
        // A NaN value is drawn clipped and labelled (issue #18); a plot with no finite x is an error.
        #expect(throws: Never.self) {
            try LinePlot(title: "nan value", xLabel: "", yLabel: "", series: [.init(name: "nan", points: [(0, .nan)])]).render()
        }
        #expect(throws: ConvLabError.self) {
            try LinePlot(title: "empty", xLabel: "", yLabel: "", series: [.init(name: "nan", points: [(.nan, 0)])]).render()
        }
    }
}

@Suite("plots as SVG")
struct SVGPlotTests {
    @Test func svgHasOnePolylinePerSeriesAndDashes() throws {
        let plot = LinePlot(title: "a < b & c", series: [
            .init(name: "f", range: -1...1) { $0 },
            .init(name: "f'", range: -1...1, dashed: true) { _ in 1 },
        ], xRange: -1...1, yRange: -2...2)
        let svg = try plot.svg()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains("a &lt; b &amp; c"))
        // A point outside the fixed y range is clamped to the frame, never drawn outside it.
        let clamped = LinePlot(title: "", series: [.init(name: "big", points: [(0, 0), (1, 100)])],
                               yRange: 0...1)
        #expect(try clamped.svg(width: 300, height: 200).contains(",28.0"))  // the frame's top edge
        let grid = try LinePlot.svgDocument([plot, plot, plot], columns: 2, panelWidth: 100, panelHeight: 80)
        #expect(grid.contains("width=\"200\" height=\"160\""))
        #expect(throws: ConvLabError.self) { try LinePlot.svgDocument([plot], columns: 0) }
    }
}
