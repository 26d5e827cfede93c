import Dispatch
import Foundation
import Testing
import TensorCore
import TensorTestSupport

@Suite struct RuntimeTests {
    @Test func kernelScopeIsTaskLocal() {
        let outside = TensorRuntime.kernels.name
        TensorRuntime.withKernels(KernelChoice.reference.kernels) {
            #expect(TensorRuntime.kernels.name == "reference")
        }
        #expect(TensorRuntime.kernels.name == outside)
        #expect(TensorRuntime.defaultKernels.name == KernelChoice.accelerated.kernels.name)
    }

    @Test func noGradScopeWorksInAsyncCode() async {
        let x = Tensor(shape: [2], scalars: [1, 2])
        let y = await withNoGrad { () async -> Tensor in
            await Task.yield()
            return x * 3
        }
        #expect(!y.isRecorded)
        #expect(y.scalars == [3, 6])
        #expect((x * 3).isRecorded)
    }

    @Test func concurrentForwardAndBackwardPassesAgree() {
        // Eight threads run the same small network; every result must equal the serial one
        // (catches races in the buffer pool, the identity counter or shared storage).
        let x = testTensor([2, 3, 6, 6], seed: 100)
        let w = testTensor([4, 3, 3, 3], seed: 101)
        @Sendable func run() -> [Float] {
            let y = maxPool2d(relu(conv2d(x, weight: w, padding: 1)), kernelSize: 2)
            let loss = (softmax(y.flattened(startAxis: 1), axis: 1) * y.flattened(startAxis: 1)).sum()
            return loss.scalars + gradients(of: loss, wrt: [w])[0].scalars
        }
        let expected = run()
        let results = ResultBox(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { index in results.set(index, run()) }
        for index in 0..<8 { #expect(results.get(index) == expected) }
    }
}

/// Per-iteration result slots written from `concurrentPerform` workers.
private final class ResultBox: @unchecked Sendable {
    private var values: [[Float]]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [Float]) { lock.lock(); values[index] = value; lock.unlock() }
    func get(_ index: Int) -> [Float] { lock.lock(); defer { lock.unlock() }; return values[index] }
}
