import ConvLabCore
import ConvLabData

/// `convlab train --trace DIR`: everything another library needs to replay the run step by step
/// (`Benchmarks/tf_same_masks.py` feeds it to TensorFlow):
///
/// - `DIR/initial.ckpt`: the weights before the first step (a `Checkpoint`, no optimizer slots);
/// - `DIR/steps.jsonl`: one line per training step,
///   `{"step":1,"epoch":1,"loss":2.3045382,"masks":[[128,1024]],"examples":[0,1,...]}`: the loss
///   as the shortest decimal that reads back to the same Float, the shape of each dropout layer's
///   mask in layer order, and the indices of the batch's training examples;
/// - `DIR/masks.bits`: every step's masks one after another, one bit per unit (1 = kept), row-major,
///   eight units to a byte with the first unit in the highest bit (`numpy.unpackbits`' order);
///   the last byte is padded with zeros.
///
/// Both files are rewritten atomically after every epoch, so a trace can be read while the
/// run goes on.
package final class TrainingTrace {
    package let directory: String
    /// The training steps recorded so far.
    package private(set) var steps = 0
    private var lines = ""
    private var bits = [UInt8]()
    private var bitCount = 0

    /// Creates `directory`, writes `initial.ckpt` from the trainer's current weights and records
    /// every later training step of `trainer` (it takes the trainer's `onStep`).
    /// - Throws: `ConvLabError.file` when the directory or the checkpoint cannot be written.
    package init(directory: String, trainer: Trainer, modelName: String) throws {
        self.directory = directory
        try FileIO.createDirectory(directory)
        try Checkpoint(modelName: modelName, trainer: trainer).save(to: FileIO.join(directory, "initial.ckpt"))
        let dropouts = trainer.model.layers.compactMap { $0 as? Dropout }
        trainer.onStep = { step in self.record(step, masks: dropouts.map(\.mask)) }
    }

    private func record(_ step: TrainingStep, masks: [Tensor<Float>?]) {
        steps += 1
        let shapes = masks.map { mask in "[" + (mask?.shape ?? []).map(String.init).joined(separator: ",") + "]" }
        lines += "{\"step\":\(step.step),\"epoch\":\(step.epoch),\"loss\":\(step.loss),"
            + "\"masks\":[\(shapes.joined(separator: ","))],\"examples\":[\(step.examples.map(String.init).joined(separator: ","))]}\n"
        for case let mask? in masks {
            for value in mask.scalars {
                if bitCount % 8 == 0 { bits.append(0) }
                if value != 0 { bits[bits.count - 1] |= UInt8(0x80) >> UInt8(bitCount % 8) }
                bitCount += 1
            }
        }
    }

    /// Writes both files (atomically, replacing the previous epoch's).
    /// - Throws: `ConvLabError.file` when a file cannot be written.
    package func write() throws {
        try FileIO.writeAtomically(lines, to: FileIO.join(directory, "steps.jsonl"))
        try FileIO.writeAtomically(bits, to: FileIO.join(directory, "masks.bits"))
    }
}
