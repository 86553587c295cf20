import ConvLab

// Shared by every target (compiled into each): the one rule a fuzz input must obey.

/// Runs `body` on a fuzz input. A result or a `ConvLabError` is fine; any other error is a bug
/// and stops the fuzzer (as a trap, an overflow or an ASan report would).
@inline(never)
func fuzzCheck<T>(_ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch is ConvLabError {
        return nil
    } catch {
        fatalError("not a ConvLabError: \(error)")
    }
}

/// The fuzzer's bytes as an array.
func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}
