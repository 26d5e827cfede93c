//! 2-D convolution layer.
import TensorCore

/// Convolution `[N, inChannels, H, W]` -> `[N, outChannels, H', W']` (PyTorch `nn.Conv2d`;
/// weight `[out, in/groups, kH, kW]`, optional bias `[out]`).
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let dilation: (Int, Int)
    public let groups: Int
    public var isTraining = true
    /// BN folded into this convolution at inference (`foldedParameters(with:)`).
    let foldCache = FoldCache()

    /// Square-kernel convenience; see the full initializer for rectangular kernels.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                            initializer: WeightInitializer = .pytorchDefault, using generator: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias,
                  initializer: initializer, using: &generator)
    }

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int),
                padding: (Int, Int), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias hasBias: Bool = true,
                initializer: WeightInitializer = .pytorchDefault, using generator: inout RandomGenerator) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: channels \(inChannels)->\(outChannels) not divisible by groups \(groups)")
        let shape = [outChannels, inChannels / groups, kernelSize.0, kernelSize.1]
        weight = Parameter(initializer.weight(shape: shape, using: &generator))
        let fanIn = inChannels / groups * kernelSize.0 * kernelSize.1
        bias = hasBias ? Parameter(WeightInitializer.defaultBias(count: outChannels, fanIn: fanIn, using: &generator)) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public var ownParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        conv2d(input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
               dilation: dilation, groups: groups)
    }
}
