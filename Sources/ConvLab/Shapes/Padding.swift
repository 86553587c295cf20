/// Output sizes and pad amounts of a sliding window, by TensorFlow's rules.
///
/// Per spatial axis: input size `I`, kernel `F`, stride `S`, dilation `D`, and the effective
/// (dilated) kernel `E = (F - 1) * D + 1`.
/// - VALID: `out = floor((I - E) / S) + 1`, no padding; trailing rows that do not fit are unused.
/// - SAME:  `out = ceil(I / S)`, `padTotal = max((out - 1) * S + E - I, 0)`,
///   `padBefore = floor(padTotal / 2)` (top/left), `padAfter = padTotal - padBefore` (bottom/right).
///   An odd total puts the extra row or column at the bottom/right.
public enum Padding: String, Sendable, CaseIterable, CustomStringConvertible {
    case same = "SAME"
    case valid = "VALID"

    public var description: String { rawValue }

    /// Parses `"SAME"`/`"same"`/`"VALID"`/`"valid"`.
    public init(parsing text: String) throws {
        guard let padding = Padding(rawValue: text.uppercased()) else {
            throw ConvLabError.argument(op: "padding", message: "'\(text)' is neither SAME nor VALID")
        }
        self = padding
    }
}

/// A pair of per-axis values (height, width): strides, dilations, kernel sizes.
/// `2` means `(2, 2)`; `[2, 1]` means height 2, width 1.
public struct Size2: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    public var h: Int
    public var w: Int

    public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
    public init(integerLiteral value: Int) { self.init(value, value) }
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "Size2 literal needs [h, w]")
        self.init(elements[0], elements[1])
    }
    /// From a `[h, w]` array read from a file.
    public init(_ values: [Int], op: String, name: String) throws {
        guard values.count == 2 else {
            throw ConvLabError.argument(op: op, message: "\(name) must have 2 values [h, w], got \(values)")
        }
        self.init(values[0], values[1])
    }

    public var description: String { "[\(h),\(w)]" }
}

/// The geometry of a window sliding along one axis: where output `o` starts reading.
///
/// Output index `o` reads input rows `o * stride + k * dilation - padBefore` for `k in 0..<kernel`;
/// rows outside `0..<input` are padding.
public struct WindowAxis: Equatable, Sendable, CustomStringConvertible {
    public let input: Int
    public let kernel: Int
    public let stride: Int
    public let dilation: Int
    public let output: Int
    public let padBefore: Int
    public let padAfter: Int

    /// The largest input size, kernel, stride, dilation and dilated kernel `E` a window
    /// accepts: 2^31 - 1 (`TensorShape.maximumExtent`). With every one of them below it, each
    /// position this geometry computes (`o * stride + k * dilation - padBefore`, the pads) fits
    /// in `Int` with room to spare, whatever a file or a command line asks for.
    public static let maximumSize = TensorShape.maximumExtent

    /// The dilated kernel extent `E = (F - 1) * D + 1`.
    public var effectiveKernel: Int { (kernel - 1) * dilation + 1 }

    /// - Throws: `ConvLabError.argument` for a non-positive kernel, stride or dilation, a
    ///   negative input, or any of them (or `E`) above `maximumSize`; `ConvLabError.shape` when
    ///   a VALID window does not fit in the input.
    public init(input: Int, kernel: Int, stride: Int, dilation: Int = 1, padding: Padding,
                op: String = "window", axis: String = "axis") throws {
        guard input >= 0 else {
            throw ConvLabError.argument(op: op, message: "\(axis) input size \(input) is negative")
        }
        guard kernel >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) kernel size \(kernel) must be >= 1") }
        guard stride >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) stride \(stride) must be >= 1") }
        guard dilation >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) dilation \(dilation) must be >= 1") }
        let limit = WindowAxis.maximumSize
        for (name, value) in [("input size", input), ("kernel size", kernel), ("stride", stride), ("dilation", dilation)]
        where value > limit {
            throw ConvLabError.argument(op: op, message: "\(axis) \(name) \(value) is above the limit of \(limit)")
        }
        let (dilated, overflow) = (kernel - 1).multipliedReportingOverflow(by: dilation)
        guard !overflow, dilated < limit else {
            throw ConvLabError.argument(op: op,
                message: "\(axis) kernel \(kernel) with dilation \(dilation) spans more than the limit of \(limit)")
        }
        let effective = dilated + 1
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        switch padding {
        case .valid:
            guard effective <= input else {
                throw ConvLabError.shape(op: op,
                    message: "VALID window of \(effective) (kernel \(kernel), dilation \(dilation)) does not fit the \(axis) input of \(input)")
            }
            output = (input - effective) / stride + 1
            padBefore = 0
            padAfter = 0
        case .same:
            output = (input + stride - 1) / stride
            let total = Swift.max((output - 1) * stride + effective - input, 0)
            padBefore = total / 2
            padAfter = total - padBefore
        }
    }

    public var description: String {
        "in \(input), kernel \(kernel), stride \(stride), dilation \(dilation) -> out \(output), pad \(padBefore)+\(padAfter)"
    }
}

extension WindowAxis {
    /// The taps `k` of output `o` whose input position `o * stride + k * dilation - padBefore`
    /// lies inside `0..<input`: one contiguous range, empty when the window covers only padding.
    /// A loop over it visits only real cells, so its work is bounded by the input however large
    /// the kernel is (a SAME max pool with a 2^31-wide window reads the 3 real rows, not 2^31).
    public func taps(forOutput o: Int) -> Range<Int> {
        let start = o * stride - padBefore   // the position of tap 0
        let last = input - 1 - start         // the largest k * dilation still inside
        guard last >= 0 else { return 0..<0 }
        let first = start >= 0 ? 0 : (-start + dilation - 1) / dilation
        let end = Swift.min(kernel, last / dilation + 1)
        return Swift.min(first, end)..<end
    }
}

/// The output size of a window of `kernel` taps, by TF's rule (see `Padding`).
/// - Throws: as `WindowAxis.init`.
public func outputSize(input: Int, kernel: Int, stride: Int = 1, dilation: Int = 1,
                       padding: Padding) throws -> Int {
    try WindowAxis(input: input, kernel: kernel, stride: stride, dilation: dilation, padding: padding).output
}
