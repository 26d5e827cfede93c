//! HiResCAM (Draelos & Carin, 2020).
import TensorCore

/// HiResCAM: `M = Σ_k g_k ⊙ A_k`, the element-wise product of gradient and activation summed
/// over channels (no spatial pooling of the gradient); ReLU by default (pytorch-grad-cam).
public struct HiResCAM: LocalizationMethod {
    public init() {}
    public var name: String { "hirescam" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let g = try capture.classScoreGradient(classes: classes)
        return withNoGrad { MapMath.channelDot(g, capture.activation) }
    }
}
