//! Inference convolution with the residual add and activation fused into the kernel.
import TensorKernels

/// `activation(conv2d(input, weight, bias) + residual)`, computed by one fused kernel when
/// gradients are not being recorded (inference under `withNoGrad`), and by the separate recorded
/// ops otherwise, so training and gradient methods see exactly the unfused graph.
///
/// Shapes as `conv2d`: input `[N, C, H, W]`, weight `[O, C / groups, kH, kW]`, bias `[O]`;
/// `residual`, if given, has the output's shape `[N, O, H', W']`.
///
/// ```swift
/// // A ResNet block's last conv with BN folded into (w, b), shortcut added, then ReLU:
/// let y = withNoGrad { fusedConv2d(x, weight: w, bias: b, residual: shortcut, activation: .relu) }
/// ```
public func fusedConv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1), groups: Int = 1, residual: Tensor? = nil, activation: FusedActivation = .identity
) -> Tensor {
    guard !GradientRecording.isEnabled else {
        var out = conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                         dilation: dilation, groups: groups)
        if let residual { out = out + residual }
        switch activation {
        case .identity: return out
        case .relu: return relu(out)
        case .relu6: return relu6(out)
        }
    }
    let geometry = checkedConvolutionGeometry(input.shape, weight: weight, bias: bias, stride: stride, padding: padding,
                                              dilation: dilation, groups: groups)
    let shape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
    if let residual {
        precondition(residual.shape == shape, "fusedConv2d: residual \(residual.shape) must be the output shape \(shape)")
    }
    let kernels = TensorRuntime.kernels
    return Tensor.makeConstant(shape: shape) { out in
        kernels.conv2dForwardFused(
            geometry, input: input.basePointer, weight: weight.basePointer,
            bias: bias.map { UnsafePointer($0.basePointer) }, residual: residual.map { UnsafePointer($0.basePointer) },
            activation: activation, output: out.baseAddress!)
    }
}

/// The activation a fused convolution ends with (TensorKernels' type, re-exported for callers
/// that import only TensorCore).
public typealias FusedActivation = TensorKernels.FusedActivation
