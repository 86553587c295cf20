import ExerciseKit

/// Typical wrong answers to exercise 01; its checks must reject every one.
public enum Wrong01 {
    /// Off by one: forgets the `+ 1` (counts the steps, not the positions).
    public static func missingPlusOne(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        switch padding {
        case .valid: return kernelSize <= inputSize ? (inputSize - kernelSize) / stride : 0
        case .same: return (inputSize + stride - 1) / stride
        }
    }

    /// VALID without the guard: a kernel larger than the input gives (3 - 5) / 1 + 1 = -1, not 0
    /// (and (2 - 3) / 1 + 1 = 0 only by luck of truncating division).
    public static func noGuard(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        switch padding {
        case .valid: return (inputSize - kernelSize) / stride + 1
        case .same: return (inputSize + stride - 1) / stride
        }
    }

    /// SAME rounded down instead of up: 7 inputs at stride 2 give 3, TF gives 4.
    public static func sameRoundsDown(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        switch padding {
        case .valid: return kernelSize <= inputSize ? (inputSize - kernelSize) / stride + 1 : 0
        case .same: return inputSize / stride
        }
    }

    /// SAME as the symmetric textbook formula with P = (F - 1) / 2 on both sides: right for odd
    /// kernels at stride 1, wrong for even kernels (TF pads asymmetrically).
    public static func symmetricPadding(inputSize: Int, kernelSize: Int, stride: Int, padding: Padding) -> Int {
        let p = padding == .same ? (kernelSize - 1) / 2 : 0
        let padded = inputSize + 2 * p
        return kernelSize <= padded ? (padded - kernelSize) / stride + 1 : 0
    }
}
