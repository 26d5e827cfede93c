//! Background cues (C²AM's WSSS use, methods.md §7.5): a class-agnostic foreground map replaces
//! the constant background threshold when CAMs are turned into pseudo segmentation masks.
import Foundation

/// Pseudo masks from CAMs and a class-agnostic foreground map `F`, all `[H·W]` in [0, 1].
///
/// Plain CAM pseudo labels take the argmax over `[τ, CAM_1, …, CAM_K]` with a constant background
/// score τ; with background cues the background channel becomes `1 − F` per pixel (the official
/// `evaluate_using_background_cues.py` uses `1 − saliency/255`). Multi-scale inference and the
/// dense CRF of the official WSSS pipeline are not applied.
public enum BackgroundCues {
    /// Per-pixel labels: 0 = background, `k + 1` = class `k`, from `cams[k]` and the background
    /// score `1 − foreground` (ties go to the background, as `argmax` takes the first maximum).
    public static func pseudoLabels(cams: [[Float]], foreground: [Float]) -> [Int] {
        precondition(cams.allSatisfy { $0.count == foreground.count }, "BackgroundCues: maps of different sizes")
        return foreground.indices.map { pixel in
            var (best, label) = (1 - foreground[pixel], 0)
            for (index, cam) in cams.enumerated() where cam[pixel] > best { (best, label) = (cam[pixel], index + 1) }
            return label
        }
    }

    /// One class (the image's label): a refined score `(CAM + F) / 2` in [0, 1], which exceeds 0.5
    /// exactly where the two-channel argmax picks the class (`CAM > 1 − F`), so threshold-free
    /// metrics (PxAP) can score the refinement and its 0.5 cut is the pseudo mask.
    public static func refinedScore(cam: [Float], foreground: [Float]) -> [Float] {
        precondition(cam.count == foreground.count, "BackgroundCues: maps of different sizes")
        return zip(cam, foreground).map { ($0 + $1) / 2 }
    }
}

/// Foreground/background IoU pooled over a split (the two-class mIoU of WSSS on single-object
/// images). Pixels marked ignore are skipped.
public struct BinarySegmentationIoU: Sendable, Equatable {
    public private(set) var intersection = [0, 0], union = [0, 0]

    public init() {}

    /// Adds one image: `predicted[i]` and `truth[i]` foreground flags; `ignore[i]` skips a pixel.
    public mutating func accumulate(predicted: [Bool], truth: [Bool], ignore: [Bool]? = nil) {
        precondition(predicted.count == truth.count, "BinarySegmentationIoU: \(predicted.count) vs \(truth.count) pixels")
        for pixel in predicted.indices where ignore?[pixel] != true {
            for (index, label) in [false, true].enumerated() {
                let (p, t) = (predicted[pixel] == label, truth[pixel] == label)
                if p && t { intersection[index] += 1 }
                if p || t { union[index] += 1 }
            }
        }
    }

    /// IoU of the background and foreground classes, percent (0 for a class never seen).
    public var classIoU: [Double] { (0..<2).map { union[$0] > 0 ? 100 * Double(intersection[$0]) / Double(union[$0]) : 0 } }
    /// Mean of the two, percent.
    public var meanIoU: Double { classIoU.reduce(0, +) / 2 }
}
