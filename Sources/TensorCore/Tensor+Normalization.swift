//! Normalisation: batch norm (training and running statistics), L2 normalisation, cosine similarity.
import TensorKernels

/// The result of training-mode batch norm: the normalised output and the batch statistics.
public struct BatchNormOutput: Sendable {
    /// `(x − mean) / sqrt(variance + ε) · scale + shift`, same shape as the input.
    public var output: Tensor
    /// Per-channel batch mean, shape `[C]` (constant: no gradient flows through it).
    public var mean: Tensor
    /// Per-channel biased batch variance, shape `[C]`. PyTorch updates its running variance with
    /// the *unbiased* one: multiply by `n / (n − 1)`, `n = N·H·W`, before the update.
    public var variance: Tensor
}

/// Batch norm in training mode: statistics over `N × H × W` per channel of `[N, C, H, W]`
/// (or over `N` for `[N, C]`). `scale` and `shift` are `[C]`. Returns the batch mean and biased
/// variance so that a layer can update its running statistics.
public func batchNorm(_ x: Tensor, scale: Tensor, shift: Tensor, epsilon: Float = 1e-5) -> BatchNormOutput {
    let geometry = batchNormGeometry(x, scale: scale, shift: shift, epsilon: epsilon)
    let kernels = TensorRuntime.kernels
    let mean = TensorStorage(uninitializedCount: geometry.channels)
    let variance = TensorStorage(uninitializedCount: geometry.channels)
    let output = TensorStorage(uninitializedCount: geometry.count)
    kernels.batchNormForwardTraining(
        geometry, input: x.basePointer, scale: scale.basePointer, shift: shift.basePointer,
        output: output.buffer.baseAddress!, mean: mean.buffer.baseAddress!,
        variance: variance.buffer.baseAddress!)
    let meanTensor = Tensor(shape: [geometry.channels], storage: mean, op: nil)
    let varianceTensor = Tensor(shape: [geometry.channels], storage: variance, op: nil)
    let op: Op? = GradientRecording.isEnabled
        ? .batchNormTraining(input: x, scale: scale, shift: shift, mean: meanTensor, variance: varianceTensor,
                             geometry: geometry)
        : nil
    return BatchNormOutput(output: Tensor(shape: x.shape, storage: output, op: op),
                           mean: meanTensor, variance: varianceTensor)
}

/// Batch norm with given statistics (inference, or frozen statistics):
/// `(x − mean) / sqrt(variance + ε) · scale + shift` per channel. `mean` and `variance` are
/// constants; gradients flow to `x`, `scale` and `shift`.
public func batchNorm(_ x: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                      epsilon: Float = 1e-5) -> Tensor {
    let geometry = batchNormGeometry(x, scale: scale, shift: shift, epsilon: epsilon)
    precondition(mean.shape == [geometry.channels] && variance.shape == [geometry.channels],
                 "batchNorm: mean \(mean.shape) and variance \(variance.shape) must be [\(geometry.channels)]")
    let kernels = TensorRuntime.kernels
    return Tensor.makeResult(shape: x.shape, recording: .batchNormInference(
        input: x, scale: scale, shift: shift, mean: mean, variance: variance, geometry: geometry)
    ) { out in
        kernels.batchNormForwardInference(geometry, input: x.basePointer, scale: scale.basePointer,
                                          shift: shift.basePointer, mean: mean.basePointer,
                                          variance: variance.basePointer, output: out.baseAddress!)
    }
}

private func batchNormGeometry(_ x: Tensor, scale: Tensor, shift: Tensor, epsilon: Float) -> BatchNormGeometry {
    precondition(x.rank == 4 || x.rank == 2, "batchNorm: input \(x.shape) must be [N, C, H, W] or [N, C]")
    let channels = x.shape[1]
    precondition(scale.shape == [channels] && shift.shape == [channels],
                 "batchNorm: scale \(scale.shape) and shift \(shift.shape) must be [\(channels)] for input \(x.shape)")
    let spatial = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
    return BatchNormGeometry(batch: x.shape[0], channels: channels, spatial: spatial, epsilon: epsilon)
}

/// Backward of training-mode batch norm through the kernel set: `[dx, dscale, dshift]`.
func batchNormTrainingBackward(input: Tensor, scale: Tensor, mean: Tensor, variance: Tensor,
                               geometry: BatchNormGeometry, gradient: Tensor) -> [Tensor] {
    let kernels = TensorRuntime.kernels
    let inputGradient = TensorStorage(uninitializedCount: geometry.count)
    let scaleGradient = TensorStorage(uninitializedCount: geometry.channels)
    let shiftGradient = TensorStorage(uninitializedCount: geometry.channels)
    kernels.batchNormBackward(
        geometry, input: input.basePointer, outputGradient: gradient.basePointer, scale: scale.basePointer,
        mean: mean.basePointer, variance: variance.basePointer, inputGradient: inputGradient.buffer.baseAddress!,
        scaleGradient: scaleGradient.buffer.baseAddress!, shiftGradient: shiftGradient.buffer.baseAddress!)
    return [Tensor(shape: input.shape, storage: inputGradient, op: nil),
            Tensor(shape: [geometry.channels], storage: scaleGradient, op: nil),
            Tensor(shape: [geometry.channels], storage: shiftGradient, op: nil)]
}

/// Backward of batch norm with constant statistics: with `inv = 1 / sqrt(var + ε)`,
/// `dx = g · scale · inv`, `dscale = Σ g · (x − mean) · inv`, `dshift = Σ g` (per channel).
func batchNormInferenceBackward(input: Tensor, scale: Tensor, mean: Tensor, variance: Tensor,
                                geometry: BatchNormGeometry, gradient: Tensor, needs: [Bool]) -> [Tensor?] {
    let channelShape = input.rank == 4 ? [1, geometry.channels, 1, 1] : [1, geometry.channels]
    let inverse = (1 / sqrt(variance + geometry.epsilon)).reshaped(to: channelShape)
    let axes = input.rank == 4 ? [0, 2, 3] : [0]
    let inputGradient = needs[0] ? gradient * (scale.reshaped(to: channelShape) * inverse) : nil
    let scaleGradient = needs[1]
        ? (gradient * (input - mean.reshaped(to: channelShape)) * inverse).sum(axes: axes) : nil
    let shiftGradient = needs[2] ? gradient.sum(axes: axes) : nil
    return [inputGradient, scaleGradient, shiftGradient]
}

/// `x / max(‖x‖₂, ε)` along `axis` (PyTorch `F.normalize`, p = 2). Same shape as `x`.
public func l2Normalized(_ x: Tensor, axis: Int = 1, epsilon: Float = 1e-12) -> Tensor {
    let norm = sqrt(pow(x, 2).sum(axes: [axis], keepDims: true))
    return x / clamp(norm, min: epsilon)
}

/// Cosine similarity along `axis`: `Σ a·b / (max(‖a‖, ε) · max(‖b‖, ε))` (PyTorch 2.x
/// `cosine_similarity`). `a` and `b` broadcast; the result drops `axis`.
public func cosineSimilarity(_ a: Tensor, _ b: Tensor, axis: Int = 1, epsilon: Float = 1e-8) -> Tensor {
    (l2Normalized(a, axis: axis, epsilon: epsilon) * l2Normalized(b, axis: axis, epsilon: epsilon))
        .sum(axes: [axis])
}
