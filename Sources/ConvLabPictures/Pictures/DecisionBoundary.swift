import Foundation
import ConvLabCore
import ConvLabData

/// A classifier's decision boundary as a picture (tutorial #03's MLP on a 2-D, 4-class toy set).

/// A decision boundary: every cell of a grid over the plane coloured by the class a classifier
/// predicts there, with the training points drawn on top in darker shades.
package struct DecisionBoundary: Sendable {
    package var xRange: ClosedRange<Double>
    package var yRange: ClosedRange<Double>
    /// Cells per side.
    package var resolution: Int
    /// `predictions[row * resolution + column]`, row 0 at the top (largest y).
    package var predictions: [Int]

    /// Evaluates `classify` (a batch of `[M, 2]` points -> M classes) on the grid.
    package init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, resolution: Int,
                classify: (Tensor<Float>) throws -> [Int]) throws {
        guard resolution >= 2 else {
            throw ConvLabError.argument(op: "DecisionBoundary", message: "resolution \(resolution) is below 2")
        }
        var points = [Float]()
        for row in 0..<resolution {
            for column in 0..<resolution {
                let x = xRange.lowerBound + (Double(column) + 0.5) / Double(resolution) * (xRange.upperBound - xRange.lowerBound)
                let y = yRange.upperBound - (Double(row) + 0.5) / Double(resolution) * (yRange.upperBound - yRange.lowerBound)
                points += [Float(x), Float(y)]
            }
        }
        self.xRange = xRange
        self.yRange = yRange
        self.resolution = resolution
        self.predictions = try classify(Tensor(shape: [resolution * resolution, 2], scalars: points))
    }

    static let light = ["#aec7e8", "#ff9896", "#98df8a", "#ffbb78", "#c5b0d5", "#c49c94"]
    static let dark = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// The picture as SVG, `size` pixels square, with `examples` (`[N, 2]` points) drawn on top.
    package func svg(size: Int = 420, examples: LabeledExamples? = nil, title: String = "") -> String {
        let cell = Double(size) / Double(resolution)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(size)\" height=\"\(size + 24)\" font-family=\"sans-serif\" font-size=\"13\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        out += "<text x=\"\(size / 2)\" y=\"17\" text-anchor=\"middle\">\(escapeXML(title))</text>\n<g transform=\"translate(0,24)\">\n"
        // One rectangle per run of equal cells in a row: a 120 x 120 grid of a few regions is a
        // few hundred rectangles, not 14,400.
        for row in 0..<resolution {
            var column = 0
            while column < resolution {
                let k = predictions[row * resolution + column]
                var end = column
                while end + 1 < resolution && predictions[row * resolution + end + 1] == k { end += 1 }
                out += String(format: "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" ",
                              Double(column) * cell, Double(row) * cell, Double(end - column + 1) * cell + 0.5, cell + 0.5)
                    + "fill=\"\(DecisionBoundary.light[k % 6])\"/>"
                column = end + 1
            }
            out += "\n"
        }
        if let examples {
            for i in 0..<examples.count {
                let x = Double(examples.inputs.scalars[2 * i]), y = Double(examples.inputs.scalars[2 * i + 1])
                let sx = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * Double(size)
                let sy = (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * Double(size)
                out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" ", sx, sy)
                    + "fill=\"\(DecisionBoundary.dark[examples.labels[i] % 6])\" stroke=\"black\" stroke-width=\"0.5\"/>\n"
            }
        }
        return out + "</g>\n</svg>\n"
    }
}
