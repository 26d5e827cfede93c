//! Training-mode batch norm with the residual add and activation in the same recorded op.
import TensorKernels

/// `activation(batchNorm(x) + residual)` in training mode (batch statistics), recorded as one op.
///
/// The values and gradients are exactly those of the separate ops (`batchNorm`, `+`, `relu`):
/// the same kernel and the same float operations in the same order. What changes is memory: the
/// separate ops keep the normalised tensor and the sum alive until backward (they are inputs of
/// the next op); here only `x`, `residual`'s producer and the result are kept. In a ResNet50
/// training step that is about a third of the activations (PyTorch gets the same effect from
/// in-place ReLU and `+=`). The activation's derivative is read from the output: `y > 0` for
/// ReLU (`0 < y < 6` for ReLU6) is the same mask as on its input.
///
/// Shapes: `x` `[N, C, H, W]` (or `[N, C]`), `scale`/`shift` `[C]`, `residual` like `x`. Returns
/// the batch mean and biased variance as `batchNorm` does.
public func batchNormEpilogue(_ x: Tensor, scale: Tensor, shift: Tensor, epsilon: Float = 1e-5,
                              residual: Tensor? = nil, activation: FusedActivation = .identity) -> BatchNormOutput {
    if let residual {
        precondition(residual.shape == x.shape, "batchNormEpilogue: residual \(residual.shape) must match input \(x.shape)")
    }
    guard residual != nil || activation != .identity else {
        // Nothing fused: the plain op, recorded as such.
        return batchNorm(x, scale: scale, shift: shift, epsilon: epsilon)
    }
    let plain = withNoGrad { batchNorm(x, scale: scale, shift: shift, epsilon: epsilon) }
    // `plain.output` is uniquely owned here: apply the epilogue in place.
    let output = plain.output
    applyBatchNormEpilogue(output.basePointer, residual: residual?.basePointer, activation: activation,
                           count: output.count)
    let geometry = BatchNormGeometry(batch: x.shape[0], channels: x.shape[1],
                                     spatial: x.rank == 4 ? x.shape[2] * x.shape[3] : 1, epsilon: epsilon)
    let op: Op? = GradientRecording.isEnabled
        ? .batchNormTrainingEpilogue(input: x, scale: scale, shift: shift, mean: plain.mean, variance: plain.variance,
                                     geometry: geometry, residual: residual, activation: activation)
        : nil
    return BatchNormOutput(output: Tensor(shape: x.shape, storage: output.storage, op: op),
                           mean: plain.mean, variance: plain.variance)
}

/// `out[i] = activation(out[i] + residual[i])`, split over the cores.
private func applyBatchNormEpilogue(_ out: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>?,
                                    activation: FusedActivation, count: Int) {
    let target = SendableMutablePointer(out)
    let skip = residual.map { SendablePointer(UnsafePointer($0)) }
    forEachChunk(count) { range in
        // The same expressions as `+` and `relu`/`relu6`, so results are bitwise those of the separate ops.
        switch (skip, activation) {
        case let (skip?, .relu):
            for i in range { let v = target[i] + skip[i]; target[i] = v > 0 ? v : 0 }
        case let (skip?, _): for i in range { target[i] = activation.apply(target[i] + skip[i]) }
        case (nil, .relu):
            for i in range { let v = target[i]; target[i] = v > 0 ? v : 0 }
        case (nil, _): for i in range { target[i] = activation.apply(target[i]) }
        }
    }
}

/// Backward of `batchNormEpilogue`: the activation's mask from the output, then the residual's
/// gradient (the masked gradient itself) and batch norm's training backward.
func batchNormEpilogueBackward(input: Tensor, scale: Tensor, mean: Tensor, variance: Tensor,
                               geometry: BatchNormGeometry, hasResidual: Bool, activation: FusedActivation,
                               output y: Tensor, gradient g: Tensor) -> [Tensor?] {
    let masked: Tensor
    switch activation {
    case .identity: masked = g
    case .relu: masked = mapGradient(g, y) { $1 > 0 ? $0 : 0 }
    case .relu6: masked = mapGradient(g, y) { $1 > 0 && $1 < 6 ? $0 : 0 }
    }
    let normGradients: [Tensor?] = batchNormTrainingBackward(
        input: input, scale: scale, mean: mean, variance: variance, geometry: geometry, gradient: masked)
    return hasResidual ? normGradients + [masked] : normGradients
}
