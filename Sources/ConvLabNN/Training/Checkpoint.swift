import Foundation
import ConvLabCore
import ConvLabData

/// A checkpoint: the model's variables, the optimizer's slots and step, and the epoch history,
/// in one file written atomically (a temporary file in the same folder, then `rename`), so a
/// crash never leaves a half-written checkpoint behind.
///
/// Layout (all integers and floats little-endian):
///
///     bytes 0..<8    "CONVLAB1"
///     bytes 8..<12   UInt32 H, the length of the header
///     H bytes        JSON header: model name, seed, optimizer step and learning rate, history,
///                    and the list of tensors (name, shape) in storage order
///     the rest       each tensor's Float32 scalars, row-major, in the header's order
package struct Checkpoint: Sendable {
    package struct Header: Codable, Sendable {
        package var model: String
        package var seed: UInt64
        package var optimizerStep: Int
        package var learningRate: Float
        package var history: [EpochRecord]
        package var tensors: [TensorEntry]
    }

    package struct TensorEntry: Codable, Sendable {
        package var name: String
        package var shape: [Int]
    }

    static let magic = Array("CONVLAB1".utf8)
    /// Optimizer slots are stored under this prefix: `optimizer/conv1/weights/m`.
    static let slotPrefix = "optimizer/"

    package var header: Header
    package var tensors: [String: Tensor<Float>]

    /// Captures a trainer's state.
    package init(modelName: String, trainer: Trainer) {
        var entries = [TensorEntry]()
        var tensors = [String: Tensor<Float>]()
        for variable in trainer.model.variables {
            entries.append(TensorEntry(name: variable.name, shape: variable.shape))
            tensors[variable.name] = variable.value
        }
        for (name, slot) in trainer.optimizer.slots.sorted(by: { $0.key < $1.key }) {
            entries.append(TensorEntry(name: Checkpoint.slotPrefix + name, shape: slot.shape))
            tensors[Checkpoint.slotPrefix + name] = slot
        }
        header = Header(model: modelName, seed: trainer.seed, optimizerStep: trainer.optimizer.step,
                        learningRate: trainer.optimizer.learningRate, history: trainer.history, tensors: entries)
        self.tensors = tensors
    }

    /// The file's bytes.
    package func encoded() throws -> Data {
        let json = try JSONEncoder().encode(header)
        var data = Data(Checkpoint.magic)
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for entry in header.tensors {
            guard let tensor = tensors[entry.name] else { continue }
            var bits = [UInt32]()
            bits.reserveCapacity(tensor.count)
            for value in tensor.scalars { bits.append(value.bitPattern.littleEndian) }
            bits.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes to `path` atomically: `path.tmp-<pid>` in the same folder, then `rename`.
    /// - Throws: `ConvLabError.file` naming the path when writing or renaming fails.
    package func save(to path: String) throws {
        try FileIO.writeAtomically([UInt8](try encoded()), to: path)
    }

    /// Reads and validates a checkpoint file.
    /// - Throws: `ConvLabError.file` with the path and the byte offset where the file stops
    ///   making sense (wrong magic, a header that is not JSON or lacks a field, a shape beyond
    ///   `TensorShape.maximumExtent`, a truncated tensor, trailing bytes), or naming the path
    ///   when it is a directory or larger than `FileIO.defaultReadLimit`.
    package static func load(from path: String) throws -> Checkpoint {
        try decode(Data(try FileIO.read(path, kind: "a checkpoint")), path: path)
    }

    static func decode(_ data: Data, path: String) throws -> Checkpoint {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<8]) == magic else {
            throw ConvLabError.file(path: path, offset: 0, message: "not a ConvLab checkpoint (no CONVLAB1 magic)")
        }
        let headerLength = Int(readLittleEndian32(bytes, at: 8))
        guard headerLength <= bytes.count - 12 else {
            throw ConvLabError.file(path: path, offset: bytes.count,
                                    message: "the header claims \(headerLength) bytes but the file ends first")
        }
        let header = try decodeHeader(Array(bytes[12..<(12 + headerLength)]), path: path)
        var offset = 12 + headerLength
        var tensors = [String: Tensor<Float>]()
        for (index, entry) in header.tensors.enumerated() {
            func fail(_ message: String) -> ConvLabError {
                .file(path: path, offset: 12, message: "header tensors[\(index)] '\(entry.name)': \(message)")
            }
            // The one checked product of TensorShape: [2^32, 2^32] is an error, not an overflow.
            let count: Int
            do {
                count = try TensorShape.elementCount(entry.shape, op: "checkpoint")
            } catch let ConvLabError.shape(_, message) {
                throw fail(message)
            }
            guard tensors[entry.name] == nil else { throw fail("a second tensor of this name") }
            let byteCount = 4 * count   // count <= 2^31 - 1: no overflow
            guard byteCount <= bytes.count - offset else {
                throw ConvLabError.file(path: path, offset: bytes.count,
                    message: "truncated: \(entry.name) \(describeShape(entry.shape)) needs \(byteCount) bytes from offset \(offset)")
            }
            let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    buffer[i] = Float(bitPattern: readLittleEndian32(bytes, at: offset + 4 * i))
                }
                initialized = count
            }
            tensors[entry.name] = try Tensor(shape: entry.shape, scalars: scalars)
            offset += byteCount
        }
        guard offset == bytes.count else {
            throw ConvLabError.file(path: path, offset: offset, message: "\(bytes.count - offset) unexpected bytes after the last tensor")
        }
        return Checkpoint(header: header, tensors: tensors)
    }

    /// The JSON header (the bytes after the 12-byte prefix), checked in two passes: ConvLab's own
    /// JSON reader first, whose errors name the byte (counted from the start of the file), then
    /// the fields, whose errors name the field.
    static func decodeHeader(_ json: [UInt8], path: String) throws -> Header {
        do {
            _ = try JSONValue.parse(json, path: path)
        } catch let ConvLabError.file(_, offset, message) {
            throw ConvLabError.file(path: path, offset: offset.map { $0 + 12 }, message: "header: \(message)")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch let error as DecodingError {
            throw ConvLabError.file(path: path, offset: 12, message: "header: \(describe(error))")
        }
        func fail(_ field: String, _ message: String) -> ConvLabError {
            .file(path: path, offset: 12, message: "header field \(field): \(message)")
        }
        guard (0...Optimizer.maximumStep).contains(header.optimizerStep) else {
            throw fail("optimizerStep", "\(header.optimizerStep) is outside 0...\(Optimizer.maximumStep)")
        }
        for (index, record) in header.history.enumerated() where record.epoch != index + 1 {
            throw fail("history[\(index)].epoch", "is \(record.epoch), but the epochs of a history count 1, 2, 3, ...")
        }
        return header
    }

    /// "tensors[2].shape: expected an array of integers": a decoding error by the field it is about.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context.codingPath)
            return "field \(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is missing"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "field \(path(context.codingPath)) is not a valid \(type)"
        case let .dataCorrupted(context):
            return "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private init(header: Header, tensors: [String: Tensor<Float>]) {
        self.header = header
        self.tensors = tensors
    }

    /// Copies the saved state into a trainer whose model has the same variables.
    ///
    /// Every tensor is checked first against the variable or optimizer slot it restores (its
    /// name, shape and element count, and for a slot whether the optimizer has such a slot);
    /// nothing is copied unless all of them fit, so a bad file leaves the trainer as it was.
    /// - Throws: `ConvLabError.argument` when the checkpoint belongs to another model, a
    ///   variable is missing or has another shape, a tensor restores nothing, or a slot does not
    ///   match its variable or the optimizer.
    package func restore(into trainer: Trainer, modelName: String, path: String = "checkpoint") throws {
        func fail(_ message: String) -> ConvLabError { .argument(op: "resume", message: "\(path): \(message)") }
        guard header.model == modelName else {
            throw fail("holds model '\(header.model)', not '\(modelName)'")
        }
        var variables = [String: Variable]()
        var values = [(Variable, Tensor<Float>)]()
        for variable in trainer.model.variables {
            variables[variable.name] = variable
            guard let saved = tensors[variable.name] else { throw fail("has no \(variable.name)") }
            guard saved.shape == variable.shape, saved.count == variable.value.count else {
                throw fail("\(variable.name) is \(describeShape(saved.shape)) in the file but \(describeShape(variable.shape)) in the model")
            }
            values.append((variable, saved))
        }
        let slotNames = trainer.optimizer.slotNames
        var slots = [String: Tensor<Float>]()
        for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) where variables[name] == nil {
            guard name.hasPrefix(Checkpoint.slotPrefix) else {
                throw fail("tensor '\(name)' is neither a variable of \(modelName) nor an optimizer slot")
            }
            // "optimizer/conv1/weights/m": the variable's own name has slashes, the slot's does not.
            let key = String(name.dropFirst(Checkpoint.slotPrefix.count))
            let slash = key.lastIndex(of: "/") ?? key.startIndex
            let variableName = String(key[..<slash]), slot = String(key[slash...].dropFirst())
            guard let variable = variables[variableName], variable.trainable else {
                throw fail("optimizer slot '\(name)' belongs to no trainable variable of \(modelName)")
            }
            guard slotNames.contains(slot) else {
                throw fail("optimizer slot '\(name)': \(trainer.optimizer.description) keeps "
                    + (slotNames.isEmpty ? "no slots" : "only " + slotNames.joined(separator: ", ")))
            }
            guard tensor.shape == variable.shape, tensor.count == variable.value.count else {
                throw fail("optimizer slot '\(name)' is \(describeShape(tensor.shape)) but \(variableName) is \(describeShape(variable.shape))")
            }
            slots[key] = tensor
        }
        guard (0...Optimizer.maximumStep).contains(header.optimizerStep) else {
            throw fail("optimizer step \(header.optimizerStep) is outside 0...\(Optimizer.maximumStep)")
        }
        for (variable, value) in values { variable.value = value }
        trainer.optimizer.slots = slots
        trainer.optimizer.step = header.optimizerStep
        trainer.restore(history: header.history)
    }
}
