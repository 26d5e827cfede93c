//! A chain of fused inference convolutions (a ResNet block) in one kernel call.
import TensorKernels

/// One convolution of `convolutionChain`: parameters as `fusedConv2d`, plus its wiring.
///
/// Values are numbered 0 (the chain input), 1 (step 1's output), 2, ...: `source` is the value
/// the convolution reads, `residual` the value added before `activation`.
public struct ConvolutionChainStep {
    public var weight: Tensor
    public var bias: Tensor?
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var groups: Int
    public var source: Int
    public var residual: Int?
    public var activation: FusedActivation

    public init(weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1), groups: Int = 1, source: Int, residual: Int? = nil,
                activation: FusedActivation = .identity) {
        (self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups) =
            (weight, bias, stride, padding, dilation, groups)
        (self.source, self.residual, self.activation) = (source, residual, activation)
    }
}

/// The output of the last step of a chain of `fusedConv2d` calls wired by `steps` (see
/// ``ConvolutionChainStep``), e.g. a ResNet bottleneck at inference:
///
/// ```swift
/// // values: 0 = x, 1 = conv1, 2 = conv2, 3 = relu(conv3 + x)
/// let y = withNoGrad { convolutionChain(x, [
///     ConvolutionChainStep(weight: w1, bias: b1, source: 0, activation: .relu),
///     ConvolutionChainStep(weight: w2, bias: b2, padding: (1, 1), source: 1, activation: .relu),
///     ConvolutionChainStep(weight: w3, bias: b3, source: 2, residual: 0, activation: .relu)]) }
/// ```
///
/// Without gradient recording the kernel set runs the chain in one call (oneDNN keeps the
/// intermediate values channels-last, reordering only the input and the output); with recording,
/// it is the recorded ops of each step, so values and gradients are those of separate calls.
/// Shapes: input `[N, C, H, W]`; each step as `fusedConv2d` on its source value.
public func convolutionChain(_ input: Tensor, _ steps: [ConvolutionChainStep]) -> Tensor {
    precondition(!steps.isEmpty, "convolutionChain: no steps")
    guard !GradientRecording.isEnabled else { return recordedChain(input, steps) }
    var shapes = [input.shape]
    var geometries: [ChainedConvolution] = []
    for (index, step) in steps.enumerated() {
        precondition(step.source >= 0 && step.source < shapes.count,
                     "convolutionChain: step \(index + 1) reads value \(step.source), not computed yet")
        let source = shapes[step.source]
        let geometry = checkedConvolutionGeometry(
            source, weight: step.weight, bias: step.bias, stride: step.stride,
            padding: step.padding, dilation: step.dilation, groups: step.groups)
        geometries.append(ChainedConvolution(geometry: geometry, source: step.source, residual: step.residual,
                                             hasBias: step.bias != nil, activation: step.activation))
        shapes.append([geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth])
    }
    ChainedConvolution.validate(geometries, inputShape: input.shape)
    let kernels = TensorRuntime.kernels
    let weights = steps.map { UnsafePointer($0.weight.basePointer) }
    let biases = steps.map { $0.bias.map { UnsafePointer($0.basePointer) } }
    return withExtendedLifetime(steps) {
        Tensor.makeConstant(shape: shapes[shapes.count - 1]) { out in
            kernels.convolutionChainForward(geometries, input: input.basePointer, weights: weights, biases: biases,
                                            output: out.baseAddress!)
        }
    }
}

/// The chain as separate (recorded) `fusedConv2d` calls.
private func recordedChain(_ input: Tensor, _ steps: [ConvolutionChainStep]) -> Tensor {
    var values = [input]
    for step in steps {
        values.append(fusedConv2d(values[step.source], weight: step.weight, bias: step.bias, stride: step.stride,
                                  padding: step.padding, dilation: step.dilation, groups: step.groups,
                                  residual: step.residual.map { values[$0] }, activation: step.activation))
    }
    return values[values.count - 1]
}
