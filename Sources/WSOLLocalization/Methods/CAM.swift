//! CAM (Zhou et al., CVPR 2016): the classifier's weights applied to the last feature map.
import TensorCore
import WSOLModels

/// Class activation mapping, `M = Σ_d W[c, d] · F_d` at the layer that feeds GAP + linear.
///
/// Needs a ``GAPLinearClassifier`` read at its `camLayer`; anything else throws
/// ``LocalizationError/requiresGAPLinear(method:layer:)``. No bias and no division by `D`
/// (both vanish under min-max normalisation), and no ReLU, as in wsolevaluation.
/// No gradients: the forward pass is not recorded.
public struct CAM: LocalizationMethod {
    public init() {}
    public var name: String { "cam" }
    public var appliesReLU: Bool { false }
    public var needsGradients: Bool { false }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        guard let head = capture.model as? any GAPLinearClassifier, head.camLayer == capture.layer else {
            throw LocalizationError.requiresGAPLinear(method: name, layer: capture.layer)
        }
        return withNoGrad {
            let rows = head.classifierWeight.indexSelected(axis: 0, indices: classes)   // [N, D]
            return MapMath.weightedChannelSum(capture.activation, weights: rows)
        }
    }
}
