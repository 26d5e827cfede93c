//! A chain of fused inference convolutions run as one kernel call, so that the intermediate
//! activations never leave the kernel set's preferred layout (a ResNet bottleneck in one call).

/// One convolution of a chain (see `KernelSet.convolutionChainForward`).
///
/// Values are numbered: 0 is the chain input, `k` the output of step `k` (1-based), so a step
/// may read the input or any earlier output and add any earlier value as its residual.
public struct ChainedConvolution: Hashable, Sendable {
    public var geometry: Conv2dGeometry
    /// The value the convolution reads (its shape must be the geometry's input shape).
    public var source: Int
    /// The value added before the activation, of the step's output shape; nil for none.
    public var residual: Int?
    public var hasBias: Bool
    public var activation: FusedActivation

    public init(geometry: Conv2dGeometry, source: Int, residual: Int? = nil, hasBias: Bool,
                activation: FusedActivation) {
        (self.geometry, self.source, self.residual, self.hasBias, self.activation) =
            (geometry, source, residual, hasBias, activation)
    }

    /// `[N, C, H, W]` of the value this step reads, and of the value it writes.
    var inputShape: [Int] { [geometry.batch, geometry.inputChannels, geometry.inputHeight, geometry.inputWidth] }
    var outputShape: [Int] {
        [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
    }
}

extension ChainedConvolution {
    /// Stops with a message when `steps` do not form a valid chain on an input of `inputShape`.
    public static func validate(_ steps: [ChainedConvolution], inputShape: [Int]) {
        precondition(!steps.isEmpty, "convolution chain: no steps")
        var shapes = [inputShape]
        for (index, step) in steps.enumerated() {
            step.geometry.checkValid()
            precondition(step.source >= 0 && step.source < shapes.count,
                         "convolution chain: step \(index + 1) reads value \(step.source), not computed yet")
            precondition(shapes[step.source] == step.inputShape,
                         "convolution chain: step \(index + 1) expects \(step.inputShape), value \(step.source) is \(shapes[step.source])")
            if let residual = step.residual {
                precondition(residual >= 0 && residual < shapes.count && shapes[residual] == step.outputShape,
                             "convolution chain: step \(index + 1)'s residual \(residual) must be an earlier value of shape \(step.outputShape)")
            }
            shapes.append(step.outputShape)
        }
    }
}

extension KernelSet {
    /// Reference semantics of `convolutionChainForward`: each step through `conv2dForwardFused`
    /// on plain buffers.
    public func convolutionChainForward(
        _ steps: [ChainedConvolution], input: UnsafePointer<Float>, weights: [UnsafePointer<Float>],
        biases: [UnsafePointer<Float>?], output: UnsafeMutablePointer<Float>
    ) {
        precondition(weights.count == steps.count && biases.count == steps.count,
                     "convolution chain: \(steps.count) steps, \(weights.count) weights, \(biases.count) biases")
        var values: [[Float]] = []
        func withValue<R>(_ index: Int, _ body: (UnsafePointer<Float>) -> R) -> R {
            index == 0 ? body(input) : values[index - 1].withUnsafeBufferPointer { body($0.baseAddress!) }
        }
        for (index, step) in steps.enumerated() {
            var result = [Float](repeating: 0, count: step.geometry.outputCount)
            let bias = step.hasBias ? biases[index] : nil
            result.withUnsafeMutableBufferPointer { out in
                let target = out.baseAddress!
                withValue(step.source) { source in
                    if let residual = step.residual {
                        withValue(residual) { skip in
                            conv2dForwardFused(step.geometry, input: source, weight: weights[index], bias: bias,
                                               residual: skip, activation: step.activation, output: target)
                        }
                    } else {
                        conv2dForwardFused(step.geometry, input: source, weight: weights[index], bias: bias,
                                           residual: nil, activation: step.activation, output: target)
                    }
                }
            }
            values.append(result)
        }
        values[values.count - 1].withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: $0.count) }
    }
}
