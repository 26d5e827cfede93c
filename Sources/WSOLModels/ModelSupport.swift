//! Shared plumbing of the backbones: the feature tap that captures or replaces named layer
//! outputs, a module with named children, and the reference weight-initialisation rules.
import TensorCore
import TensorNN

/// Threads one forward pass through named layers: records the outputs asked for in `capture` and
/// applies the interventions on their layers. Every backbone calls ``pass(_:_:)`` after each
/// addressable layer, in order.
struct FeatureTap {
    let capture: Set<String>
    /// Interventions by layer name, in the order given (several on one layer compose).
    let interventions: [String: [(Tensor) -> Tensor]]
    private(set) var features: [String: Tensor] = [:]

    init(capture: Set<String>, interventions: [LayerIntervention]) {
        self.capture = capture
        self.interventions = Dictionary(grouping: interventions, by: \.layer).mapValues { $0.map(\.transform) }
    }

    init(capture: Set<String>, replacing: (layer: String, value: Tensor)?) {
        self.init(capture: capture, interventions: LayerIntervention.replacement(replacing))
    }

    /// The tensor the network continues with after layer `name`: `output`, transformed by that
    /// layer's interventions if any (then the transformed tensor is also what gets captured).
    mutating func pass(_ name: String, _ output: Tensor) -> Tensor {
        var result = output
        for transform in interventions[name] ?? [] { result = transform(result) }
        if capture.contains(name) { features[name] = result }
        if let start = Self.recordingStart, start == name { GradientRecording.currentGate?.open() }
        return result
    }

    /// The layer after whose output a `forward(_:capture:recordingFrom:)` starts recording.
    @TaskLocal static var recordingStart: String? = nil

    /// Whether layer `name`'s own output matters to this pass (captured, intervened on, or where
    /// recording starts); when it does not, a model may fuse it into the next layer.
    func observes(_ name: String) -> Bool {
        capture.contains(name) || interventions[name] != nil || Self.recordingStart == name
    }

    /// The output of the whole network together with what was captured.
    func output(logits: Tensor) -> ClassifierOutput {
        ClassifierOutput(logits: logits, features: features)
    }
}

/// A module that only groups named children (PyTorch modules whose `forward` is written by hand:
/// an Inception block, a bottleneck). Subclasses list their children in state-dict order.
public class NamedModule: Module {
    public var isTraining = true
    public var children: [(String, any Module)] { [] }
    init() {}
}

/// How convolution weights are drawn when a model is built (the reference codes differ by model).
public enum ConvolutionInit: Sendable {
    /// `kaiming_normal_(mode='fan_out', nonlinearity='relu')` (torchvision ResNet/VGG/MobileNet, wsolevaluation VGG16-CAM).
    case heFanOut
    /// `xavier_uniform_` (wsolevaluation ResNet50-CAM and InceptionV3-CAM).
    case xavier

    var initializer: WeightInitializer {
        switch self {
        case .heFanOut: return .kaimingNormalFanOut
        case .xavier: return .xavierUniform
        }
    }
}

/// Re-draws every weight of `module`'s tree with the wsolevaluation rules (`initialize_weights`):
/// convolutions from `convolutions` with zero bias, batch norm γ = 1 and β = 0, linear layers
/// N(0, 0.01) with zero bias. Running statistics are left as built (0 and 1).
public func applyReferenceInit(to module: any Module, convolutions: ConvolutionInit, using generator: inout RandomGenerator) {
    if let conv = module as? Conv2d {
        conv.weight.value = convolutions.initializer.weight(shape: conv.weight.value.shape, using: &generator)
        conv.bias?.value = Tensor.zeros(shape: conv.bias!.value.shape)
    } else if let linear = module as? Linear {
        linear.weight.value = WeightInitializer.normal(mean: 0, standardDeviation: 0.01)
            .weight(shape: linear.weight.value.shape, using: &generator)
        linear.bias?.value = Tensor.zeros(shape: linear.bias!.value.shape)
    } else if let norm = module as? BatchNorm2d {
        norm.weight.value = Tensor.ones(shape: norm.weight.value.shape)
        norm.bias.value = Tensor.zeros(shape: norm.bias.value.shape)
    }
    for (_, child) in module.children {
        applyReferenceInit(to: child, convolutions: convolutions, using: &generator)
    }
}

/// A convolution followed by batch norm, without bias (every torchvision conv-BN pair).
func convolution(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                 groups: Int = 1, using generator: inout RandomGenerator) -> Conv2d {
    Conv2d(inChannels, outChannels, kernelSize: kernel, stride: stride, padding: padding, groups: groups,
           bias: false, initializer: .zeros, using: &generator)
}

/// Global average pooling to `[N, C]`.
func pooledVector(_ featureMap: Tensor) -> Tensor {
    globalAvgPool2d(featureMap).flattened(startAxis: 1)
}
