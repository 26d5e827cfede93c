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
    /// Rule: `m * n * k < 4096` goes to OpenBLAS, which has the lower fixed cost (2x3x4: 0.8 vs 0.2
    /// GFLOP/s wall time, i.e. ~100 ns less per call); everything else to oneDNN, whose AVX-512
    /// kernels are about twice as fast as this OpenBLAS build. Measured with `KernelBenchmark.gemm`
    /// (release, 1 OpenMP thread, process CPU time, min of 15; GFLOP/s oneDNN vs OpenBLAS):
    /// 32^3 62 vs 56; 128^3 241 vs 115; 512^3 232 vs 114; 1024^3 222 vs 112; 8x1000x2048 (NT, a
    /// classifier) 98 vs 52; 1568x256x2304 215 vs 109; 4096x4096x16 131 vs 59. Both libraries use
    /// the same OpenMP runtime (libgomp), so neither oversubscribes the cores.
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
    let fusedConvolutionForward = PrimitiveCache<FusedConvolutionKey, FusedConvolutionForwardPlan>()
    let convolutionChain = PrimitiveCache<ConvolutionChainKey, ConvolutionChainPlan>()
    let convolutionBackwardData = PrimitiveCache<Conv2dGeometry, ConvolutionBackwardDataPlan>()
    let convolutionBackwardWeights = PrimitiveCache<ConvolutionKey, ConvolutionBackwardWeightsPlan>()
    let poolingRoute = PrimitiveCache<Pool2dGeometry, PoolingRoute>()
    let poolingForward = PrimitiveCache<Pool2dGeometry, PoolingForwardPlan>()
    let poolingBackward = PrimitiveCache<Pool2dGeometry, PoolingBackwardPlan>()
    let batchNorm = PrimitiveCache<BatchNormKey, PlainPlan>()
}
