//! A pass-through model that remembers one layer's output of the last forward pass, so DA-WSOL can
//! run any base method's forward hook unchanged and still read the features behind its logits.
import TensorCore
import TensorNN

/// Forwards everything to `model` and records `layer`'s output of the most recent forward pass
/// (after any replacement, e.g. ADL's dropped features: the map the logits were computed from).
final class FeatureRecordingModel: FeatureMapClassifier {
    let model: any FeatureMapClassifier
    let layer: String
    private(set) var recorded: Tensor?

    init(model: any FeatureMapClassifier, layer: String) {
        (self.model, self.layer) = (model, layer)
    }

    var children: [(String, any Module)] { model.children }
    var isTraining: Bool {
        get { model.isTraining }
        set { model.isTraining = newValue }
    }
    var featureLayerNames: [String] { model.featureLayerNames }
    var defaultCAMLayer: String { model.defaultCAMLayer }
    var classCount: Int { model.classCount }

    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        var output = model.forward(input, capture: capture.union([layer]), replacing: replacing)
        recorded = output.features[layer]
        if !capture.contains(layer) { output.features[layer] = nil }
        return output
    }
}
