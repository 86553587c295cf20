import ConvLabCore
import ConvLabNN

/// The lecture 7 convnet (`ModelRecipe.lecture7`: the training helper's layers, trainer and Adam)
/// timed on the fast path: one training step is forward + softmax cross-entropy + backward +
/// Adam on one batch; inference is the forward pass in evaluation mode.
package struct ConvnetBenchmark {
    package let batch: Int
    let trainer: Trainer
    let images: Tensor<Float>
    let labels: Tensor<Float>

    /// A freshly initialized lecture 7 convnet and one random batch of MNIST-shaped images.
    package init(batch: Int, kernels: Kernels = Kernels(.fast), seed: UInt64 = 11) throws {
        let recipe = ModelRecipe.lecture7
        let model = try recipe.build(seed: seed)
        trainer = try Trainer(model: model, optimizer: recipe.optimizer(), loss: recipe.loss,
                              kernels: kernels, batchSize: batch, seed: seed)
        var generator = SeededGenerator(seed: seed)
        images = ExampleValues.uniform(1).tensor([batch] + recipe.exampleShape, generator: &generator)
        var oneHot = [Float](repeating: 0, count: batch * 10)
        for n in 0..<batch { oneHot[n * 10 + generator.nextInt(below: 10)] = 1 }
        labels = Tensor(uncheckedShape: [batch, 10], scalars: oneHot)
        self.batch = batch
    }

    /// One training step; returns the loss.
    @discardableResult
    package func trainStep() throws -> Float {
        try trainer.step(inputs: images, oneHot: labels)
    }

    /// One inference pass; returns the logits.
    @discardableResult
    package func infer() throws -> Tensor<Float> {
        try trainer.model.forward(images, context: LayerContext(kernels: trainer.kernels, mode: .evaluation))
    }

    /// Seconds per call of each layer's forward and backward pass, in layer order, for finding
    /// where a step's time goes (`convlab bench --layers`): wall-clock seconds (what the threads
    /// save) and CPU seconds of the whole process (what they cost; see `bestTimes`).
    package func layerTimes(repeats: Int) throws
        -> [(name: String, forward: (wall: Double, cpu: Double), backward: (wall: Double, cpu: Double))] {
        let context = LayerContext(kernels: trainer.kernels, mode: .training)
        var result: [(name: String, forward: (wall: Double, cpu: Double), backward: (wall: Double, cpu: Double))] = []
        var inputs: [Tensor<Float>] = []
        var x = images
        for layer in trainer.model.layers {
            inputs.append(x)
            let input = x
            let forward = try bestTimes(repeats: repeats) { x = try layer.forward(input, context: context) }
            result.append((layer.name + " (" + layer.kind + ")", forward, (0, 0)))
        }
        var generator = SeededGenerator(seed: 99)
        var dy = ExampleValues.uniform(1).tensor(x.shape, generator: &generator)
        for (index, layer) in trainer.model.layers.enumerated().reversed() {
            let upstream = dy
            let input = inputs[index]
            _ = try layer.forward(input, context: context)  // restore the layer's cache for this input
            // The first layer as a training step runs it: its input's gradient is not computed.
            result[index].backward = try bestTimes(repeats: repeats) {
                if index == 0 { try layer.backwardParameters(upstream, context: context) } else { dy = try layer.backward(upstream, context: context) }
            }
        }
        return result
    }
}

