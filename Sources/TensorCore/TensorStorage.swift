//! The heap buffer behind a `Tensor`: shared between copies and views, copied on write.

/// A fixed-size Float32 buffer. Tensors share one storage until one of them is mutated
/// (copy-on-write, checked with `isKnownUniquelyReferenced` by `Tensor`).
///
/// `@unchecked Sendable` because a storage is only written while its tensor holds the only
/// reference (freshly allocated, or uniquely referenced under copy-on-write); shared storage is
/// read-only, so concurrent readers never race with a writer.
final class TensorStorage: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Float>

    /// Zero-filled storage of `count` elements.
    init(zeroedCount count: Int) {
        buffer = .allocate(capacity: Swift.max(count, 1))
        buffer.initialize(repeating: 0)
    }

    /// Storage whose every element the caller overwrites before anyone reads it (op outputs):
    /// skips the zero fill, which would otherwise be a second pass over large activations.
    /// Float is a trivial type, so the memory needs no initialisation to be written.
    init(uninitializedCount count: Int) {
        buffer = .allocate(capacity: Swift.max(count, 1))
    }

    init(copying source: UnsafeBufferPointer<Float>) {
        buffer = .allocate(capacity: Swift.max(source.count, 1))
        if let base = source.baseAddress, source.count > 0 {
            buffer.baseAddress!.initialize(from: base, count: source.count)
        }
    }

    deinit { buffer.deallocate() }
}
