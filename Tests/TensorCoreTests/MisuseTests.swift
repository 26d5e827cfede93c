import Testing
import TensorCore

/// Shape misuse stops the process with a precondition failure (tensor math does not throw);
/// exit tests run the misuse in a child process.
@Suite struct MisuseTests {
    @Test func incompatibleBroadcastStops() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor.zeros(shape: [2, 3]) + Tensor.zeros(shape: [4])
        }
    }

    @Test func matmulInnerExtentMismatchStops() async {
        await #expect(processExitsWith: .failure) {
            _ = matmul(Tensor.zeros(shape: [2, 3]), Tensor.zeros(shape: [4, 5]))
        }
    }
}
