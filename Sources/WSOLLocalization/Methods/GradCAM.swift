//! Grad-CAM (Selvaraju et al., ICCV 2017).
import TensorCore

/// Grad-CAM: channel weights `α_k = (1/hw) Σ_ij ∂y^c/∂A_k(i, j)` (the spatial mean of the
/// class-score gradient), `M = Σ_k α_k A_k`; ReLU by default. `y^c` is the pre-softmax logit.
///
/// On the last layer of a GAP + linear network the gradient is `W[c, k] / hw` at every pixel,
/// so the map is CAM divided by `hw`: identical after normalisation.
public struct GradCAM: LocalizationMethod {
    public init() {}
    public var name: String { "gradcam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let gradient = try capture.classScoreGradient(classes: classes)
        return withNoGrad {
            let weights = gradient.mean(axes: [2, 3])   // [N, C]
            return MapMath.weightedChannelSum(capture.activation, weights: weights)
        }
    }
}
