//! Shapes of the fused kernels (convolution, pooling, batch norm), shared by every implementation.

/// Geometry of a 2-D convolution over NCHW tensors, as PyTorch's `conv2d`.
///
/// Input `[batch, inputChannels, inputHeight, inputWidth]`, weight
/// `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`, bias `[outputChannels]`,
/// output `[batch, outputChannels, outputHeight, outputWidth]`. Padding is symmetric (zeros).
public struct Conv2dGeometry: Hashable, Sendable {
    public var batch: Int
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var outputChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingHeight: Int
    public var paddingWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var groups: Int

    public init(
        batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int,
        outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1, paddingHeight: Int = 0, paddingWidth: Int = 0,
        dilationHeight: Int = 1, dilationWidth: Int = 1, groups: Int = 1
    ) {
        precondition(
            groups >= 1 && inputChannels % groups == 0 && outputChannels % groups == 0,
            "conv2d: channels \(inputChannels)->\(outputChannels) not divisible by groups \(groups)")
        self.batch = batch
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.groups = groups
    }

    /// `floor((H + 2p - d(k-1) - 1) / s) + 1`, as PyTorch.
    public var outputHeight: Int {
        (inputHeight + 2 * paddingHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1
    }
    /// `floor((W + 2p - d(k-1) - 1) / s) + 1`, as PyTorch.
    public var outputWidth: Int {
        (inputWidth + 2 * paddingWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1
    }
    public var inputCount: Int { batch * inputChannels * inputHeight * inputWidth }
    public var weightCount: Int { outputChannels * (inputChannels / groups) * kernelHeight * kernelWidth }
    public var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }
    /// Multiply-adds x 2 of one forward pass.
    public var forwardFLOPs: Double {
        2.0 * Double(outputCount) * Double(inputChannels / groups * kernelHeight * kernelWidth)
    }
}

/// What a pooling window computes.
public enum PoolingKind: Hashable, Sendable {
    case max
    /// Average where padded zeros count in the divisor (PyTorch `count_include_pad=True`).
    case averageIncludingPadding
    /// Average over the in-image part of the window only.
    case averageExcludingPadding
}

/// Geometry of 2-D max/average pooling over NCHW tensors, as PyTorch's `max_pool2d`/`avg_pool2d`.
///
/// With `ceilMode`, the output size rounds up, but a window may not start inside the right/bottom
/// padding (PyTorch's rule).
public struct Pool2dGeometry: Hashable, Sendable {
    public var batch: Int
    public var channels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingHeight: Int
    public var paddingWidth: Int
    public var ceilMode: Bool
    public var kind: PoolingKind

    public init(
        batch: Int, channels: Int, inputHeight: Int, inputWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        paddingHeight: Int = 0, paddingWidth: Int = 0, ceilMode: Bool = false, kind: PoolingKind
    ) {
        self.batch = batch
        self.channels = channels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
        self.ceilMode = ceilMode
        self.kind = kind
    }

    public var outputHeight: Int {
        Self.outputLength(inputHeight, kernelHeight, strideHeight, paddingHeight, ceilMode)
    }
    public var outputWidth: Int {
        Self.outputLength(inputWidth, kernelWidth, strideWidth, paddingWidth, ceilMode)
    }
    public var inputCount: Int { batch * channels * inputHeight * inputWidth }
    public var outputCount: Int { batch * channels * outputHeight * outputWidth }

    /// PyTorch's pooling output size, including the ceil-mode rule that the last window must
    /// start inside the input or left padding.
    static func outputLength(_ size: Int, _ kernel: Int, _ stride: Int, _ pad: Int, _ ceil: Bool) -> Int {
        let span = size + 2 * pad - kernel
        var length = (ceil ? (span + stride - 1) / stride : span / stride) + 1
        if ceil && (length - 1) * stride >= size + pad { length -= 1 }
        return length
    }
}

/// Geometry of batch normalisation over NCHW: statistics per channel over `batch x spatial`.
public struct BatchNormGeometry: Hashable, Sendable {
    public var batch: Int
    public var channels: Int
    /// `height * width` (1 for `[N, C]` inputs).
    public var spatial: Int
    public var epsilon: Float

    public init(batch: Int, channels: Int, spatial: Int, epsilon: Float = 1e-5) {
        self.batch = batch
        self.channels = channels
        self.spatial = spatial
        self.epsilon = epsilon
    }
    public var count: Int { batch * channels * spatial }
}
