//! The map a training method defines for its own models (DA-WSOL, C²AM, CI-CAM).
import TensorCore
import WSOLModels

/// The model's own map (``NativeMapClassifier/nativeMaps(_:classes:)``): DA-WSOL's per-class
/// normalised CAM, C²AM's class-agnostic foreground map, CI-CAM's combinational CAM.
///
/// The map comes from the model's own forward pass, not from the captured layer, so `--layer`
/// does not change it; it is upsampled and normalised like any other raw map. No ReLU (the
/// method's map is used as it is, as the evaluator does).
public struct NativeMap: LocalizationMethod {
    public init() {}
    public var name: String { "native" }
    public var appliesReLU: Bool { false }
    public var needsGradients: Bool { false }

    public func rawMaps(_ capture: ForwardCapture, classes: [Int]) throws -> Tensor {
        guard let model = capture.model as? any NativeMapClassifier else {
            throw LocalizationError.requiresNativeMaps(model: String(describing: type(of: capture.model)))
        }
        return withNoGrad { model.nativeMaps(capture.images, classes: classes) }
    }
}
