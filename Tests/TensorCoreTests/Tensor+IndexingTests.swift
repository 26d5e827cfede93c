import Testing
import TensorCore
import TensorTestSupport

@Suite struct IndexingTests {
    // x = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    let x = Tensor(shape: [3, 4], scalars: (0..<12).map(Float.init))

    @Test func sliceAndCropTakeTheBlock() {
        #expect(x.sliced(axis: 1, range: 1..<3).scalars == [1, 2, 5, 6, 9, 10])
        #expect(x.sliced(axis: 0, range: 2..<3).scalars == [8, 9, 10, 11])
        #expect(x.cropped(origin: [1, 2], shape: [2, 2]).scalars == [6, 7, 10, 11])
    }

    @Test func splitAndConcatAreInverse() {
        let parts = x.split(sizes: [1, 3], axis: 1)
        #expect(parts.map(\.shape) == [[3, 1], [3, 3]])
        #expect(parts[0].scalars == [0, 4, 8])
        #expect(concat(parts, axis: 1).scalars == x.scalars)
        // Along axis 0: [3, 4] then [1, 4].
        let stacked = concat([x, Tensor(repeating: -1, shape: [1, 4])], axis: 0)
        #expect(stacked.shape == [4, 4])
        #expect(Array(stacked.scalars.suffix(4)) == [-1, -1, -1, -1])
    }

    @Test func padSurroundsWithTheValue() {
        // [[1, 2]] padded by 1 row below and 1 column on each side with 9.
        let t = Tensor(shape: [1, 2], scalars: [1, 2])
        let p = t.padded([(0, 1), (1, 1)], value: 9)
        #expect(p.shape == [2, 4])
        #expect(p.scalars == [9, 1, 2, 9, 9, 9, 9, 9])
    }

    @Test func gatherAndIndexSelectPickElements() {
        // gather along 1 with [[3], [0], [1]]: x[0,3], x[1,0], x[2,1] = 3, 4, 9.
        #expect(x.gathered(alongAxis: 1, indices: [3, 0, 1], count: 1).scalars == [3, 4, 9])
        // index_select rows [2, 0, 2].
        #expect(x.indexSelected(axis: 0, indices: [2, 0, 2]).scalars == [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11])
        // Repeated indices accumulate gradients: row 2 chosen twice -> 2.
        let g = gradients(of: x.indexSelected(axis: 0, indices: [2, 0, 2]), wrt: [x])[0]
        #expect(g.scalars == [1, 1, 1, 1, 0, 0, 0, 0, 2, 2, 2, 2])
    }

    @Test func indexingOpsPassGradientChecks() {
        let t = testTensor([2, 3, 4], seed: 15)
        checkGradients({ $0[0].sliced(axis: 2, range: 1..<3) }, at: [t])
        checkGradients({ $0[0].split(sizes: [1, 2], axis: 1)[1] }, at: [t])
        checkGradients({ $0[0].padded([(0, 0), (1, 2), (2, 1)], value: 0.5) }, at: [t])
        checkGradients({ $0[0].gathered(alongAxis: 2, indices: [0, 3, 3, 1, 2, 2, 0, 1, 1, 3, 0, 0], count: 2) }, at: [t])
        checkGradients({ $0[0].indexSelected(axis: 1, indices: [2, 2, 0]) }, at: [t])
        let u = testTensor([2, 1, 4], seed: 16)
        checkGradients({ concat([$0[0], $0[1], $0[0]], axis: 1) }, at: [t, u])
    }
}

@Suite struct StackFlipTests {
    @Test func stackAddsAnAxisAndFlipReverses() {
        let a = Tensor(shape: [2], scalars: [1, 2]), b = Tensor(shape: [2], scalars: [3, 4])
        #expect(stack([a, b]).shape == [2, 2])
        #expect(stack([a, b]).scalars == [1, 2, 3, 4])
        // Along the last axis: pairs (1, 3), (2, 4).
        #expect(stack([a, b], axis: 1).scalars == [1, 3, 2, 4])
        let image = Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(image.flipped(axis: 3).scalars == [3, 2, 1, 6, 5, 4])
        #expect(image.flipped(axis: 2).scalars == [4, 5, 6, 1, 2, 3])
        checkGradients({ stack([$0[0], $0[1]], axis: 1) }, at: [testTensor([2, 3], seed: 80), testTensor([2, 3], seed: 81)])
        checkGradients({ $0[0].flipped(axis: 1) }, at: [testTensor([2, 3], seed: 82)])
    }
}
