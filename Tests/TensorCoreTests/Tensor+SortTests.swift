import Testing
import TensorCore
import TensorTestSupport

@Suite struct SortTests {
    @Test func sortIsStableAndReturnsPositions() {
        let x = Tensor(shape: [2, 4], scalars: [3, 1, 2, 1, 0, 5, -1, 4])
        let (ascending, order) = x.sorted(axis: 1)
        #expect(ascending.scalars == [1, 1, 2, 3, -1, 0, 4, 5])
        // Ties 1 at positions 1 and 3 keep their order.
        #expect(order == [1, 3, 2, 0, 2, 0, 3, 1])
        let (descending, _) = x.sorted(axis: 1, descending: true)
        #expect(descending.scalars == [3, 2, 1, 1, 5, 4, 0, -1])
    }

    @Test func topKAlongAnyAxis() {
        let x = Tensor(shape: [3, 2], scalars: [1, 6, 5, 2, 3, 4])
        let (values, indices) = x.topK(2, axis: 0)
        // Column 0: [1, 5, 3] -> 5 (row 1), 3 (row 2); column 1: [6, 2, 4] -> 6 (0), 4 (2).
        #expect(values.scalars == [5, 6, 3, 4])
        #expect(indices == [1, 0, 2, 2])
        let (smallest, _) = x.topK(1, axis: 1, largest: false)
        #expect(smallest.scalars == [1, 2, 3])
    }

    @Test func sortedValuesPassGradientChecks() {
        let t = distinctTestTensor([2, 5], seed: 17)
        checkGradients({ $0[0].sorted(axis: 1).values }, at: [t])
        checkGradients({ $0[0].topK(3, axis: 1).values }, at: [t])
        checkGradients({ $0[0].topK(1, axis: 0, largest: false).values }, at: [t])
    }
}
