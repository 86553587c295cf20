import ExerciseKit

// Exercise 21 · Receptive field of a layer stack   (lecture module 6, Lectures/06-receptive-field.md)
// Check: swift run exercises        Hint: swift run exercises hint 21

/// How many input pixels (along one axis) one output cell of the LAST layer of a stack sees, and
/// how far apart, in input pixels, two neighbouring output cells of the last layer are.
///
/// Walk the stack from the input. Keep `size` (the receptive field so far, 1 for the input
/// itself) and `jump` (the input distance between neighbouring cells so far, 1 for the input).
/// A layer whose window has `kernel` taps, `dilation` cells apart, moving `stride` cells:
///
///   size += (kernel - 1) * dilation * jump      (its taps are `jump` input pixels apart)
///   jump *= stride
///
/// Two 3x3 convolutions see 5 pixels, three see 7 (VGG's argument); a 2x2 pooling with stride 2
/// doubles the jump for every layer after it. Padding does not change the receptive field.
///
/// - Parameter layers: from the input to the output (an empty stack sees 1 pixel, jump 1)
/// - Returns: `(size, jump)` in input pixels
public func receptiveField(_ layers: [WindowLayer]) -> (size: Int, jump: Int) {
    // TODO: one pass over the layers, updating size and then jump.
    return (size: 0, jump: 0)
}
