//! The collective operations data-parallel training needs, behind one protocol: a single
//! process (rank 0 of 1, no MPI) or an MPI job (`MPICommunicator`).

/// A group of `size` cooperating processes, each with a `rank` in `0..<size`. Every collective
/// must be called by every rank, in the same order, with buffers of the same length (MPI rules);
/// a rank that skips one makes the others wait forever.
///
/// Reductions are sums; averages are sums divided by `size` by the caller. Buffers are reduced
/// in place: after the call every rank holds the same values.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index, `0..<size`. Rank 0 writes files and prints.
    var rank: Int { get }
    /// Number of processes.
    var size: Int { get }
    /// Element-wise sum over all ranks, in place.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>)
    /// Element-wise sum over all ranks, in place (statistics and loss sums).
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>)
    /// Element-wise sum over all ranks, in place (counters: exact).
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Int64>)
    /// Sums several buffers; an implementation may keep several reductions in flight at once
    /// (gradient buckets). Returns when all are done.
    func allreduceSum(buckets: [UnsafeMutableBufferPointer<Float>])
    /// Copies `root`'s bytes into every other rank's buffer (same length everywhere).
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
    /// Returns when every rank has called it.
    func barrier()
}

extension Communicator {
    /// True on rank 0, the rank that writes checkpoints, logs and progress.
    public var isRoot: Bool { rank == 0 }

    /// Sum over ranks of each value of `values` (same count on every rank).
    public func sum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { allreduceSum($0) }
        return result
    }

    /// Sum over ranks of each counter of `values` (exact).
    public func sum(_ values: [Int64]) -> [Int64] {
        var result = values
        result.withUnsafeMutableBufferPointer { allreduceSum($0) }
        return result
    }

    /// Sum over ranks of each counter of `values` (exact).
    public func sum(_ values: [Int]) -> [Int] {
        sum(values.map(Int64.init)).map(Int.init)
    }

    /// `root`'s `values` on every rank (the count must agree).
    public func broadcast(_ values: [Float], root: Int = 0) -> [Float] {
        var result = values
        result.withUnsafeMutableBytes { broadcast($0, root: root) }
        return result
    }

    /// `root`'s bytes on every rank, whatever their length elsewhere (length first, then bytes).
    public func broadcast(bytes: [UInt8], root: Int = 0) -> [UInt8] {
        var length = [Int64(bytes.count)]
        length.withUnsafeMutableBytes { broadcast($0, root: root) }
        var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length[0]))
        result.withUnsafeMutableBytes { broadcast($0, root: root) }
        return result
    }
}

/// One process, no MPI: rank 0 of 1; every collective leaves its buffer as it is.
public final class SingleProcessCommunicator: Communicator {
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public init() {}
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) {}
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) {}
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Int64>) {}
    public func allreduceSum(buckets: [UnsafeMutableBufferPointer<Float>]) {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
    public func barrier() {}
}

extension Communicator {
    /// Every rank's `bytes`, by rank, on every rank (one broadcast per rank: for small payloads
    /// such as result rows, not for tensors).
    public func allGather(bytes: [UInt8]) -> [[UInt8]] {
        (0..<size).map { root in broadcast(bytes: root == rank ? bytes : [], root: root) }
    }
}
