import ConvLab
import ConvLabTestSupport
import Testing

@Suite("conv2d: gradient checks, and known-wrong backward passes that must fail them")
struct Conv2DGradientTests {
    // dInput and dFilter against centred differences over the sweep (strides 1-3, SAME/VALID,
    // kernels 2 and 3, dilation 2, batch 2, channels 2-3, non-square images). Linear op: expect
    // ~1e-10, assert <= 1e-7 (see GradientBound).
    @Test(arguments: WindowCase.sweep)
    func conv2DGradients(_ c: WindowCase) throws {
        let x = randomTensor(c.input, seed: 11)
        let w = randomTensor([c.kernel.h, c.kernel.w, c.input[3], 3], seed: 12)
        let forward = { (x: Tensor<Double>, w: Tensor<Double>) in
            try Reference.conv2DForward(x, filter: w, strides: c.strides, padding: c.padding, dilations: c.dilations)
        }
        let dy = randomTensor(try forward(x, w).shape, seed: 13)
        let grads = try Reference.conv2DBackward(x, filter: w, dOutput: dy, strides: c.strides,
                                                 padding: c.padding, dilations: c.dilations)
        expectGradient("conv2d dInput \(c.testDescription)", analytic: grads.dInput,
                       numeric: try numericalGradient(of: { try forward($0, w) }, at: x, upstream: dy), input: x)
        expectGradient("conv2d dFilter \(c.testDescription)", analytic: grads.dFilter,
                       numeric: try numericalGradient(of: { try forward(x, $0) }, at: w, upstream: dy), input: w)
    }

    /// Classic mistakes in a conv2d backward pass, written out as a student might.
    enum Mistake: String, CaseIterable, Sendable {
        case none
        /// `dFilter[b, a, c, o]`: the kernel's rows and columns swapped (filter transposed).
        case filterRowsColumnsSwapped
        /// `dFilter[a, b, o, c]`: the in/out channel axes swapped (needs C == O).
        case filterChannelsSwapped
        /// `=` instead of `+=`: only the last window that touches an element survives.
        case overwriteInsteadOfAccumulate
    }

    /// The conv2d backward loop of `Reference.conv2DBackward`, with one deliberate `mistake`.
    static func backward(_ input: Tensor<Double>, filter: Tensor<Double>, dOutput: Tensor<Double>,
                         strides: Size2, padding: Padding, mistake: Mistake)
        throws -> (dInput: Tensor<Double>, dFilter: Tensor<Double>) {
        let g = try Conv2DGeometry(input: input.shape, filter: filter.shape, strides: strides,
                                   padding: padding, dilations: 1)
        var dInput = [Double](repeating: 0, count: input.count)
        var dFilter = [Double](repeating: 0, count: filter.count)
        for n in 0..<g.batch {
            for i in 0..<g.rows.output {
                for j in 0..<g.cols.output {
                    for o in 0..<g.outChannels {
                        let upstream = dOutput.scalars[g.outputIndex(n, i, j, o)]
                        for a in 0..<g.rows.kernel {
                            guard let row = g.rows.inputPosition(output: i, tap: a) else { continue }
                            for b in 0..<g.cols.kernel {
                                guard let col = g.cols.inputPosition(output: j, tap: b) else { continue }
                                for c in 0..<g.inChannels {
                                    let xi = g.inputIndex(n, row, col, c), wi = g.filterIndex(a, b, c, o)
                                    let x = input.scalars[xi], w = filter.scalars[wi]
                                    switch mistake {
                                    case .none:
                                        dInput[xi] += upstream * w
                                        dFilter[wi] += upstream * x
                                    case .filterRowsColumnsSwapped:
                                        dInput[xi] += upstream * w
                                        dFilter[g.filterIndex(b, a, c, o)] += upstream * x
                                    case .filterChannelsSwapped:
                                        dInput[xi] += upstream * w
                                        dFilter[g.filterIndex(a, b, o, c)] += upstream * x
                                    case .overwriteInsteadOfAccumulate:
                                        dInput[xi] = upstream * w
                                        dFilter[wi] = upstream * x
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (try Tensor(shape: input.shape, scalars: dInput), try Tensor(shape: filter.shape, scalars: dFilter))
    }

    /// Worst relative errors of a (possibly wrong) backward pass against centred differences,
    /// on a square 3x3 kernel with C == O == 2 so every mistake is expressible.
    static func errors(of mistake: Mistake, input: [Int] = [2, 6, 5, 2], kernel: Int = 3, outChannels: Int = 2,
                       strides: Size2 = 1, padding: Padding = .same) throws -> (dInput: Double, dFilter: Double) {
        let x = randomTensor(input, seed: 21)
        let w = randomTensor([kernel, kernel, input[3], outChannels], seed: 22)
        let dy = randomTensor(try Reference.conv2DForward(x, filter: w, strides: strides, padding: padding).shape, seed: 23)
        let grads = try backward(x, filter: w, dOutput: dy, strides: strides, padding: padding, mistake: mistake)
        let numericInput = try numericalGradient(of: { try Reference.conv2DForward($0, filter: w, strides: strides,
                                                                                   padding: padding) }, at: x, upstream: dy)
        let numericFilter = try numericalGradient(of: { try Reference.conv2DForward(x, filter: $0, strides: strides,
                                                                                    padding: padding) }, at: w, upstream: dy)
        let inputReport = gradientReport(analytic: grads.dInput, numeric: numericInput, input: x)
        let filterReport = gradientReport(analytic: grads.dFilter, numeric: numericFilter, input: w)
        print("gradcheck conv2d with mistake \(mistake): dInput \(inputReport.relativeError), dFilter \(filterReport.relativeError)")
        return (inputReport.relativeError, filterReport.relativeError)
    }

    // The test loop itself is right: with no mistake both gradients pass the smooth bound.
    @Test func correctLoopPasses() throws {
        let e = try Self.errors(of: .none)
        #expect(e.dInput <= GradientBound.smooth && e.dFilter <= GradientBound.smooth)
    }

    // A transposed filter gradient (rows/columns, or in/out channels) must fail the check.
    @Test(arguments: [Mistake.filterRowsColumnsSwapped, .filterChannelsSwapped])
    func transposedFilterGradientFails(_ mistake: Mistake) throws {
        let e = try Self.errors(of: mistake)
        #expect(e.dInput <= GradientBound.smooth, "dInput is untouched by this mistake")
        #expect(e.dFilter > GradientBound.clearlyWrong, "\(mistake) passed the gradient check")
    }

    // Overwriting instead of accumulating must fail where windows overlap (3x3 kernel, stride 1
    // and stride 2 both overlap) ...
    @Test(arguments: [Size2(1, 1), Size2(2, 2)])
    func overwriteFailsWhereWindowsOverlap(_ strides: Size2) throws {
        let e = try Self.errors(of: .overwriteInsteadOfAccumulate, strides: strides)
        #expect(e.dInput > GradientBound.clearlyWrong)
        #expect(e.dFilter > GradientBound.clearlyWrong)
    }

    // ... and is invisible in dInput when windows tile the image without overlap and there is one
    // output channel (each input element is read once): that is why the sweeps include stride <
    // kernel. dFilter still fails, since every window writes into the same filter.
    @Test func overwriteHidesWithoutOverlap() throws {
        let e = try Self.errors(of: .overwriteInsteadOfAccumulate, input: [1, 6, 6, 2], kernel: 3, outChannels: 1,
                                strides: 3, padding: .valid)
        #expect(e.dInput <= GradientBound.smooth)
        #expect(e.dFilter > GradientBound.clearlyWrong)
    }
}
