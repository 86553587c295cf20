import CapstoneKit
import ConvLab
import Foundation

// The capstone · reference design   (lecture modules 11 and 15)
// Run: swift run exercises capstone --reference
//
// Two 5x5 convolutions of 16 and 32 filters (a quarter and a half of CS 20SI lecture 7's 32 and
// 64), each followed by 2x2 max pooling, then a dense layer of 128 (lecture 7: 1024), then the
// 10 logits. About 3.0 million multiply-adds per digit against lecture 7's 13.5 million, and
// 215,370 parameters against 3,274,634. Adam at lecture 7's 0.001 for two epochs, then halved
// each epoch; four epochs over the 60,000 digits, batches of 64.
// Measured figures and the machine they come from: Exercises/README.md, "The capstone".

/// The reference design.
public func capstoneDesign() -> CapstoneDesign {
    CapstoneDesign(
        name: "reference: conv5x5x16, pool, conv5x5x32, pool, fc128",
        layers: {
            [Conv2D("conv1", kernel: 5, inputChannels: 1, filters: 16, activation: .relu),
             MaxPool2D("pool1"),
             Conv2D("conv2", kernel: 5, inputChannels: 16, filters: 32, activation: .relu),
             MaxPool2D("pool2"),
             Flatten("flatten"),
             Dense("fc1", inputs: 7 * 7 * 32, outputs: 128, activation: .relu),
             Dense("fc2", inputs: 128, outputs: 10)]
        },
        optimizer: { .adam(learningRate: 0.001) },
        batchSize: 64,
        epochs: 4,
        learningRate: { epoch in epoch <= 2 ? 0.001 : 0.001 * Float(pow(0.5, Double(epoch - 2))) })
}
