//! Grad-CAM++ (Chattopadhyay et al., WACV 2018), closed form.
import TensorCore

/// Grad-CAM++ with the closed form of the exponential-score higher-order derivatives:
/// `a_k(i,j) = g² / (2g² + (Σ_ab A_k(a,b)) · g³ + ε)` (0 where `g = 0`),
/// `w_k = Σ_ij a_k(i,j) · ReLU(g_k(i,j))`, `M = Σ_k w_k A_k`; ReLU by default.
/// `g = ∂y^c/∂A` for the pre-softmax logit; `ε = 1e-6` as pytorch-grad-cam.
public struct GradCAMPlusPlus: LocalizationMethod {
    /// Guards the denominator where both `g` and the activation sum vanish.
    public var epsilon: Float = 1e-6

    public init() {}
    public var name: String { "gradcam++" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let g = try capture.classScoreGradient(classes: classes)
        return withNoGrad {
            let activation = capture.activation
            let g2 = g * g, g3 = g2 * g
            let activationSums = MapMath.spatialSum(activation)   // [N, C, 1, 1]
            let alpha = g2 / (2 * g2 + activationSums * g3 + epsilon)
            let alphaWhereGradient = select(g .== 0, Tensor(0), alpha)
            let weights = (alphaWhereGradient * relu(g)).sum(axes: [2, 3])   // [N, C]
            return MapMath.weightedChannelSum(activation, weights: weights)
        }
    }
}
