//! Score maps for evaluation: CAMs of a GAP-linear classifier and the centre-Gaussian baseline.
import Foundation
import TensorCore
import WSOLModels

/// Score maps `[H, W]` in [0, 1], the evaluation's input (methods.md §2.5).
public enum ScoreMaps {
    /// The maps evaluation scores for `model`: its native maps when it is a
    /// ``NativeMapClassifier`` (DA-WSOL, C²AM, CI-CAM), else the CAM of a GAP-linear classifier;
    /// nil when the model has neither. Runs without gradient recording.
    /// - Returns: `N` maps of `H * W` values in [0, 1], row-major.
    public static func evaluationMaps(model: any FeatureMapClassifier, images: Tensor, classes: [Int]) -> [[Float]]? {
        if let native = model as? any NativeMapClassifier {
            return upsampledNormalized(withNoGrad { native.nativeMaps(images, classes: classes) }, like: images)
        }
        guard let camModel = model as? any GAPLinearClassifier else { return nil }
        return classActivationMaps(model: camModel, images: images, classes: classes)
    }

    /// The CAM of `classes[n]` for every image of `images` `[N, 3, H, W]`: `Σ_d W[c, d]·F[d]` on the
    /// CAM layer, upsampled to `H x W` with OpenCV bicubic, then min-max normalised (all zeros when
    /// constant or NaN). Runs without gradient recording; the model's mode is left unchanged.
    /// - Returns: `N` maps of `H * W` values, row-major.
    public static func classActivationMaps(model: any GAPLinearClassifier, images: Tensor, classes: [Int]) -> [[Float]] {
        let cams = withNoGrad {
            let features = model.forward(images, capture: [model.camLayer]).features[model.camLayer]!
            let (count, depth, rows, columns) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
            let weights = model.classifierWeight.scalars
            let values = features.scalars
            let plane = rows * columns
            var cams = [Float](repeating: 0, count: count * plane)
            for image in 0..<count {
                let weightRow = classes[image] * depth
                for channel in 0..<depth {
                    let weight = weights[weightRow + channel]
                    let source = (image * depth + channel) * plane
                    for index in 0..<plane { cams[image * plane + index] += weight * values[source + index] }
                }
            }
            return Tensor(shape: [count, 1, rows, columns], scalars: cams)
        }
        return upsampledNormalized(cams, like: images)
    }

    /// Raw maps `[N, 1, h, w]` upsampled to the spatial size of `images` `[N, 3, H, W]` with
    /// OpenCV bicubic (wsolevaluation), then min-max normalised one by one.
    static func upsampledNormalized(_ maps: Tensor, like images: Tensor) -> [[Float]] {
        let (count, height, width) = (maps.shape[0], images.shape[2], images.shape[3])
        let upsampled = withNoGrad { upsample(maps, height: height, width: width, method: .bicubic) }.scalars
        return (0..<count).map { minMaxNormalized(Array(upsampled[$0 * height * width..<($0 + 1) * height * width])) }
    }

    /// A centred isotropic Gaussian, standard deviation `side / 4` (the "center baseline" of
    /// wsolevaluation's table; its exact shape is not published, and with the threshold sweep
    /// of MaxBoxAccV2 the width barely matters: every level set is a centred disc).
    public static func centreGaussian(width: Int, height: Int) -> [Float] {
        let sigma = Double(min(width, height)) / 4
        let (cx, cy) = (Double(width - 1) / 2, Double(height - 1) / 2)
        var map = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let squared = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                map[y * width + x] = Float(exp(-squared / (2 * sigma * sigma)))
            }
        }
        return minMaxNormalized(map)
    }

    /// `(v − min) / (max − min)`; all zeros for a constant map or one containing NaN/infinity.
    public static func minMaxNormalized(_ values: [Float]) -> [Float] {
        guard values.allSatisfy(\.isFinite), let low = values.min(), let high = values.max(), high > low else {
            return [Float](repeating: 0, count: values.count)
        }
        let range = high - low
        return values.map { ($0 - low) / range }
    }
}
