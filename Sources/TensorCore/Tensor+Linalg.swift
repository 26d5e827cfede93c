//! Matrix products through `KernelSet.gemm`: plain, batched, and with transposed operands.

/// Matrix product `op(a) · op(b)`, where `op` transposes the last two axes when asked.
///
/// Shapes: `[m, k] · [k, n] -> [m, n]`; batched `[..., m, k] · [..., k, n] -> [..., m, n]` with
/// identical leading axes; and `[..., m, k] · [k, n]` (a shared right matrix, as in a linear
/// layer). Transposition is done by the gemm kernel, not by copying:
/// `matmul(x, weight, transposeB: true)` is `x · weightᵀ` for `weight` of shape `[out, in]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank >= 2, got \(a.shape) and \(b.shape)")
    if b.rank == 2 && a.rank > 2 && !transposeA {
        // Fold the batch into the rows: one large gemm instead of many small ones.
        let rows = a.reshaped(to: [-1, a.shape[a.rank - 1]])
        let product = matmul(rows, b, transposeB: transposeB)
        return product.reshaped(to: Array(a.shape.dropLast()) + [product.shape[1]])
    }
    precondition(a.rank == b.rank && a.shape.dropLast(2) == b.shape.dropLast(2),
                 "matmul: batch axes of \(a.shape) and \(b.shape) differ")
    let (m, k) = matrixExtents(a, transposed: transposeA)
    let (kB, n) = matrixExtents(b, transposed: transposeB)
    precondition(k == kB, "matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let shape = Array(a.shape.dropLast(2)) + [m, n]
    let storage = TensorStorage(uninitializedCount: ShapeMath.count(shape))
    batchedGemm(a, transposeA, b, transposeB, m: m, n: n, k: k, into: storage.buffer.baseAddress!)
    let op: Op? = GradientRecording.isEnabled ? .matmul(a, b, transposeA: transposeA, transposeB: transposeB) : nil
    return Tensor(shape: shape, storage: storage, op: op)
}

/// `(rows, columns)` of the last two axes of `x`, swapped if `transposed`.
func matrixExtents(_ x: Tensor, transposed: Bool) -> (Int, Int) {
    let rows = x.shape[x.rank - 2], columns = x.shape[x.rank - 1]
    return transposed ? (columns, rows) : (rows, columns)
}

/// `c[batch] = op(a[batch]) · op(b[batch])` for every batch entry (overwrites `c`).
func batchedGemm(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool,
                 m: Int, n: Int, k: Int, into c: UnsafeMutablePointer<Float>) {
    let batch = ShapeMath.count(Array(a.shape.dropLast(2)))
    let kernels = TensorRuntime.kernels
    let strideA = m * k, strideB = k * n, strideC = m * n
    let pa = a.basePointer, pb = b.basePointer
    for index in 0..<batch {
        if k == 0 {
            (c + index * strideC).update(repeating: 0, count: strideC)
            continue
        }
        kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                     a: pa + index * strideA, lda: transposeA ? m : k,
                     b: pb + index * strideB, ldb: transposeB ? k : n,
                     beta: 0, c: c + index * strideC, ldc: n)
    }
}

/// Unrecorded `op(a) · op(b)` for backward rules (same batch axes, rank >= 2).
func gemmProduct(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool) -> Tensor {
    let (m, k) = matrixExtents(a, transposed: transposeA)
    let (_, n) = matrixExtents(b, transposed: transposeB)
    let shape = Array(a.shape.dropLast(2)) + [m, n]
    return Tensor.makeConstant(shape: shape) { out in
        batchedGemm(a, transposeA, b, transposeB, m: m, n: n, k: k, into: out.baseAddress!)
    }
}
