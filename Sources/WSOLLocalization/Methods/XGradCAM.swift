//! XGrad-CAM (Fu et al., BMVC 2020).
import TensorCore

/// XGrad-CAM: `w_k = Σ_ij (A_k(i,j) / (Σ_ab A_k(a,b) + ε)) · g_k(i,j)`, `M = Σ_k w_k A_k`;
/// ReLU by default. `ε = 1e-7` as pytorch-grad-cam (guards all-zero channels).
public struct XGradCAM: LocalizationMethod {
    public var epsilon: Float = 1e-7

    public init() {}
    public var name: String { "xgradcam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let g = try capture.classScoreGradient(classes: classes)
        return withNoGrad {
            let activation = capture.activation
            let share = activation / (MapMath.spatialSum(activation) + epsilon)
            let weights = (share * g).sum(axes: [2, 3])
            return MapMath.weightedChannelSum(activation, weights: weights)
        }
    }
}
