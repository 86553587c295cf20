/// The two checksums of the compressed formats: CRC-32 (gzip trailers, PNG chunks) and Adler-32
/// (zlib trailers, so PNG image data).
///
/// Known values: CRC-32 of the ASCII bytes "123456789" is 0xCBF43926; Adler-32 of "Wikipedia"
/// is 0x11E60398.
package enum Checksum {
    /// CRC-32 as in ISO 3309, gzip and PNG (reflected polynomial 0xEDB88320, initial and final
    /// XOR with 0xFFFFFFFF).
    /// - Parameters:
    ///   - bytes: the data.
    ///   - previous: the CRC of the bytes before these, to continue a running CRC (0 to start).
    /// - Returns: the CRC-32 of the previous bytes followed by `bytes`.
    /// - Complexity: O(n), one table look-up per byte (slicing by four).
    package static func crc32<Bytes: Collection<UInt8>>(_ bytes: Bytes, continuing previous: UInt32 = 0) -> UInt32 {
        if let fast = bytes.withContiguousStorageIfAvailable({ crc32(UnsafeRawBufferPointer($0), continuing: previous) }) {
            return fast
        }
        return Array(bytes).withUnsafeBytes { crc32($0, continuing: previous) }
    }

    /// CRC-32 over raw memory; see `crc32(_:continuing:)`.
    package static func crc32(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        let table = crcTable
        var crc = ~previous
        var index = 0
        let count = bytes.count
        // Four bytes per step: each table k gives the CRC of a byte followed by k zero bytes.
        while index + 4 <= count {
            crc ^= bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian
            crc = table[3 * 256 + Int(crc & 0xFF)] ^ table[2 * 256 + Int((crc &>> 8) & 0xFF)]
                ^ table[256 + Int((crc &>> 16) & 0xFF)] ^ table[Int(crc &>> 24)]
            index += 4
        }
        while index < count {
            crc = table[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc &>> 8)
            index += 1
        }
        return ~crc
    }

    /// Adler-32 as in RFC 1950: two running sums modulo 65521, `b << 16 | a`.
    /// - Parameters:
    ///   - bytes: the data.
    ///   - previous: the Adler-32 of the bytes before these (1 to start, the value of no data).
    /// - Complexity: O(n); the modulo is taken once every 5552 bytes, the most that cannot
    ///   overflow 32 bits.
    package static func adler32<Bytes: Collection<UInt8>>(_ bytes: Bytes, continuing previous: UInt32 = 1) -> UInt32 {
        let modulus: UInt32 = 65521
        var a = previous & 0xFFFF
        var b = previous >> 16
        var sinceModulo = 0
        for byte in bytes {
            a &+= UInt32(byte)
            b &+= a
            sinceModulo += 1
            if sinceModulo == 5552 {
                a %= modulus
                b %= modulus
                sinceModulo = 0
            }
        }
        return (b % modulus) << 16 | (a % modulus)
    }

    /// The tables in process-lifetime memory: pointer reads keep debug builds fast.
    private nonisolated(unsafe) static let crcTable: UnsafePointer<UInt32> = {
        let pointer = UnsafeMutablePointer<UInt32>.allocate(capacity: 4 * 256)
        pointer.initialize(from: crcTables, count: 4 * 256)
        return UnsafePointer(pointer)
    }()

    /// Four 256-entry tables for slicing-by-four, built once.
    private static let crcTables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 4 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 {
                c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
            }
            table[n] = c
        }
        for k in 1..<4 {
            for n in 0..<256 {
                let previous = table[(k - 1) * 256 + n]
                table[k * 256 + n] = table[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return table
    }()
}
