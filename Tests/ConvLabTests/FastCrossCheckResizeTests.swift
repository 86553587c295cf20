import ConvLab
import ConvLabTestSupport
import Testing

// Cross-checks of the fast resize against its reference twin: every method, up and down,
// sizes 1, odd and prime, unequal axes, channels 1 and more than the SIMD width, batch 1 and > 1.
// The fast forward pass blends rows first and columns second (the reference sums each window's
// products in one go), so it agrees to a few Float roundings of values in [-1, 1]; the backward
// pass keeps the reference's order and agrees exactly.

struct FastResizeCase: CustomTestStringConvertible, Sendable {
    let input: [Int]
    let size: Size2
    let method: ResizeMethod
    var testDescription: String { "\(describeShape(input)) -> \(size.h)x\(size.w) \(method)" }
}

private let resizeCases: [FastResizeCase] = {
    let shapes: [([Int], Size2)] = [
        ([1, 1, 1, 1], Size2(1, 1)), ([1, 1, 1, 3], Size2(5, 7)),          // one pixel, spread
        ([2, 5, 7, 1], Size2(10, 14)), ([1, 7, 5, 9], Size2(13, 3)),       // up, and up/down mixed
        ([3, 13, 11, 17], Size2(6, 5)), ([1, 4, 4, 2], Size2(4, 4)),       // down; identity size
        ([2, 14, 14, 1], Size2(28, 28)),                                   // SRCNN's upscaling
    ]
    return shapes.flatMap { shape, size in ResizeMethod.allCases.map { FastResizeCase(input: shape, size: size, method: $0) } }
}()

@Suite("Fast resize matches its reference twin")
struct FastCrossCheckResizeTests {
    static let tolerance = Tolerance(atol: 1e-6, rtol: 1e-6)
    static let forwardTolerance = Tolerance(atol: 2e-6, rtol: 1e-5)

    @Test("forward and backward", arguments: resizeCases)
    func resize(_ c: FastResizeCase) throws {
        let x = fastCheckTensor(c.input, seed: 31)
        let dy = fastCheckTensor([c.input[0], c.size.h, c.size.w, c.input[3]], seed: 32)
        let label = "resize \(c.testDescription)"
        expectFastMatch(try Fast.resizeForward(x, size: c.size, method: c.method),
                        try Reference.resizeForward(x, size: c.size, method: c.method), Self.forwardTolerance, label)
        expectFastMatch(try Fast.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method),
                        try Reference.resizeBackward(inputShape: c.input, dOutput: dy, method: c.method),
                        Self.tolerance, label + " dInput")
    }

    @Test("bad shapes throw the reference's errors")
    func errors() throws {
        let x = try Tensor<Float>(zeros: [1, 4, 4, 2])
        #expect(throws: ConvLabError.self) { try Fast.resizeForward(x, size: Size2(0, 3), method: .bilinear) }
        #expect(throws: ConvLabError.self) { try Fast.resizeForward(try Tensor<Float>(zeros: [4, 4]), size: 2, method: .nearest) }
        let dy = try Tensor<Float>(zeros: [1, 2, 2, 3])
        #expect(throws: ConvLabError.self) { try Fast.resizeBackward(inputShape: [1, 4, 4, 2], dOutput: dy, method: .bicubic) }
    }
}
