/// Output sizes and pad amounts of a sliding window, by TensorFlow's rules.
///
/// Per spatial axis: input size `I`, kernel `F`, stride `S`, dilation `D`, and the effective
/// (dilated) kernel `E = (F - 1) * D + 1`.
/// - VALID: `out = floor((I - E) / S) + 1`, no padding; trailing rows that do not fit are unused.
/// - SAME:  `out = ceil(I / S)`, `padTotal = max((out - 1) * S + E - I, 0)`,
///   `padBefore = floor(padTotal / 2)` (top/left), `padAfter = padTotal - padBefore` (bottom/right).
///   An odd total puts the extra row or column at the bottom/right.
/// - explicit: the pads are given, `out = floor((I + padBefore + padAfter - E) / S) + 1`. TF takes
///   them as the list `[[0, 0], [top, bottom], [left, right], [0, 0]]` in `tf.nn.conv2d`,
///   `tf.nn.depthwise_conv2d`, `tf.nn.max_pool2d` and `tf.nn.conv2d_transpose`; its
///   `avg_pool2d`, `conv1d` and `separable_conv2d` take only SAME or VALID, and so do ConvLab's.
public enum Padding: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `out = ceil(I / S)`, padded as TF does: the odd extra row or column at the bottom/right.
    case same
    /// No padding: `out = floor((I - E) / S) + 1`; the rows and columns that do not fit are unused.
    case valid
    /// Pads given by hand, as TF's list `[[0, 0], [top, bottom], [left, right], [0, 0]]`.
    case explicit(ExplicitPadding)

    /// The two padding algorithms. A sweep over "every padding" means these two; explicit pads
    /// are values, built with `.explicit(...)`.
    public static let allCases: [Padding] = [.same, .valid]

    /// `SAME`, `VALID`, or TF's list form of the explicit pads.
    public var description: String {
        switch self {
        case .same: "SAME"
        case .valid: "VALID"
        case .explicit(let pads): pads.description
        }
    }

    /// Whether the pads were given by hand.
    package var isExplicit: Bool {
        if case .explicit = self { return true }
        return false
    }

    /// Parses `SAME` or `VALID` (any case), or explicit pads as comma-separated counts: `P` (every
    /// side), `PH,PW` (top = bottom = PH, left = right = PW) or `TOP,BOTTOM,LEFT,RIGHT`.
    /// - Throws: `ConvLabError.argument` for anything else or a negative pad.
    public init(parsing text: String) throws {
        switch text.uppercased() {
        case "SAME": self = .same; return
        case "VALID": self = .valid; return
        default: break
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int(String($0.filter { $0 != " " })) }
        guard [1, 2, 4].contains(parts.count), parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ConvLabError.argument(op: "padding",
                message: "'\(text)' is neither SAME, VALID nor explicit pads P, PH,PW or TOP,BOTTOM,LEFT,RIGHT (each >= 0)")
        }
        let p = parts.map { $0! }
        switch p.count {
        case 1: self = .explicit(ExplicitPadding(top: p[0], bottom: p[0], left: p[0], right: p[0]))
        case 2: self = .explicit(ExplicitPadding(top: p[0], bottom: p[0], left: p[1], right: p[1]))
        default: self = .explicit(ExplicitPadding(top: p[0], bottom: p[1], left: p[2], right: p[3]))
        }
    }

    /// Throws unless SAME or VALID: for ops whose TensorFlow twin (`tfName`) takes no explicit pads.
    package func requireAlgorithm(op: String, tfName: String) throws {
        if case .explicit = self {
            throw ConvLabError.argument(op: op,
                message: "\(tfName) takes padding SAME or VALID, not explicit pads \(self)")
        }
    }
}

/// Zero rows and columns given by hand: TF's `[[0, 0], [top, bottom], [left, right], [0, 0]]`.
public struct ExplicitPadding: Hashable, Sendable, CustomStringConvertible {
    /// Zero rows above the image.
    public var top: Int
    /// Zero rows below the image.
    public var bottom: Int
    /// Zero columns left of the image.
    public var left: Int
    /// Zero columns right of the image.
    public var right: Int

    /// Pads of `top`, `bottom`, `left` and `right` zeros; each op checks they are `>= 0` (and,
    /// for pooling, smaller than the window).
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    /// TF's list form, `[[0,0],[top,bottom],[left,right],[0,0]]`.
    public var description: String { "[[0,0],[\(top),\(bottom)],[\(left),\(right)],[0,0]]" }
}

/// A pair of per-axis values (height, width): strides, dilations, kernel sizes.
/// `2` means `(2, 2)`; `[2, 1]` means height 2, width 1.
public struct Size2: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    /// The height (row) value.
    public var h: Int
    /// The width (column) value.
    public var w: Int

    /// Height `h`, width `w`.
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
    /// `I`, the input size along the axis.
    public let input: Int
    /// `F`, the window's size.
    public let kernel: Int
    /// `S`, the step between two windows.
    public let stride: Int
    /// `D`, the step between two taps of one window.
    public let dilation: Int
    /// The number of window positions.
    public let output: Int
    /// Zero rows (columns) before the input: top (left).
    public let padBefore: Int
    /// Zero rows (columns) after the input: bottom (right); SAME's odd extra one goes here.
    public let padAfter: Int

    /// The largest input size, kernel, stride, dilation, dilated kernel `E` and explicit pad a
    /// window accepts: 2^31 - 1 (`TensorShape.maximumExtent`). With every one of them below it,
    /// each position this geometry computes (`o * stride + k * dilation - padBefore`, the pads,
    /// the output size) fits in `Int` with room to spare, whatever a file or a command line asks.
    package static let maximumSize = TensorShape.maximumExtent

    /// The dilated kernel extent `E = (F - 1) * D + 1`.
    public var effectiveKernel: Int { (kernel - 1) * dilation + 1 }

    /// - Throws: `ConvLabError.argument` for a non-positive kernel, stride or dilation, a
    ///   negative input, or any of them (or `E`) above `maximumSize`; `ConvLabError.shape` when
    ///   a VALID window does not fit in the input.
    public init(input: Int, kernel: Int, stride: Int, dilation: Int = 1, padding: Padding,
                op: String = "window", axis: String = "axis") throws {
        try Self.checkArguments(input: input, kernel: kernel, stride: stride, dilation: dilation, op: op, axis: axis)
        let effective = (kernel - 1) * dilation + 1
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
        case .explicit(let pads):
            throw ConvLabError.argument(op: op,
                message: "explicit pads \(pads) name four sides; give the \(axis) pads with WindowAxis(input:kernel:stride:dilation:padBefore:padAfter:) or split them with WindowAxis.pair")
        }
    }

    /// A window over an axis with `padBefore` and `padAfter` zeros given by hand (explicit padding):
    /// `out = floor((I + padBefore + padAfter - E) / S) + 1`.
    /// - Throws: `ConvLabError.argument` for a non-positive kernel, stride or dilation, a negative
    ///   input or pad, or any of them above `maximumSize`; `ConvLabError.shape` when the window
    ///   does not fit the padded axis.
    public init(input: Int, kernel: Int, stride: Int, dilation: Int = 1, padBefore: Int, padAfter: Int,
                op: String = "window", axis: String = "axis") throws {
        try Self.checkArguments(input: input, kernel: kernel, stride: stride, dilation: dilation, op: op, axis: axis)
        guard padBefore >= 0, padAfter >= 0 else {
            throw ConvLabError.argument(op: op, message: "\(axis) pads \(padBefore) and \(padAfter) must be >= 0")
        }
        guard padBefore <= WindowAxis.maximumSize, padAfter <= WindowAxis.maximumSize else {
            throw ConvLabError.argument(op: op,
                message: "\(axis) pads \(padBefore) and \(padAfter) must be at most the limit of \(WindowAxis.maximumSize)")
        }
        let (span, o1) = (kernel - 1).multipliedReportingOverflow(by: dilation)
        let (padded, o2) = input.addingReportingOverflow(padBefore)
        let (total, o3) = padded.addingReportingOverflow(padAfter)
        guard !o1, !o2, !o3, span < Int.max else {
            throw ConvLabError.argument(op: op,
                message: "\(axis) input \(input) + pads \(padBefore) + \(padAfter), kernel \(kernel) and dilation \(dilation) overflow")
        }
        let effective = span + 1
        guard effective <= total else {
            throw ConvLabError.shape(op: op,
                message: "window of \(effective) (kernel \(kernel), dilation \(dilation)) does not fit the \(axis) input of \(input) padded by \(padBefore) + \(padAfter)")
        }
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padBefore = padBefore
        self.padAfter = padAfter
        output = (total - effective) / stride + 1
    }

    /// Throws unless the input is >= 0, the kernel, stride and dilation are >= 1, and all of them
    /// and the dilated kernel are at most `maximumSize` (checked arithmetic).
    private static func checkArguments(input: Int, kernel: Int, stride: Int, dilation: Int, op: String, axis: String) throws {
        guard input >= 0 else {
            throw ConvLabError.argument(op: op, message: "\(axis) input size \(input) is negative")
        }
        guard kernel >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) kernel size \(kernel) must be >= 1") }
        guard stride >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) stride \(stride) must be >= 1") }
        guard dilation >= 1 else { throw ConvLabError.argument(op: op, message: "\(axis) dilation \(dilation) must be >= 1") }
        let limit = maximumSize
        for (name, value) in [("input size", input), ("kernel size", kernel), ("stride", stride), ("dilation", dilation)]
        where value > limit {
            throw ConvLabError.argument(op: op, message: "\(axis) \(name) \(value) is above the limit of \(limit)")
        }
        let (dilated, overflow) = (kernel - 1).multipliedReportingOverflow(by: dilation)
        guard !overflow, dilated < limit else {
            throw ConvLabError.argument(op: op,
                message: "\(axis) kernel \(kernel) with dilation \(dilation) spans more than the limit of \(limit)")
        }
    }

    /// The rows and columns of a 2-D window (conv2d, depthwise conv, pools): SAME or VALID on each
    /// axis, or explicit pads split into (top, bottom) for the rows and (left, right) for the columns.
    /// - Throws: as the initializers, naming `op` and the axis.
    public static func pair(height: Int, width: Int, kernel: Size2, strides: Size2, dilations: Size2 = 1,
                            padding: Padding, op: String) throws -> (rows: WindowAxis, cols: WindowAxis) {
        switch padding {
        case .same, .valid:
            return (try WindowAxis(input: height, kernel: kernel.h, stride: strides.h, dilation: dilations.h,
                                   padding: padding, op: op, axis: "height"),
                    try WindowAxis(input: width, kernel: kernel.w, stride: strides.w, dilation: dilations.w,
                                   padding: padding, op: op, axis: "width"))
        case .explicit(let pads):
            return (try WindowAxis(input: height, kernel: kernel.h, stride: strides.h, dilation: dilations.h,
                                   padBefore: pads.top, padAfter: pads.bottom, op: op, axis: "height"),
                    try WindowAxis(input: width, kernel: kernel.w, stride: strides.w, dilation: dilations.w,
                                   padBefore: pads.left, padAfter: pads.right, op: op, axis: "width"))
        }
    }

    public var description: String {
        "in \(input), kernel \(kernel), stride \(stride), dilation \(dilation) -> out \(output), pad \(padBefore)+\(padAfter)"
    }
}

/// The output size of a window of `kernel` taps, by TF's rule (see `Padding`).
/// - Throws: as `WindowAxis.init`.
public func outputSize(input: Int, kernel: Int, stride: Int = 1, dilation: Int = 1,
                       padding: Padding) throws -> Int {
    try WindowAxis(input: input, kernel: kernel, stride: stride, dilation: dilation, padding: padding).output
}
