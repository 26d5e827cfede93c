//! Convolution followed by batch norm (and optionally a residual add and an activation), with
//! the batch norm folded into the convolution at inference.
import TensorCore
import TensorKernels

/// `activation(norm(conv(input)) + residual)`, the conv-BN(-add)-ReLU unit of ResNet and
/// MobileNetV2. Shapes as `conv`: `[N, C, H, W] -> [N, O, H', W']`; `residual` is `[N, O, H', W']`.
///
/// At inference (`norm` in evaluation mode and no gradient recording) batch norm is folded into
/// the convolution (``Conv2d/foldedParameters(with:)``) and the add and activation run inside the
/// convolution kernel: one pass over the output instead of four. Otherwise (training, or a
/// recorded forward for gradient methods) it runs the convolution and then
/// `norm(_:residual:activation:)`, which computes exactly the values of the separate layers.
/// Folding changes the rounding of the result (about 1e-6 relative), not its value.
public func convBatchNorm(
    _ conv: Conv2d, _ norm: BatchNorm2d, _ input: Tensor, residual: Tensor? = nil,
    activation: FusedActivation = .identity
) -> Tensor {
    guard !norm.isTraining, !GradientRecording.isEnabled else {
        return norm(conv(input), residual: residual, activation: activation)
    }
    let folded = conv.foldedParameters(with: norm)
    return fusedConv2d(input, weight: folded.weight, bias: folded.bias, stride: conv.stride, padding: conv.padding,
                       dilation: conv.dilation, groups: conv.groups, residual: residual, activation: activation)
}

extension Conv2d {
    /// Weight and bias of the single convolution equal to this one followed by `norm` with its
    /// running statistics: with `s = γ / sqrt(running_var + ε)` per output channel,
    /// `weight' = weight · s` and `bias' = β + (bias − running_mean) · s` (bias 0 when absent).
    /// Shapes: weight `[O, C / groups, kH, kW]`, bias `[O]`. Not recorded for autodiff.
    public func foldedParameters(with norm: BatchNorm2d) -> (weight: Tensor, bias: Tensor) {
        withNoGrad {
            let channels = weight.value.shape[0]
            precondition(norm.weight.value.shape == [channels],
                         "foldedParameters: batch norm over \(norm.weight.value.shape) does not follow a conv with \(channels) outputs")
            let scale = norm.weight.value / sqrt(norm.runningVariance.value + norm.epsilon)
            let foldedWeight = weight.value * scale.reshaped(to: [channels, 1, 1, 1])
            let centred = (bias?.value ?? Tensor.zeros(shape: [channels])) - norm.runningMean.value
            return (foldedWeight, norm.bias.value + centred * scale)
        }
    }
}
