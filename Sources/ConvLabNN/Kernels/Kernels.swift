import ConvLabCore
import ConvLabFast

/// The one switch between the two paths: every layer and the trainer call ops through a
/// `Kernels` value, so a whole network moves from the reference loops to the fast kernels by
/// changing one argument (llm.c's `switch (kernel_num)`).
///
///     let y = try Kernels(.fast).ops.conv2DForward(x, filter: w, strides: 1, padding: .same, dilations: 1)
///
/// `ops` is the path's op set, `Reference` or `Fast`: both satisfy `KernelOps`, the one list of
/// every op's signature, so nothing here restates an op.
public enum KernelPath: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The naive loops of `Reference`, generic and written like the formulas.
    case reference
    /// The SIMD and multi-threaded twins of `Fast`, Float only, cross-checked against the reference.
    case fast

    public var description: String { rawValue }

    /// The path named on a command line, `reference` or `fast` (any case).
    /// - Throws: `ConvLabError.argument` for any other word.
    public init(parsing text: String) throws {
        self = try twoWayChoice(text, op: "path")
    }
}

/// How a `Conv2D` layer convolves in a training pass. (The evaluation pass always calls
/// `KernelOps.conv2DInference`; the backward pass always takes the direct products.)
public enum TrainingConvolution: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `KernelOps.conv2DInference`: on the fast path Winograd's algorithm where it has a plan
    /// (3 x 3 and 5 x 5 filters, stride 1, at least 8 channels in and out; lecture 18), the
    /// direct product elsewhere. Fewer multiplications, a different rounding (within 1e-4 of the
    /// reference in the cross-checks).
    case winograd
    /// `KernelOps.conv2DForward` always. Training runs recorded before Winograd's algorithm
    /// became the default (the lectures' `Lectures/results`) come out bit for bit with it.
    case direct

    public var description: String { rawValue }

    /// The algorithm named on a command line, `winograd` or `direct` (any case).
    /// - Throws: `ConvLabError.argument` for any other word.
    public init(parsing text: String) throws {
        self = try twoWayChoice(text, op: "training-conv")
    }
}

/// The case of a two-way choice whose raw value is `text` in any letter case.
/// - Throws: `ConvLabError.argument` naming `op` and both choices ("'x' is neither a nor b").
private func twoWayChoice<Choice: RawRepresentable & CaseIterable>(_ text: String, op: String) throws -> Choice
    where Choice.RawValue == String {
    if let choice = Choice(rawValue: text.lowercased()) { return choice }
    let names = Choice.allCases.map(\.rawValue)
    throw ConvLabError.argument(op: op, message: "'\(text)' is neither \(names.joined(separator: " nor "))")
}

/// Float ops on the chosen path.
public struct Kernels: Sendable {
    /// Where every op of this value runs.
    public var path: KernelPath
    /// How `Conv2D` layers convolve in training passes.
    public var trainingConvolution: TrainingConvolution

    /// Ops on `path`; `Conv2D` layers train with `trainingConvolution`.
    public init(_ path: KernelPath, trainingConvolution: TrainingConvolution = .winograd) {
        self.path = path
        self.trainingConvolution = trainingConvolution
    }

    /// The ops of this path: `Reference` or `Fast`.
    public var ops: any KernelOps.Type {
        switch path {
        case .reference: Reference.self
        case .fast: Fast.self
        }
    }
}
