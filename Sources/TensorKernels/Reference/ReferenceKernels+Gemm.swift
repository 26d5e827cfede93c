//! Reference matrix multiply.

extension ReferenceKernels {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C`. With `beta == 0`, `C` is not read
    /// (as BLAS: a NaN already in `C` does not leak into the result).
    public func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for row in 0..<m {
            for column in 0..<n {
                var sum = 0.0
                for inner in 0..<k {
                    // op(A)[row, inner] and op(B)[inner, column] in row-major storage.
                    let aValue = transposeA ? a[inner * lda + row] : a[row * lda + inner]
                    let bValue = transposeB ? b[column * ldb + inner] : b[inner * ldb + column]
                    sum += Double(aValue) * Double(bValue)
                }
                let scaled = Double(alpha) * sum
                let index = row * ldc + column
                c[index] = beta == 0 ? Float(scaled) : Float(scaled + Double(beta) * Double(c[index]))
            }
        }
    }
}
