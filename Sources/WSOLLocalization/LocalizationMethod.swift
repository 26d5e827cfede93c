//! The protocol every post-hoc localization method conforms to, and what a method is given.
import TensorCore
import WSOLModels

/// A post-hoc localization method (CAM, Grad-CAM, DGL, ...): turns one recorded forward pass of a
/// classifier into one raw map per image for a chosen class.
///
/// Methods return **raw** maps at the layer's resolution, before any ReLU, upsampling or
/// normalisation; those are explicit ``Postprocessing`` steps, whose ReLU default comes from
/// ``appliesReLU``. ``Localizer`` runs the forward pass, picks the target classes and applies
/// post-processing.
public protocol LocalizationMethod: Sendable {
    /// A short stable name (`cam`, `gradcam`, `dgl`, ...), as accepted by `wsol localize --method`.
    var name: String { get }
    /// Whether the method's published form applies ReLU to the map before normalisation (the
    /// Grad-CAM family does; CAM in wsolevaluation and DGL do not).
    var appliesReLU: Bool { get }
    /// Whether the forward pass must be recorded for autodiff (gradient-based methods).
    var needsGradients: Bool { get }

    /// Raw maps `[N, 1, h, w]` (same `h, w` as `capture.activation`), one per image, explaining
    /// `classes[n]` for image `n`. Class-agnostic methods ignore `classes`.
    func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor
}

/// One forward pass of a classifier with the activation of one layer kept: what a method reads.
public struct ForwardCapture {
    /// The classifier (evaluation mode).
    public let model: any FeatureMapClassifier
    /// The network input `[N, 3, H, W]`.
    public let images: Tensor
    /// The layer whose output ``activation`` is.
    public let layer: String
    /// The layer's output `[N, C, h, w]`; recorded for autodiff when the method needs gradients.
    public let activation: Tensor
    /// Class scores before softmax `[N, K]`, computed from ``activation``.
    public let logits: Tensor

    /// Runs `model` on `images`, capturing `layer`; recorded for autodiff when `recorded`.
    public init(model: any FeatureMapClassifier, images: Tensor, layer: String, recorded: Bool) throws {
        guard model.featureLayerNames.contains(layer) else {
            throw LocalizationError.unknownLayer(layer, available: model.featureLayerNames)
        }
        let run = { model.forward(images, capture: [layer], replacing: nil) }
        let output = recorded ? run() : withNoGrad(run)
        guard let activation = output.features[layer], activation.rank == 4 else {
            throw LocalizationError.notSpatial(layer, shape: output.features[layer]?.shape ?? [])
        }
        self.model = model
        self.images = images
        self.layer = layer
        self.activation = activation
        self.logits = output.logits
    }

    /// `d(Σ_n Σ_k seed[n, k] · logits[n, k]) / d(activation)`, `[N, C, h, w]`. Images of a batch
    /// are independent in evaluation mode, so row `n` of the seed only reaches image `n`.
    ///
    /// - Parameter seed: upstream gradient with respect to the logits, `[N, K]`.
    public func gradient(seed: Tensor) throws -> Tensor {
        guard activation.isRecorded || logits.isRecorded else { throw LocalizationError.notRecorded }
        return gradients(of: logits, wrt: [activation], seed: seed)[0]
    }

    /// `∂ logits[n, classes[n]] / ∂ activation[n]` for every image, `[N, C, h, w]`.
    public func classScoreGradient(classes: [Int]) throws -> Tensor {
        try gradient(seed: Tensor.oneHot(classes, classCount: logits.shape[1]))
    }

    /// Batch size N.
    public var batchSize: Int { activation.shape[0] }
    /// Channel count C of the activation.
    public var channelCount: Int { activation.shape[1] }
}

/// Errors of localization methods and of the ``Localizer`` (user mistakes, never crashes).
public enum LocalizationError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownLayer(String, available: [String])
    case notSpatial(String, shape: [Int])
    case notRecorded
    case requiresGAPLinear(method: String, layer: String)
    case modelInTrainingMode
    case classCountMismatch(images: Int, classes: Int)
    case classOutOfRange(Int, classCount: Int)
    case invalidTopK(Int, classCount: Int)
    case unknownMethod(String, available: [String])
    case invalidOption(String)
    case requiresNativeMaps(model: String)

    public var description: String {
        switch self {
        case let .unknownLayer(layer, available):
            return "unknown layer '\(layer)'; layers of this model: \(available.joined(separator: ", "))"
        case let .notSpatial(layer, shape):
            return "layer '\(layer)' has output shape \(shape), not a spatial map [N, C, h, w]"
        case .notRecorded:
            return "the forward pass was not recorded for autodiff (run outside withNoGrad)"
        case let .requiresNativeMaps(model):
            return "the native method needs a model trained by a method with its own map (DA-WSOL, C²AM, CI-CAM; "
                + "use wsol localize --run DIR); \(model) has none"
        case let .requiresGAPLinear(method, layer):
            return "\(method) needs a GAP + linear classifier read at its CAM layer; '\(layer)' is not one (use gradcam)"
        case .modelInTrainingMode:
            return "the model is in training mode; call model.eval() first (batch norm would mix images)"
        case let .classCountMismatch(images, classes):
            return "\(classes) target classes given for \(images) images"
        case let .classOutOfRange(index, classCount):
            return "target class \(index) is outside 0..<\(classCount)"
        case let .invalidTopK(k, classCount):
            return "top-k with k = \(k) needs 1 <= k <= \(classCount)"
        case let .unknownMethod(name, available):
            return "unknown method '\(name)'; available: \(available.joined(separator: ", "))"
        case let .invalidOption(reason):
            return reason
        }
    }
}
