/// Every error ConvLab throws. The message names the op (or the file) and the offending shapes or
/// byte offset, so a student can act on it without a debugger.
public enum ConvLabError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes that do not fit together: `conv2d: filter has 3 input channels but input has 1 ...`.
    case shape(op: String, message: String)
    /// An argument outside its domain: a stride of 0, a keep probability of 1.5, an unknown name.
    case argument(op: String, message: String)
    /// A file that cannot be read or parsed; `offset` is the byte where reading failed, if known.
    case file(path: String, offset: Int?, message: String)

    public var description: String {
        switch self {
        case let .shape(op, message), let .argument(op, message):
            return "\(op): \(message)"
        case let .file(path, offset?, message):
            return "\(path) at byte \(offset): \(message)"
        case let .file(path, nil, message):
            return "\(path): \(message)"
        }
    }
}

extension Error {
    /// The message a command-line tool prints for this error.
    package var convLabMessage: String {
        (self as? ConvLabError)?.description ?? String(describing: self)
    }
}

/// `[1,28,28,1]`: the compact shape spelling used in every error message.
@inlinable
public func describeShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ",") + "]"
}
