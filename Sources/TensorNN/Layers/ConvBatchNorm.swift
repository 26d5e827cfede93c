//! Convolution followed by batch norm (and optionally a residual add and an activation), with
//! the batch norm folded into the convolution at inference.
import Foundation
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

extension ConvolutionChainStep {
    /// A chain step computing `conv` followed by `norm` (running statistics, folded), then the
    /// residual and activation: `convolutionChain`'s form of `convBatchNorm` at inference.
    public init(folding conv: Conv2d, _ norm: BatchNorm2d, source: Int, residual: Int? = nil,
                activation: FusedActivation = .identity) {
        let folded = conv.foldedParameters(with: norm)
        self.init(weight: folded.weight, bias: folded.bias, stride: conv.stride, padding: conv.padding,
                  dilation: conv.dilation, groups: conv.groups, source: source, residual: residual,
                  activation: activation)
    }
}

extension Conv2d {
    /// Weight and bias of the single convolution equal to this one followed by `norm` with its
    /// running statistics: with `s = γ / sqrt(running_var + ε)` per output channel,
    /// `weight' = weight · s` and `bias' = β + (bias − running_mean) · s` (bias 0 when absent).
    /// Shapes: weight `[O, C / groups, kH, kW]`, bias `[O]`. Not recorded for autodiff.
    ///
    /// The result is cached per (conv, norm) pair and recomputed when any of the six tensors
    /// changes (every assignment or in-place update gives a tensor a new `id`): folding ResNet50's
    /// 25 M weights costs tens of milliseconds, which a batch-1 forward pass should not pay each time.
    public func foldedParameters(with norm: BatchNorm2d) -> (weight: Tensor, bias: Tensor) {
        let key = FoldKey(conv: self, norm: norm)
        if let cached = foldCache.value(for: key) { return cached }
        let folded = computeFoldedParameters(with: norm)
        foldCache.store(folded, for: key)
        return folded
    }

    private func computeFoldedParameters(with norm: BatchNorm2d) -> (weight: Tensor, bias: Tensor) {
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

/// What a folded (weight, bias) pair was computed from.
struct FoldKey: Equatable {
    let norm: ObjectIdentifier
    let tensors: [TensorID?]
    let epsilon: Float

    init(conv: Conv2d, norm: BatchNorm2d) {
        self.norm = ObjectIdentifier(norm)
        tensors = [conv.weight.value.id, conv.bias?.value.id, norm.weight.value.id, norm.bias.value.id,
                   norm.runningMean.value.id, norm.runningVariance.value.id]
        epsilon = norm.epsilon
    }
}

/// One cached folded pair, lock-protected (a model may run on several threads).
final class FoldCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (key: FoldKey, weight: Tensor, bias: Tensor)?

    func value(for key: FoldKey) -> (weight: Tensor, bias: Tensor)? {
        lock.lock(); defer { lock.unlock() }
        guard let entry, entry.key == key else { return nil }
        return (entry.weight, entry.bias)
    }

    func store(_ folded: (weight: Tensor, bias: Tensor), for key: FoldKey) {
        lock.lock(); defer { lock.unlock() }
        entry = (key, folded.weight, folded.bias)
    }
}
