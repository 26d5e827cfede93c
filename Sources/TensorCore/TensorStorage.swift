//! The heap buffer behind a `Tensor`: shared between copies and views, copied on write.

/// A fixed-size Float32 buffer. Tensors share one storage until one of them is mutated
/// (copy-on-write, checked with `isKnownUniquelyReferenced` by `Tensor`).
///
/// The buffer may be longer than the tensor (pooled capacities are rounded up; see
/// `StoragePool`); tensors only ever address their first `count` elements.
///
/// `@unchecked Sendable` because a storage is only written while its tensor holds the only
/// reference (freshly allocated, or uniquely referenced under copy-on-write); shared storage is
/// read-only, so concurrent readers never race with a writer.
final class TensorStorage: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Float>

    private init(capacityFor count: Int) {
        let capacity = StoragePool.capacity(for: count)
        buffer = UnsafeMutableBufferPointer(start: StoragePool.shared.allocate(capacity: capacity), count: capacity)
    }

    /// Zero-filled storage of `count` elements.
    convenience init(zeroedCount count: Int) {
        self.init(capacityFor: count)
        buffer.initialize(repeating: 0)
    }

    /// Storage whose every element the caller overwrites before anyone reads it (op outputs):
    /// skips the zero fill, which would otherwise be a second pass over large activations.
    /// Float is a trivial type, so the memory needs no initialisation to be written; a recycled
    /// buffer holds stale values, which is why every op must write its whole output.
    convenience init(uninitializedCount count: Int) {
        self.init(capacityFor: count)
    }

    convenience init(copying source: UnsafeBufferPointer<Float>) {
        self.init(capacityFor: source.count)
        if let base = source.baseAddress, source.count > 0 {
            buffer.baseAddress!.update(from: base, count: source.count)
        }
    }

    deinit { StoragePool.shared.recycle(buffer.baseAddress!, capacity: buffer.count) }
}
