import Synchronization
import TensorKernels
import Testing

@Suite struct ParallelTests {
    /// Collects the ranges `parallelChunks` hands out, from any thread.
    final class RangeLog: Sendable {
        private let ranges = Mutex<[Range<Int>]>([])
        func append(_ range: Range<Int>) { ranges.withLock { $0.append(range) } }
        var sorted: [Range<Int>] { ranges.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } } }
    }

    @Test(arguments: [1, 7, 1000, 100_003])
    func chunksCoverTheRangeExactlyOnce(_ count: Int) {
        let log = RangeLog()
        parallelChunks(count: count, minimumChunk: 100) { log.append($0) }
        let ranges = log.sorted
        // Contiguous, non-empty, starting at 0 and ending at count.
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.last?.upperBound == count)
        #expect(ranges.allSatisfy { !$0.isEmpty })
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.count <= max(1, processorCount))
    }

    @Test func smallLoopsRunAsOneChunk() {
        // 150 < 2 * 100: one call with the whole range.
        let log = RangeLog()
        parallelChunks(count: 150, minimumChunk: 100) { log.append($0) }
        #expect(log.sorted == [0..<150])
    }

    @Test func emptyLoopNeverCallsTheBody() {
        let log = RangeLog()
        parallelChunks(count: 0, minimumChunk: 1) { log.append($0) }
        #expect(log.sorted.isEmpty)
    }

    @Test func sendablePointersWriteDisjointElements() {
        // Each chunk writes i * 2 into its own elements of a shared buffer.
        var values = [Float](repeating: -1, count: 10_000)
        values.withUnsafeMutableBufferPointer { buffer in
            let target = SendableMutablePointer(buffer.baseAddress!)
            parallelChunks(count: 10_000, minimumChunk: 1000) { range in
                for i in range { target[i] = Float(i * 2) }
            }
        }
        #expect(values.enumerated().allSatisfy { $0.element == Float($0.offset * 2) })
    }
}
