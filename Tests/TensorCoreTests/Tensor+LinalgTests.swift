import Testing
import TensorCore
import TensorTestSupport

@Suite struct LinalgTests {
    @Test(arguments: KernelChoice.allCases)
    func matmulMatchesHandValues(kernels: KernelChoice) {
        kernels.run {
            // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
            let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
            #expect(matmul(a, b).scalars == [19, 22, 43, 50])
            // a · bᵀ = [[1·5+2·6, 1·7+2·8], [3·5+4·6, 3·7+4·8]] = [[17, 23], [39, 53]].
            #expect(matmul(a, b, transposeB: true).scalars == [17, 23, 39, 53])
            // aᵀ · b = [[1·5+3·7, 1·6+3·8], [2·5+4·7, 2·6+4·8]] = [[26, 30], [38, 44]].
            #expect(matmul(a, b, transposeA: true).scalars == [26, 30, 38, 44])
            // Non-square: [1, 3] · [3, 2].
            let row = Tensor(shape: [1, 3], scalars: [1, 2, 3])
            let m = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
            #expect(matmul(row, m).scalars == [4, 5])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func batchedMatmulMultipliesEachPair(kernels: KernelChoice) {
        kernels.run {
            // Batch 0: identity · B0 = B0; batch 1: 2·identity · B1 = 2·B1.
            let a = Tensor(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 2, 0, 0, 2])
            let b = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
            #expect(matmul(a, b).scalars == [1, 2, 3, 4, 10, 12, 14, 16])
            // [2, 2, 2] · shared [2, 1]: each row summed = [1+2, 3+4, 5+6, 7+8].
            let ones = Tensor(shape: [2, 1], scalars: [1, 1])
            #expect(matmul(b, ones).shape == [2, 2, 1])
            #expect(matmul(b, ones).scalars == [3, 7, 11, 15])
        }
    }

    @Test(arguments: KernelChoice.allCases)
    func matmulPassesGradientChecks(kernels: KernelChoice) {
        kernels.run {
            let a = testTensor([3, 4], seed: 20), b = testTensor([4, 2], seed: 21)
            checkGradients({ matmul($0[0], $0[1]) }, at: [a, b])
            let bT = testTensor([2, 4], seed: 22), aT = testTensor([4, 3], seed: 23)
            checkGradients({ matmul($0[0], $0[1], transposeB: true) }, at: [a, bT])
            checkGradients({ matmul($0[0], $0[1], transposeA: true) }, at: [aT, b])
            checkGradients({ matmul($0[0], $0[1], transposeA: true, transposeB: true) }, at: [aT, bT])
            let batchA = testTensor([2, 3, 4], seed: 24), batchB = testTensor([2, 4, 2], seed: 25)
            checkGradients({ matmul($0[0], $0[1]) }, at: [batchA, batchB])
            checkGradients({ matmul($0[0], $0[1]) }, at: [batchA, b], "shared right matrix")
        }
    }
}
