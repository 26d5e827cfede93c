//! Changing a named layer's output inside one forward pass: Ablation-CAM's replacement, ADL's
//! mask, CI-CAM's self-attention blocks inserted after chosen stages.
import TensorCore

/// A function applied to the output of one named layer of a ``FeatureMapClassifier``; the
/// network continues from its result (same shape as the output, except where the following
/// layers accept another channel count). Recorded for autodiff like any other operation, so
/// modules applied here are trained through the same pass.
public struct LayerIntervention {
    /// The layer name, one of the model's `featureLayerNames`.
    public var layer: String
    /// Output `[N, C, h, w]` -> the tensor the network continues with.
    public var transform: (Tensor) -> Tensor

    public init(layer: String, transform: @escaping (Tensor) -> Tensor) {
        self.layer = layer
        self.transform = transform
    }

    /// Replaces `layer`'s output by `value`, which must have the output's shape.
    public static func replacing(_ layer: String, with value: Tensor) -> LayerIntervention {
        LayerIntervention(layer: layer) { output in
            precondition(value.shape == output.shape,
                         "forward: replacement for '\(layer)' has shape \(value.shape), the layer gives \(output.shape)")
            return value
        }
    }

    /// The intervention list of the older `replacing:` argument (empty for nil).
    public static func replacement(_ replacing: (layer: String, value: Tensor)?) -> [LayerIntervention] {
        replacing.map { [.replacing($0.layer, with: $0.value)] } ?? []
    }
}

extension FeatureMapClassifier {
    /// Fallback for classifiers that only implement `replacing:` (test doubles, wrappers): one
    /// intervention, in two passes (the first computes the layer's output, the second continues
    /// from the transformed value). The backbones of this module override it with a single pass
    /// that supports any number of interventions.
    public func forward(_ input: Tensor, capture: Set<String>, interventions: [LayerIntervention]) -> ClassifierOutput {
        guard let intervention = interventions.first else { return forward(input, capture: capture, replacing: nil) }
        precondition(interventions.count == 1,
                     "\(type(of: self)) applies one layer intervention at a time; got \(interventions.count)")
        let output = forward(input, capture: [intervention.layer]).features[intervention.layer]!
        return forward(input, capture: capture, replacing: (layer: intervention.layer, value: intervention.transform(output)))
    }
}
