/// The attributes of one op call, as a conformance case writes them (`"strides": [2, 2]`,
/// `"padding": "SAME"`, `"alpha": 0.2`) or code spells them with literals. The typed accessors
/// turn a missing or ill-typed entry into an error that names the op and the attribute.
package struct OpAttributes: Sendable, ExpressibleByDictionaryLiteral {
    /// One attribute value. Numbers keep their text, so `0.1` becomes the nearest Float once.
    package indirect enum Value: Sendable, Equatable, CustomStringConvertible, ExpressibleByIntegerLiteral,
        ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral {
        case number(String)
        case text(String)
        case flag(Bool)
        case list([Value])

        package init(integerLiteral value: Int) { self = .number(String(value)) }
        package init(floatLiteral value: Double) { self = .number(String(value)) }
        package init(stringLiteral value: String) { self = .text(value) }
        package init(booleanLiteral value: Bool) { self = .flag(value) }
        package init(arrayLiteral elements: Value...) { self = .list(elements) }

        /// As JSON writes it: `2`, `"SAME"`, `true`, `[1,2]`.
        package var description: String {
            switch self {
            case .number(let text): text
            case .text(let text): "\"\(text)\""
            case .flag(let flag): "\(flag)"
            case .list(let values): "[" + values.map(\.description).joined(separator: ",") + "]"
            }
        }

        /// An integer, when the number is one.
        var integer: Int? {
            guard case let .number(text) = self else { return nil }
            if let exact = Int(text) { return exact }
            return Double(text).flatMap { Int(exactly: $0) }
        }

        /// How a message names what was found.
        var kind: String {
            switch self {
            case .number(let text): text
            case .text: "a string"
            case .flag: "a boolean"
            case .list: "a list"
            }
        }
    }

    package var values: [String: Value]

    package init(_ values: [String: Value]) { self.values = values }

    package init(dictionaryLiteral elements: (String, Value)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    private func missing(_ name: String, op: String) -> ConvLabError {
        .argument(op: op, message: "missing attribute '\(name)'")
    }

    /// An integer, `fallback` when absent (an error when there is none).
    package func int(_ name: String, default fallback: Int? = nil, op: String) throws -> Int {
        guard let value = values[name] else {
            if let fallback { return fallback }
            throw missing(name, op: op)
        }
        guard let integer = value.integer else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be an integer, found \(value.kind)")
        }
        return integer
    }

    /// A list of integers, `fallback` when absent.
    func ints(_ name: String, default fallback: [Int]? = nil, op: String) throws -> [Int] {
        guard let value = values[name] else {
            if let fallback { return fallback }
            throw missing(name, op: op)
        }
        guard case let .list(elements) = value else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be a list of integers, found \(value.kind)")
        }
        return try elements.map { element in
            guard let integer = element.integer else {
                throw ConvLabError.argument(op: op, message: "attribute '\(name)' must hold integers, found \(element.kind)")
            }
            return integer
        }
    }

    /// A per-axis integer of a 1-D op (`stride`, `dilation`): under the first of `names` present,
    /// as an integer or a one-element list.
    package func single(_ names: [String], default fallback: Int, op: String) throws -> Int {
        guard let name = names.first(where: { values[$0] != nil }) else { return fallback }
        if let value = values[name]?.integer { return value }
        let list = try ints(name, op: op)
        guard list.count == 1 else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be one integer, got \(list)")
        }
        return list[0]
    }

    /// A `[h, w]` pair such as `strides`, `ksize` or `dilations`. A single integer means both
    /// axes, and TF's 4-element NHWC form `[1, h, w, 1]` is accepted too.
    package func size2(_ name: String, default fallback: Size2? = nil, op: String) throws -> Size2 {
        if values[name] == nil, let fallback { return fallback }
        if let single = values[name]?.integer { return Size2(single, single) }
        let list = try ints(name, op: op)
        if list.count == 4 && list[0] == 1 && list[3] == 1 { return Size2(list[1], list[2]) }
        return try Size2(list, op: op, name: name)
    }

    /// A finite Float such as `alpha` or `epsilon`, converted once from its text.
    package func float(_ name: String, default fallback: Float? = nil, op: String) throws -> Float {
        guard let value = values[name] else {
            if let fallback { return fallback }
            throw missing(name, op: op)
        }
        guard case let .number(text) = value, let scalar = Float(text), scalar.isFinite else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be a finite number, found \(value.kind)")
        }
        return scalar
    }

    /// A boolean such as `training` or `antialias`.
    package func bool(_ name: String, default fallback: Bool, op: String) throws -> Bool {
        guard let value = values[name] else { return fallback }
        guard case let .flag(flag) = value else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be true or false, found \(value.kind)")
        }
        return flag
    }

    /// A string such as `padding` or `method`.
    package func string(_ name: String, default fallback: String? = nil, op: String) throws -> String {
        guard let value = values[name] else {
            if let fallback { return fallback }
            throw missing(name, op: op)
        }
        guard case let .text(text) = value else {
            throw ConvLabError.argument(op: op, message: "attribute '\(name)' must be a string, found \(value.kind)")
        }
        return text
    }

    /// The `padding` attribute, `"SAME"` or `"VALID"`.
    package func padding(op: String) throws -> Padding {
        do {
            return try Padding(parsing: try string("padding", op: op))
        } catch let ConvLabError.argument(_, message) {
            throw ConvLabError.argument(op: op, message: message)
        }
    }
}
