//! A small ResNet for 64-128 px inputs (SynthWSOL) that trains in minutes on 2 cores.
import TensorCore
import TensorNN

/// A ResNet-18-style network scaled down for small images: a 3x3 stride-2 stem (`conv1`, `bn1`),
/// four stages of two ``BasicBlock``s (`layer1` ... `layer4`), GAP and `fc`.
///
/// Default widths 16/32/64/128 with stage strides 1/2/2/1, so the CAM layer `layer4` is
/// `[N, 128, H/8, W/8]` (8x8 at 64 px, 16x16 at 128 px). The last stage keeps its resolution
/// (like the CAM variants of the big backbones) because maps of 4x4 are too coarse to localise;
/// it is also the most expensive stage. Forward cost at 64 px: 0.12 GFLOP per image.
public final class SmallResNet: GAPLinearClassifier, LearningRateGrouped {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let stages: [Sequential]
    public let fc: Linear
    public let classCount: Int
    public var isTraining = true

    /// - Parameters:
    ///   - widths: channels of the four stages.
    ///   - strides: stride of each stage's first block.
    public init(classCount: Int, widths: [Int] = [16, 32, 64, 128], strides: [Int] = [1, 2, 2, 1], seed: UInt64 = 0, randomInit: Bool = true) {
        precondition(widths.count == 4 && strides.count == 4, "SmallResNet: four widths and four strides")
        var generator = RandomGenerator(seed: seed)
        conv1 = convolution(3, widths[0], kernel: 3, stride: 2, padding: 1, using: &generator)
        bn1 = BatchNorm2d(widths[0])
        var channels = widths[0]
        var built: [Sequential] = []
        for (width, stride) in zip(widths, strides) {
            built.append(Sequential(BasicBlock(channels, width, stride: stride, using: &generator),
                                    BasicBlock(width, width, stride: 1, using: &generator)))
            channels = width
        }
        stages = built
        fc = Linear(inFeatures: channels, outFeatures: classCount, initializer: .zeros, using: &generator)
        self.classCount = classCount
        if randomInit { applyReferenceInit(to: self, convolutions: .heFanOut, using: &generator) }
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1)] + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element as any Module) }
            + [("fc", fc)]
    }

    public var featureLayerNames: [String] {
        ["conv1", "bn1", "relu"] + stages.enumerated().flatMap { stageLayerNames("layer\($0.offset + 1)", $0.element) }
    }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "layer4" }
    public var classifierWeight: Tensor { fc.weight.value }
    public var classifierBias: Tensor? { fc.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        var x = tap.pass("conv1", conv1(input))
        x = tap.pass("bn1", bn1(x))
        x = tap.pass("relu", relu(x))
        x = runStages(stages, x, &tap)
        return tap.output(logits: fc(pooledVector(x)))
    }

    /// Trained from scratch: one rate for everything (the fast group is empty).
    public func isFastParameter(named name: String) -> Bool { false }
}
