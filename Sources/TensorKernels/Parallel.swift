//! Splitting a loop over the cores, and the pointer wrappers that make it legal in Swift 6.
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Online processors, read once (the machine does not change under us).
public let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Runs `body` over `0..<count` split into contiguous chunks, one per core, in parallel.
///
/// Runs serially (one call with the whole range) when `count < 2 * minimumChunk` or on one core,
/// so tiny loops pay no dispatch cost. Chunks are disjoint and cover the range exactly once;
/// `body` must only write to the elements its range owns.
public func parallelChunks(count: Int, minimumChunk: Int, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = min(processorCount, max(1, count / max(1, minimumChunk)))
    if workers <= 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = count * worker / workers
        let end = count * (worker + 1) / workers
        if start < end { body(start..<end) }
    }
}

/// A read-only pointer that may cross into `@Sendable` closures. The caller promises that nobody
/// writes the memory while the closure runs and that it outlives the closure.
public struct SendablePointer<Pointee>: @unchecked Sendable {
    public let base: UnsafePointer<Pointee>
    public init(_ base: UnsafePointer<Pointee>) { self.base = base }
    @inlinable public subscript(index: Int) -> Pointee { base[index] }
}

/// A mutable pointer that may cross into `@Sendable` closures. The caller promises that the
/// concurrent closures write disjoint elements and that the memory outlives them.
public struct SendableMutablePointer<Pointee>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Pointee>
    public init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    @inlinable public subscript(index: Int) -> Pointee {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
