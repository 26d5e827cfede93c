//! Models whose training method defines its own localization map, used by evaluation and by
//! `wsol localize --method native` instead of the GAP-linear CAM.
import TensorCore

/// A classifier trained by a method with a map of its own: DA-WSOL's per-class normalised CAM,
/// C²AM's class-agnostic foreground map, CI-CAM's combinational CAM.
///
/// The evaluator and the `native` localization method upsample the returned maps to the input
/// (OpenCV bicubic) and min-max normalise them, exactly as they do for a CAM; anything a method
/// does before upsampling (DA-WSOL's per-class min-max, C²AM's polarity) belongs here.
public protocol NativeMapClassifier: FeatureMapClassifier {
    /// Raw maps `[N, 1, h, w]` at the model's map resolution, one per image of `images`
    /// `[N, 3, H, W]`, explaining `classes[n]` (class-agnostic models ignore `classes`).
    /// Called in evaluation mode, under `withNoGrad`.
    func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor
}
