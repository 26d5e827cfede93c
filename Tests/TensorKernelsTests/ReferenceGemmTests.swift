import TensorKernels
import TensorTestSupport
import Testing

@Suite struct ReferenceGemmTests {
    let kernels = ReferenceKernels()
    // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A*B = [[58,64],[139,154]].
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8, 9, 10, 11, 12]

    @Test func plainProduct() {
        let c = output(4) { c in
            kernels.gemm(
                transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1,
                a: a, lda: 3, b: b, ldb: 2, beta: 0, c: c, ldc: 2)
        }
        expectClose(c, [58, 64, 139, 154])
    }

    @Test func transposedOperands() {
        // A^T stored as 3x2 [[1,4],[2,5],[3,6]]; B^T stored as 2x3 [[7,9,11],[8,10,12]].
        let aT: [Float] = [1, 4, 2, 5, 3, 6]
        let bT: [Float] = [7, 9, 11, 8, 10, 12]
        let c = output(4) { c in
            kernels.gemm(
                transposeA: true, transposeB: true, m: 2, n: 2, k: 3, alpha: 1,
                a: aT, lda: 2, b: bT, ldb: 3, beta: 0, c: c, ldc: 2)
        }
        expectClose(c, [58, 64, 139, 154])
    }

    @Test func leadingDimensionsAlphaBeta() {
        // A padded to 4 columns (pad value 100 must be ignored), C padded to 3 columns.
        let aPadded: [Float] = [1, 2, 3, 100, 4, 5, 6, 100]
        var c: [Float] = [1, 1, -5, 1, 1, -5]
        kernels.gemm(
            transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 2,
            a: aPadded, lda: 4, b: b, ldb: 2, beta: 1, c: &c, ldc: 3)
        // 2 * [[58,64],[139,154]] + 1 = [[117,129],[279,309]]; column 2 untouched.
        expectClose(c, [117, 129, -5, 279, 309, -5])
    }

    @Test func betaZeroIgnoresGarbageInC() {
        var c: [Float] = [.nan, .nan, .nan, .nan]
        kernels.gemm(
            transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1,
            a: a, lda: 3, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
        expectClose(c, [58, 64, 139, 154])
    }
}
