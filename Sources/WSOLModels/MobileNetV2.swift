//! torchvision MobileNetV2 (width 1.0): inverted residual blocks, GAP, dropout, linear.
import TensorCore
import TensorNN

/// torchvision's `InvertedResidual`: optional 1x1 expansion (conv-BN-ReLU6), 3x3 depthwise
/// conv-BN-ReLU6, 1x1 linear projection conv-BN; a residual sum when the shape is kept.
/// State-dict names `conv.0.0.weight` ... as torchvision.
final class InvertedResidual: NamedModule, Layer {
    let conv: Sequential
    let usesResidual: Bool

    init(_ inChannels: Int, _ outChannels: Int, stride: Int, expansion: Int, using generator: inout RandomGenerator) {
        let hidden = inChannels * expansion
        var layers: [any Layer] = []
        if expansion != 1 {
            layers.append(convBNReLU6(inChannels, hidden, kernel: 1, using: &generator))
        }
        layers.append(convBNReLU6(hidden, hidden, kernel: 3, stride: stride, groups: hidden, using: &generator))
        layers.append(convolution(hidden, outChannels, kernel: 1, using: &generator))
        layers.append(BatchNorm2d(outChannels))
        conv = Sequential(layers)
        usesResidual = stride == 1 && inChannels == outChannels
    }

    override var children: [(String, any Module)] { [("conv", conv)] }

    /// Each conv-BN(-ReLU6) unit, and the projection with the residual, runs through
    /// `convBatchNorm` (fused at inference, the separate layers' values in training).
    func callAsFunction(_ input: Tensor) -> Tensor {
        if isInference { return convolutionChain(input, chainSteps(input: 0, firstValue: 1)) }
        var x = input
        let layers = conv.layers
        for unit in layers.dropLast(2) { x = runConvBNReLU6(unit, x) }
        guard let projection = layers[layers.count - 2] as? Conv2d, let norm = layers.last as? BatchNorm2d else {
            preconditionFailure("InvertedResidual: the last two layers must be Conv2d and BatchNorm2d")
        }
        return convBatchNorm(projection, norm, x, residual: usesResidual ? input : nil)
    }
}

extension InvertedResidual: ChainableBlock {
    var isInference: Bool {
        !GradientRecording.isEnabled && conv.layers.flatMap(unitNorms).allSatisfy { !$0.isTraining }
    }

    /// Expansion (if any), depthwise and projection as chain steps; the residual is the input.
    func chainSteps(input: Int, firstValue f: Int) -> [ConvolutionChainStep] {
        let layers = conv.layers
        var steps: [ConvolutionChainStep] = []
        var source = input
        for unit in layers.dropLast(2) {
            let sequence = unit as! Sequential
            steps.append(ConvolutionChainStep(folding: sequence.layers[0] as! Conv2d, sequence.layers[1] as! BatchNorm2d,
                                              source: source, activation: .relu6))
            source = f + steps.count - 1
        }
        steps.append(ConvolutionChainStep(folding: layers[layers.count - 2] as! Conv2d, layers.last as! BatchNorm2d,
                                          source: source, residual: usesResidual ? input : nil))
        return steps
    }
}

/// A `features` layer as chain steps reading value `input`, or nil when it must run as layers
/// (training, recording, or not a conv-BN unit / inverted residual).
private func inferenceChainSteps(_ layer: any Layer, input: Int, firstValue: Int) -> [ConvolutionChainStep]? {
    if let block = layer as? InvertedResidual {
        return block.isInference ? block.chainSteps(input: input, firstValue: firstValue) : nil
    }
    guard !GradientRecording.isEnabled, let sequence = layer as? Sequential, sequence.layers.count == 3,
          let conv = sequence.layers[0] as? Conv2d, let norm = sequence.layers[1] as? BatchNorm2d, !norm.isTraining,
          (sequence.layers[2] as? Activation)?.name == "ReLU6" else { return nil }
    return [ConvolutionChainStep(folding: conv, norm, source: input, activation: .relu6)]
}

/// The batch norms of a layer (one for a conv-BN unit or a bare BN).
private func unitNorms(_ unit: any Layer) -> [BatchNorm2d] {
    if let norm = unit as? BatchNorm2d { return [norm] }
    return (unit as? Sequential)?.layers.compactMap { $0 as? BatchNorm2d } ?? []
}

/// Runs a `convBNReLU6` unit through `convBatchNorm`; any other layer as it is.
func runConvBNReLU6(_ unit: any Layer, _ input: Tensor) -> Tensor {
    guard let sequence = unit as? Sequential, sequence.layers.count == 3,
          let conv = sequence.layers[0] as? Conv2d, let norm = sequence.layers[1] as? BatchNorm2d,
          (sequence.layers[2] as? Activation)?.name == "ReLU6" else {
        return unit(input)
    }
    return convBatchNorm(conv, norm, input, activation: .relu6)
}

/// torchvision's `Conv2dNormActivation` with ReLU6: a `Sequential` named `0` (conv), `1` (BN), `2`.
func convBNReLU6(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1,
                 using generator: inout RandomGenerator) -> Sequential {
    Sequential(convolution(inChannels, outChannels, kernel: kernel, stride: stride, padding: (kernel - 1) / 2,
                           groups: groups, using: &generator),
               BatchNorm2d(outChannels), Activation.relu6)
}

/// MobileNetV2 as torchvision builds it (`features.0` ... `features.18`, `classifier.1`).
///
/// Input `[N, 3, H, W]` ImageNet-normalised; `features.18` is `[N, 1280, H/32, W/32]`
/// (7x7 at 224); logits `[N, K]`. Addressable layers: `features.0` ... `features.18`.
public final class MobileNetV2: GAPLinearClassifier, LearningRateGrouped {
    public let features: Sequential
    public let classifier: Sequential
    public let classCount: Int
    public var isTraining = true

    /// (expansion t, output channels c, repeats n, first stride s) of torchvision's table.
    private static let settings: [(Int, Int, Int, Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// Builds the network with torchvision's initialisation (He fan-out convs, BN 1/0, linear N(0, 0.01)).
    /// - Parameters:
    ///   - classCount: K, the classifier's outputs (1000 for ImageNet weights).
    ///   - dropout: probability of the dropout before the classifier (torchvision: 0.2).
    public init(classCount: Int = 1000, dropout: Float = 0.2, seed: UInt64 = 0, randomInit: Bool = true) {
        var generator = RandomGenerator(seed: seed)
        var layers: [any Layer] = [convBNReLU6(3, 32, kernel: 3, stride: 2, using: &generator)]
        var channels = 32
        for (expansion, outChannels, repeats, firstStride) in Self.settings {
            for index in 0..<repeats {
                layers.append(InvertedResidual(channels, outChannels, stride: index == 0 ? firstStride : 1,
                                               expansion: expansion, using: &generator))
                channels = outChannels
            }
        }
        layers.append(convBNReLU6(channels, 1280, kernel: 1, using: &generator))
        features = Sequential(layers)
        classifier = Sequential(Dropout(probability: dropout, seed: seed &+ 1),
                                Linear(inFeatures: 1280, outFeatures: classCount, initializer: .zeros, using: &generator))
        self.classCount = classCount
        if randomInit { applyReferenceInit(to: self, convolutions: .heFanOut, using: &generator) }
    }

    public var children: [(String, any Module)] { [("features", features), ("classifier", classifier)] }

    public var featureLayerNames: [String] { features.layers.indices.map { "features.\($0)" } }
    public var defaultCAMLayer: String { camLayer }
    public var camLayer: String { "features.18" }
    private var linear: Linear { classifier.layers[1] as! Linear }
    public var classifierWeight: Tensor { linear.weight.value }
    public var classifierBias: Tensor? { linear.bias?.value }

    public func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        forward(input, capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        var tap = FeatureTap(capture: capture, interventions: interventions)
        var x = input
        // At inference, consecutive layers nobody observes run as one convolution chain.
        var steps: [ConvolutionChainStep] = []
        for (index, layer) in features.layers.enumerated() {
            let name = "features.\(index)"
            guard let layerSteps = inferenceChainSteps(layer, input: steps.count, firstValue: steps.count + 1) else {
                if !steps.isEmpty { x = convolutionChain(x, steps) }
                steps = []
                x = tap.pass(name, runConvBNReLU6(layer, x))
                continue
            }
            steps += layerSteps
            if tap.observes(name) {
                x = tap.pass(name, convolutionChain(x, steps))
                steps = []
            }
        }
        if !steps.isEmpty { x = convolutionChain(x, steps) }
        return tap.output(logits: classifier(pooledVector(x)))
    }

    /// The classifier is the new layer when fine-tuning.
    public func isFastParameter(named name: String) -> Bool { name.hasPrefix("classifier.") }
}
