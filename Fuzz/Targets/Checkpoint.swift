import Foundation
import ConvLab
@testable import ConvLabCore
@testable import ConvLabFast
@testable import ConvLabData
@testable import ConvLabPictures
@testable import ConvLabNN
@testable import ConvLabCLI
@testable import ConvLabAnimation
@testable import ConvLabConformance
@testable import ConvLabBenchmark
@testable import ConvLabApplications

/// Checkpoint files as `convlab train --model mlp --resume` reads them: decode, restore into a
/// fresh MLP trainer (once with the recipe's gradient descent, which keeps no slots, once with
/// Adam, which keeps `m` and `v` per variable), and when that succeeds, train one small epoch
/// on the restored state.
let train = try! spiralPoints(perClass: 4, seed: 1)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let checkpoint = fuzzCheck({ try Checkpoint.decode(Data(bytes(data, size)), path: "fuzz.ckpt") }) else {
        return 0
    }
    let recipe = ModelRecipe.mlp
    for optimizer in [recipe.optimizer(), Optimizer.adam()] {
        let trainer = try! Trainer(model: try! recipe.build(seed: 1), optimizer: optimizer, loss: recipe.loss,
                                   kernels: Kernels(.reference), batchSize: 8, seed: 1)
        if fuzzCheck({ try checkpoint.restore(into: trainer, modelName: recipe.name, path: "fuzz.ckpt") }) != nil {
            _ = fuzzCheck { try trainer.trainEpoch(train, test: train) }
        }
    }
    return 0
}
