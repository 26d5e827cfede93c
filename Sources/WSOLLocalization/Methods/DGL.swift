//! DGL, dual-gradients localization (Tan et al., ACM MM 2020), methods.md §8.3.
import TensorCore

/// Dual-gradients localization on any layer `A` (`[N, C, h, w]`), per image:
///
/// 1. `G^c = ∂z_c/∂A`, the class-score gradient (pre-softmax logit `z_c`).
/// 2. `G^L = ∂L/∂A`, the classification-loss gradient, back-propagated from the **custom logit
///    gradient** `p − pa · onehot(c)` with `p = softmax(z)` and `pa = 10` (TensorFlow's
///    `softmax_cross_entropy_with_logits` backward on labels `pa · onehot`; plain autograd of the
///    same loss would give `pa·p − pa·onehot`, which is different).
/// 3. Whole-tensor L2 normalisation (all `C·h·w` entries of one image): `Â`, `Ĝ^L`, `Ĝ^c`.
/// 4. Class-aware enhanced map `E = Â − Ĝ^L` (one unit step up the class score).
/// 5. Pixel-level class selection `M(i, j) = Σ_k Ĝ^c_k(i, j) · E_k(i, j)`.
///
/// **No ReLU** (negative evidence stays until min-max). On the last layer of a GAP + linear
/// network `Ĝ^c ∝ W[c]` at every pixel, so `M = CAM/‖·‖ + ⟨Ĝ^c, −Ĝ^L⟩`: CAM plus a second term.
public struct DGL: LocalizationMethod {
    /// Which combination of the two gradients makes the map.
    public enum Variant: String, Sendable, CaseIterable {
        /// `Σ_k Ĝ^c_k (Â − Ĝ^L)_k`: DGL (§8.3 step 5).
        case dualGradient = "dual"
        /// SGL-G1 (G2M's ablation): `Σ_k (Â + Ĝ^c)_k · Ĝ^c_k`, the class-score gradient only.
        case classGradientOnly = "sgl-g1"
        /// SGL-G2 (G2M's ablation): `Σ_k (−Ĝ^L)_k · (Â − Ĝ^L)_k`, the loss gradient only.
        case lossGradientOnly = "sgl-g2"
        /// Our reading of the LID entry's "fusion of branch 1 and branch 2" as an average of the two
        /// branches' separately min-max-normalised maps (feature resolution): branch 1 the channel
        /// mean of `E`, branch 2 `Σ_k Ĝ^c_k Â_k`. Not in the public code; a documented choice.
        case branchAverage = "branch-average"
    }

    public var variant: Variant
    /// `pa`, the scale of the one-hot label in the loss gradient (10 in the official code).
    public var labelScale: Float

    public init(variant: Variant = .dualGradient, labelScale: Float = 10) {
        self.variant = variant
        self.labelScale = labelScale
    }

    public var name: String { variant == .dualGradient ? "dgl" : "dgl-\(variant.rawValue)" }
    public var appliesReLU: Bool { false }
    public var needsGradients: Bool { true }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        let classGradient = try capture.classScoreGradient(classes: classes)
        let lossGradient = try capture.gradient(seed: lossLogitGradient(capture.logits, classes: classes))
        return withNoGrad {
            let a = MapMath.imageL2Normalized(capture.activation.detached())
            let gc = MapMath.imageL2Normalized(classGradient)
            let gl = MapMath.imageL2Normalized(lossGradient)
            switch variant {
            case .dualGradient: return MapMath.channelDot(gc, a - gl)
            case .classGradientOnly: return MapMath.channelDot(a + gc, gc)
            case .lossGradientOnly: return MapMath.channelDot(-gl, a - gl)
            case .branchAverage:
                let enhanced = (a - gl).mean(axes: [1], keepDims: true)
                let selection = MapMath.channelDot(gc, a)
                return (Self.minMaxPerImage(enhanced) + Self.minMaxPerImage(selection)) * 0.5
            }
        }
    }

    /// `p − pa · onehot(c)`, `[N, K]`: the logit gradient of DGL's classification loss.
    public func lossLogitGradient(_ logits: Tensor, classes: [Int]) -> Tensor {
        withNoGrad {
            softmax(logits.detached(), axis: 1) - labelScale * Tensor.oneHot(classes, classCount: logits.shape[1])
        }
    }

    /// Min-max per image of `[N, 1, h, w]`; a constant image becomes zeros.
    static func minMaxPerImage(_ maps: Tensor) -> Tensor {
        let planes = maps.reshaped(to: [maps.shape[0], 1, maps.shape[2], maps.shape[3]])
        return ScoreCAM.minMaxPerPlane(planes)
    }
}
