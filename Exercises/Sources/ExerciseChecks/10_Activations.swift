import ExerciseKit
import Foundation

extension Checks {
    /// Exercise 10: each activation's value at landmark points (0, +-1, +-1000, kinks) and its
    /// derivative against a centred difference of the value (away from kinks) or TF's
    /// convention (at the kink).
    public static func activation(_ impl: (Activation, Double) -> (value: Double, derivative: Double)) -> [Failure] {
        var e = Expectations()
        e.likelyBugs = "a derivative written from x instead of from the value (sigmoid' = s * (1 - s), tanh' = 1 - t * t); TF's choice at the kink (relu'(0) = 0, leaky ReLU's alpha at 0); exp of a large positive number (overflow: use the form that exponentiates a negative one)"
        let alpha = Activation.leakyAlpha
        func expected(_ kind: Activation, _ x: Double) -> Double {
            switch kind {
            case .sigmoid: return x < -700 ? 0 : 1 / (1 + exp(-x))
            case .tanh: return tanh(x)
            case .relu: return max(x, 0)
            case .leakyReLU: return x > 0 ? x : alpha * x
            case .elu: return x > 0 ? x : expm1(x)
            }
        }
        let atZero: [Activation: Double] = [.sigmoid: 0.25, .tanh: 1, .relu: 0, .leakyReLU: alpha, .elu: 1]
        for kind in Activation.allCases {
            for x in [0, 1, -1, 2.5, -0.75, 30, -30, 1000, -1000] as [Double] {
                let got = impl(kind, x)
                e.close("activation(.\(kind)) value", input: "x = \(formatScalar(x))", got: got.value,
                        expected: expected(kind, x), tolerance: .tight)
                let slope: Double
                if x == 0 {
                    slope = atZero[kind]!
                } else {
                    let h = 1e-6 * max(1, abs(x))
                    slope = (expected(kind, x + h) - expected(kind, x - h)) / (2 * h)
                }
                let kink = x == 0 && (kind == .relu || kind == .leakyReLU)
                e.close("activation(.\(kind)) derivative\(kink ? " at the kink x = 0 (TF's convention)" : "")",
                        input: "x = \(formatScalar(x))", got: got.derivative, expected: slope,
                        tolerance: Tolerance(atol: 1e-7, rtol: 1e-5))
            }
        }
        return e.failures
    }
}
