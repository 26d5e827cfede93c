//! 2-D convolution (stride, padding, dilation, groups; depthwise included) via `KernelSet`.
import TensorKernels

/// 2-D convolution of NCHW `input` `[N, C, H, W]` with `weight` `[O, C / groups, kH, kW]` and
/// optional `bias` `[O]`, as PyTorch's `conv2d` (cross-correlation, zero padding).
/// Output `[N, O, H', W']` with `H' = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1`.
/// Depthwise convolution is `groups == C` with `O` a multiple of `C`.
///
/// ```swift
/// let y = relu(conv2d(x, weight: w, bias: b, stride: 1, padding: 1))
/// ```
public func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
    conv2d(input, weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
           dilation: (dilation, dilation), groups: groups)
}

/// 2-D convolution with separate (height, width) stride, padding and dilation, e.g. Inception's
/// `1×7` kernels with `padding: (0, 3)`. See `conv2d(_:weight:bias:stride:padding:dilation:groups:)`.
public func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int) = (1, 1),
                   groups: Int = 1) -> Tensor {
    let geometry = checkedConvolutionGeometry(input.shape, weight: weight, bias: bias, stride: stride,
                                              padding: padding, dilation: dilation, groups: groups)
    let shape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
    let kernels = TensorRuntime.kernels
    return Tensor.makeResult(
        shape: shape, recording: .conv2d(input: input, weight: weight, bias: bias, geometry: geometry)
    ) { out in
        kernels.conv2dForward(geometry, input: input.basePointer, weight: weight.basePointer,
                              bias: bias.map { UnsafePointer($0.basePointer) }, output: out.baseAddress!)
    }
}

/// The geometry of `conv2d(input, weight, bias, ...)`, after checking that the shapes fit.
func checkedConvolutionGeometry(_ inputShape: [Int], weight: Tensor, bias: Tensor?, stride: (Int, Int),
                                padding: (Int, Int), dilation: (Int, Int), groups: Int) -> Conv2dGeometry {
    precondition(inputShape.count == 4 && weight.rank == 4,
                 "conv2d: input \(inputShape) and weight \(weight.shape) must be rank 4 (NCHW, OIHW)")
    precondition(weight.shape[1] * groups == inputShape[1],
                 "conv2d: weight \(weight.shape) with groups \(groups) does not fit input channels of \(inputShape)")
    precondition(bias == nil || bias!.shape == [weight.shape[0]],
                 "conv2d: bias \(bias?.shape ?? []) must be [\(weight.shape[0])]")
    precondition(stride.0 > 0 && stride.1 > 0 && dilation.0 > 0 && dilation.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                 "conv2d: stride \(stride), dilation \(dilation) must be positive, padding \(padding) non-negative")
    let geometry = Conv2dGeometry(
        batch: inputShape[0], inputChannels: inputShape[1], inputHeight: inputShape[2],
        inputWidth: inputShape[3], outputChannels: weight.shape[0], kernelHeight: weight.shape[2],
        kernelWidth: weight.shape[3], strideHeight: stride.0, strideWidth: stride.1,
        paddingHeight: padding.0, paddingWidth: padding.1, dilationHeight: dilation.0,
        dilationWidth: dilation.1, groups: groups)
    precondition(geometry.outputHeight > 0 && geometry.outputWidth > 0,
                 "conv2d: kernel \(weight.shape) does not fit input \(inputShape) with padding \(padding)")
    return geometry
}

/// Backward of `conv2d`: gradients for input, weight and bias, each only if `needs` says so.
func conv2dBackward(input: Tensor, weight: Tensor, hasBias: Bool, geometry: Conv2dGeometry,
                    gradient: Tensor, needs: [Bool]) -> [Tensor?] {
    let kernels = TensorRuntime.kernels
    var inputGradient: Tensor? = nil
    if needs[0] {
        inputGradient = Tensor.makeConstant(shape: input.shape) { out in
            kernels.conv2dBackwardData(geometry, outputGradient: gradient.basePointer,
                                       weight: weight.basePointer, inputGradient: out.baseAddress!)
        }
    }
    guard needs[1] || (hasBias && needs[2]) else { return hasBias ? [inputGradient, nil, nil] : [inputGradient, nil] }
    var biasGradient: Tensor? = hasBias ? Tensor(repeating: 0, shape: [geometry.outputChannels]) : nil
    let biasPointer = biasGradient.map { $0.basePointer }
    let weightGradient = Tensor.makeConstant(shape: weight.shape) { out in
        kernels.conv2dBackwardWeights(geometry, input: input.basePointer, outputGradient: gradient.basePointer,
                                      weightGradient: out.baseAddress!, biasGradient: biasPointer)
    }
    if hasBias && !needs[2] { biasGradient = nil }
    return hasBias ? [inputGradient, needs[1] ? weightGradient : nil, biasGradient]
                   : [inputGradient, weightGradient]
}
