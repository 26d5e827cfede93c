//! VGG16 as torchvision builds it, and the wsolevaluation `VggCam` variant.
import TensorCore
import TensorNN

/// One entry of a VGG `features` configuration: a 3x3 conv (+ReLU) of that many channels, or a
/// 2x2/2 max-pool.
enum VGGEntry: Equatable {
    case conv(Int)
    case pool
}

/// torchvision's configuration "D": 13 convs, 5 pools; `features.0` ... `features.30`.
let vgg16Configuration: [VGGEntry] = [
    .conv(64), .conv(64), .pool, .conv(128), .conv(128), .pool, .conv(256), .conv(256), .conv(256), .pool,
    .conv(512), .conv(512), .conv(512), .pool, .conv(512), .conv(512), .conv(512), .pool,
]

/// The `features` Sequential of a configuration: conv (bias) and ReLU (or `activation`) per conv
/// entry, a max-pool per pool entry, so indices match torchvision's `make_layers`.
func vggFeatures(_ configuration: [VGGEntry], activation: () -> Activation = { .relu },
                 using generator: inout RandomGenerator) -> Sequential {
    var layers: [any Layer] = []
    var channels = 3
    for entry in configuration {
        switch entry {
        case .conv(let outChannels):
            layers.append(Conv2d(channels, outChannels, kernelSize: 3, padding: 1, initializer: .zeros, using: &generator))
            layers.append(activation())
            channels = outChannels
        case .pool:
            layers.append(Activation.maxPool(kernelSize: 2, stride: 2))
        }
    }
    return Sequential(layers)
}

/// Runs `features`, tapping every index (`features.0` is the first conv, `features.1` its ReLU, ...).
func runFeatures(_ features: Sequential, _ input: Tensor, _ tap: inout FeatureTap) -> Tensor {
    var x = input
    for (index, layer) in features.layers.enumerated() {
        x = tap.pass("features.\(index)", layer(x))
    }
    return x
}

/// torchvision VGG16: `features` (stride 32), adaptive average pool to 7x7, classifier
/// `Linear(25088, 4096)`-ReLU-Dropout-`Linear(4096, 4096)`-ReLU-Dropout-`Linear(4096, K)`
/// (`classifier.0`, `.3`, `.6`). Not a GAP classifier: conforms to ``FeatureMapClassifier`` only.
/// Input `[N, 3, H, W]` with H, W ≥ 32; `features.29` (last ReLU) is `[N, 512, H/16, W/16]`.
public final class VGG16: FeatureMapClassifier, LearningRateGrouped {
    public let features: Sequential
    public let classifier: Sequential
    public let classCount: Int
    public var isTraining = true

    /// torchvision's initialisation: He fan-out convs with zero bias, linear N(0, 0.01), zero bias.
    public init(classCount: Int = 1000, seed: UInt64 = 0, randomInit: Bool = true) {
        var generator = RandomGenerator(seed: seed)
        features = vggFeatures(vgg16Configuration, using: &generator)
        classifier = Sequential(
            Linear(inFeatures: 512 * 7 * 7, outFeatures: 4096, initializer: .zeros, using: &generator), Activation.relu,
            Dropout(probability: 0.5, seed: seed &+ 1),
            Linear(inFeatures: 4096, outFeatures: 4096, initializer: .zeros, using: &generator), Activation.relu,
            Dropout(probability: 0.5, seed: seed &+ 2),
            Linear(inFeatures: 4096, outFeatures: classCount, initializer: .zeros, using: &generator))
        self.classCount = classCount
        if randomInit { applyReferenceInit(to: self, convolutions: .heFanOut, using: &generator) }
    }

    public var children: [(String, any Module)] { [("features", features), ("classifier", classifier)] }
    public var featureLayerNames: [String] { features.layers.indices.map { "features.\($0)" } }
    /// The last conv block's ReLU (before pool5), the usual Grad-CAM layer of VGG16.
    public var defaultCAMLayer: String { "features.29" }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        let x = runFeatures(features, input, &tap)
        let pooled = adaptiveAvgPool2d(x, outputHeight: 7, outputWidth: 7).flattened(startAxis: 1)
        return tap.output(logits: classifier(pooled))
    }

    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("classifier.") }
}

/// wsolevaluation's `VggCam` (methods.md §3.1): VGG16 features without pool5 (and without pool4
/// with `largeFeatureMap`), then `conv6` 3x3 512→1024 + ReLU, GAP, `fc` 1024→K.
///
/// Input `[N, 3, H, W]`; the CAM layer `conv6` (its output after the ReLU) is `[N, 1024, H/16, W/16]`
/// (14x14 at 224) or `[N, 1024, H/8, W/8]` (28x28). Addressable: `features.i`, `conv6`.
public final class VGG16CAM: GAPLinearClassifier, LearningRateGrouped {
    public let features: Sequential
    public let conv6: Conv2d
    public let fc: Linear
    public let classCount: Int
    public let largeFeatureMap: Bool
    /// Negative slope of LeakyReLU activations (CI-CAM's VGG16 uses 0.2), nil for ReLU.
    public let leakySlope: Float?
    public var isTraining = true

    /// wsolevaluation's initialisation: He fan-out convs, zero bias, linear N(0, 0.01).
    /// - Parameter leakySlope: LeakyReLU with this negative slope after every conv (and conv6)
    ///   instead of ReLU: CI-CAM's backbone (methods.md §5.2); the weights load the same.
    public init(classCount: Int = 1000, largeFeatureMap: Bool = false, leakySlope: Float? = nil,
                seed: UInt64 = 0, randomInit: Bool = true) {
        var generator = RandomGenerator(seed: seed)
        let activation: () -> Activation = { leakySlope.map { Activation.leakyRelu(negativeSlope: $0) } ?? .relu }
        features = vggFeatures(Self.configuration(largeFeatureMap: largeFeatureMap), activation: activation, using: &generator)
        conv6 = Conv2d(512, 1024, kernelSize: 3, padding: 1, initializer: .zeros, using: &generator)
        fc = Linear(inFeatures: 1024, outFeatures: classCount, initializer: .zeros, using: &generator)
        self.classCount = classCount
        self.largeFeatureMap = largeFeatureMap
        self.leakySlope = leakySlope
        if randomInit { applyReferenceInit(to: self, convolutions: .heFanOut, using: &generator) }
    }

    /// VGG16's configuration without pool5, and without pool4 as well for the large map.
    static func configuration(largeFeatureMap: Bool) -> [VGGEntry] {
        var entries = Array(vgg16Configuration.dropLast())
        if largeFeatureMap { entries.remove(at: 13) }  // pool4 follows the 10th conv
        return entries
    }

    public var children: [(String, any Module)] { [("features", features), ("conv6", conv6), ("fc", fc)] }
    public var featureLayerNames: [String] { features.layers.indices.map { "features.\($0)" } + ["conv6"] }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "conv6" }
    public var classifierWeight: Tensor { fc.weight.value }
    public var classifierBias: Tensor? { fc.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        let x = runFeatures(features, input, &tap)
        let activated = tap.pass("conv6", leakySlope.map { leakyRelu(conv6(x), negativeSlope: $0) } ?? relu(conv6(x)))
        return tap.output(logits: fc(pooledVector(activated)))
    }

    /// `features.*` keep the base rate; `conv6` and `fc` are new (10x).
    public func isFastParameter(named name: String) -> Bool { !name.hasPrefix("features.") }
}
