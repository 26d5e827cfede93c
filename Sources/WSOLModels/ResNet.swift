//! ResNet50 as torchvision builds it, and the wsolevaluation `ResNetCam` variant.
import TensorCore
import TensorNN

/// Bottleneck ResNet50 with torchvision state-dict names (`conv1`, `bn1`, `layer1.0.conv1`, `fc`).
///
/// - torchvision: strides 1, 2, 2, 2 for layer1-4; `layer4` is `[N, 2048, H/32, W/32]`.
/// - CAM variant (methods.md §3.2): layer4 stride 1 and, with `largeFeatureMap`, layer3 stride 1:
///   `layer4` is `[N, 2048, H/16, W/16]` (14x14 at 224) or `[N, 2048, H/8, W/8]` (28x28).
///
/// Input `[N, 3, H, W]` ImageNet-normalised; logits `[N, K]`. Addressable layers: `conv1`, `bn1`,
/// `relu`, `maxpool`, each block `layerS.B`, each stage `layerS`.
public final class ResNet50: GAPLinearClassifier, LearningRateGrouped {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let stages: [Sequential]
    public let fc: Linear
    public let classCount: Int
    /// True for the wsolevaluation variant (changes the strides and the learning-rate groups).
    public let isCAMVariant: Bool
    public var isTraining = true

    /// - Parameters:
    ///   - classCount: K.
    ///   - camVariant: build wsolevaluation's `ResNetCam` (layer4 stride 1; xavier conv init) instead
    ///     of torchvision's `resnet50` (He fan-out init).
    ///   - largeFeatureMap: with `camVariant`, also layer3 stride 1 (28x28 at 224).
    public init(classCount: Int = 1000, camVariant: Bool = false, largeFeatureMap: Bool = false, seed: UInt64 = 0, randomInit: Bool = true) {
        precondition(camVariant || !largeFeatureMap, "ResNet50: largeFeatureMap applies to the CAM variant only")
        var generator = RandomGenerator(seed: seed)
        conv1 = Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false, initializer: .zeros, using: &generator)
        bn1 = BatchNorm2d(64)
        let strides = camVariant ? [1, 2, largeFeatureMap ? 1 : 2, 1] : [1, 2, 2, 2]
        var channels = 64
        var built: [Sequential] = []
        for (stage, (width, blockCount)) in zip([64, 128, 256, 512], [3, 4, 6, 3]).enumerated() {
            var blocks: [any Layer] = []
            for index in 0..<blockCount {
                blocks.append(Bottleneck(channels, width: width, stride: index == 0 ? strides[stage] : 1, using: &generator))
                channels = width * Bottleneck.expansion
            }
            built.append(Sequential(blocks))
        }
        stages = built
        fc = Linear(inFeatures: 2048, outFeatures: classCount, initializer: .zeros, using: &generator)
        self.classCount = classCount
        isCAMVariant = camVariant
        if randomInit { applyReferenceInit(to: self, convolutions: camVariant ? .xavier : .heFanOut, using: &generator) }
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1)] + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element as any Module) }
            + [("fc", fc)]
    }

    public var featureLayerNames: [String] {
        ["conv1", "bn1", "relu", "maxpool"]
            + stages.enumerated().flatMap { stageLayerNames("layer\($0.offset + 1)", $0.element) }
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
        var x: Tensor
        if tap.observes("conv1") || tap.observes("bn1") {
            x = tap.pass("conv1", conv1(input))
            x = tap.pass("bn1", bn1(x))
            x = tap.pass("relu", relu(x))
        } else {
            // Nobody reads the stem's conv or BN output: one fused unit (folded at inference).
            x = tap.pass("relu", convBatchNorm(conv1, bn1, input, activation: .relu))
        }
        x = tap.pass("maxpool", maxPool2d(x, kernelSize: 3, stride: 2, padding: 1))
        x = runStages(stages, x, &tap)
        return tap.output(logits: fc(pooledVector(x)))
    }

    /// wsolevaluation trains `layer4.*` and `fc.*` at 10x (methods.md §3.2); torchvision
    /// fine-tuning only the new `fc`.
    public func isFastParameter(named name: String) -> Bool {
        name.hasPrefix("fc.") || (isCAMVariant && name.hasPrefix("layer4."))
    }
}
