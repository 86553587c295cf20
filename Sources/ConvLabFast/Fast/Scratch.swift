import Foundation
import ConvLabCore

// Scratch memory that the fast kernels reuse across calls and training steps.
//
// Every training step of a network asks for the same scratch buffers again: packed GEMM
// panels (the lecture 7 fc layer's weights pack into 12.8 MB on every forward pass), zero-padded
// copies of inputs, pointer tables, per-thread partial sums. Allocating them afresh costs a
// system call and fresh zeroed pages for every large block (glibc serves blocks over 128 KB
// with `mmap`). Here a kernel takes a buffer with `scratch` and hands it back with `recycle`; the
// pool keeps it, and the next call that needs about as many bytes gets the same memory back.
// After the first step a step allocates no scratch at all.

extension Fast {
    /// Uninitialized memory for `count` values of `T`, 64-byte aligned, from the pool when a
    /// kept buffer fits (at least `count` values, at most twice that plus 64 KB), else newly
    /// allocated. Give it back with `recycle` (usually in a `defer`).
    static func scratch<T>(_ type: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
        let raw = ScratchPool.shared.take(bytes: max(1, count) * MemoryLayout<T>.stride)
        return raw.bindMemory(to: T.self, capacity: max(1, count))
    }

    /// Returns a buffer from `scratch` to the pool. Its contents are not kept.
    static func recycle<T>(_ pointer: UnsafeMutablePointer<T>) {
        ScratchPool.shared.give(UnsafeMutableRawPointer(pointer))
    }
}

/// The buffers handed out by `Fast.scratch` and those kept for reuse, behind a lock (kernels
/// take scratch from several threads at once).
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool(keptBytesLimit: 512 << 20)

    private let lock = NSLock()
    private var kept: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    private var keptBytes = 0
    private var lent: [UnsafeMutableRawPointer: Int] = [:]
    /// Buffers given back beyond this many kept bytes are freed instead.
    let keptBytesLimit: Int

    init(keptBytesLimit: Int) { self.keptBytesLimit = keptBytesLimit }

    /// The smallest kept buffer of `bytes...2 * bytes + 64 KB`, or a new one.
    func take(bytes: Int) -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        let most = 2 * bytes + (64 << 10)
        var best: Int?
        for (index, buffer) in kept.enumerated() where buffer.bytes >= bytes && buffer.bytes <= most {
            if best == nil || buffer.bytes < kept[best!].bytes { best = index }
        }
        let buffer: (pointer: UnsafeMutableRawPointer, bytes: Int)
        if let best {
            buffer = kept.remove(at: best)
            keptBytes -= buffer.bytes
        } else {
            buffer = (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
        }
        lent[buffer.pointer] = buffer.bytes
        return buffer.pointer
    }

    /// Keeps a lent buffer for reuse, or frees it when the pool is full.
    func give(_ pointer: UnsafeMutableRawPointer) {
        lock.lock()
        defer { lock.unlock() }
        guard let bytes = lent.removeValue(forKey: pointer) else {
            preconditionFailure("ScratchPool: a buffer that was not lent came back")  // a kernel bug, not user input
        }
        if keptBytes + bytes > keptBytesLimit {
            pointer.deallocate()
            return
        }
        kept.append((pointer, bytes))
        keptBytes += bytes
    }

    /// Bytes kept for reuse and bytes lent out now (for tests).
    var usage: (kept: Int, lent: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (keptBytes, lent.values.reduce(0, +))
    }
}
