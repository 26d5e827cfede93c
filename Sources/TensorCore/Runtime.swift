//! Which kernel set TensorCore's fused ops (gemm, conv, pool, batch norm) call.
import Foundation
import TensorKernels

/// The kernel set used by TensorCore ops.
///
/// Resolution order: the innermost `withKernels(_:_:)` scope of the current task, else the
/// process-wide `defaultKernels` (initially `Kernels.accelerated`). Scoped overrides are task-local
/// so that tests comparing kernel sets can run in parallel without racing on a global.
public enum TensorRuntime {
    @TaskLocal static var scopedKernels: (any KernelSet)? = nil
    private static let defaultBox = LockedKernelSet(Kernels.accelerated)

    /// The process-wide kernel set (lock-protected). Set it once at start-up.
    public static var defaultKernels: any KernelSet {
        get { defaultBox.value }
        set { defaultBox.value = newValue }
    }

    /// The kernel set ops use right now.
    public static var kernels: any KernelSet { scopedKernels ?? defaultBox.value }

    /// The most memory (bytes) kept in the cache of freed large tensor buffers (default 1 GiB).
    /// Reusing buffers avoids page-faulting every new activation in; lower it to trade speed for
    /// a smaller resident set. Setting a value below the current use frees the cache.
    public static var storageCacheLimit: Int {
        get { StoragePool.shared.limitBytes }
        set { StoragePool.shared.limitBytes = newValue }
    }

    /// Bytes currently held by the buffer cache.
    public static var cachedStorageBytes: Int { StoragePool.shared.bytesCached }

    /// Frees every cached buffer (e.g. between training and a memory-hungry evaluation).
    public static func releaseCachedStorage() { StoragePool.shared.releaseAll() }

    /// Runs `body` with `kernels` as the kernel set of every op it calls (in this task).
    public static func withKernels<R>(_ kernels: any KernelSet, _ body: () throws -> R) rethrows -> R {
        try $scopedKernels.withValue(kernels, operation: body)
    }
}

final class LockedKernelSet: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: any KernelSet

    init(_ initial: any KernelSet) { stored = initial }

    var value: any KernelSet {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }
}
