import ConvLabCore

/// An RGB raster to compose pictures on: contact sheets, digit grids, plots. 8 bits per channel,
/// row-major, origin at the top left. Drawing clips silently at the edges, so a long label or a
/// point off the axes never traps.
public struct Canvas: Sendable, Equatable {
    public struct Color: Sendable, Equatable {
        public var r: UInt8, g: UInt8, b: UInt8
        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
        public static let white = Color(255, 255, 255)
        package static let black = Color(0, 0, 0)
        package static let gray = Color(150, 150, 150)
        static let lightGray = Color(225, 225, 225)
        /// Distinguishable series colours for plots (the Tableau 10 palette's first six).
        package static let series: [Color] = [
            Color(31, 119, 180), Color(255, 127, 14), Color(44, 160, 44),
            Color(214, 39, 40), Color(148, 103, 189), Color(140, 86, 75),
        ]
    }

    /// The largest canvas side (the decoders' `Image.maximumSide`): 16384 x 16384 RGB is 768 MiB.
    package static let maximumSide = Image.maximumSide

    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes, RGB, row-major.
    public private(set) var pixels: [UInt8]

    /// - Throws: `ConvLabError.argument` for a size outside 1...`maximumSide`.
    public init(width: Int, height: Int, background: Color = .white) throws {
        guard width > 0, height > 0, width <= Canvas.maximumSide, height <= Canvas.maximumSide else {
            throw ConvLabError.argument(op: "Canvas", message: "size \(width)x\(height) must be 1...\(Canvas.maximumSide) on each side")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    public func pixel(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    public mutating func set(x: Int, y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r
        pixels[i + 1] = color.g
        pixels[i + 2] = color.b
    }

    package mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for row in max(y, 0)..<max(min(y + h, height), max(y, 0)) {
            for col in max(x, 0)..<max(min(x + w, width), max(x, 0)) { set(x: col, y: row, color) }
        }
    }

    /// Draws an image tensor `[H, W, C]` or `[1, H, W, C]` (C = 1 or 3) at `(x, y)`, each pixel
    /// magnified to a `scale x scale` block. Values are mapped from `low...high` to 0...255 and
    /// clamped; pass the tensor's own min and max to stretch the contrast of a feature map.
    /// - Throws: `ConvLabError.shape` for other shapes.
    package mutating func draw(image: Tensor<Float>, x: Int, y: Int, scale: Int = 1,
                              low: Float = 0, high: Float = 1) throws {
        let shape = image.shape.count == 4 && image.shape[0] == 1 ? Array(image.shape.dropFirst()) : image.shape
        guard shape.count == 3, shape[2] == 1 || shape[2] == 3, scale >= 1 else {
            throw ConvLabError.shape(op: "Canvas.draw",
                message: "image must be [H,W,1|3] or [1,H,W,1|3] with scale >= 1, got \(describeShape(image.shape)), scale \(scale)")
        }
        let (h, w, c) = (shape[0], shape[1], shape[2])
        let span = high > low ? high - low : 1
        func byte(_ v: Float) -> UInt8 {
            let t = (v - low) / span
            return t.isNaN ? 0 : UInt8(max(0, min(255, (t * 255).rounded())))
        }
        for row in 0..<h {
            for col in 0..<w {
                let base = (row * w + col) * c
                let color = c == 1
                    ? Color(byte(image.scalars[base]), byte(image.scalars[base]), byte(image.scalars[base]))
                    : Color(byte(image.scalars[base]), byte(image.scalars[base + 1]), byte(image.scalars[base + 2]))
                fill(x: x + col * scale, y: y + row * scale, width: scale, height: scale, color: color)
            }
        }
    }

    /// Writes `text` in the 5x7 bitmap font with its top-left corner at `(x, y)`, each font pixel
    /// a `scale x scale` block. Characters without a glyph print as a blank.
    package mutating func draw(text: String, x: Int, y: Int, color: Color = .black, scale: Int = 1) {
        var cursor = x
        for character in text {
            if let rows = BitmapFont.glyph(character) {
                for (r, row) in rows.enumerated() {
                    for (c, bit) in row.enumerated() where bit == "#" {
                        fill(x: cursor + c * scale, y: y + r * scale, width: scale, height: scale, color: color)
                    }
                }
            }
            cursor += (BitmapFont.width + 1) * scale
        }
    }

    /// The width in pixels that `draw(text:)` uses for `text`.
    package static func textWidth(_ text: String, scale: Int = 1) -> Int {
        max(0, text.count * (BitmapFont.width + 1) * scale - scale)
    }

    /// The height in pixels of one line of text.
    package static func textHeight(scale: Int = 1) -> Int { BitmapFont.height * scale }

    /// A straight line from `(x0, y0)` to `(x1, y1)` (Bresenham), `thickness` pixels wide.
    package mutating func drawLine(x0: Int, y0: Int, x1: Int, y1: Int, color: Color, thickness: Int = 1) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        let half = thickness / 2
        while true {
            fill(x: x - half, y: y - half, width: thickness, height: thickness, color: color)
            if x == x1 && y == y1 { break }
            let twice = 2 * error
            if twice >= dy { error += dy; x += sx }
            if twice <= dx { error += dx; y += sy }
        }
    }

    /// The canvas as a `[1, H, W, 3]` tensor in [0, 1], for the PNG writer or a test.
    public func tensor() -> Tensor<Float> {
        Tensor(uncheckedShape: [1, height, width, 3], scalars: pixels.map { Float($0) / 255 })
    }
}
