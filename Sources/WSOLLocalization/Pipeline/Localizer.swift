//! The shared pipeline: forward pass, targets, method, post-processing, layer and scale fusion.
import TensorCore
import WSOLModels

/// Raw maps of one layer at the network's input scale, before post-processing.
public struct RawLocalization {
    /// Class scores `[N, K]` (pre-softmax).
    public var logits: Tensor
    /// The target classes, `N` rows of `T` entries.
    public var classes: [[Int]]
    /// Raw maps `[N, T, h, w]` at the layer's resolution (any range; no ReLU applied).
    public var maps: Tensor
}

/// Final score maps, one per image and target.
public struct Localization: Sendable {
    /// Class scores `[N, K]` (pre-softmax) of the unscaled input.
    public var logits: Tensor
    /// The target classes, `N` rows of `T` entries.
    public var classes: [[Int]]
    /// `maps[n][t]` explains `classes[n][t]` for image `n`, post-processed.
    public var maps: [[ScoreMap]]
}

/// Computes localization maps with one method on one or more layers and scales.
///
/// ```swift
/// let localizer = Localizer(method: CAM())
/// let result = try localizer.localize(model: model, images: batch, target: .topPredicted)
/// let boxes = BoxExtractor.boxes(in: QuantizedScoreMap(result.maps[0][0]), threshold: 0.3, selection: .largest)
/// ```
///
/// Several ``layers`` or ``scales`` are fused by averaging their post-processed maps (all at the
/// output size) and normalising the mean again; closing runs once, on the fused map. Targets are
/// always resolved on the unscaled input, so every scale explains the same class. Scaled inputs are
/// resized with OpenCV-style bilinear interpolation (not antialiased).
public struct Localizer: Sendable {
    public var method: any LocalizationMethod
    /// Layers to read; empty means the model's `defaultCAMLayer`.
    public var layers: [String]
    /// Input scale factors relative to the given images (1 = as given).
    public var scales: [Double]
    public var postprocessing: Postprocessing

    public init(method: any LocalizationMethod, layers: [String] = [], scales: [Double] = [1],
                postprocessing: Postprocessing = Postprocessing()) {
        self.method = method
        self.layers = layers
        self.scales = scales
        self.postprocessing = postprocessing
    }

    /// Raw maps `[N, T, h, w]` of the first layer at scale 1.
    ///
    /// - Parameters:
    ///   - model: a classifier in evaluation mode.
    ///   - images: `[N, 3, H, W]`, normalised as the model expects.
    public func rawMaps(model: any FeatureMapClassifier, images: Tensor,
                        target: LocalizationTarget) throws -> RawLocalization {
        try checkEvaluationMode(model)
        let layer = layers.first ?? model.defaultCAMLayer
        let capture = try ForwardCapture(model: model, images: images, layer: layer, recorded: method.needsGradients)
        let classes = try target.resolve(logits: capture.logits)
        let maps = try mapsForTargets(capture, classes: classes)
        return RawLocalization(logits: capture.logits.detached(), classes: classes, maps: maps)
    }

    /// Post-processed maps, one per image and target, of size `outputSizes[n]` (default: the input
    /// size `W × H`, the wsolevaluation contract).
    public func localize(model: any FeatureMapClassifier, images: Tensor, target: LocalizationTarget,
                         outputSizes: [MapSize]? = nil) throws -> Localization {
        guard !scales.isEmpty, scales.allSatisfy({ $0 > 0 }) else {
            throw LocalizationError.invalidOption("scales must be positive, got \(scales)")
        }
        let count = images.shape[0]
        let sizes = outputSizes ?? Array(repeating: MapSize(width: images.shape[3], height: images.shape[2]), count: count)
        guard sizes.count == count else {
            throw LocalizationError.invalidOption("\(sizes.count) output sizes for \(count) images")
        }
        let base = try rawMaps(model: model, images: images, target: target)
        let allLayers = resolvedLayers(model)
        var accumulated: [[ScoreMap]]? = nil
        var terms = 0
        for layer in allLayers {
            for scale in scales {
                // The base pass (first layer, scale 1) already has its maps.
                let maps = layer == allLayers[0] && scale == 1 ? base.maps
                    : try rawMaps(model: model, images: images, layer: layer, scale: scale, classes: base.classes)
                let processed = postprocessed(maps, sizes: sizes)
                if accumulated == nil { accumulated = processed } else { accumulate(&accumulated!, processed) }
                terms += 1
            }
        }
        guard var accumulated else { throw LocalizationError.invalidOption("no layer or scale to localize") }
        if terms > 1 { accumulated = fused(accumulated, terms: terms) }
        let finished = accumulated.map { $0.map(postprocessing.finish) }
        return Localization(logits: base.logits, classes: base.classes, maps: finished)
    }

    private func resolvedLayers(_ model: any FeatureMapClassifier) -> [String] {
        layers.isEmpty ? [model.defaultCAMLayer] : layers
    }

    private func checkEvaluationMode(_ model: any FeatureMapClassifier) throws {
        if model.isTraining { throw LocalizationError.modelInTrainingMode }
    }

    /// One method call per target column, stacked to `[N, T, h, w]`.
    private func mapsForTargets(_ capture: ForwardCapture, classes: [[Int]]) throws -> Tensor {
        let columns = classes.first?.count ?? 0
        let maps = try (0..<columns).map { t in try method.rawMaps(capture, classes: classes.map { $0[t] }) }
        return withNoGrad { concat(maps, axis: 1) }
    }

    private func rawMaps(model: any FeatureMapClassifier, images: Tensor, layer: String, scale: Double,
                         classes: [[Int]]) throws -> Tensor {
        var input = images
        if scale != 1 {
            let height = Swift.max(1, Int((Double(images.shape[2]) * scale).rounded()))
            let width = Swift.max(1, Int((Double(images.shape[3]) * scale).rounded()))
            input = withNoGrad { upsample(images, height: height, width: width, method: .bilinear) }
        }
        let capture = try ForwardCapture(model: model, images: input, layer: layer, recorded: method.needsGradients)
        return try mapsForTargets(capture, classes: classes)
    }

    /// Steps 1-3 of ``Postprocessing`` for every `[n, t]` plane (closing waits for fusion).
    private func postprocessed(_ maps: Tensor, sizes: [MapSize]) -> [[ScoreMap]] {
        let (count, targets) = (maps.shape[0], maps.shape[1])
        let steps = Postprocessing(relu: postprocessing.relu, upsampling: postprocessing.upsampling,
                                   normalization: postprocessing.normalization)
        return (0..<count).map { n in
            (0..<targets).map { t in
                let plane = withNoGrad { maps.cropped(origin: [n, t, 0, 0], shape: [1, 1, maps.shape[2], maps.shape[3]]) }
                return steps.apply(plane, size: sizes[n], methodReLU: method.appliesReLU)
            }
        }
    }

    private func accumulate(_ sum: inout [[ScoreMap]], _ maps: [[ScoreMap]]) {
        for n in sum.indices {
            for t in sum[n].indices {
                for i in sum[n][t].values.indices { sum[n][t].values[i] += maps[n][t].values[i] }
            }
        }
    }

    /// The mean of `terms` maps, normalised again.
    private func fused(_ sum: [[ScoreMap]], terms: Int) -> [[ScoreMap]] {
        sum.map { row in
            row.map { map in
                let mean = ScoreMap(width: map.width, height: map.height, values: map.values.map { $0 / Float(terms) })
                return postprocessing.normalize(mean)
            }
        }
    }
}
