import ConvLab
import ConvLabTestSupport
import Testing

/// One pooling configuration of the gradient-check sweep.
struct PoolCase: CustomStringConvertible, Sendable {
    var shape: [Int]
    var window: Size2
    var strides: Size2
    var padding: Padding

    var overlaps: Bool { strides.h < window.h || strides.w < window.w }
    var description: String { "input \(describeShape(shape)) window \(window) strides \(strides) \(padding)" }

    /// Strides 1-3, SAME and VALID, odd, even and non-square windows, batch and channels > 1,
    /// non-square images. VALID windows that do not fit the image are left out.
    static let sweep: [PoolCase] = {
        var cases: [PoolCase] = []
        for shape in [[2, 5, 6, 2], [1, 7, 4, 3]] {
            for window in [Size2(2, 2), Size2(3, 3), Size2(2, 3)] {
                for strides in [Size2(1, 1), Size2(2, 2), Size2(3, 3), Size2(1, 2)] {
                    for padding in Padding.allCases {
                        if padding == .valid && (window.h > shape[1] || window.w > shape[2]) { continue }
                        cases.append(PoolCase(shape: shape, window: window, strides: strides, padding: padding))
                    }
                }
            }
        }
        return cases
    }()
}

/// Distinct values 0.05 apart, shuffled: no two cells of a window tie, and a centred difference
/// with h = 1e-5 never changes which cell wins a max.
private func distinctTensor(_ shape: [Int], seed: UInt64) throws -> Tensor<Double> {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Double($0 - count / 2) * 0.05 + 0.01 }
    var generator = SeededGenerator(seed: seed)
    values.shuffle(using: &generator)
    return try Tensor(shape: shape, scalars: values)
}

/// The worst relative error between `analytic` and the centred-difference gradient of
/// `L = sum(f(x) * dOutput)`.
private func gradientError(_ f: (Tensor<Double>) throws -> Tensor<Double>, at x: Tensor<Double>,
                           dOutput: Tensor<Double>, analytic: Tensor<Double>) throws -> GradientReport {
    let numeric = try numericalGradient(of: f, at: x, upstream: dOutput)
    return gradientReport(analytic: analytic, numeric: numeric, input: x)
}

// MARK: - Known-wrong max-pool backward passes (they must fail the gradient check)

/// WRONG: assigns (`=`) the upstream gradient instead of accumulating it, so an element that
/// wins several overlapping windows keeps only the last window's gradient.
private func maxPoolBackwardAssigning(_ x: Tensor<Double>, dOutput: Tensor<Double>,
                                      window: Size2, strides: Size2, padding: Padding) throws -> Tensor<Double> {
    let g = try PoolGeometry(input: x.shape, windowSize: window, strides: strides, padding: padding)
    var dInput = try Tensor<Double>(zeros: x.shape)
    for n in 0..<g.batch {
        for i in 0..<g.rows.output {
            for j in 0..<g.cols.output {
                for c in 0..<g.channels {
                    var best: [Int] = []
                    for a in 0..<window.h {
                        for b in 0..<window.w {
                            let row = i * strides.h + a - g.rows.padBefore
                            let col = j * strides.w + b - g.cols.padBefore
                            if row < 0 || row >= g.rows.input || col < 0 || col >= g.cols.input { continue }
                            if best.isEmpty || x[n, row, col, c] > x[best[0], best[1], best[2], c] {
                                best = [n, row, col]
                            }
                        }
                    }
                    dInput[best[0], best[1], best[2], c] = dOutput[n, i, j, c]  // the bug: = instead of +=
                }
            }
        }
    }
    return dInput
}

/// WRONG: routes each input cell's gradient from output `(floor(row / sh), floor(col / sw))`
/// when the cell equals that output's maximum. Right only when the windows tile the image
/// exactly (stride == window, VALID); with overlaps it misses every other window.
private func maxPoolBackwardTiling(_ x: Tensor<Double>, dOutput: Tensor<Double>,
                                   window: Size2, strides: Size2, padding: Padding) throws -> Tensor<Double> {
    let y = try Reference.maxPoolForward(x, windowSize: window, strides: strides, padding: padding)
    var dInput = try Tensor<Double>(zeros: x.shape)
    for n in 0..<x.shape[0] {
        for row in 0..<x.shape[1] {
            for col in 0..<x.shape[2] {
                for c in 0..<x.shape[3] {
                    let i = row / strides.h, j = col / strides.w  // the bug: no search over windows
                    if i >= y.shape[1] || j >= y.shape[2] { continue }
                    if x[n, row, col, c] == y[n, i, j, c] { dInput[n, row, col, c] = dOutput[n, i, j, c] }
                }
            }
        }
    }
    return dInput
}

@Suite("pooling: worked examples, gradient checks, errors")
struct PoolingTests {
    // MARK: - Worked examples

    // tutorial #03 (Yonsei), "Max pooling, kernel size = 2, stride = 2, padding = 'SAME'":
    // [[7,2,-4,2],[6,-7,9,3],[3,-3,-4,2],[-5,5,6,10]] -> [[7,9],[5,10]]
    @Test func tutorialMaxPoolExample() throws {
        let image = try Tensor<Double>(image: [[7, 2, -4, 2], [6, -7, 9, 3], [3, -3, -4, 2], [-5, 5, 6, 10]])
        let y = try Reference.maxPoolForward(image, windowSize: 2, strides: 2, padding: .same)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(try y.reshaped([2, 2]).description == "[[7, 9], [5, 10]]")

        // Backward with dy = 1 everywhere marks the four winners: 7, 9, 5 and 10.
        let dInput = try Reference.maxPoolBackward(image, dOutput: try Tensor(shape: [1, 2, 2, 1], repeating: 1),
                                                   windowSize: 2, strides: 2, padding: .same)
        #expect(try dInput.reshaped([4, 4]).description
                == "[[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 1, 0, 1]]")

        let yFloat = try Reference.maxPoolForward(Tensor<Float>(image), windowSize: 2, strides: 2, padding: .same)
        #expect(yFloat.scalars == [7, 9, 5, 10])
    }

    // lab 11-0's 3x3 toy image [[1,2,3],[4,5,6],[7,8,9]], 2x2 average pool, stride 1, SAME:
    // TF pads one row and one column at the bottom/right and divides by the real cells only,
    // so the corner (2,2) is 9/1, the right border (0,2) is (3+6)/2, the interior (0,0) is 12/4.
    // (The lab's 2x2 ones conv, SAME, [[12,16,9],[24,28,15],[15,17,9]], is the window sum.)
    @Test func averagePoolSameDividesByRealCells() throws {
        let image = try Tensor<Double>(image: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let y = try Reference.avgPoolForward(image, windowSize: 2, strides: 1, padding: .same)
        #expect(try y.reshaped([3, 3]).description == "[[3, 4, 4.5], [6, 7, 7.5], [7.5, 8.5, 9]]")

        // Backward: the corner window's whole gradient goes to its one real cell.
        var dy = try Tensor<Double>(zeros: [1, 3, 3, 1])
        dy[0, 2, 2, 0] = 1
        let dInput = try Reference.avgPoolBackward(image, dOutput: dy, windowSize: 2, strides: 1, padding: .same)
        #expect(dInput[0, 2, 2, 0] == 1)
        #expect(dInput.sum() == 1)

        // VALID: every window is whole, so the divisor is 4 everywhere.
        let valid = try Reference.avgPoolForward(image, windowSize: 2, strides: 1, padding: .valid)
        #expect(try valid.reshaped([2, 2]).description == "[[3, 4], [6, 7]]")
    }

    // Max pool SAME ignores padded cells: an all-negative image must not pick up a padded 0.
    @Test func maxPoolIgnoresPadding() throws {
        let image = try Tensor<Double>(image: [[-5, -4, -3], [-2, -6, -7], [-9, -8, -1]])
        let y = try Reference.maxPoolForward(image, windowSize: 2, strides: 2, padding: .same)
        // 3 / 2 -> 2 outputs, pad total 1 at the bottom/right.
        #expect(try y.reshaped([2, 2]).description == "[[-2, -3], [-8, -1]]")
    }

    // Tie rule (TF's CPU MaxPoolGrad): the first maximum in row-major window order wins.
    @Test func maxPoolTieGoesToFirstInRowMajorOrder() throws {
        let image = try Tensor<Double>(image: [[1, 3], [3, 2]])
        let dy = try Tensor<Double>(shape: [1, 1, 1, 1], scalars: [5])
        let dInput = try Reference.maxPoolBackward(image, dOutput: dy, windowSize: 2, strides: 2, padding: .valid)
        #expect(try dInput.reshaped([2, 2]).description == "[[0, 5], [0, 0]]")
    }

    // Overlapping windows: 3 wins both windows of [1, 3, 2] (window 1x2, stride 1) and
    // receives both gradients, 1 + 10.
    @Test func maxPoolAccumulatesWhereWindowsOverlap() throws {
        let x = try Tensor<Double>(image: [[1, 3, 2]])
        let dy = try Tensor<Double>(shape: [1, 1, 2, 1], scalars: [1, 10])
        let dInput = try Reference.maxPoolBackward(x, dOutput: dy, windowSize: [1, 2], strides: 1, padding: .valid)
        #expect(dInput.scalars == [0, 11, 0])
    }

    // MARK: - Gradient checks (Double)

    // Max pool is piecewise linear and the inputs are 0.05 apart, so the centred difference is
    // exact up to rounding: expected relative error ~1e-10; asserted <= 1e-5 (a kink op).
    @Test func maxPoolGradientSweep() throws {
        var worst = 0.0
        for (k, c) in PoolCase.sweep.enumerated() {
            let x = try distinctTensor(c.shape, seed: UInt64(100 + k))
            let y = try Reference.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
            let dy = randomTensor(y.shape, seed: UInt64(200 + k))
            let analytic = try Reference.maxPoolBackward(x, dOutput: dy, windowSize: c.window,
                                                         strides: c.strides, padding: c.padding)
            let report = try gradientError({ try Reference.maxPoolForward($0, windowSize: c.window,
                                                                          strides: c.strides, padding: c.padding) },
                                           at: x, dOutput: dy, analytic: analytic)
            worst = max(worst, report.relativeError)
            #expect(report.relativeError <= 1e-5, "\(c): \(report)")
        }
        print("[gradcheck] maxPoolBackward: \(PoolCase.sweep.count) cases, worst relative error \(worst)")
    }

    // Average pool is linear: expected relative error ~1e-10; asserted <= 1e-7 (smooth).
    @Test func avgPoolGradientSweep() throws {
        var worst = 0.0
        for (k, c) in PoolCase.sweep.enumerated() {
            let x = randomTensor(c.shape, seed: UInt64(300 + k))
            let y = try Reference.avgPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
            let dy = randomTensor(y.shape, seed: UInt64(400 + k))
            let analytic = try Reference.avgPoolBackward(x, dOutput: dy, windowSize: c.window,
                                                         strides: c.strides, padding: c.padding)
            let report = try gradientError({ try Reference.avgPoolForward($0, windowSize: c.window,
                                                                          strides: c.strides, padding: c.padding) },
                                           at: x, dOutput: dy, analytic: analytic)
            worst = max(worst, report.relativeError)
            #expect(report.relativeError <= 1e-7, "\(c): \(report)")
        }
        print("[gradcheck] avgPoolBackward: \(PoolCase.sweep.count) cases, worst relative error \(worst)")
    }

    // MARK: - Known-wrong backward passes fail the same check

    // Assigning instead of accumulating only goes wrong where one element wins two or more
    // windows; the reference backward with dy = 1 counts the wins. The check must reject the
    // variant on every such case, and the overlapping sweep must hold enough of them.
    @Test func assigningMaxPoolBackwardFailsOnOverlappingPools() throws {
        let overlapping = PoolCase.sweep.filter(\.overlaps)
        #expect(overlapping.count >= 10)
        var shared = 0, caught = 0
        for (k, c) in overlapping.enumerated() {
            let x = try distinctTensor(c.shape, seed: UInt64(500 + k))
            let y = try Reference.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
            let wins = try Reference.maxPoolBackward(x, dOutput: try Tensor(shape: y.shape, repeating: 1),
                                                     windowSize: c.window, strides: c.strides, padding: c.padding)
            let dy = randomTensor(y.shape, seed: UInt64(600 + k), range: 0.5...1.5)
            let wrong = try maxPoolBackwardAssigning(x, dOutput: dy, window: c.window, strides: c.strides, padding: c.padding)
            let report = try gradientError({ try Reference.maxPoolForward($0, windowSize: c.window,
                                                                          strides: c.strides, padding: c.padding) },
                                           at: x, dOutput: dy, analytic: wrong)
            let hasSharedWinner = wins.scalars.contains { $0 > 1 }
            if hasSharedWinner {
                shared += 1
                if report.relativeError > 1e-2 { caught += 1 }
                #expect(report.relativeError > 1e-2, "not rejected: \(c): \(report)")
            } else {
                // No element wins twice, so = and += coincide and the variant is (accidentally) right.
                #expect(report.relativeError <= 1e-5, "\(c): \(report)")
            }
        }
        print("[wrong variant] assigning maxPoolBackward rejected on \(caught) of \(shared) overlapping cases "
              + "with a shared winner (\(overlapping.count) overlapping cases)")
        #expect(shared >= overlapping.count * 3 / 4)
    }

    @Test func tilingMaxPoolBackwardFailsOnOverlappingPools() throws {
        // It is right where the windows tile the image (stride == window, VALID) ...
        let tiled = PoolCase(shape: [2, 6, 6, 2], window: 2, strides: 2, padding: .valid)
        let xTiled = try distinctTensor(tiled.shape, seed: 7)
        let yTiled = try Reference.maxPoolForward(xTiled, windowSize: 2, strides: 2, padding: .valid)
        let dyTiled = randomTensor(yTiled.shape, seed: 8)
        let tiledReport = try gradientError({ try Reference.maxPoolForward($0, windowSize: 2, strides: 2, padding: .valid) },
                                            at: xTiled, dOutput: dyTiled,
                                            analytic: try maxPoolBackwardTiling(xTiled, dOutput: dyTiled, window: 2,
                                                                                strides: 2, padding: .valid))
        #expect(tiledReport.relativeError <= 1e-5, "\(tiled): \(tiledReport)")

        // ... and the overlapping sweep rejects it every time.
        let overlapping = PoolCase.sweep.filter(\.overlaps)
        var caught = 0
        for (k, c) in overlapping.enumerated() {
            let x = try distinctTensor(c.shape, seed: UInt64(700 + k))
            let y = try Reference.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
            let dy = randomTensor(y.shape, seed: UInt64(800 + k), range: 0.5...1.5)
            let wrong = try maxPoolBackwardTiling(x, dOutput: dy, window: c.window, strides: c.strides, padding: c.padding)
            let report = try gradientError({ try Reference.maxPoolForward($0, windowSize: c.window,
                                                                          strides: c.strides, padding: c.padding) },
                                           at: x, dOutput: dy, analytic: wrong)
            if report.relativeError > 1e-2 { caught += 1 }
        }
        print("[wrong variant] tiling maxPoolBackward rejected on \(caught) of \(overlapping.count) overlapping cases")
        #expect(caught == overlapping.count)
    }

    // MARK: - Float agrees with Double

    // The same inputs in Float and Double: max pool picks the same cells (values 0.05 apart), so
    // only rounding of the inputs differs (< 1e-6); average pool sums at most 9 values.
    @Test func floatAgreesWithDouble() throws {
        let tolerance = Tolerance(atol: 1e-5, rtol: 1e-5)
        for (k, c) in PoolCase.sweep.enumerated() {
            let x = try distinctTensor(c.shape, seed: UInt64(900 + k))
            let y = try Reference.maxPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding)
            let dy = randomTensor(y.shape, seed: UInt64(1000 + k))
            let xf = Tensor<Float>(x), dyf = Tensor<Float>(dy)
            let pairs: [(Tensor<Float>, Tensor<Double>, String)] = [
                (try Reference.maxPoolForward(xf, windowSize: c.window, strides: c.strides, padding: c.padding), y, "maxPool"),
                (try Reference.maxPoolBackward(xf, dOutput: dyf, windowSize: c.window, strides: c.strides, padding: c.padding),
                 try Reference.maxPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                 "maxPoolBackward"),
                (try Reference.avgPoolForward(xf, windowSize: c.window, strides: c.strides, padding: c.padding),
                 try Reference.avgPoolForward(x, windowSize: c.window, strides: c.strides, padding: c.padding), "avgPool"),
                (try Reference.avgPoolBackward(xf, dOutput: dyf, windowSize: c.window, strides: c.strides, padding: c.padding),
                 try Reference.avgPoolBackward(x, dOutput: dy, windowSize: c.window, strides: c.strides, padding: c.padding),
                 "avgPoolBackward"),
            ]
            for (float, double, name) in pairs {
                let mismatch = compare(float, double, tolerance)
                #expect(mismatch == nil, "\(name) \(c): \(mismatch?.description ?? "")")
            }
        }
    }

    // Both paths of the Kernels switch give the reference's floats: the fast pool twin visits
    // each window in the reference's order.
    @Test(arguments: KernelPath.allCases)
    func kernelsMatchReference(path: KernelPath) throws {
        let x = Tensor<Float>(try distinctTensor([2, 5, 4, 3], seed: 11))
        let dy = Tensor<Float>(randomTensor([2, 3, 2, 3], seed: 12))
        let kernels = Kernels(path)
        #expect(try kernels.ops.maxPoolForward(x, windowSize: 3, strides: 2, padding: .same)
                == Reference.maxPoolForward(x, windowSize: 3, strides: 2, padding: .same))
        #expect(try kernels.ops.maxPoolBackward(x, dOutput: dy, windowSize: 3, strides: 2, padding: .same)
                == Reference.maxPoolBackward(x, dOutput: dy, windowSize: 3, strides: 2, padding: .same))
        #expect(try kernels.ops.avgPoolForward(x, windowSize: 3, strides: 2, padding: .same)
                == Reference.avgPoolForward(x, windowSize: 3, strides: 2, padding: .same))
        #expect(try kernels.ops.avgPoolBackward(x, dOutput: dy, windowSize: 3, strides: 2, padding: .same)
                == Reference.avgPoolBackward(x, dOutput: dy, windowSize: 3, strides: 2, padding: .same))
    }

    // MARK: - Shape and argument errors

    struct BadPool: CustomStringConvertible, Sendable {
        var input: [Int]
        var window: Size2
        var strides: Size2
        var padding: Padding
        var dOutput: [Int]?  // nil: take the correct output shape, so only the forward args are bad
        var why: String
        var description: String { why }
    }

    static let badCalls: [BadPool] = [
        BadPool(input: [4, 4, 1], window: 2, strides: 2, padding: .same, why: "rank 3 input"),
        BadPool(input: [1, 1, 4, 4, 1], window: 2, strides: 2, padding: .same, why: "rank 5 input"),
        BadPool(input: [1, 0, 4, 1], window: 2, strides: 2, padding: .same, why: "zero height"),
        BadPool(input: [1, 4, 4, 0], window: 2, strides: 2, padding: .same, why: "zero channels"),
        BadPool(input: [1, 4, 4, 1], window: 0, strides: 2, padding: .same, why: "zero window"),
        BadPool(input: [1, 4, 4, 1], window: [2, -1], strides: 2, padding: .same, why: "negative window width"),
        BadPool(input: [1, 4, 4, 1], window: 2, strides: 0, padding: .same, why: "zero stride"),
        BadPool(input: [1, 4, 4, 1], window: 5, strides: 1, padding: .valid, why: "VALID window larger than the image"),
        BadPool(input: [1, 4, 4, 1], window: 2, strides: 2, padding: .same, dOutput: [1, 4, 4, 1], why: "dOutput of input size"),
        BadPool(input: [1, 4, 4, 2], window: 2, strides: 2, padding: .same, dOutput: [1, 2, 2, 1], why: "dOutput channels"),
        BadPool(input: [1, 4, 4, 1], window: 2, strides: 2, padding: .same, dOutput: [2, 2, 1], why: "dOutput rank 3"),
    ]

    @Test(arguments: badCalls)
    func badShapesThrowNamingTheOp(bad: BadPool) throws {
        let x = try Tensor<Float>(zeros: bad.input)
        func expectThrow(_ op: String, _ body: () throws -> Tensor<Float>) {
            do {
                _ = try body()
                Issue.record("\(op) accepted \(bad.why)")
            } catch {
                #expect("\(error)".hasPrefix(op + ":"), "\(bad.why): \(error)")
            }
        }
        if let dOutputShape = bad.dOutput {
            let dy = try Tensor<Float>(zeros: dOutputShape)
            expectThrow("maxPoolBackward") {
                try Reference.maxPoolBackward(x, dOutput: dy, windowSize: bad.window, strides: bad.strides, padding: bad.padding)
            }
            expectThrow("avgPoolBackward") {
                try Reference.avgPoolBackward(x, dOutput: dy, windowSize: bad.window, strides: bad.strides, padding: bad.padding)
            }
        } else {
            let dy = try Tensor<Float>(zeros: [1, 1, 1, 1])
            expectThrow("maxPool") { try Reference.maxPoolForward(x, windowSize: bad.window, strides: bad.strides, padding: bad.padding) }
            expectThrow("avgPool") { try Reference.avgPoolForward(x, windowSize: bad.window, strides: bad.strides, padding: bad.padding) }
            expectThrow("maxPoolBackward") {
                try Reference.maxPoolBackward(x, dOutput: dy, windowSize: bad.window, strides: bad.strides, padding: bad.padding)
            }
            expectThrow("avgPoolBackward") {
                try Reference.avgPoolBackward(x, dOutput: dy, windowSize: bad.window, strides: bad.strides, padding: bad.padding)
            }
            expectThrow("maxPool") { try Kernels(.fast).ops.maxPoolForward(x, windowSize: bad.window, strides: bad.strides, padding: bad.padding) }
            // The message names the input's shape, so a student sees what was passed.
            do {
                _ = try Reference.avgPoolForward(x, windowSize: bad.window, strides: bad.strides, padding: bad.padding)
            } catch {
                #expect("\(error)".contains(describeShape(bad.input)), "\(bad.why): \(error)")
            }
        }
    }
}
