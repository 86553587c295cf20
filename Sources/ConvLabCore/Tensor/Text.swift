/// The few text helpers every table in ConvLab uses: the library's summaries, the command-line
/// tool and the lectures' transcripts.

/// `120000` as `120,000`.
public func thousands<I: BinaryInteger>(_ value: I) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (k, digit) in digits.enumerated() {
        if k > 0 && (digits.count - k) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

/// `value` right-aligned in `width` columns (never cut).
package func rightAligned<T: CustomStringConvertible>(_ value: T, _ width: Int) -> String {
    let text = value.description
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// `value` left-aligned in `width` columns (never cut).
package func leftAligned<T: CustomStringConvertible>(_ value: T, _ width: Int) -> String {
    let text = value.description
    return text + String(repeating: " ", count: max(0, width - text.count))
}
