//! LayerCAM (Jiang et al., TIP 2021).
import TensorCore

/// LayerCAM: `M = Σ_k ReLU(g_k) ⊙ A_k`; ReLU by default. Usable on shallow layers. The paper's
/// `tanh(2 · M / max M)` rescaling of shallow maps before fusing layers is not applied here
/// (fusion in ``Localizer`` averages min-max maps instead).
public struct LayerCAM: LocalizationMethod {
    public init() {}
    public var name: String { "layercam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let g = try capture.classScoreGradient(classes: classes)
        return withNoGrad { MapMath.channelDot(relu(g), capture.activation) }
    }
}
