import ExerciseKit

/// Typical wrong answers to exercise 21.
public enum Wrong21 {
    /// Updates the jump before the size: the layer's own stride already stretches its taps.
    public static func jumpBeforeSize(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        var size = 1, jump = 1
        for layer in layers {
            jump *= layer.stride
            size += (layer.kernel - 1) * layer.dilation * jump
        }
        return (size, jump)
    }

    /// Adds the kernel sizes as if every layer worked on the input pixels (no jump).
    public static func ignoresJump(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        var size = 1, jump = 1
        for layer in layers {
            size += (layer.kernel - 1) * layer.dilation
            jump *= layer.stride
        }
        return (size, jump)
    }

    /// Forgets the gaps of a dilated window.
    public static func ignoresDilation(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        var size = 1, jump = 1
        for layer in layers {
            size += (layer.kernel - 1) * jump
            jump *= layer.stride
        }
        return (size, jump)
    }

    /// Adds the whole kernel (kernel, not kernel - 1): one pixel too many per layer.
    public static func addsWholeKernel(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        var size = 1, jump = 1
        for layer in layers {
            size += layer.kernel * layer.dilation * jump
            jump *= layer.stride
        }
        return (size, jump)
    }

    /// The jump is the last layer's stride, not the product of all strides.
    public static func jumpNotAccumulated(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
        var size = 1, jump = 1
        for layer in layers {
            size += (layer.kernel - 1) * layer.dilation * jump
            jump = layer.stride
        }
        return (size, jump)
    }
}
