import ConvLab
import ConvLabTestSupport
import Testing

/// Shared assertions for the reference ops' gradient checks (conv1d/2d, depthwise, separable,
/// batch norm, resize).
///
/// Expected magnitude: every op checked with these helpers is smooth in the checked input, and
/// conv/resize are linear in it, so centred differences in Double with `h = 1e-5` are exact up to
/// rounding: about `eps * |L| / h ~ 1e-16 * 10 / 1e-5 = 1e-10` absolute, i.e. relative errors of
/// 1e-11 to 1e-9 on gradients of size ~1. The asserted bound, 1e-7, leaves two orders of margin
/// and is still far below the ~1e-1 a wrong gradient gives (see the known-wrong tests).
enum GradientBound {
    /// CS231n's threshold for smooth ops checked in Double.
    static let smooth = 1e-7
    /// A backward pass with a real mistake is off by O(1); anything above this is "clearly wrong".
    static let clearlyWrong = 1e-2
}

/// Checks one gradient, prints its worst relative error (for the notes' table), and asserts the
/// smooth bound. Returns the report so a caller can add its own expectation.
@discardableResult
func expectGradient(_ label: String, analytic: Tensor<Double>, numeric: Tensor<Double>,
                    input: Tensor<Double>, bound: Double = GradientBound.smooth,
                    sourceLocation: SourceLocation = #_sourceLocation) -> GradientReport {
    let report = gradientReport(analytic: analytic, numeric: numeric, input: input)
    print("gradcheck \(label): max relative error \(report.relativeError)")
    #expect(report.relativeError <= bound, "\(label): \(report)", sourceLocation: sourceLocation)
    return report
}

// The numerical gradient of `sum(f(x) * dOut)` is the library's `numericalGradient(of:at:upstream:h:)`,
// with `dOut` a seeded random upstream gradient of `f`'s output shape (so every output element
// matters, with a different weight). For inputs far from 0 (batch norm's x ~ 1000) pass `h` as a
// power of two such as 2^-17 ≈ 7.6e-6: then `x ± h` is exact, whereas `1000 + 1e-5` is rounded by
// ulp(1000)/2 ≈ 6e-14, a relative error of ~1e-8 in the step itself.

/// Asserts that `body` throws a `ConvLabError` whose message names `op` (and, if given, contains
/// `fragment`), and returns that message.
@discardableResult
func expectShapeError(op: String, containing fragment: String? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) -> String? {
    do {
        try body()
        Issue.record("expected \(op) to throw", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConvLabError {
        let message = error.description
        #expect(message.hasPrefix(op + ":"), "message does not start with '\(op):': \(message)",
                sourceLocation: sourceLocation)
        if let fragment {
            #expect(message.contains(fragment), "message lacks '\(fragment)': \(message)",
                    sourceLocation: sourceLocation)
        }
        return message
    } catch {
        Issue.record("\(op) threw a non-ConvLab error: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A 2-D window configuration for parameterized sweeps of conv-like ops.
struct WindowCase: Sendable, CustomTestStringConvertible {
    var input: [Int]        // [N, H, W, C]
    var kernel: Size2
    var strides: Size2 = 1
    var padding: Padding
    var dilations: Size2 = 1

    var testDescription: String {
        "x\(describeShape(input)) k\(kernel) s\(strides) d\(dilations) \(padding)"
    }

    /// The sweep the issue asks for: strides 1-3, SAME and VALID, odd (3) and even (2) kernels,
    /// batch 2, two channels, a non-square 7x6 image; plus dilation 2, a non-square kernel and
    /// unequal strides.
    static let sweep: [WindowCase] = {
        var cases: [WindowCase] = []
        for stride in 1...3 {
            for padding in Padding.allCases {
                for k in [2, 3] {
                    cases.append(WindowCase(input: [2, 7, 6, 2], kernel: Size2(k, k), strides: Size2(stride, stride),
                                            padding: padding))
                }
            }
        }
        for padding in Padding.allCases {
            cases.append(WindowCase(input: [2, 7, 6, 2], kernel: 3, padding: padding, dilations: 2))
            cases.append(WindowCase(input: [1, 6, 7, 2], kernel: [2, 3], strides: [1, 2], padding: padding))
            cases.append(WindowCase(input: [1, 5, 8, 3], kernel: [3, 2], strides: [3, 2], padding: padding))
        }
        return cases
    }()
}
