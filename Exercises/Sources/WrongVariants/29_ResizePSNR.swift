import ExerciseKit
import Foundation
import Solutions

/// Typical wrong answers to exercise 29.
public enum Wrong29 {
    /// A resize with one mapping from output to input positions changed.
    struct Resize {
        enum Mapping { case alignCorners, noHalfPixel, rounds }
        var mapping: Mapping
        var bilinear: Bool

        func callAsFunction(_ image: Tensor, _ size: Size2) -> Tensor {
            let (n, h, w, c) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
            func taps(_ o: Int, _ input: Int, _ output: Int) -> [(Int, Double)] {
                func clamp(_ i: Int) -> Int { min(max(i, 0), input - 1) }
                let scale = Double(input) / Double(output)
                var position: Double
                switch mapping {
                case .alignCorners: position = output > 1 ? Double(o) * Double(input - 1) / Double(output - 1) : 0
                case .noHalfPixel: position = Double(o) * scale
                case .rounds: position = bilinear ? (Double(o) + 0.5) * scale - 0.5 : ((Double(o) + 0.5) * scale).rounded()
                }
                if !bilinear { return [(clamp(Int(position.rounded(.down))), 1)] }
                let f = position.rounded(.down), t = position - f
                return [(clamp(Int(f)), 1 - t), (clamp(Int(f) + 1), t)]
            }
            var y = Tensor(zeros: [n, size.h, size.w, c])
            for b in 0..<n { for i in 0..<size.h { for j in 0..<size.w {
                for (r, u) in taps(i, h, size.h) { for (s, v) in taps(j, w, size.w) {
                    for k in 0..<c { y[b, i, j, k] += u * v * image[b, r, s, k] }
                } }
            } } }
            return y
        }
    }

    /// align_corners: the corners of input and output coincide (TF1's option, not TF2's default).
    public static func bilinearAlignCorners(_ image: Tensor, size: Size2) -> Tensor {
        Resize(mapping: .alignCorners, bilinear: true)(image, size)
    }

    /// Positions without the half-pixel shift: o * scale.
    public static func bilinearNoHalfPixel(_ image: Tensor, size: Size2) -> Tensor {
        Resize(mapping: .noHalfPixel, bilinear: true)(image, size)
    }

    /// Nearest rounds the centre instead of flooring it.
    public static func nearestRounds(_ image: Tensor, size: Size2) -> Tensor {
        Resize(mapping: .rounds, bilinear: false)(image, size)
    }

    /// Nearest without the half-pixel centre: floor(o * scale) (TF1's default).
    public static func nearestNoHalfPixel(_ image: Tensor, size: Size2) -> Tensor {
        Resize(mapping: .noHalfPixel, bilinear: false)(image, size)
    }

    /// The peak not squared: right only for peak 1.
    public static func psnrPeakNotSquared(_ image: Tensor, reference: Tensor, peak: Double) -> Double {
        let mse = zip(image.scalars, reference.scalars).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(image.scalars.count)
        return mse == 0 ? .infinity : 10 * log10(peak / mse)
    }

    /// The root of the mean squared error in place of the MSE.
    public static func psnrWithRMSE(_ image: Tensor, reference: Tensor, peak: Double) -> Double {
        let mse = zip(image.scalars, reference.scalars).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(image.scalars.count)
        return mse == 0 ? .infinity : 10 * log10(peak * peak / mse.squareRoot())
    }
}
