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

    /// At inference the whole block is one `convolutionChain` (BN folded, add and ReLU fused,
    /// activations kept channels-last inside the kernel); in training (and recorded evaluation)
    /// each conv-BN(-add)-ReLU goes through `convBatchNorm`, i.e. the separate layers' values.
    func callAsFunction(_ input: Tensor) -> Tensor {
        if isInference { return convolutionChain(input, chainSteps(input: 0, firstValue: 1)) }
        let shortcut = downsample.map { projected(input, through: $0) } ?? input
        var out = convBatchNorm(conv1, bn1, input, activation: .relu)
        out = convBatchNorm(conv2, bn2, out, activation: .relu)
        return convBatchNorm(conv3, bn3, out, residual: shortcut, activation: .relu)
    }

    var isInference: Bool { blockIsInference([bn1, bn2, bn3]) }

    /// The block as convolution-chain steps reading value `input`; the first step's output is
    /// value `firstValue` and the block's output is the last step's.
    func chainSteps(input: Int, firstValue f: Int) -> [ConvolutionChainStep] {
        var steps = projectionStep(downsample, source: input).map { [$0] } ?? []
        let shortcut = steps.isEmpty ? input : f   // the projection, when there is one, is value f
        let first = f + steps.count                // conv1's output
        steps.append(ConvolutionChainStep(folding: conv1, bn1, source: input, activation: .relu))
        steps.append(ConvolutionChainStep(folding: conv2, bn2, source: first, activation: .relu))
        steps.append(ConvolutionChainStep(folding: conv3, bn3, source: first + 1, residual: shortcut, activation: .relu))
        return steps
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
        if isInference { return convolutionChain(input, chainSteps(input: 0, firstValue: 1)) }
        let shortcut = downsample.map { projected(input, through: $0) } ?? input
        let out = convBatchNorm(conv1, bn1, input, activation: .relu)
        return convBatchNorm(conv2, bn2, out, residual: shortcut, activation: .relu)
    }

    var isInference: Bool { blockIsInference([bn1, bn2]) }

    /// The block as convolution-chain steps (numbering as `Bottleneck.chainSteps`).
    func chainSteps(input: Int, firstValue f: Int) -> [ConvolutionChainStep] {
        var steps = projectionStep(downsample, source: input).map { [$0] } ?? []
        let shortcut = steps.isEmpty ? input : f
        let first = f + steps.count
        steps.append(ConvolutionChainStep(folding: conv1, bn1, source: input, activation: .relu))
        steps.append(ConvolutionChainStep(folding: conv2, bn2, source: first, residual: shortcut, activation: .relu))
        return steps
    }
}

/// A residual block that can run as part of a convolution chain at inference.
protocol ChainableBlock: Layer {
    var isInference: Bool { get }
    func chainSteps(input: Int, firstValue: Int) -> [ConvolutionChainStep]
}

extension Bottleneck: ChainableBlock {}
extension BasicBlock: ChainableBlock {}

/// The 1x1 conv-BN shortcut (`downsample.0`, `downsample.1`), or nil when the shape is kept.
private func projection(_ inChannels: Int, _ outChannels: Int, stride: Int,
                        using generator: inout RandomGenerator) -> Sequential? {
    guard stride != 1 || inChannels != outChannels else { return nil }
    return Sequential(convolution(inChannels, outChannels, kernel: 1, stride: stride, using: &generator),
                      BatchNorm2d(outChannels))
}

/// The shortcut built by `projection`: its conv-BN pair through `convBatchNorm`.
private func projected(_ input: Tensor, through shortcut: Sequential) -> Tensor {
    let (conv, norm) = projectionLayers(shortcut)
    return convBatchNorm(conv, norm, input)
}

/// The chain step of a projection shortcut reading value `source`, if there is a projection.
private func projectionStep(_ shortcut: Sequential?, source: Int) -> ConvolutionChainStep? {
    guard let shortcut else { return nil }
    let (conv, norm) = projectionLayers(shortcut)
    return ConvolutionChainStep(folding: conv, norm, source: source)
}

private func projectionLayers(_ shortcut: Sequential) -> (Conv2d, BatchNorm2d) {
    guard let conv = shortcut.layers[0] as? Conv2d, let norm = shortcut.layers[1] as? BatchNorm2d else {
        preconditionFailure("residual block: downsample must be Sequential(Conv2d, BatchNorm2d)")
    }
    return (conv, norm)
}

/// True when a block runs as inference: its batch norms use running statistics and nothing is
/// being recorded for autodiff.
private func blockIsInference(_ norms: [BatchNorm2d]) -> Bool {
    !GradientRecording.isEnabled && norms.allSatisfy { !$0.isTraining }
}

/// Runs every stage (`layer1` ...), tapping blocks and stages as `runStage`. At inference,
/// consecutive blocks whose outputs nobody observes (see `FeatureTap.observes`) run as one
/// `convolutionChain`, so activations stay in oneDNN's layout across blocks and stages.
func runStages(_ stages: [Sequential], _ input: Tensor, _ tap: inout FeatureTap) -> Tensor {
    let blocks = stages.flatMap(\.layers).compactMap { $0 as? ChainableBlock }
    guard blocks.count == stages.reduce(0, { $0 + $1.layers.count }), blocks.contains(where: \.isInference) else {
        var x = input
        for (index, stage) in stages.enumerated() { x = runStage("layer\(index + 1)", stage, x, &tap) }
        return x
    }
    var x = input
    var steps: [ConvolutionChainStep] = []
    var blockInput = 0  // the value (in the pending chain) the next block reads
    for (stageIndex, stage) in stages.enumerated() {
        let stageName = "layer\(stageIndex + 1)"
        for (blockIndex, layer) in stage.layers.enumerated() {
            let block = layer as! ChainableBlock
            let name = "\(stageName).\(blockIndex)"
            let endsStage = blockIndex == stage.layers.count - 1
            // Checked per block: a tap may have started recording (`forward(_:capture:recordingFrom:)`),
            // and recorded blocks must run their layers.
            guard block.isInference else {
                if !steps.isEmpty { x = convolutionChain(x, steps) }
                (steps, blockInput) = ([], 0)
                x = tap.pass(name, block(x))
                if endsStage { x = tap.pass(stageName, x) }
                continue
            }
            steps += block.chainSteps(input: blockInput, firstValue: steps.count + 1)
            blockInput = steps.count
            guard tap.observes(name) || (endsStage && tap.observes(stageName)) else { continue }
            x = tap.pass(name, convolutionChain(x, steps))
            if endsStage { x = tap.pass(stageName, x) }
            (steps, blockInput) = ([], 0)
        }
    }
    return steps.isEmpty ? x : convolutionChain(x, steps)
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
