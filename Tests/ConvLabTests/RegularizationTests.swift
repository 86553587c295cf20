import ConvLab
import ConvLabTestSupport
import Testing

/// L2 weight decay, early stopping and shifted-image augmentation, each against numbers worked
/// out by hand.
@Suite("Regularization: L2 penalty, early stopping, shifted images")
struct RegularizationTests {
    private func variable(_ name: String, _ shape: [Int], _ values: [Float]) throws -> Variable {
        let v = Variable(name: name, shape: shape, initializer: .zeros)
        v.value = try Tensor(shape: shape, scalars: values)
        v.gradient = try Tensor(zeros: shape)
        return v
    }

    // Weights [[1, -2], [3, 0.5]] and a bias [4, 4]: lambda / 2 * (1 + 4 + 9 + 0.25) = 0.1 / 2 * 14.25
    // = 0.7125 (the bias is not decayed); the gradient gains 0.1 * w = [[0.1, -0.2], [0.3, 0.05]].
    @Test func penaltyAndGradientByHand() throws {
        let w = try variable("d/weights", [2, 2], [1, -2, 3, 0.5])
        let b = try variable("d/biases", [2], [4, 4])
        w.gradient = try Tensor(shape: [2, 2], scalars: [1, 1, 1, 1])
        let l2 = try L2Penalty(strength: 0.1)
        #expect(abs(l2.penalty([w, b]) - 0.7125) < 1e-6)   // lambda is the Float nearest 0.1
        try l2.addGradient(to: [w, b])
        let expected: [Float] = [1.1, 0.8, 1.3, 1.05]
        #expect(zip(w.gradient.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(w.gradient.scalars)")
        #expect(b.gradient.scalars == [0, 0])
    }

    // The gradient of the penalty is lambda * w: centred differences of penalty() agree.
    @Test func gradientIsTheDerivativeOfThePenalty() throws {
        let values: [Float] = [0.3, -1.2, 0.7, 2.0, -0.4, 0.9]
        let w = try variable("c/weights", [1, 2, 3, 1], values)
        let l2 = try L2Penalty(strength: 0.25)
        try l2.addGradient(to: [w])
        let h: Float = 1e-2
        func penalty(at i: Int, _ value: Float) throws -> Double {
            var moved = values
            moved[i] = value
            w.value = try Tensor(shape: w.shape, scalars: moved)
            return l2.penalty([w])
        }
        for i in values.indices {
            let up = try penalty(at: i, values[i] + h), down = try penalty(at: i, values[i] - h)
            let numeric = (up - down) / (2 * Double(h))
            #expect(abs(numeric - Double(w.gradient.scalars[i])) < 1e-5, "element \(i): \(numeric) vs \(w.gradient.scalars[i])")
        }
    }

    // With gradient descent, L2 is weight decay: w -= lr * (g + lambda w) = (1 - lr lambda) w - lr g.
    // w = 2, g = 0.5, lr = 0.1, lambda = 0.01: 0.999 * 2 - 0.05 = 1.948.
    @Test func gradientDescentWithL2DecaysTheWeight() throws {
        let w = try variable("w/weights", [1, 1], [2])
        w.gradient = try Tensor(shape: [1, 1], scalars: [0.5])
        try L2Penalty(strength: 0.01).addGradient(to: [w])
        try Optimizer.sgd(learningRate: 0.1).apply(to: [w])
        #expect(abs(w.value.scalars[0] - 1.948) < 1e-6)
    }

    @Test func badArgumentsThrow() throws {
        #expect(throws: ConvLabError.self) { try L2Penalty(strength: -1) }
        #expect(throws: ConvLabError.self) { try L2Penalty(strength: .nan) }
        let w = Variable(name: "w", shape: [2, 2], initializer: .zeros)
        w.gradient = try Tensor(zeros: [0])   // no backward pass yet
        #expect(throws: ConvLabError.self) { try L2Penalty(strength: 1).addGradient(to: [w]) }
        #expect(throws: ConvLabError.self) { try EarlyStopping(patience: 0) }
    }

    // Scores 0.50, 0.70, 0.60, 0.65, 0.69 with patience 3: the best is epoch 2, and epoch 5 is the
    // third in a row without beating it, so training stops there; the best weights come back.
    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let model = try Sequential([Dense("d", inputs: 1, outputs: 1)])
        var stopping = try EarlyStopping(patience: 3)
        var stops: [Bool] = []
        for (epoch, score) in [0.50, 0.70, 0.60, 0.65, 0.69].enumerated() {
            model.variables[0].value = try Tensor(shape: [1, 1], scalars: [Float(epoch + 1)])
            stops.append(stopping.record(epoch: epoch + 1, score: score, model: model))
        }
        #expect(stops == [false, false, false, false, true])
        #expect(stopping.best?.epoch == 2 && stopping.best?.score == 0.70)
        try stopping.restoreBest(into: model)
        #expect(model.variables[0].value.scalars == [2])
        let other = try Sequential([Dense("e", inputs: 2, outputs: 1)])
        #expect(throws: ConvLabError.self) { try stopping.restoreBest(into: other) }
        #expect(throws: ConvLabError.self) { try EarlyStopping(patience: 2).restoreBest(into: model) }
    }

    // A 3x4 image 1..12 moved down 1 and left 1: row 0 empties, each row takes the one above it
    // minus its first pixel, and the last column empties.
    @Test func shiftedImageByHand() throws {
        let examples = try LabeledExamples(inputs: Tensor(shape: [1, 3, 4, 1], scalars: (1...12).map(Float.init)),
                                           labels: [7], classes: 10)
        let moved = try examples.shifted(rows: 1, columns: -1)
        #expect(moved.inputs.scalars == [0, 0, 0, 0,
                                         2, 3, 4, 0,
                                         6, 7, 8, 0])
        #expect(moved.labels == [7])
        #expect(try examples.shifted(rows: 0, columns: 0).inputs.scalars == examples.inputs.scalars)
        #expect(throws: ConvLabError.self) { try examples.shifted(rows: 3, columns: 0) }
        #expect(throws: ConvLabError.self) { try examples.shifted(rows: -3, columns: 0) }
        #expect(throws: ConvLabError.self) { try examples.shifted(rows: 0, columns: .min) }   // no abs(Int.min) trap
        let flat = try LabeledExamples(inputs: Tensor(shape: [1, 12], scalars: Array(repeating: 1, count: 12)), labels: [0], classes: 2)
        #expect(throws: ConvLabError.self) { try flat.shifted(rows: 1, columns: 1) }
    }

    // Random shifts: the same seed gives the same images; each image is its original moved by
    // exactly one offset within the bound (found by trying them all), both extremes of the bound
    // occur on each axis among 30 images, and a blob away from the border keeps all its ink.
    @Test func randomShiftsAreSeededAndBounded() throws {
        let count = 30
        var scalars = [Float](repeating: 0, count: count * 64)
        for image in 0..<count {
            for y in 3...4 { for x in 3...4 { scalars[image * 64 + y * 8 + x] = Float(image + 1) } }
        }
        let examples = try LabeledExamples(inputs: Tensor(shape: [count, 8, 8, 1], scalars: scalars),
                                           labels: (0..<count).map { $0 % 4 }, classes: 4)
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = try examples.randomlyShifted(maxShift: 2, generator: &a)
        let second = try examples.randomlyShifted(maxShift: 2, generator: &b)
        #expect(first.inputs.scalars == second.inputs.scalars)
        #expect(first.labels == examples.labels)
        var offsets: [(Int, Int)] = []
        for image in 0..<count {
            let pixels = (image * 64)..<((image + 1) * 64)
            let moved = Array(first.inputs.scalars[pixels])
            #expect(moved.reduce(0, +) == examples.inputs.scalars[pixels].reduce(0, +))
            let single = try LabeledExamples(inputs: Tensor(shape: [1, 8, 8, 1], scalars: Array(examples.inputs.scalars[pixels])),
                                             labels: [0], classes: 4)
            let found = try cartesian(Array(-3...3), Array(-3...3)).filter { dy, dx in
                try single.shifted(rows: dy, columns: dx).inputs.scalars == moved
            }
            #expect(found.count == 1 && found.allSatisfy { abs($0.0) <= 2 && abs($0.1) <= 2 }, "image \(image): \(found)")
            offsets += found
        }
        #expect(Set(offsets.map(\.0)) == [-2, -1, 0, 1, 2] && Set(offsets.map(\.1)) == [-2, -1, 0, 1, 2], "\(offsets)")
        #expect(throws: ConvLabError.self) { try examples.randomlyShifted(maxShift: -1, generator: &a) }
        #expect(throws: ConvLabError.self) { try examples.randomlyShifted(maxShift: 8, generator: &a) }
    }
}
