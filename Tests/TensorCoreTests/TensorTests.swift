import Testing
import TensorCore
import TensorTestSupport

@Suite struct TensorTests {
    @Test func initialiserKeepsShapeAndRowMajorScalars() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.shape == [2, 3])
        #expect(x.rank == 2)
        #expect(x.count == 6)
        // Row-major: element (1, 2) is the sixth scalar.
        #expect(x[1, 2] == 6)
        #expect(x[0, 1] == 2)
    }

    @Test func scalarTensorHasEmptyShape() {
        let x = Tensor(3.5)
        #expect(x.shape == [])
        #expect(x.count == 1)
        #expect(x.scalar == 3.5)
    }

    @Test func mutatingACopyLeavesTheOriginalUnchanged() {
        let original = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var copy = original
        copy[0, 0] = 10
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [10, 2, 3, 4])
        #expect(copy.id != original.id)
    }

    @Test func mutatingAReshapedViewLeavesTheSourceUnchanged() {
        let original = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var view = original.reshaped(to: [4])
        view[3] = -1
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(view.scalars == [1, 2, 3, -1])
    }

    @Test func uniquelyOwnedStorageIsMutatedInPlace() {
        var x = Tensor(shape: [3], scalars: [1, 2, 3])
        let before = x.withUnsafeBufferPointer { $0.baseAddress }
        x.withUnsafeMutableBufferPointer { $0[1] = 20 }
        let after = x.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
        #expect(x.scalars == [1, 20, 3])
    }

    @Test func detachedTensorHasNoRecordedOp() {
        let x = Tensor(shape: [2], scalars: [1, 2])
        let y = x * 2
        #expect(y.isRecorded)
        let z = y.detached()
        #expect(!z.isRecorded)
        #expect(z.scalars == [2, 4])
    }

    @Test func constructorsFillAsDocumented() {
        #expect(Tensor.zeros(shape: [2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.ones(shape: [3]).scalars == [1, 1, 1])
        #expect(Tensor(repeating: 7, shape: [2]).scalars == [7, 7])
        #expect(Tensor.arange(4).scalars == [0, 1, 2, 3])
        // Labels [2, 0] over 3 classes: rows [0 0 1] and [1 0 0].
        #expect(Tensor.oneHot([2, 0], classCount: 3).scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test func initialisersFromBuffersCopyOrFillInPlace() {
        let filled = Tensor(shape: [2, 2]) { buffer in
            for index in buffer.indices { buffer[index] = Float(index * 10) }
        }
        #expect(filled.scalars == [0, 10, 20, 30])
        let source: [Float] = [1, 2, 3]
        let copied = source.withUnsafeBufferPointer { Tensor(shape: [3], copying: $0) }
        #expect(copied.scalars == [1, 2, 3])
        #expect(copied.withUnsafeBufferPointer { $0.baseAddress } != source.withUnsafeBufferPointer { $0.baseAddress })
    }

    @Test func descriptionShowsShapeAndValues() {
        let text = Tensor(shape: [2], scalars: [1, 2]).description
        #expect(text.contains("[2]"))
        #expect(text.contains("1.0, 2.0"))
    }
}
