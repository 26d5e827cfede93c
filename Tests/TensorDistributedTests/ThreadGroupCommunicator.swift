//! In-process ranks for tests: `size` threads that exchange buffers under one lock, so the
//! collectives (and the autodiff ops built on them) can be tested without mpirun.
import Foundation
import TensorDistributed

/// The shared meeting point of the threads of one group.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [[UInt8]?]
    private var arrived = 0
    private var generation = 0
    private var result: [UInt8] = []

    init(size: Int) {
        self.size = size
        contributions = Array(repeating: nil, count: size)
    }

    /// Every rank hands in its bytes; the last to arrive combines them (in rank order) and
    /// everyone leaves with the combination.
    func exchange(rank: Int, bytes: [UInt8], combine: ([[UInt8]]) -> [UInt8]) -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        let myGeneration = generation
        contributions[rank] = bytes
        arrived += 1
        if arrived == size {
            result = combine(contributions.map { $0! })
            contributions = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        return result
    }

    /// Runs `body(communicator)` on `size` threads and returns their results by rank.
    static func run<Result: Sendable>(size: Int, _ body: @escaping @Sendable (any Communicator) -> Result) -> [Result] {
        let group = ThreadGroup(size: size)
        let results = ResultBox<Result>(count: size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                results.set(rank, body(ThreadRankCommunicator(rank: rank, group: group)))
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values()
    }
}

/// One thread's view of a ``ThreadGroup``.
final class ThreadRankCommunicator: Communicator, @unchecked Sendable {
    let rank: Int
    let group: ThreadGroup
    var size: Int { group.size }

    init(rank: Int, group: ThreadGroup) {
        self.rank = rank
        self.group = group
    }

    private func reduce<Element: Numeric>(_ buffer: UnsafeMutableBufferPointer<Element>) {
        let bytes = Array(UnsafeRawBufferPointer(buffer))
        let combined = group.exchange(rank: rank, bytes: bytes) { parts in
            var total = [Element](repeating: 0, count: buffer.count)
            for part in parts {
                part.withUnsafeBytes { raw in
                    for index in total.indices { total[index] += raw.load(fromByteOffset: index * MemoryLayout<Element>.stride, as: Element.self) }
                }
            }
            return total.withUnsafeBytes { Array($0) }
        }
        combined.withUnsafeBytes { raw in
            for index in 0..<buffer.count { buffer[index] = raw.load(fromByteOffset: index * MemoryLayout<Element>.stride, as: Element.self) }
        }
    }

    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) { reduce(buffer) }
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) { reduce(buffer) }
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Int64>) { reduce(buffer) }
    func allreduceSum(buckets: [UnsafeMutableBufferPointer<Float>]) { for bucket in buckets { reduce(bucket) } }

    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        let combined = group.exchange(rank: rank, bytes: Array(bytes)) { $0[root] }
        combined.withUnsafeBytes { source in bytes.copyMemory(from: source) }
    }

    func barrier() { _ = group.exchange(rank: rank, bytes: []) { _ in [] } }
}

/// Results written by the threads, read after they all finished.
final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    func values() -> [Value] { lock.withLock { slots.map { $0! } } }
}
