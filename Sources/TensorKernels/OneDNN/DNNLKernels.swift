//! The accelerated kernel set: oneDNN primitives for convolution, pooling and batch norm; sgemm.
import CTensorBLAS
import CTensorDNNL

/// oneDNN (and BLAS) implementation of ``KernelSet``; what `Kernels.accelerated` returns.
///
/// Stateless value: the engine, stream and per-geometry primitive caches are process-wide and
/// lock-protected, so copies share them and any thread may call in. Executions are serialised
/// (each one already uses every core). Degenerate shapes (an empty batch or image) go to the
/// reference kernels, which handle them trivially.
public struct DNNLKernels: KernelSet {
    public init() {}
    public var name: String { "onednn" }

    /// Row-major sgemm through `dnnl_sgemm`, or `cblas_sgemm` (OpenBLAS) for tiny products.
    ///
    /// Rule: `m * n * k < 4096` goes to OpenBLAS, which has the lower fixed cost; everything else to
    /// oneDNN. Measured with `KernelBenchmark.gemm` (release, min of 15, 1 OpenMP thread as the
    /// machine was shared; GFLOP/s oneDNN vs OpenBLAS): 2x3x4 0.2 vs 0.8; 32^3 123 vs 91;
    /// 128^3 250 vs 117; 512^3 231 vs 119; 8x1000x2048 (NT, a classifier) 104 vs 57;
    /// 1568x256x2304 178 vs 38; 4096x4096x16 93 vs 22. With 2 threads oneDNN reached 466 GFLOP/s
    /// at 512^3 (OpenBLAS 184 at best). Both libraries use the same OpenMP runtime (libgomp), so
    /// neither oversubscribes the cores.
    public func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        guard k > 0 else {
            ReferenceKernels().gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if m * n * k < 4096 {
            cblas_sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        let transA = CChar(UInt8(ascii: transposeA ? "T" : "N"))
        let transB = CChar(UInt8(ascii: transposeB ? "T" : "N"))
        checkDNNL(
            dnnl_sgemm(
                transA, transB, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb),
                beta, c, Int64(ldc)), "sgemm \(m)x\(n)x\(k)")
    }
}

/// The process-wide plan caches, one per primitive kind.
final class DNNLCaches: Sendable {
    static let shared = DNNLCaches()

    let convolutionForward = PrimitiveCache<ConvolutionKey, ConvolutionForwardPlan>()
    let convolutionBackwardData = PrimitiveCache<Conv2dGeometry, ConvolutionBackwardDataPlan>()
    let convolutionBackwardWeights = PrimitiveCache<ConvolutionKey, ConvolutionBackwardWeightsPlan>()
    let poolingForward = PrimitiveCache<Pool2dGeometry, PoolingForwardPlan>()
    let poolingBackward = PrimitiveCache<Pool2dGeometry, PoolingBackwardPlan>()
    let batchNorm = PrimitiveCache<BatchNormKey, PlainPlan>()
}
