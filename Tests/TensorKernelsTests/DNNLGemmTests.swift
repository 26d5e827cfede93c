import TensorKernels
import TensorTestSupport
import Testing

/// Accelerated gemm against the reference. Sums of k <= 300 products in [-1, 1] (typical size 10)
/// in Float32 err by ~sqrt(k) * 6e-8 * 10 ~ 1e-5: rtol = atol = 1e-4.
@Suite struct DNNLGemmTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let transposeA, transposeB: Bool
        let m, n, k: Int
        let padding: Int  // extra leading-dimension elements on every matrix
        let alpha, beta: Float
        var testDescription: String {
            "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)x\(n)x\(k) pad \(padding) a\(alpha) b\(beta)"
        }
    }

    static let cases: [Case] = [
        Case(transposeA: false, transposeB: false, m: 7, n: 5, k: 3, padding: 0, alpha: 1, beta: 0),
        Case(transposeA: true, transposeB: false, m: 33, n: 17, k: 65, padding: 3, alpha: 1, beta: 0),
        Case(transposeA: false, transposeB: true, m: 64, n: 100, k: 300, padding: 0, alpha: 0.5, beta: 1),
        Case(transposeA: true, transposeB: true, m: 9, n: 31, k: 12, padding: 5, alpha: -2, beta: 0.25),
        Case(transposeA: false, transposeB: false, m: 1, n: 200, k: 128, padding: 0, alpha: 1, beta: 1),
    ]

    @Test(arguments: cases)
    func matchesReference(_ c: Case) {
        // Stored shapes: op(A) is m x k, so A is k x m when transposed; likewise B.
        let (aRows, aColumns) = c.transposeA ? (c.k, c.m) : (c.m, c.k)
        let (bRows, bColumns) = c.transposeB ? (c.n, c.k) : (c.k, c.n)
        let lda = aColumns + c.padding
        let ldb = bColumns + c.padding
        let ldc = c.n + c.padding
        var generator = SeededGenerator(seed: 21)
        let a = randomValues(aRows * lda, &generator)
        let b = randomValues(bRows * ldb, &generator)
        let c0 = randomValues(c.m * ldc, &generator)
        func run(_ kernels: any KernelSet) -> [Float] {
            var result = c0
            kernels.gemm(
                transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: c.alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: c.beta, c: &result, ldc: ldc)
            return result
        }
        // Padding columns of C must come back untouched (both sides keep c0 there).
        expectClose(run(DNNLKernels()), run(ReferenceKernels()), rtol: 1e-4, atol: 1e-4)
    }

    @Test(arguments: [(2, 3, 4), (40, 30, 20)])
    func betaZeroIgnoresNaNInC(_ shape: (Int, Int, Int)) {
        // Both gemm paths (OpenBLAS below 4096 multiply-adds, oneDNN above) must not read C when
        // beta is 0: A = ones, B = twos, so every element of C is 2k.
        let (m, n, k) = shape
        var c = [Float](repeating: .nan, count: m * n)
        DNNLKernels().gemm(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
            a: [Float](repeating: 1, count: m * k), lda: k, b: [Float](repeating: 2, count: k * n), ldb: n,
            beta: 0, c: &c, ldc: n)
        expectClose(c, [Float](repeating: Float(2 * k), count: m * n))
    }

    @Test func acceleratedIsTheOneDNNSet() {
        #expect(Kernels.accelerated.name == "onednn")
        #expect(Kernels.reference.name == "reference")
    }
}
