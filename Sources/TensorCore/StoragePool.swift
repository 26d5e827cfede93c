//! A cache of large freed buffers, so that a training step does not page-fault its activations in.
import Foundation

/// Recycles large tensor buffers between ops.
///
/// Why: glibc serves allocations above its mmap threshold (at most 32 MiB) with fresh `mmap`
/// pages, and every page of a fresh buffer faults on first write. Measured on the target machine
/// under load, a 25 MiB op output cost ~80 ms in faults versus ~3 ms to compute, so a training
/// step that allocates new activations every iteration was dominated by the kernel zeroing pages.
/// Buffers of at least `minimumCount` floats are rounded up to a multiple of `granule` floats and
/// kept here after their tensor dies (up to `limitBytes`); an allocation of the same rounded size
/// takes one back. Smaller buffers go straight to malloc, which already reuses them well.
final class StoragePool: @unchecked Sendable {
    static let shared = StoragePool()

    /// Buffers below this many floats (256 KiB) are not pooled.
    static let minimumCount = 1 << 16
    /// Pooled capacities are multiples of this many floats (64 KiB), to raise the hit rate.
    static let granule = 1 << 14

    private let lock = NSLock()
    private var available: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0
    private var limit = 1 << 30

    /// The capacity actually allocated for a request of `count` floats.
    static func capacity(for count: Int) -> Int {
        let atLeastOne = Swift.max(count, 1)
        guard atLeastOne >= minimumCount else { return atLeastOne }
        return (atLeastOne + granule - 1) / granule * granule
    }

    /// A buffer of exactly `capacity` floats: a cached one if available, else a new allocation.
    func allocate(capacity: Int) -> UnsafeMutablePointer<Float> {
        if capacity >= Self.minimumCount {
            lock.lock()
            if let pointer = available[capacity]?.popLast() {
                cachedBytes -= capacity * MemoryLayout<Float>.stride
                lock.unlock()
                return pointer
            }
            lock.unlock()
        }
        return .allocate(capacity: capacity)
    }

    /// Returns a buffer: cached if it is large and the cache has room, freed otherwise.
    func recycle(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        if capacity >= Self.minimumCount {
            let bytes = capacity * MemoryLayout<Float>.stride
            lock.lock()
            if cachedBytes + bytes <= limit {
                available[capacity, default: []].append(pointer)
                cachedBytes += bytes
                lock.unlock()
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }

    /// Bytes held in the cache right now.
    var bytesCached: Int {
        lock.lock(); defer { lock.unlock() }
        return cachedBytes
    }

    /// The most bytes the cache keeps; lowering it frees cached buffers.
    var limitBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return limit }
        set {
            lock.lock()
            limit = Swift.max(newValue, 0)
            lock.unlock()
            if bytesCached > newValue { releaseAll() }
        }
    }

    /// Frees every cached buffer.
    func releaseAll() {
        lock.lock()
        let buffers = available
        available = [:]
        cachedBytes = 0
        lock.unlock()
        for pointers in buffers.values { for pointer in pointers { pointer.deallocate() } }
    }
}
