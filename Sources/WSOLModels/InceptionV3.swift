//! InceptionV3 as torchvision builds it, and the wsolevaluation `InceptionCam` ("SPG-style") variant.
import TensorCore
import TensorNN

/// The stem and `Mixed_5b` ... `Mixed_6e`, shared by both variants (torchvision names).
final class InceptionTrunk {
    let stem: [(String, BasicConv2d)]
    let mixed5: [(String, InceptionA)]
    let mixed6: [(String, any Layer)]
    let isCAMVariant: Bool

    init(camVariant: Bool, using g: inout RandomGenerator) {
        isCAMVariant = camVariant
        stem = [("Conv2d_1a_3x3", BasicConv2d(3, 32, kernel: 3, stride: 2, padding: camVariant ? 1 : 0, using: &g)),
                ("Conv2d_2a_3x3", BasicConv2d(32, 32, kernel: 3, using: &g)),
                ("Conv2d_2b_3x3", BasicConv2d(32, 64, kernel: 3, padding: 1, using: &g)),
                ("Conv2d_3b_1x1", BasicConv2d(64, 80, kernel: 1, using: &g)),
                ("Conv2d_4a_3x3", BasicConv2d(80, 192, kernel: 3, using: &g))]
        mixed5 = [("Mixed_5b", InceptionA(192, poolFeatures: 32, using: &g)),
                  ("Mixed_5c", InceptionA(256, poolFeatures: 64, using: &g)),
                  ("Mixed_5d", InceptionA(288, poolFeatures: 64, using: &g))]
        let reduction = camVariant ? InceptionB(288, stride: 1, padding: 1, using: &g) : InceptionB(288, using: &g)
        mixed6 = [("Mixed_6a", reduction),
                  ("Mixed_6b", InceptionC(768, channels7x7: 128, using: &g)),
                  ("Mixed_6c", InceptionC(768, channels7x7: 160, using: &g)),
                  ("Mixed_6d", InceptionC(768, channels7x7: 160, using: &g)),
                  ("Mixed_6e", InceptionC(768, channels7x7: 192, using: &g))]
    }

    var children: [(String, any Module)] {
        stem.map { ($0.0, $0.1 as any Module) } + mixed5.map { ($0.0, $0.1 as any Module) }
            + mixed6.map { ($0.0, $0.1 as any Module) }
    }

    /// Addressable names up to `Mixed_6e`, in order.
    var layerNames: [String] {
        let names = stem.map(\.0)
        return Array(names[0..<3]) + ["maxpool1"] + Array(names[3..<5]) + ["maxpool2"] + mixed5.map(\.0) + mixed6.map(\.0)
    }

    /// The stem pools: torchvision 3x3/2; the CAM variant pads by 1 and rounds up.
    private func stemPool(_ x: Tensor) -> Tensor {
        isCAMVariant ? maxPool2d(x, kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
            : maxPool2d(x, kernelSize: 3, stride: 2)
    }

    /// Runs up to `Mixed_6e`. `extraPool` (CAM variant without a large feature map) is the
    /// 3x3/2 ceil-mode pool wsolevaluation moves in front of `Mixed_6a`.
    func run(_ input: Tensor, extraPool: Bool, _ tap: inout FeatureTap) -> Tensor {
        var x = input
        for (index, (name, layer)) in stem.enumerated() {
            x = tap.pass(name, layer(x))
            if index == 2 { x = tap.pass("maxpool1", stemPool(x)) }
            if index == 4 { x = tap.pass("maxpool2", stemPool(x)) }
        }
        for (name, block) in mixed5 { x = tap.pass(name, block(x)) }
        if extraPool { x = maxPool2d(x, kernelSize: 3, stride: 2, ceilMode: true) }
        for (name, block) in mixed6 { x = tap.pass(name, block(x)) }
        return x
    }
}

/// torchvision InceptionV3 (evaluation semantics: the auxiliary head is kept for its weights but not
/// run). Input `[N, 3, H, W]` with H, W ≥ 75 (299 for ImageNet weights); `Mixed_7c` is
/// `[N, 2048, h, w]` (8x8 at 299); GAP, dropout, `fc` 2048→K.
public final class InceptionV3: GAPLinearClassifier, LearningRateGrouped {
    let trunk: InceptionTrunk
    let auxLogits: InceptionAux?
    let mixed7: [(String, any Layer)]
    let dropout: Dropout
    public let fc: Linear
    public let classCount: Int
    /// torchvision's `transform_input` (True for its ImageNet weights): re-maps ImageNet-normalised
    /// input to the (x − 0.5) / 0.5 normalisation the Google weights were trained with.
    public let transformsInput: Bool
    public var isTraining = true

    /// torchvision's layout with He fan-out conv init (torchvision itself uses truncated normals; the
    /// weights are meant to be loaded). `auxLogits` keeps the `AuxLogits.*` parameters.
    public init(classCount: Int = 1000, auxLogits: Bool = true, transformInput: Bool = false, seed: UInt64 = 0, randomInit: Bool = true) {
        var g = RandomGenerator(seed: seed)
        trunk = InceptionTrunk(camVariant: false, using: &g)
        self.auxLogits = auxLogits ? InceptionAux(768, classCount: classCount, using: &g) : nil
        mixed7 = [("Mixed_7a", InceptionD(768, using: &g)), ("Mixed_7b", InceptionE(1280, using: &g)),
                  ("Mixed_7c", InceptionE(2048, using: &g))]
        dropout = Dropout(probability: 0.5, seed: seed &+ 1)
        fc = Linear(inFeatures: 2048, outFeatures: classCount, initializer: .zeros, using: &g)
        self.classCount = classCount
        transformsInput = transformInput
        if randomInit { applyReferenceInit(to: self, convolutions: .heFanOut, using: &g) }
    }

    public var children: [(String, any Module)] {
        var list = trunk.children
        if let auxLogits { list.append(("AuxLogits", auxLogits)) }
        return list + mixed7.map { ($0.0, $0.1 as any Module) } + [("fc", fc)]
    }

    public var featureLayerNames: [String] { trunk.layerNames + mixed7.map(\.0) }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "Mixed_7c" }
    public var classifierWeight: Tensor { fc.weight.value }
    public var classifierBias: Tensor? { fc.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        var x = trunk.run(transformsInput ? googleNormalised(input) : input, extraPool: false, &tap)
        for (name, block) in mixed7 { x = tap.pass(name, block(x)) }
        // The dropouts are not children (no state), so they follow this model's mode here.
        let pooled = pooledVector(x)
        return tap.output(logits: fc(isTraining ? dropout(pooled) : pooled))
    }

    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("fc.") }

    /// x·(std/0.5) + (mean − 0.5)/0.5 per channel.
    private func googleNormalised(_ input: Tensor) -> Tensor {
        let scale = Tensor(shape: [1, 3, 1, 1], scalars: [0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5])
        let shift = Tensor(shape: [1, 3, 1, 1], scalars: [(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5, (0.406 - 0.5) / 0.5])
        return input * scale + shift
    }
}

/// wsolevaluation's `InceptionCam` (methods.md §3.3): the trunk up to `Mixed_6e` with the SPG-style
/// stride/padding changes, then dropout → `SPG_A3_1b` (3x3 768→1024 + ReLU) → dropout → `SPG_A3_2b`
/// (3x3 1024→1024 + ReLU) → dropout → `SPG_A4` (1x1 1024→K) → GAP = logits.
///
/// Input `[N, 3, 224, 224]`: `Mixed_6e` `[N, 768, 14, 14]` (28x28 with `largeFeatureMap`).
/// Since GAP commutes with the 1x1 `SPG_A4`, this is a GAP + linear classifier on `SPG_A3_2b`
/// (weight = `SPG_A4.weight` as `[K, 1024]`): its CAM equals channel c of `SPG_A4`'s output.
public final class InceptionV3CAM: GAPLinearClassifier, LearningRateGrouped {
    let trunk: InceptionTrunk
    let head1: Sequential
    let head2: Sequential
    public let classConv: Conv2d
    let dropouts: [Dropout]
    public let classCount: Int
    public let largeFeatureMap: Bool
    public var isTraining = true

    /// wsolevaluation's initialisation: xavier-uniform convs with zero bias, BN 1/0.
    public init(classCount: Int = 1000, largeFeatureMap: Bool = false, seed: UInt64 = 0, randomInit: Bool = true) {
        var g = RandomGenerator(seed: seed)
        trunk = InceptionTrunk(camVariant: true, using: &g)
        head1 = Sequential(Conv2d(768, 1024, kernelSize: 3, padding: 1, initializer: .zeros, using: &g), Activation.relu)
        head2 = Sequential(Conv2d(1024, 1024, kernelSize: 3, padding: 1, initializer: .zeros, using: &g), Activation.relu)
        classConv = Conv2d(1024, classCount, kernelSize: 1, initializer: .zeros, using: &g)
        dropouts = (1...3).map { Dropout(probability: 0.5, seed: seed &+ UInt64($0)) }
        self.classCount = classCount
        self.largeFeatureMap = largeFeatureMap
        if randomInit { applyReferenceInit(to: self, convolutions: .xavier, using: &g) }
    }

    public var children: [(String, any Module)] {
        trunk.children + [("SPG_A3_1b", head1), ("SPG_A3_2b", head2), ("SPG_A4", classConv)]
    }

    public var featureLayerNames: [String] { trunk.layerNames + ["SPG_A3_1b", "SPG_A3_2b", "SPG_A4"] }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "SPG_A3_2b" }
    public var classifierWeight: Tensor { classConv.weight.value.reshaped(to: [classCount, 1024]) }
    public var classifierBias: Tensor? { classConv.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        var x = trunk.run(input, extraPool: !largeFeatureMap, &tap)
        // The dropouts are not children (no state), so they follow this model's mode here.
        let drop: (Int, Tensor) -> Tensor = { [isTraining, dropouts] in isTraining ? dropouts[$0]($1) : $1 }
        x = tap.pass("SPG_A3_1b", head1(drop(0, x)))
        x = tap.pass("SPG_A3_2b", head2(drop(1, x)))
        x = tap.pass("SPG_A4", classConv(drop(2, x)))
        return tap.output(logits: pooledVector(x))
    }

    /// Pretrained `Mixed_*` / `Conv2d_*` at the base rate; the new SPG layers at 10x.
    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("SPG_") }
}
