//! Attention-based Dropout Layer (ADL; Choe & Shim, CVPR 2019) at one feature layer.
import TensorCore

/// ADL on the output `F` `[N, C, h, w]` of `layer` during training: the self-attention map
/// `A = mean_c F`; per batch, with probability `dropRate` multiply `F` by the drop mask
/// `A < γ·max(A)` (per image; hides the most discriminative region), otherwise by the importance
/// map `sigmoid(A)`. Defaults: drop rate 0.75, γ 0.9 (methods.md §3.6). At inference ADL is the identity.
///
/// wsolevaluation inserts ADL after several blocks of each backbone; here it acts on one layer
/// (default: the model's CAM layer) through a ``LayerIntervention``, inside the one forward pass.
public final class AttentionDropoutTraining: WSOLTrainingMethod {
    public let dropRate: Float
    public let threshold: Float
    /// The layer ADL acts on; nil = the model's `defaultCAMLayer`.
    public let layer: String?
    public var name: String { "adl" }

    public init(dropRate: Float = 0.75, threshold: Float = 0.9, layer: String? = nil) {
        precondition((0...1).contains(dropRate) && (0...1).contains(threshold), "ADL: rates in [0, 1]")
        self.dropRate = dropRate
        self.threshold = threshold
        self.layer = layer
    }

    public func logits(model: any FeatureMapClassifier, batch: TrainingBatch, random: inout RandomGenerator) -> Tensor {
        let layerName = layer ?? model.defaultCAMLayer
        let useDropMask = random.nextUnitFloat() < dropRate
        let dropout = LayerIntervention(layer: layerName) { [self] features in apply(to: features, useDropMask: useDropMask) }
        return model.forward(batch.images, capture: [], interventions: [dropout]).logits
    }

    /// `F` times the drop mask (`useDropMask`) or the importance map, broadcast over channels.
    func apply(to features: Tensor, useDropMask: Bool) -> Tensor {
        let attention = features.mean(axes: [1], keepDims: true)
        guard useDropMask else { return features * sigmoid(attention) }
        let (count, plane) = (attention.shape[0], attention.shape[2] * attention.shape[3])
        var mask = attention.scalars
        for image in 0..<count {
            let slice = image * plane..<(image + 1) * plane
            let cut = (mask[slice].max() ?? 0) * threshold
            for index in slice { mask[index] = mask[index] < cut ? 1 : 0 }
        }
        return features * Tensor(shape: attention.shape, scalars: mask)
    }
}
