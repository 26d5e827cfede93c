//! The kernel contract: every fused op that TensorCore calls, with a reference and an accelerated
//! implementation. Buffers are contiguous, row-major (NCHW) Float32; shapes come from the geometry.

/// The fused kernels that TensorCore uses. `Kernels.reference` is the plain-Swift specification;
/// `Kernels.accelerated` uses oneDNN / BLAS. Tests compare the two on random shapes.
///
/// Conventions: every pointer is contiguous row-major; an output buffer is fully overwritten
/// (never accumulated into) unless the parameter says so.
public protocol KernelSet: Sendable {
    /// A short name for logs and benchmarks ("reference", "onednn").
    var name: String { get }

    /// `C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n]`, row-major, leading dimensions
    /// `lda`, `ldb`, `ldc` in elements (as CBLAS row-major).
    func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int)

    /// Convolution forward: `output = conv(input, weight) + bias` (bias may be nil).
    func conv2dForward(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>)

    /// Inference convolution with a fused epilogue:
    /// `output = activation(conv(input, weight) + bias + residual)`; `bias` and `residual` may be
    /// nil; `residual` has the output's shape `[N, O, H', W']` and may not alias `output`.
    /// No backward pass exists for it (it serves no-grad inference); the default implementation
    /// (in an extension) is the reference semantics.
    func conv2dForwardFused(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, activation: FusedActivation,
        output: UnsafeMutablePointer<Float>)

    /// Runs the fused convolutions `steps` in order, each reading an earlier value (0 = `input`,
    /// `k` = step `k`'s output) and optionally adding one (see ``ChainedConvolution``); writes the
    /// last step's output (NCHW) to `output`. One `weights` and `biases` entry per step (a bias is
    /// read only when its step `hasBias`). Inference only; the default implementation (in an
    /// extension) is the reference semantics.
    func convolutionChainForward(
        _ steps: [ChainedConvolution], input: UnsafePointer<Float>, weights: [UnsafePointer<Float>],
        biases: [UnsafePointer<Float>?], output: UnsafeMutablePointer<Float>)

    /// d(loss)/d(input) from d(loss)/d(output); overwrites `inputGradient`.
    func conv2dBackwardData(
        _ geometry: Conv2dGeometry, outputGradient: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>)

    /// d(loss)/d(weight) and (if non-nil) d(loss)/d(bias); overwrites both.
    func conv2dBackwardWeights(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?)

    /// Max or average pooling forward.
    func pool2dForward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>)

    /// Pooling backward; overwrites `inputGradient`. Max pooling routes each output gradient to the
    /// first maximal element of its window (PyTorch's tie rule), recomputed from `input`.
    func pool2dBackward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>)

    /// Batch-norm forward in training mode: per-channel biased mean and variance over N x spatial,
    /// `output = (x - mean) / sqrt(var + eps) * scale + shift`. Writes `mean` and `variance`
    /// (biased, length C) so the caller can update running statistics and run backward.
    func batchNormForwardTraining(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>)

    /// Batch-norm forward with given statistics (inference, or training with frozen stats).
    func batchNormForwardInference(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>)

    /// Batch-norm backward for the training-mode forward (statistics depend on the input):
    /// overwrites `inputGradient`, `scaleGradient`, `shiftGradient`.
    func batchNormBackward(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
        shiftGradient: UnsafeMutablePointer<Float>)
}

/// The kernel sets this build provides.
public enum Kernels {
    /// Naive loops: the specification every accelerated kernel is tested against.
    public static var reference: any KernelSet { ReferenceKernels() }
    /// oneDNN and BLAS; what TensorCore uses by default.
    public static var accelerated: any KernelSet { DNNLKernels() }
}
