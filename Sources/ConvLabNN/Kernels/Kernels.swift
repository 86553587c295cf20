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
        guard let path = KernelPath(rawValue: text.lowercased()) else {
            throw ConvLabError.argument(op: "path", message: "'\(text)' is neither reference nor fast")
        }
        self = path
    }
}

/// Float ops on the chosen path.
public struct Kernels: Sendable {
    /// Where every op of this value runs.
    public var path: KernelPath

    /// Ops on `path`.
    public init(_ path: KernelPath) { self.path = path }

    /// The ops of this path: `Reference` or `Fast`.
    public var ops: any KernelOps.Type {
        switch path {
        case .reference: Reference.self
        case .fast: Fast.self
        }
    }
}
