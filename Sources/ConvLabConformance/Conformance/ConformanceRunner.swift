import ConvLabCore
import ConvLabData
import ConvLabNN

/// What the runner computed for one case: the output `y` and, when the case gave `dy`, the
/// gradient of `L = sum(y * dy)` for each differentiable input, named `"d" + input`.
package struct ConformanceResult: Sendable {
    package let id: String
    package let output: Tensor<Float>
    package let gradients: [(name: String, tensor: Tensor<Float>)]
}

/// A case the runner could not compute, and why. It is left out of the results file, so the
/// checker counts it as missing.
package struct ConformanceFailure: Sendable, CustomStringConvertible {
    /// The case id, or `#index` when the case has no readable id.
    package let id: String
    package let reason: String
    package var description: String { "case \(id): \(reason)" }
}

/// The outcome of running a cases file.
package struct ConformanceRun: Sendable {
    package var results: [ConformanceResult] = []
    package var failures: [ConformanceFailure] = []
    /// How many cases the file held.
    package var caseCount = 0
}

/// The conformance runner: reads a `cnn-golden-v1` cases file, computes every case with
/// ConvLab's own ops on a chosen `Kernels` path, and writes a results file in the same format
/// (spec: `../shared/conformance/FORMAT.md`; checker: `compare.py`).
///
/// A case that cannot be computed (unknown op, bad shapes, missing or non-finite tensor) is
/// reported with its id and left out; the other cases still come out. Only a file that is not
/// valid JSON, or has no `cases` list, stops the whole run.
package enum Conformance {
    package static let formatName = "cnn-golden-v1"

    /// Computes every case of a parsed cases document.
    /// - Throws: `ConvLabError.file` only when the document has no usable `cases` list or names
    ///   another format; per-case problems are collected in `failures` instead.
    package static func run(_ document: JSONValue, kernels: Kernels, path: String = "<cases>",
                           budget: ConformanceBudget = .standard) throws -> ConformanceRun {
        if let format = document["format"], format != .string(formatName) {
            throw ConvLabError.file(path: path, offset: nil, message: "format is \(format), expected \"\(formatName)\"")
        }
        var caseValues: [JSONValue]
        switch document["cases"] {
        case let .array(list)?:
            caseValues = list
        case let .object(byID)?:  // {"cases": {id: case}} is accepted too, as compare.py does
            caseValues = byID.keys.sorted().map { id in
                guard case var .object(members)? = byID[id] else { return byID[id]! }
                members["id"] = .string(id)
                return .object(members)
            }
        default:
            throw ConvLabError.file(path: path, offset: nil, message: "no 'cases' list at the top level")
        }
        var run = ConformanceRun()
        run.caseCount = caseValues.count
        var seen = Set<String>()
        for (index, value) in caseValues.enumerated() {
            var id = "#\(index)"
            do {
                let testCase = try ConformanceCase(value, budget: budget)
                id = testCase.id
                guard seen.insert(id).inserted else {
                    throw ConvLabError.argument(op: "case", message: "duplicate id; only the first case with this id is computed")
                }
                run.results.append(try testCase.compute(with: kernels))
            } catch {
                run.failures.append(ConformanceFailure(id: id, reason: error.convLabMessage))
            }
        }
        return run
    }

    /// The largest cases file read (64 MiB; TF's dev set is 0.5 MB): its parsed form takes
    /// several times its size in memory.
    package static let maximumCasesFileBytes = 1 << 26

    /// Reads `casesPath`, computes every case and writes `resultsPath` whole or not at all.
    /// - Throws: `ConvLabError.file` when the cases file cannot be read (a directory, a file over
    ///   `maximumCasesFileBytes`) or parsed (with the byte offset) or the results file cannot be
    ///   written.
    package static func run(casesPath: String, resultsPath: String, kernels: Kernels) throws -> ConformanceRun {
        let bytes = try FileIO.read(casesPath, limit: maximumCasesFileBytes, kind: "a cases file")
        let document = try JSONValue.parse(bytes, path: casesPath)
        let run = try run(document, kernels: kernels, path: casesPath)
        let text = resultsJSON(run.results, generator: "ConvLab conformance runner (\(kernels.path) path)")
        try FileIO.writeAtomically(text, to: resultsPath)  // the whole file or none of it
        return run
    }

    // MARK: - Writing

    /// The results document: `{"format": "cnn-golden-v1", "generator": ..., "cases": [...]}` with
    /// one line per case. Numbers are written in Swift's shortest round-trip form, so reading
    /// them back as float32 gives the same bits; NaN and infinities are written as the strings
    /// `"nan"`, `"inf"`, `"-inf"` (which the checker accepts and fails).
    package static func resultsJSON(_ results: [ConformanceResult], generator: String) -> String {
        var text = "{\"format\":\"\(formatName)\",\"generator\":\(jsonString(generator)),\"cases\":[\n"
        for (index, result) in results.enumerated() {
            text += "{\"id\":\(jsonString(result.id)),\"outputs\":{\"y\":\(jsonTensor(result.output))}"
            if !result.gradients.isEmpty {
                text += ",\"grads\":{"
                text += result.gradients.map { "\(jsonString($0.name)):\(jsonTensor($0.tensor))" }.joined(separator: ",")
                text += "}"
            }
            text += index + 1 < results.count ? "},\n" : "}\n"
        }
        return text + "]}\n"
    }

    static func jsonTensor(_ tensor: Tensor<Float>) -> String {
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        let data = tensor.scalars.map { value -> String in
            if value.isNaN { return "\"nan\"" }
            if value.isInfinite { return value > 0 ? "\"inf\"" : "\"-inf\"" }
            return "\(value)"
        }.joined(separator: ",")
        return "{\"shape\":[\(shape)],\"data\":[\(data)]}"
    }

    static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
