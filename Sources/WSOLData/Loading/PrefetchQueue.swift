//! Background production of an ordered sequence, a bounded number of items ahead of the consumer.
import Foundation

/// Computes `produce(0) ..< produce(count)` on `workers` background threads and hands the results
/// out strictly in index order. Workers claim the next index only while fewer than `depth`
/// results are claimed-but-not-consumed, so memory holds at most `depth` results.
///
/// Results depend only on the index (never on which thread made them or when), which keeps the
/// loader deterministic. All mutable state is guarded by `condition`.
final class PrefetchQueue<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Result<Value, any Error>] = [:]
    private var nextToClaim = 0
    private var delivered = 0
    private var cancelled = false
    private let count: Int
    private let depth: Int

    init(count: Int, depth: Int, workers: Int, produce: @escaping @Sendable (Int) throws -> Value) {
        self.count = count
        self.depth = depth
        for workerIndex in 0..<min(workers, max(count, 1)) {
            let thread = Thread { [self] in self.work(produce) }
            thread.name = "wsol.loader.\(workerIndex)"
            thread.start()
        }
    }

    deinit { cancel() }

    /// The result for the next index (rethrowing its error), or nil after the last one.
    func next() throws -> Value? {
        condition.lock()
        defer { condition.unlock() }
        guard delivered < count, !cancelled else { return nil }
        while ready[delivered] == nil { condition.wait() }
        let result = ready.removeValue(forKey: delivered)!
        delivered += 1
        condition.broadcast()
        return try result.get()
    }

    /// Stops the workers after their current item; `next` returns nil from now on.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func work(_ produce: @Sendable (Int) throws -> Value) {
        while let index = claim() {
            let result = Result { try produce(index) }
            condition.lock()
            ready[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next index to produce, waiting while `depth` results are ahead; nil when done or cancelled.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextToClaim < count && nextToClaim >= delivered + depth { condition.wait() }
        guard !cancelled, nextToClaim < count else { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }
}
