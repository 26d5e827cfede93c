import Foundation
import Testing
import TensorCore
import TensorDistributed
import TensorNN
import TensorTestSupport

@Suite("Synchronised batch norm")
struct SyncBatchNormTests {
    /// Output, d(input), d(weight), d(bias), running mean, running variance of one BN step on
    /// `input` with loss `sum(output * upstream)`.
    static func step(_ layer: BatchNorm2d, input: Tensor, upstream: Tensor) -> [[Float]] {
        let output = layer(input)
        let loss = (output * upstream).sum()
        let grads = gradients(of: loss, wrt: [input, layer.weight.value, layer.bias.value])
        return [output.scalars] + grads.map(\.scalars) + [layer.runningMean.value.scalars, layer.runningVariance.value.scalars]
    }

    static func layer() -> BatchNorm2d {
        let layer = BatchNorm2d(3)
        layer.weight.value = Tensor(shape: [3], scalars: [1.5, -0.5, 2])
        layer.bias.value = Tensor(shape: [3], scalars: [0.1, 0.2, -0.3])
        return layer
    }

    @Test func twoRanksWithHalfBatchesMatchOneProcessWithTheWholeBatch() {
        // Channel means around 2 test the two-pass variance.
        let input = testTensor([4, 3, 2, 2], seed: 11) + 2
        let upstream = testTensor([4, 3, 2, 2], seed: 12)
        let whole = Self.step(Self.layer(), input: input, upstream: upstream)
        let ranks = ThreadGroup.run(size: 2) { communicator -> [[Float]] in
            let layer = Self.layer()
            layer.synchronizer = communicator
            let half = communicator.rank * 2..<communicator.rank * 2 + 2
            return Self.step(layer, input: input.sliced(axis: 0, range: half), upstream: upstream.sliced(axis: 0, range: half))
        }
        // Output and d(input): each rank holds its half of the whole batch's.
        expectClose(ranks[0][0] + ranks[1][0], whole[0], rtol: 1e-4, atol: 1e-5, "output")
        expectClose(ranks[0][1] + ranks[1][1], whole[1], rtol: 1e-3, atol: 1e-5, "d input")
        // d(weight), d(bias): the whole batch's is the sum of the ranks' (data-parallel sums them).
        for index in [2, 3] {
            expectClose(zip(ranks[0][index], ranks[1][index]).map { $0 + $1 }, whole[index], rtol: 1e-4, atol: 1e-5)
        }
        // Running statistics: the whole batch's, equal on both ranks (unbiased with 16 samples).
        for index in [4, 5] {
            expectClose(ranks[0][index], whole[index], rtol: 1e-5, atol: 1e-6)
            #expect(ranks[0][index] == ranks[1][index])
        }
    }

    @Test func withOneProcessItEqualsTheFusedKernel() {
        let input = testTensor([3, 3, 2, 3], seed: 21)
        let upstream = testTensor([3, 3, 2, 3], seed: 22)
        let fused = Self.step(Self.layer(), input: input, upstream: upstream)
        let synchronized = Self.layer()
        #expect(synchronized.synchronizeBatchNorm(over: SingleProcessCommunicator()) == 1)
        let composed = Self.step(synchronized, input: input, upstream: upstream)
        for (index, name) in ["output", "d input", "d weight", "d bias", "mean", "variance"].enumerated() {
            expectClose(composed[index], fused[index], rtol: 1e-4, atol: 1e-5, Comment(rawValue: name))
        }
    }

    @Test func broadcastParametersCopiesRankZerosWeights() {
        let results = ThreadGroup.run(size: 2) { communicator -> [Float] in
            let layer = BatchNorm2d(2)
            layer.weight.value = Tensor(shape: [2], scalars: [Float(communicator.rank), 7])
            layer.broadcastParameters(over: communicator)
            return layer.weight.value.scalars
        }
        #expect(results == [[0, 7], [0, 7]])
    }
}
