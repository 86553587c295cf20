import ConvLab
@testable import ConvLabConformance
import ConvLabTestSupport
import Foundation
import Testing

/// The conformance runner on broken input: every bad case is reported with its id and a reason
/// a student can act on, the good cases still come out, and nothing crashes.
@Suite("Conformance runner")
struct ConformanceRunnerTests {
    // MARK: - The JSON reader

    @Test func numbersAreConvertedOnceFromTheirText() throws {
        // 1 + 2^-24 is the midpoint between Float 1 and its successor; this decimal lies just
        // above it. Through Double it first rounds onto the midpoint, then ties to even (1.0);
        // converted once it rounds up, as TensorFlow's float32 would.
        let text = "1.000000059604644775390626"
        let value = try JSONValue.parse(Array("[\(text)]".utf8))
        guard case let .array(elements) = value else { Issue.record("expected an array"); return }
        #expect(elements[0].floatValue == Float(1).nextUp)
        #expect(Float(Double(text)!) == 1)  // the double rounding the reader avoids
        #expect(try JSONValue.parse(Array("-0.1e-2".utf8)).floatValue == Float(-0.001))
        #expect(try JSONValue.parse(Array("2.0".utf8)).intValue == 2)
        #expect(try JSONValue.parse(Array("2.5".utf8)).intValue == nil)
        #expect(try JSONValue.parse(Array("1e999".utf8)).floatValue == .infinity)
    }

    @Test func stringsAndNestingParse() throws {
        let value = try JSONValue.parse(Array(#"{"a": ["x\"y\u00e9\n", true, null, {"b": -0}]}"#.utf8))
        #expect(value["a"] == .array([.string("x\"y\u{e9}\n"), .bool(true), .null, .object(["b": .number("-0")])]))
    }

    @Test(arguments: [
        // (document, byte offset where reading must stop)
        (#"{"cases": [{"id": "a", "op": "relu""#, 35),   // truncated: end of file
        (#"{"a": [1, 2,, 3]}"#, 12),                      // second comma
        (#"{"a": 01}"#, 7),                               // leading zero: '1' after the number
        (#"{"a": 1.}"#, 8),                               // no digit after '.'
        (#"{"a": nan}"#, 6),                              // not a JSON literal
        (#"{"a" 1}"#, 5),                                 // missing ':'
        (#"[1] 2"#, 4),                                   // trailing content
        (#""abc"#, 0),                                    // unterminated string
    ])
    func malformedJSONNamesTheByteOffset(document: String, offset: Int) {
        do {
            _ = try JSONValue.parse(Array(document.utf8), path: "cases.json")
            Issue.record("parsed malformed JSON: \(document)")
        } catch let ConvLabError.file(path, at, message) {
            #expect(path == "cases.json")
            #expect(at == offset, "\(document): \(message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let document = String(repeating: "[", count: 100_000)
        #expect(throws: ConvLabError.self) { try JSONValue.parse(Array(document.utf8)) }
    }

    // MARK: - Broken cases

    /// One good case, then one case per kind of damage.
    static let brokenCases = #"""
    {"format": "cnn-golden-v1", "cases": [
     {"id": "good/relu", "op": "relu", "attrs": {}, "extra": 1,
      "inputs": {"x": {"shape": [1, 3], "data": [-1.5, 0.0, 2.0]}},
      "grads": {"dy": {"shape": [1, 3], "data": [0.5, -1.0, 2.0]}, "dx": {"shape": [1, 3], "data": [9, 9, 9]}}},
     {"id": "bad/unknown_op", "op": "conv3d", "attrs": {}, "inputs": {}},
     {"id": "bad/shape_mismatch", "op": "conv2d", "attrs": {"strides": [1, 1], "padding": "VALID"},
      "inputs": {"x": {"shape": [1, 3, 3, 1], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]},
                 "w": {"shape": [2, 2, 3, 1], "data": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}},
     {"id": "bad/nan_input", "op": "relu", "attrs": {}, "inputs": {"x": {"shape": [2], "data": [1.0, "nan"]}}},
     {"id": "bad/overflow_input", "op": "tanh", "attrs": {}, "inputs": {"x": {"shape": [1], "data": [1e39]}}},
     {"id": "bad/missing_tensor", "op": "conv2d", "attrs": {"padding": "SAME"},
      "inputs": {"x": {"shape": [1, 2, 2, 1], "data": [1, 2, 3, 4]}}},
     {"id": "bad/count", "op": "relu", "attrs": {}, "inputs": {"x": {"shape": [2, 2], "data": [1, 2, 3]}}},
     {"id": "bad/dy_shape", "op": "sigmoid", "attrs": {},
      "inputs": {"x": {"shape": [2], "data": [1, 2]}}, "grads": {"dy": {"shape": [3], "data": [1, 2, 3]}}},
     {"id": "bad/padding", "op": "max_pool", "attrs": {"ksize": [2, 2], "strides": [2, 2], "padding": "FULL"},
      "inputs": {"x": {"shape": [1, 2, 2, 1], "data": [1, 2, 3, 4]}}},
     {"id": "good/relu", "op": "relu", "attrs": {}, "inputs": {"x": {"shape": [1], "data": [1]}}},
     {"op": "relu", "inputs": {"x": {"shape": [1], "data": [1]}}},
     {"id": "good/max_pool_forward_only", "op": "max_pool", "attrs": {"ksize": [2, 2], "strides": [2, 2], "padding": "SAME"},
      "inputs": {"x": {"shape": [1, 3, 3, 1], "data": [1, 2, 3, 4, 5, 6, 7, 8, 9]}}}
    ]}
    """#

    @Test func everyBrokenCaseIsReportedAndTheGoodOnesComeOut() throws {
        let document = try JSONValue.parse(Array(Self.brokenCases.utf8))
        let run = try Conformance.run(document, kernels: Kernels(.reference))
        #expect(run.caseCount == 12)
        #expect(run.results.map(\.id) == ["good/relu", "good/max_pool_forward_only"])

        // The relu case: y = max(x, 0), dx = dy where x > 0 (0 at x == 0); the file's own "dx"
        // (an expected value) is ignored.
        let relu = try #require(run.results.first)
        #expect(relu.output == (try Tensor<Float>([[0, 0, 2]])))
        #expect(relu.gradients.map(\.name) == ["dx"])
        #expect(relu.gradients.first?.tensor == (try Tensor<Float>([[0, 0, 2]])))
        let pool = try #require(run.results.last)
        #expect(pool.output.shape == [1, 2, 2, 1] && pool.output.scalars == [5, 6, 8, 9])
        #expect(pool.gradients.isEmpty)

        let reasons = Dictionary(run.failures.map { ($0.id, $0.reason) }, uniquingKeysWith: { $0 + " | " + $1 })
        let expectations: [(id: String, words: [String])] = [
            ("bad/unknown_op", ["unknown op 'conv3d'", "relu"]),
            ("bad/shape_mismatch", ["conv2d", "[1,3,3,1]", "[2,2,3,1]"]),
            ("bad/nan_input", ["input 'x'", "value 1", "nan"]),
            ("bad/overflow_input", ["input 'x'", "not finite", "1e39"]),
            ("bad/missing_tensor", ["missing input tensor 'w'", "x"]),
            ("bad/count", ["3 values", "[2,2]", "needs 4"]),
            ("bad/dy_shape", ["grads.dy", "[3]", "[2]"]),
            ("bad/padding", ["max_pool", "FULL"]),
            ("good/relu", ["duplicate id"]),
            ("#10", ["missing string 'id'"]),
        ]
        #expect(run.failures.count == expectations.count)
        for (id, words) in expectations {
            let reason = try #require(reasons[id], "no failure reported for \(id)")
            for word in words {
                #expect(reason.contains(word), "\(id): '\(reason)' does not mention '\(word)'")
            }
        }
    }

    /// FORMAT.md's op table, in its order.
    static let formatOps = [
        "conv2d", "depthwise_conv2d", "separable_conv2d", "max_pool", "avg_pool", "relu", "leaky_relu", "elu",
        "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
        "sigmoid_cross_entropy_with_logits", "dense", "batch_norm", "mean_squared_error", "resize",
    ]

    @Test func everyOpOfTheFormatIsDispatched() throws {
        #expect(Set(Self.formatOps).isSubset(of: ConformanceCase.supportedOps))
        // A case with no inputs reaches the op's own code, which asks for its first tensor.
        for op in ConformanceCase.supportedOps {
            let testCase = try ConformanceCase(.object(["id": .string(op), "op": .string(op)]))
            do {
                _ = try testCase.compute(with: Kernels(.reference))
                Issue.record("\(op) computed without inputs")
            } catch {
                #expect(error.convLabMessage.contains("missing input tensor"), "\(op): \(error.convLabMessage)")
            }
        }
    }

    @Test func aDocumentWithoutCasesOrOfAnotherFormatIsAFileError() throws {
        #expect(throws: ConvLabError.self) {
            try Conformance.run(JSONValue.parse(Array(#"{"format": "cnn-golden-v1"}"#.utf8)), kernels: Kernels(.reference))
        }
        #expect(throws: ConvLabError.self) {
            try Conformance.run(JSONValue.parse(Array(#"{"format": "other", "cases": []}"#.utf8)), kernels: Kernels(.reference))
        }
    }

    // MARK: - Files

    @Test func resultsFileIsWrittenWholeOrNotAtAll() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convlab-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases = folder.appendingPathComponent("cases.json").path
        let results = folder.appendingPathComponent("results.json").path

        // A truncated cases file: a file error with the offset, and no results file at all.
        let cut = try #require(Self.brokenCases.range(of: #""op": "conv3d""#))
        let truncated = String(Self.brokenCases[..<cut.lowerBound])  // ends in `{"id": "bad/unknown_op", `
        try Data(truncated.utf8).write(to: URL(fileURLWithPath: cases))
        do {
            _ = try Conformance.run(casesPath: cases, resultsPath: results, kernels: Kernels(.reference))
            Issue.record("a truncated file was accepted")
        } catch let ConvLabError.file(path, offset, _) {
            #expect(path == cases)
            #expect(offset == truncated.utf8.count)
        }
        #expect(!FileManager.default.fileExists(atPath: results))

        // The full file: the good cases are written, and the file reads back as the same format.
        try Data(Self.brokenCases.utf8).write(to: URL(fileURLWithPath: cases))
        let run = try Conformance.run(casesPath: cases, resultsPath: results, kernels: Kernels(.reference))
        #expect(run.failures.count == 10)
        let written = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: results))))
        #expect(written["format"] == .string("cnn-golden-v1"))
        guard case let .array(entries)? = written["cases"] else { Issue.record("no cases list"); return }
        #expect(entries.count == 2)
        let dx = try ConformanceCase.tensor(try #require(entries[0]["grads"]?["dx"]), name: "dx", op: "relu")
        #expect(dx.scalars == [0, 0, 2])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func writtenNumbersRoundTripAndNonFiniteValuesAreStrings() throws {
        let values: [Float] = [0.1, -3.4028235e38, 1.0e-45, Float(1).nextUp, -0.0, .nan, .infinity, -.infinity]
        let result = ConformanceResult(id: "t\"q", output: Tensor(values), gradients: [])
        let text = Conformance.resultsJSON([result], generator: "test")
        let parsed = try JSONValue.parse(Array(text.utf8))
        guard case let .array(entries)? = parsed["cases"], let y = entries.first?["outputs"]?["y"],
              case let .array(data)? = y["data"] else {
            Issue.record("unexpected results layout: \(text)")
            return
        }
        #expect(entries.first?["id"] == JSONValue.string("t\"q"))
        for (value, element) in zip(values.prefix(5), data) {
            #expect(element.floatValue?.bitPattern == value.bitPattern)
        }
        #expect(Array(data.suffix(3)) == [JSONValue.string("nan"), .string("inf"), .string("-inf")])
    }
}
