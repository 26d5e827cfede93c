//! The contract between models and localization methods: a classifier whose intermediate
//! feature maps can be read (and, for ablation methods, replaced) by layer name.
import TensorCore
import TensorNN

/// What a forward pass of a ``FeatureMapClassifier`` returns.
public struct ClassifierOutput {
    /// Class scores before softmax, `[N, K]`.
    public var logits: Tensor
    /// The captured intermediate outputs by layer name, each `[N, C, h, w]` (recorded for autodiff
    /// unless run under `withNoGrad`, so `gradients(of:wrt:)` gives d(score)/d(feature map)).
    public var features: [String: Tensor]

    public init(logits: Tensor, features: [String: Tensor]) {
        self.logits = logits
        self.features = features
    }
}

/// A classifier whose feature maps are addressable by name (torchvision module paths such as
/// `features.18`, `layer4`, `Mixed_6e`), so that any CAM method can read any layer.
public protocol FeatureMapClassifier: Module {
    /// The addressable layers, from input to output.
    var featureLayerNames: [String] { get }
    /// The layer class activation maps use by default (the last spatial layer).
    var defaultCAMLayer: String { get }
    /// Number of classes K.
    var classCount: Int { get }

    /// Runs the network on `input` `[N, 3, H, W]` (normalised as the model expects).
    /// - Parameters:
    ///   - capture: layer names whose outputs are returned in `features`.
    ///   - replacing: if given, the output of `layer` is replaced by `value` (same shape) and the
    ///     network continues from it (Ablation-CAM zeroes channels this way).
    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput
    /// Runs the network applying each ``LayerIntervention`` to its layer's output in the same
    /// pass (captures see the transformed outputs). The default (LayerIntervention.swift) takes
    /// one intervention in two passes; the backbones implement it in one.
    func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput
}

extension FeatureMapClassifier {
    /// Logits only, `[N, K]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        forward(input, capture: [], replacing: nil).logits
    }

    /// Runs the network and captures the given layers.
    public func forward(_ input: Tensor, capture: Set<String>) -> ClassifierOutput {
        forward(input, capture: capture, replacing: nil)
    }

    /// Shapes of the given layers' outputs for one batch-1 `height x width` input of zeros, from
    /// an evaluation-mode pass without gradients (BatchNorm statistics untouched; the mode is
    /// restored). How heads and counters learn channels and map sizes before training.
    public func featureShapes(of layers: Set<String>, height: Int, width: Int) -> [String: [Int]] {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        let features = withNoGrad { forward(Tensor.zeros(shape: [1, 3, height, width]), capture: layers).features }
        return features.mapValues(\.shape)
    }

    /// Runs the network with gradient recording starting after the output of `layer`: the layers
    /// up to it run as under `withNoGrad`, the captured `layer` output is a leaf, and the rest is
    /// recorded, so `gradients(of: logits, wrt: [features[layer]])` works while only the part of
    /// the network after `layer` stays on the tape (Grad-CAM on ResNet50's `layer4` at batch 32
    /// keeps a few hundred MB instead of ~9 GB). Capture `layer` to read its gradient.
    ///
    /// The built-in models report their layers as they pass them; for a classifier that does not
    /// (a custom conformance), or a `layer` that is never reached, the pass is run again with the
    /// whole network recorded, so the result is always usable for gradients.
    public func forward(_ input: Tensor, capture: Set<String>, recordingFrom layer: String) -> ClassifierOutput {
        let (output, started) = FeatureTap.$recordingStart.withValue(layer) {
            withDeferredRecording { gate in (forward(input, capture: capture, replacing: nil), gate.isOpen) }
        }
        if started { return output }
        return withGrad { forward(input, capture: capture, replacing: nil) }
    }
}

/// A classifier whose head is global average pooling followed by a linear map on ``camLayer``'s
/// output: the classic CAM set-up, `CAM_c = Σ_d W[c, d] · F_d`.
public protocol GAPLinearClassifier: FeatureMapClassifier {
    /// The layer whose output feeds GAP + linear (`[N, D, h, w]`).
    var camLayer: String { get }
    /// Linear weights `[K, D]`.
    var classifierWeight: Tensor { get }
    /// Linear bias `[K]`, if any.
    var classifierBias: Tensor? { get }
}
