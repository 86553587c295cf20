import CapstoneKit
import ConvLab
import Foundation

// Experiment scaffold (temporary): candidates chosen by CAPSTONE_CANDIDATE.
public func capstoneDesign() -> CapstoneDesign {
    let env = ProcessInfo.processInfo.environment
    let candidate = env["CAPSTONE_CANDIDATE"] ?? "A"
    let epochs = Int(env["CAPSTONE_EPOCHS"] ?? "4") ?? 4
    let batch = Int(env["CAPSTONE_BATCH"] ?? "64") ?? 64
    let lr = Float(env["CAPSTONE_LR"] ?? "0.001") ?? 0.001
    let c1 = Int(env["CAPSTONE_C1"] ?? "16") ?? 16
    let c2 = Int(env["CAPSTONE_C2"] ?? "32") ?? 32
    let fc = Int(env["CAPSTONE_FC"] ?? "128") ?? 128
    switch candidate {
    case "B":
        return CapstoneDesign(name: "B bn \(c1)/\(c2)/\(fc) e\(epochs) b\(batch)", layers: {
            [Conv2D("conv1", kernel: 5, inputChannels: 1, filters: c1),
             BatchNorm("bn1", channels: c1), ActivationLayer("relu1", .relu),
             MaxPool2D("pool1"),
             Conv2D("conv2", kernel: 5, inputChannels: c1, filters: c2),
             BatchNorm("bn2", channels: c2), ActivationLayer("relu2", .relu),
             MaxPool2D("pool2"),
             Flatten("flatten"),
             Dense("fc1", inputs: 7 * 7 * c2, outputs: fc, activation: .relu),
             Dense("fc2", inputs: fc, outputs: 10)]
        }, optimizer: { .adam(learningRate: lr) }, batchSize: batch, epochs: epochs,
           learningRate: { e in lr * Float(pow(0.5, Double(max(0, e - 2)))) })
    default:
        return CapstoneDesign(name: "A \(c1)/\(c2)/\(fc) e\(epochs) b\(batch)", layers: {
            [Conv2D("conv1", kernel: 5, inputChannels: 1, filters: c1, activation: .relu),
             MaxPool2D("pool1"),
             Conv2D("conv2", kernel: 5, inputChannels: c1, filters: c2, activation: .relu),
             MaxPool2D("pool2"),
             Flatten("flatten"),
             Dense("fc1", inputs: 7 * 7 * c2, outputs: fc, activation: .relu),
             Dense("fc2", inputs: fc, outputs: 10)]
        }, optimizer: { .adam(learningRate: lr) }, batchSize: batch, epochs: epochs,
           learningRate: { e in lr * Float(pow(0.5, Double(max(0, e - 2)))) })
    }
}
