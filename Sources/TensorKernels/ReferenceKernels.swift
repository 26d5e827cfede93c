//! Plain-Swift reference kernels (the specification). Placeholder: filled in by the kernels work.

/// Naive reference implementation of ``KernelSet``.
public struct ReferenceKernels: KernelSet {
    public init() {}
    public var name: String { "reference" }

    public func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) { fatalError("not implemented yet") }

    public func conv2dForward(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func conv2dBackwardData(
        _ geometry: Conv2dGeometry, outputGradient: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func conv2dBackwardWeights(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) { fatalError("not implemented yet") }

    public func pool2dForward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func pool2dBackward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func batchNormForwardTraining(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func batchNormForwardInference(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }

    public func batchNormBackward(
        _ geometry: BatchNormGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        scale: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
        shiftGradient: UnsafeMutablePointer<Float>
    ) { fatalError("not implemented yet") }
}
