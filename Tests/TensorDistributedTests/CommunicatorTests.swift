import Foundation
import Testing
import TensorCore
import TensorDistributed
import TensorTestSupport

@Suite("Communicator collectives")
struct CommunicatorTests {
    @Test func singleProcessIsRankZeroOfOneAndLeavesBuffersAlone() {
        let single = SingleProcessCommunicator()
        #expect(single.rank == 0 && single.size == 1 && single.isRoot)
        #expect(single.sum([1.5, -2]) == [1.5, -2])
        #expect(single.sum([7, 9] as [Int]) == [7, 9])
        #expect(single.broadcast(bytes: [1, 2, 3]) == [1, 2, 3])
    }

    @Test func sumsAndBroadcastsAcrossThreeRanks() {
        let results = ThreadGroup.run(size: 3) { communicator -> [Double] in
            let rank = Double(communicator.rank)
            var floats: [Float] = [Float(rank + 1), 10 * Float(rank + 1)]
            floats.withUnsafeMutableBufferPointer { communicator.allreduceSum($0) }
            let counters = communicator.sum([Int64(communicator.rank), 1])
            // Rank 1 broadcasts 5 bytes; the others pass buffers of other lengths.
            let bytes = communicator.broadcast(bytes: [UInt8](repeating: UInt8(communicator.rank), count: communicator.rank + 4), root: 1)
            return floats.map(Double.init) + counters.map(Double.init) + bytes.map(Double.init)
        }
        // Floats: 1 + 2 + 3 = 6 and 10 + 20 + 30 = 60; counters: 0 + 1 + 2 = 3 and 3 ranks;
        // bytes: rank 1's five 1s.
        for result in results { #expect(result == [6, 60, 3, 3, 1, 1, 1, 1, 1]) }
    }

    @Test func sumAcrossRanksBackPropagatesTheSumOfEveryRanksGradient() {
        let results = ThreadGroup.run(size: 2) { communicator -> [Float] in
            let scale = Float(communicator.rank + 1)
            let x = Tensor(shape: [2], scalars: [scale, 2 * scale])
            let total = communicator.sumAcrossRanks(x)
            // Rank 0's loss weighs the first element by 1, rank 1's the second by 10.
            let weights = communicator.rank == 0 ? Tensor(shape: [2], scalars: [1, 0]) : Tensor(shape: [2], scalars: [0, 10])
            let loss = (total * weights).sum()
            return total.scalars + gradients(of: loss, wrt: [x])[0].scalars
        }
        // Forward: [1, 2] + [2, 4] = [3, 6] on both ranks. d(L0 + L1)/dx_r = d(L0 + L1)/d total
        // = [1, 0] + [0, 10] = [1, 10] on both ranks.
        #expect(results[0] == [3, 6, 1, 10])
        #expect(results[1] == [3, 6, 1, 10])
    }

    @Test func singleProcessSumAcrossRanksIsTheIdentityForAutodiff() {
        let single = SingleProcessCommunicator()
        checkGradients({ single.sumAcrossRanks($0[0] * $0[0]) }, at: [testTensor([3, 2], seed: 5)])
    }

    @Test func gradientAveragerAveragesInSeveralBucketsAndSkipsMissingGradients() {
        let results = ThreadGroup.run(size: 2) { communicator -> [[Float]] in
            let first = Tensor(shape: [3], scalars: [0, 0, 0]).requiringGradient()
            let second = Tensor(shape: [2], scalars: [0, 0]).requiringGradient()
            let unused = Tensor(shape: [1], scalars: [0]).requiringGradient()
            let offset = Float(2 * communicator.rank)
            let gradients = Gradients([(first, Tensor(shape: [3], scalars: [1 + offset, 2 + offset, 3 + offset])),
                                       (second, Tensor(shape: [2], scalars: [4 + offset, 5 + offset]))])
            // 8-byte buckets: 2 floats each, so the 5 floats travel in 3 buckets.
            let averager = GradientAverager(communicator: communicator, bucketBytes: 8)
            let averaged = averager.average(gradients, parameters: [first, unused, second])
            return [averaged[first]!.scalars, averaged[second]!.scalars, averaged[unused] == nil ? [] : [1]]
        }
        // Rank 0 [1, 2, 3], [4, 5]; rank 1 [3, 4, 5], [6, 7]: means [2, 3, 4], [5, 6].
        for result in results { #expect(result == [[2, 3, 4], [5, 6], []]) }
    }
}
