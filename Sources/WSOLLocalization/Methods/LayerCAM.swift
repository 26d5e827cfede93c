//! LayerCAM (Jiang et al., TIP 2021).
import TensorCore

/// LayerCAM: `M = Σ_k ReLU(g_k) ⊙ A_k` (`g` the class-score gradient at the layer); ReLU by
/// default. Usable on shallow layers.
///
/// With ``tanhScaling`` `γ` set (the `layercam-tanh` variant, γ = 2), each map is returned as
/// the paper's shallow-layer rescaling (its Eq. 9): `tanh(γ · M⁺ / max M⁺)` with `M⁺ = ReLU(M)`
/// and the maximum taken per image; an all-zero map stays zero. The paper applies it to maps of
/// shallow layers before fusing them with deeper ones (``Localizer`` fuses by averaging); it
/// lifts the weak but spatially precise responses of shallow layers. The official code releases
/// (LayerCAM-jittor, layercam_loc) do not include this step; the form and γ = 2 are the paper's,
/// and torchcam's `LayerCAM.fuse_cams` applies the same tanh(γ · M) to maps already normalised.
public struct LayerCAM: LocalizationMethod {
    /// γ of the tanh rescaling, or nil for the plain map.
    public var tanhScaling: Float?

    public init(tanhScaling: Float? = nil) {
        precondition(tanhScaling.map { $0 > 0 && $0.isFinite } ?? true, "LayerCAM: tanh scaling must be positive")
        self.tanhScaling = tanhScaling
    }

    /// The paper's variant for shallow layers: γ = 2.
    public static var shallowLayer: LayerCAM { LayerCAM(tanhScaling: 2) }

    public var name: String { tanhScaling == nil ? "layercam" : "layercam-tanh" }
    public var appliesReLU: Bool { true }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let g = try capture.classScoreGradient(classes: classes)
        return withNoGrad {
            let map = MapMath.channelDot(relu(g), capture.activation)   // [N, 1, h, w]
            guard let gamma = tanhScaling else { return map }
            return Self.tanhRescaled(relu(map), gamma: gamma)
        }
    }

    /// `tanh(γ · m / max m)` per image of non-negative maps `[N, 1, h, w]`; zero maps stay zero.
    static func tanhRescaled(_ maps: Tensor, gamma: Float) -> Tensor {
        let peaks = maps.max(axes: [1, 2, 3], keepDims: true)   // [N, 1, 1, 1]
        // An all-zero map has peak 0: dividing by the smallest normal float keeps it 0.
        return tanh(gamma * maps / clamp(peaks, min: Float.leastNormalMagnitude))
    }
}
