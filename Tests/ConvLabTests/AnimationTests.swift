import ConvLab
import ConvLabTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The animated SVG read back the way a browser reads it: parsed as XML, its CSS keyframes
/// evaluated at a time, and the output values visible then compared with the reference op,
/// called here by the test (not taken from the storyboard).
@Suite("convlab animate: the SVG's numbers are the reference op's, at every step and in the last state")
struct AnimationTests {
    /// A parsed SVG element.
    final class Node {
        let name: String
        let attributes: [String: String]
        var children: [Node] = []
        var text = ""
        init(_ name: String, _ attributes: [String: String]) { self.name = name; self.attributes = attributes }

        var all: [Node] { [self] + children.flatMap(\.all) }
        var fullText: String { text + children.map(\.fullText).joined() }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Node] = [Node("#document", [:])]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = Node(name, attributes)
            stack.last!.children.append(node)
            stack.append(node)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last!.text += string }
    }

    /// The SVG as a tree, or a recorded issue when it is not well-formed XML.
    func parse(_ svg: String) throws -> Node {
        let parser = XMLParser(data: Data(svg.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        #expect(ok, "the SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        return try #require(builder.stack.first?.children.first)
    }

    /// `@keyframes NAME{0%{opacity:0}30%{opacity:1}...}` from the `<style>` element.
    func keyframes(_ root: Node) -> [String: [(percent: Double, opacity: Double)]] {
        let style = root.all.first { $0.name == "style" }?.fullText ?? ""
        var result: [String: [(Double, Double)]] = [:]
        for line in style.split(separator: "\n") where line.hasPrefix("@keyframes ") {
            let name = String(line.dropFirst("@keyframes ".count).prefix { $0 != "{" })
            var frames: [(Double, Double)] = []
            for piece in line.split(separator: "}") {
                guard let percentSign = piece.lastIndex(of: "%"), let colon = piece.lastIndex(of: ":") else { continue }
                let digits = piece[..<percentSign].reversed().prefix { $0.isNumber || $0 == "." }
                guard let percent = Double(String(digits.reversed())), let opacity = Double(piece[piece.index(after: colon)...]) else { continue }
                frames.append((percent, opacity))
            }
            result[name] = frames
        }
        return result
    }

    /// Whether `node` is drawn at `percent` of the loop: step-end keyframes hold a value from
    /// their offset to the next; an element without animation shows its `opacity` attribute.
    func visible(_ node: Node, at percent: Double, _ frames: [String: [(percent: Double, opacity: Double)]]) -> Bool {
        guard let style = node.attributes["style"], style.hasPrefix("animation-name:") else {
            return (node.attributes["opacity"] ?? "1") != "0"
        }
        let name = String(style.dropFirst("animation-name:".count))
        guard let keys = frames[name], !keys.isEmpty else {
            Issue.record("no @keyframes \(name)")
            return false
        }
        return (keys.last { $0.percent <= percent }?.opacity ?? 0) > 0
    }

    /// The text of every output value visible at `percent`, by [channel][row][col].
    func visibleValues(_ root: Node, at percent: Double, _ frames: [String: [(percent: Double, opacity: Double)]]) -> [[Int]: [String]] {
        var shown: [[Int]: [String]] = [:]
        for node in root.all where node.name == "text" && node.attributes["data-channel"] != nil {
            guard visible(node, at: percent, frames) else { continue }
            let key = ["data-channel", "data-row", "data-col"].map { Int(node.attributes[$0] ?? "") ?? -1 }
            shown[key, default: []].append(node.fullText)
        }
        return shown
    }

    /// The reference op's output, computed here from the configuration's own tensors.
    func referenceOutput(_ c: AnimationConfig, input x: Tensor<Float>? = nil) throws -> Tensor<Float> {
        let (x0, w) = try c.tensors()
        let x = x ?? x0
        switch c.op {
        case .conv2d: return try Reference.conv2DForward(x, filter: w!, strides: c.strides, padding: c.padding, dilations: c.dilations)
        case .depthwise: return try Reference.depthwiseConv2DForward(x, filter: w!, strides: c.strides, padding: c.padding, dilations: c.dilations)
        case .maxPool: return try Reference.maxPoolForward(x, windowSize: c.kernel, strides: c.strides, padding: c.padding)
        case .avgPool: return try Reference.avgPoolForward(x, windowSize: c.kernel, strides: c.strides, padding: c.padding)
        case .conv2dTranspose: return try Reference.conv2DTranspose(x, filter: w!, outputSize: c.outputSize, strides: c.strides, padding: c.padding, dilations: c.dilations)
        }
    }

    /// Expects exactly the reference's values, one per output cell.
    func expectShows(_ shown: [[Int]: [String]], _ y: Tensor<Float>, _ label: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(shown.count == y.count, "\(label): \(shown.count) cells show a value, the output has \(y.count)", sourceLocation: sourceLocation)
        for i in 0..<y.shape[1] {
            for j in 0..<y.shape[2] {
                for p in 0..<y.shape[3] {
                    let texts = shown[[p, i, j]] ?? []
                    let expected = y[0, i, j, p]
                    #expect(texts.count == 1, "\(label): cell (\(i),\(j),\(p)) shows \(texts)", sourceLocation: sourceLocation)
                    guard let text = texts.first, let number = Float(text) else { continue }
                    #expect(abs(number - expected) <= 5e-4 * max(1, abs(expected)) && text == Storyboard.format(expected),
                            "\(label): cell (\(i),\(j),\(p)) shows \(text), the reference gives \(expected)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    static func config(_ op: AnimatedOp, input: Size2, channels: Int = 1, kernel: Size2, strides: Size2 = 1, dilations: Size2 = 1,
                       padding: Padding, filters: Int = 1, values: Bool = true) -> AnimationConfig {
        var c = AnimationConfig()
        c.op = op
        c.input = input
        c.channels = channels
        c.kernel = kernel
        c.strides = strides
        c.dilations = dilations
        c.padding = padding
        c.filters = filters
        if values {
            // Distinct, signed, non-integral values: a misplaced window or a wrong tie shows.
            let count = input.h * input.w * channels
            c.inputValues = (0..<count).map { Float(($0 * 7) % 23) / 4 - 2 }
            if let shape = c.filterShape {
                c.filterValues = (0..<shape.reduce(1, *)).map { Float(($0 * 5) % 7) / 2 - 1 }
            }
        }
        return c
    }

    /// The sweep: every op; odd sizes; stride 2 and 3; dilation 2; SAME with an extra bottom/right
    /// pad; VALID dropping a row and a column; explicit pads; channels and filters.
    static let sweep: [AnimationConfig] = [
        AnimationConfig(),  // lab 11-0: [[12, 16], [24, 28]]
        config(.conv2d, input: 5, kernel: 3, strides: 2, padding: .same, values: false),  // the issue's command
        config(.conv2d, input: [6, 5], kernel: 3, strides: 2, padding: .same),           // extra bottom pad
        config(.conv2d, input: [5, 7], kernel: 2, strides: 3, padding: .valid),          // VALID drops a row and a column
        config(.conv2d, input: 7, kernel: 3, dilations: 2, padding: .same),
        config(.conv2d, input: [4, 5], channels: 2, kernel: 2, strides: [1, 2], padding: .same, filters: 2),
        config(.conv2d, input: 5, kernel: 3, strides: 2, padding: .explicit(ExplicitPadding(top: 2, bottom: 0, left: 1, right: 3))),
        config(.depthwise, input: 5, channels: 2, kernel: 3, strides: 2, padding: .same, filters: 2),
        config(.depthwise, input: [6, 5], kernel: 2, dilations: 2, padding: .valid),
        config(.maxPool, input: [5, 7], kernel: 2, strides: 2, padding: .same),
        config(.maxPool, input: 5, channels: 2, kernel: 3, strides: 2, padding: .explicit(ExplicitPadding(top: 1, bottom: 2, left: 0, right: 1))),
        config(.maxPool, input: 7, kernel: 3, strides: 3, padding: .valid),
        config(.avgPool, input: 5, kernel: 2, strides: 2, padding: .same),
        config(.avgPool, input: [6, 5], kernel: 3, strides: 2, padding: .same),
        config(.conv2dTranspose, input: 2, kernel: 3, strides: 2, padding: .same),
        config(.conv2dTranspose, input: [3, 2], channels: 2, kernel: [3, 2], strides: [2, 3], padding: .valid, filters: 2),
        config(.conv2dTranspose, input: 3, kernel: 3, strides: 2, padding: .explicit(ExplicitPadding(top: 1, bottom: 0, left: 0, right: 2))),
        config(.conv2dTranspose, input: 3, kernel: 2, dilations: 2, padding: .same),
    ]

    /// The last state (the hold, and the picture without animation) shows the reference output;
    /// each step shows its own caption group only and the values computed so far.
    @Test(arguments: 0..<sweep.count)
    func theSVGShowsTheReferenceOutput(index: Int) throws {
        let c = Self.sweep[index]
        let board = try Storyboard(c)
        let svg = board.svg()
        let root = try parse(svg)
        let frames = keyframes(root)
        let y = try referenceOutput(c)
        let label = "\(c.op) \(c.input) k\(c.kernel) s\(c.strides) d\(c.dilations) \(c.padding)"
        let loop = board.loopSeconds
        let holdPercent = (board.startSeconds(ofStep: board.holdStep) + board.holdSeconds / 2) / loop * 100
        expectShows(visibleValues(root, at: holdPercent, frames), y, label + " (last state)")
        expectShows(visibleValues(root, at: 100, frames), y, label + " (loop end)")
        // Without animation the static attributes must say the same: only final values are drawn.
        var still: [[Int]: [String]] = [:]
        for node in root.all where node.name == "text" && node.attributes["data-channel"] != nil && (node.attributes["opacity"] ?? "1") != "0" {
            still[["data-channel", "data-row", "data-col"].map { Int(node.attributes[$0]!)! }, default: []].append(node.fullText)
        }
        expectShows(still, y, label + " (static attributes)")

        let groups = root.all.filter { $0.name == "g" && $0.attributes["data-step"] != nil }
        #expect(groups.count == board.steps.count + 1)
        for k in 0..<board.steps.count {
            let mid = (board.startSeconds(ofStep: k) + c.stepSeconds / 2) / loop * 100
            let shown = groups.filter { visible($0, at: mid, frames) }.compactMap { $0.attributes["data-step"] }
            #expect(shown == [String(k)], "\(label): at step \(k) the groups shown are \(shown)")
            // The values visible mid-step: for a window op, the outputs of steps 0...k; for the
            // transposed conv, the reference op on the input cells scattered so far.
            let values = visibleValues(root, at: mid, frames)
            if c.op == .conv2dTranspose {
                var partial = try c.tensors().input
                let cells = partial.shape[1] * partial.shape[2], channels = partial.shape[3]
                for flat in ((k + 1) * channels)..<(cells * channels) { partial.withUnsafeMutableBufferPointer { $0[flat] = 0 } }
                expectShows(values, try referenceOutput(c, input: partial), label + " (step \(k))")
            } else {
                #expect(values.count == k + 1, "\(label): \(values.count) values at step \(k)")
            }
        }
    }

    /// The multiply-adds a step writes out add up to the value it fills in: the window drawn is
    /// the window the reference op read (for pools: the max, or the sum over the divisor).
    @Test(arguments: 0..<sweep.count)
    func eachCaptionAddsUpToItsOutput(index: Int) throws {
        let c = Self.sweep[index]
        guard c.op != .conv2dTranspose else { return }
        let board = try Storyboard(c)
        let root = try parse(board.svg())
        let y = try referenceOutput(c)
        let planes = y.shape[3]
        // The fixed text of every grid cell, by the cell's top-left corner.
        let half = Storyboard.cell / 2
        var cellText: [[Int]: String] = [:]
        for node in root.all where node.name == "text" && (node.attributes["class"] ?? "").hasPrefix("t") {
            if let x = Int(node.attributes["x"] ?? ""), let y = Int(node.attributes["y"] ?? "") { cellText[[x - half, y - half - 5]] = node.fullText }
        }
        var tapped: [Int: [String]] = [:]
        for group in root.all where group.name == "g" {
            guard let k = Int(group.attributes["data-fills"] ?? "") else { continue }
            for rect in group.children where rect.attributes["class"] == "mt" {
                let corner = ["x", "y"].map { Int(rect.attributes[$0] ?? "") ?? -1 }
                tapped[k, default: []].append(cellText[corner] ?? "")
            }
        }
        for group in root.all where group.name == "g" {
            guard let stepText = group.attributes["data-step"], let k = Int(stepText), k < board.steps.count else { continue }
            let (i, j, p) = (k / planes / y.shape[2], (k / planes) % y.shape[2], k % planes)
            let caption = group.children.filter { $0.name == "text" }.dropFirst().map(\.fullText).joined()
                .split(separator: " ").joined(separator: " ")
            guard let open = caption.range(of: " = "), let close = caption.range(of: " = ", options: .backwards) else {
                Issue.record("step \(k): no '=' in \(caption)")
                continue
            }
            let body = caption[open.upperBound..<close.lowerBound]
            let shown = Float(caption[close.upperBound...])
            let expected = y[0, i, j, p]
            #expect(shown.map { abs($0 - expected) <= 5e-4 * max(1, abs(expected)) } == true, "step \(k): \(caption) vs \(expected)")
            let computed: Float
            switch c.op {
            case .conv2d, .depthwise:
                computed = body.split(separator: " + ").map { term -> Float in
                    let factors = term.split(separator: "×").compactMap { Float($0.filter { $0 != "(" && $0 != ")" }) }
                    return factors.count == 2 ? factors[0] * factors[1] : .nan
                }.reduce(0, +)
            case .maxPool:
                computed = body.dropFirst(4).dropLast().split(separator: ", ").compactMap { Float($0) }.max() ?? .nan
            case .avgPool:
                let parts = body.split(separator: " / ")
                let terms = parts[0].dropFirst().dropLast().split(separator: " + ").compactMap { Float($0) }
                computed = terms.reduce(0, +) / (Float(parts[1]) ?? .nan)
            case .conv2dTranspose:
                continue
            }
            #expect(abs(computed - expected) <= 1e-3 * max(1, abs(expected)), "step \(k): \(caption) works out to \(computed), the reference gives \(expected)")
            // The cells the window highlights hold the numbers the caption multiplies (or pools).
            let read: [String] = switch c.op {
            case .conv2d, .depthwise: body.split(separator: " + ").map { String($0.split(separator: "×").first ?? "") }
            case .maxPool: body.dropFirst(4).dropLast().split(separator: ", ").map(String.init)
            default: body.split(separator: " / ")[0].dropFirst().dropLast().split(separator: " + ").map(String.init)
            }
            let highlighted = (tapped[k] ?? []).filter { c.op.hasFilter || ($0 != "-∞" && !$0.isEmpty) }
            #expect(highlighted.sorted() == read.sorted(), "step \(k): the window highlights \(highlighted), the caption reads \(read)")
        }
    }

    /// Self-contained: well-formed, no script, no link or reference outside the file.
    @Test(arguments: 0..<sweep.count)
    func theSVGIsSelfContained(index: Int) throws {
        let svg = try Storyboard(Self.sweep[index]).svg()
        let root = try parse(svg)
        #expect(root.name == "svg" && svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"))
        for node in root.all {
            #expect(!["script", "foreignObject", "image", "use", "a", "iframe"].contains(node.name), "element <\(node.name)>")
            for (name, value) in node.attributes {
                #expect(!name.lowercased().contains("href") && !name.lowercased().hasPrefix("on"), "attribute \(name)=\(value)")
                #expect(!value.contains("url(") || value.contains("url(#"), "attribute \(name)=\(value)")
            }
        }
        let style = root.all.filter { $0.name == "style" }.map(\.fullText).joined()
        #expect(!style.contains("@import") && !style.contains("url(") && !style.contains("@font-face"))
        #expect(svg.components(separatedBy: "http").count == 2, "only the xmlns names a URL")
    }

    /// The frames: one PNG per step plus the last state, at the SVG's size (scale 1 keeps the
    /// debug build's PNG encoder quick), and they differ.
    @Test func framesAreWrittenAsPNGs() throws {
        let board = try Storyboard(AnimationConfig())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-animate-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = try board.writeFrames(to: directory, scale: 1)
        #expect(names.count == board.steps.count + 1 && names.first == "frame-000.png")
        let first = try Image.read(FileIO.join(directory, names[0]))
        let last = try Image.read(FileIO.join(directory, names.last!))
        #expect(first.width == board.width && first.height == board.height)
        #expect(try board.frame(0).width == board.width * Storyboard.framesScale)
        #expect(first.pixels != last.pixels)
        #expect(throws: ConvLabError.self) { try board.frame(board.holdStep + 1) }
    }

    /// Bad configurations are the library's errors, naming the op.
    @Test func badConfigurationsThrow() throws {
        func bad(_ change: (inout AnimationConfig) -> Void, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            var c = AnimationConfig()
            change(&c)
            do {
                _ = try Storyboard(c)
                Issue.record("expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
            } catch let error as ConvLabError {
                #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("not a ConvLabError: \(error)", sourceLocation: sourceLocation)
            }
        }
        bad({ $0.kernel = 6 }, "kernel [6,6] must be 1...5")
        bad({ $0.input = 13 }, "must be 1...12")
        bad({ $0.op = .avgPool; $0.padding = .explicit(ExplicitPadding(top: 1, bottom: 1, left: 1, right: 1)) }, "tf.nn.avg_pool2d")
        bad({ $0.op = .maxPool; $0.dilations = 2 }, "no dilation")
        bad({ $0.op = .maxPool; $0.padding = .explicit(ExplicitPadding(top: 2, bottom: 0, left: 0, right: 0)) }, "smaller than the window")
        bad({ $0.inputValues = [1, 2, 3] }, "needs 9")
        bad({ $0.filterValues = [1] }, "needs 4")
        bad({ $0.op = .maxPool; $0.filterValues = [1] }, "no filter")
        bad({ $0.kernel = 4 }, "does not fit")
        bad({ $0.strides = 2; $0.dilations = 2 }, "dilation > 1 only with stride 1")
        bad({ $0.channels = 3; $0.input = 3; $0.kernel = 4; $0.padding = .same }, "27")
        bad({ $0.op = .conv2dTranspose; $0.outputSize = [5, 5]; $0.strides = 1 }, "not the input's 3x3")
        bad({ $0.input = 12; $0.kernel = 1; $0.channels = 3; $0.filters = 3 }, "more than 300")
        bad({ $0.op = .conv2dTranspose; $0.input = 5; $0.strides = 6; $0.kernel = 1 }, "30 cells per side")
        #expect(throws: ConvLabError.self) { _ = try AnimationConfig.parseValues("1, two", name: "--input-values") }
        #expect(throws: ConvLabError.self) { _ = try AnimatedOp(parsing: "pool") }
        let parsed = try AnimationConfig.parseValues("1,2,3; 4 5 6;", name: "--input-values")
        #expect(parsed.values == [1, 2, 3, 4, 5, 6] && parsed.rows == 2)
    }

    /// `convlab animate`'s command line: every option is in `--help`, and parses to the config.
    @Test func commandLine() throws {
        for option in AnimationArguments.options {
            #expect(AnimationArguments.usage.contains("--\(option.name) "), "--help does not explain --\(option.name)")
        }
        let parsed = try AnimationArguments(["--op", "conv2d-transpose", "--input-values", "1,2,3;4,5,6", "--kernel", "3x2",
                                             "--stride", "2", "--padding", "1,0,0,2", "--filters", "2", "--out", "t.svg",
                                             "--frames", "f", "--step-seconds", "0.5", "--output-size", "4x6"])
        var expected = AnimationConfig()
        expected.op = .conv2dTranspose
        expected.inputValues = [1, 2, 3, 4, 5, 6]
        expected.input = [2, 3]  // from the two rows
        expected.kernel = [3, 2]
        expected.strides = 2
        expected.padding = .explicit(ExplicitPadding(top: 1, bottom: 0, left: 0, right: 2))
        expected.filters = 2
        expected.stepSeconds = 0.5
        expected.outputSize = [4, 6]
        #expect(parsed.config == expected && parsed.out == "t.svg" && parsed.frames == "f" && !parsed.help)
        #expect(try AnimationArguments(["-h"]).help)
        #expect(throws: ConvLabError.self) { _ = try AnimationArguments(["--kernel"]) }
        #expect(throws: ConvLabError.self) { _ = try AnimationArguments(["--size", "3"]) }
        #expect(throws: ConvLabError.self) { _ = try AnimationArguments(["--input", "3x"]) }
        #expect(throws: ConvLabError.self) { _ = try AnimationArguments(["--filters", "two"]) }
    }
}
