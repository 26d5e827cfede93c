//! A classifier whose logits are a known linear function of its input, for hand-worked maps.
import TensorCore
import TensorNN
import WSOLModels

/// The layer `input` is the input itself (`[N, C, h, w]`), and `z_c = Σ_{k,i,j} V[c, k, i, j] · A_k(i, j)`,
/// so `∂z_c/∂A = V[c]` exactly. Supports `replacing:` at `input` (Ablation-CAM).
final class LinearProbe: FeatureMapClassifier {
    /// `[K, C, h, w]`.
    let probe: Tensor
    var isTraining = false

    init(probe: Tensor) { self.probe = probe }

    var featureLayerNames: [String] { ["input"] }
    var defaultCAMLayer: String { "input" }
    var classCount: Int { probe.shape[0] }

    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        var x = input
        if let replacing, replacing.layer == "input" { x = replacing.value }
        let flat = x.flattened(startAxis: 1)
        let logits = matmul(flat, probe.flattened(startAxis: 1), transposeB: true)
        return ClassifierOutput(logits: logits, features: capture.contains("input") ? ["input": x] : [:])
    }
}

/// The hand-worked example: one image, C = 2 channels, h = 1, w = 2.
/// `A`: channel 0 = (1, 3), channel 1 = (2, 0).
/// `V[0]`: channel 0 = (0.5, -1), channel 1 = (2, 1); `V[1]`: channel 0 = (1, 0), channel 1 = (0, 1).
/// Logits: `z_0 = 0.5 - 3 + 4 + 0 = 1.5`, `z_1 = 1 + 0 = 1`, so the top-1 class is 0.
enum HandExample {
    static let activation = Tensor(shape: [1, 2, 1, 2], scalars: [1, 3, 2, 0])
    static let probe = Tensor(shape: [2, 2, 1, 2], scalars: [0.5, -1, 2, 1, 1, 0, 0, 1])
    static var model: LinearProbe { LinearProbe(probe: probe) }
}
