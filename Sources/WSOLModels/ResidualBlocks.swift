//! The residual blocks of torchvision's ResNet: `BasicBlock` (two 3x3) and `Bottleneck`
//! (1x1, 3x3 with the stride, 1x1 x4), with the `downsample` projection when the shape changes.
import TensorCore
import TensorNN

/// torchvision's `Bottleneck` (ResNet v1.5: the stride sits on the 3x3 conv).
/// `[N, inChannels, H, W] -> [N, 4·width, H/stride, W/stride]`.
final class Bottleneck: NamedModule, Layer {
    static let expansion = 4
    let conv1: Conv2d, bn1: BatchNorm2d
    let conv2: Conv2d, bn2: BatchNorm2d
    let conv3: Conv2d, bn3: BatchNorm2d
    let downsample: Sequential?

    init(_ inChannels: Int, width: Int, stride: Int, using generator: inout RandomGenerator) {
        let outChannels = width * Self.expansion
        conv1 = convolution(inChannels, width, kernel: 1, using: &generator)
        bn1 = BatchNorm2d(width)
        conv2 = convolution(width, width, kernel: 3, stride: stride, padding: 1, using: &generator)
        bn2 = BatchNorm2d(width)
        conv3 = convolution(width, outChannels, kernel: 1, using: &generator)
        bn3 = BatchNorm2d(outChannels)
        downsample = projection(inChannels, outChannels, stride: stride, using: &generator)
    }

    override var children: [(String, any Module)] {
        var list: [(String, any Module)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2),
                                            ("conv3", conv3), ("bn3", bn3)]
        if let downsample { list.append(("downsample", downsample)) }
        return list
    }

    /// At inference each conv-BN(-add)-ReLU runs as one fused convolution (`convBatchNorm`);
    /// in training, the same layers one by one.
    func callAsFunction(_ input: Tensor) -> Tensor {
        let shortcut = downsample.map { projected(input, through: $0) } ?? input
        var out = convBatchNorm(conv1, bn1, input, activation: .relu)
        out = convBatchNorm(conv2, bn2, out, activation: .relu)
        return convBatchNorm(conv3, bn3, out, residual: shortcut, activation: .relu)
    }
}

/// torchvision's `BasicBlock`: two 3x3 conv-BN with the stride on the first.
/// `[N, inChannels, H, W] -> [N, outChannels, H/stride, W/stride]`.
final class BasicBlock: NamedModule, Layer {
    let conv1: Conv2d, bn1: BatchNorm2d
    let conv2: Conv2d, bn2: BatchNorm2d
    let downsample: Sequential?

    init(_ inChannels: Int, _ outChannels: Int, stride: Int, using generator: inout RandomGenerator) {
        conv1 = convolution(inChannels, outChannels, kernel: 3, stride: stride, padding: 1, using: &generator)
        bn1 = BatchNorm2d(outChannels)
        conv2 = convolution(outChannels, outChannels, kernel: 3, padding: 1, using: &generator)
        bn2 = BatchNorm2d(outChannels)
        downsample = projection(inChannels, outChannels, stride: stride, using: &generator)
    }

    override var children: [(String, any Module)] {
        var list: [(String, any Module)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
        if let downsample { list.append(("downsample", downsample)) }
        return list
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        let shortcut = downsample.map { projected(input, through: $0) } ?? input
        let out = convBatchNorm(conv1, bn1, input, activation: .relu)
        return convBatchNorm(conv2, bn2, out, residual: shortcut, activation: .relu)
    }
}

/// The 1x1 conv-BN shortcut (`downsample.0`, `downsample.1`), or nil when the shape is kept.
private func projection(_ inChannels: Int, _ outChannels: Int, stride: Int,
                        using generator: inout RandomGenerator) -> Sequential? {
    guard stride != 1 || inChannels != outChannels else { return nil }
    return Sequential(convolution(inChannels, outChannels, kernel: 1, stride: stride, using: &generator),
                      BatchNorm2d(outChannels))
}

/// The shortcut built by `projection`: its conv-BN pair through `convBatchNorm`.
private func projected(_ input: Tensor, through shortcut: Sequential) -> Tensor {
    guard let conv = shortcut.layers[0] as? Conv2d, let norm = shortcut.layers[1] as? BatchNorm2d else {
        preconditionFailure("residual block: downsample must be Sequential(Conv2d, BatchNorm2d)")
    }
    return convBatchNorm(conv, norm, input)
}

/// Runs the blocks of stage `name` (e.g. `layer3`), tapping each block (`layer3.0`, ...) and then
/// the stage itself (the same tensor as its last block).
func runStage(_ name: String, _ stage: Sequential, _ input: Tensor, _ tap: inout FeatureTap) -> Tensor {
    var x = input
    for (index, block) in stage.layers.enumerated() {
        x = tap.pass("\(name).\(index)", block(x))
    }
    return tap.pass(name, x)
}

/// The addressable names of a stage: its blocks, then the stage.
func stageLayerNames(_ name: String, _ stage: Sequential) -> [String] {
    stage.layers.indices.map { "\(name).\($0)" } + [name]
}
