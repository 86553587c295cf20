/// The one switch between the two paths: every layer and the trainer call ops through a
/// `Kernels` value, so a whole network moves from the reference loops to the fast kernels by
/// changing one argument (llm.c's `switch (kernel_num)`).
///
/// Each op area adds its methods in its own `Kernels+Area.swift`. The `.fast` case calls the
/// `Fast` twin, which falls back to `Reference` for shapes or ops it does not handle.
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

/// Float ops on the chosen path. Signatures match `Reference` and `Fast` exactly.
public struct Kernels: Sendable {
    /// Where every op of this value runs.
    public var path: KernelPath

    /// Ops on `path`.
    public init(_ path: KernelPath) { self.path = path }
}
