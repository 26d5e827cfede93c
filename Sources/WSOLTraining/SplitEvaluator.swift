//! Classification accuracy, MaxBoxAccV2 and PxAP of a model on one split (train-fullsup every
//! epoch, test and test-counter at the end), with the evaluation module's reference-exact metrics.
import Foundation
import TensorCore
import WSOLData
import WSOLEvaluation
import WSOLLocalization
import WSOLModels

/// What one evaluation measured. Percentages.
public struct SplitScores: Sendable, Equatable, Codable {
    /// Top-1 classification accuracy.
    public var top1Accuracy: Double
    /// MaxBoxAccV2 (mean over IoU 0.3/0.5/0.7); nil when the model has no map (neither a GAP-linear
    /// CAM nor a ``NativeMapClassifier``) or the
    /// split has no boxes.
    public var maxBoxAccV2: Double?
    /// MaxBoxAcc at IoU 0.3, 0.5, 0.7.
    public var maxBoxAccByIoU: [Double]?
    /// PxAP when the split has masks (SynthWSOL, OpenImages).
    public var pxap: Double?
    public var imageCount: Int
    /// True for a model trained without labels (C²AM): `top1Accuracy` is then 0 and meaningless
    /// (its logits are an untrained classifier's). Absent (nil) for classifiers.
    public var labelFree: Bool?
    /// Mean share of the (normalised) map's mass outside the object mask, in percent, when the
    /// split has masks (``ContextLeak``; lower = less context in the map).
    public var contextLeak: Double?

    public init(top1Accuracy: Double, maxBoxAccV2: Double?, maxBoxAccByIoU: [Double]?, pxap: Double?, imageCount: Int,
                labelFree: Bool? = nil, contextLeak: Double? = nil) {
        (self.top1Accuracy, self.maxBoxAccV2, self.maxBoxAccByIoU) = (top1Accuracy, maxBoxAccV2, maxBoxAccByIoU)
        (self.pxap, self.imageCount, self.labelFree, self.contextLeak) = (pxap, imageCount, labelFree, contextLeak)
    }
}

/// Evaluates models on one split: images resized to `inputSize` (no crop, methods.md §2.4), the
/// CAM of the ground-truth class (methods.md §2.5) or the model's native map, boxes rescaled to the input frame like the
/// reference, masks resized with nearest neighbour.
public final class SplitEvaluator {
    public let loader: ImageLoader
    /// Ground-truth boxes in the input frame, by image id.
    public let boxes: [String: [Box]]
    /// Ground-truth masks in the input frame, by image id (empty when the split has none).
    public let masks: [String: GroundTruthMask]
    public let inputSize: Int
    public let interval: Double

    /// - Parameters:
    ///   - metadata: the split's metadata (boxes from `localization.txt` or the SynthWSOL sidecar).
    ///   - root: the dataset root image ids and mask paths are relative to.
    ///   - interval: the threshold step of MaxBoxAccV2 and PxAP (0.001 in wsolevaluation).
    ///   - pixelMetrics: read the masks (if any) and compute PxAP.
    public init(metadata: WSOLMetadata, root: String, inputSize: Int, interval: Double,
                batchSize: Int = 32, workers: Int = 2, pixelMetrics: Bool = true) throws {
        loader = try ImageLoader(metadata: metadata, root: root, pipeline: .wsolEval(size: inputSize),
                                 options: LoaderOptions(batchSize: batchSize, shuffle: false, workerCount: workers))
        var frameBoxes: [String: [Box]] = [:]
        for (id, list) in metadata.boxes {
            guard let size = metadata.imageSizes[id] else { continue }
            frameBoxes[id] = list.map { box in
                Box.resized(corners: (box.x0, box.y0, box.x1, box.y1), imageSize: (size.width, size.height),
                            frameSize: (inputSize, inputSize))
            }
        }
        boxes = frameBoxes
        masks = pixelMetrics ? try Self.loadMasks(metadata, root: root, size: inputSize) : [:]
        self.inputSize = inputSize
        self.interval = interval
    }

    static func loadMasks(_ metadata: WSOLMetadata, root: String, size: Int) throws -> [String: GroundTruthMask] {
        func plane(_ relative: String) throws -> GrayPlane {
            let image = try ImageCodec.read(root + "/" + relative, gray: true)
            return GrayPlane(width: image.width, height: image.height, pixels: image.pixels)
        }
        var masks: [String: GroundTruthMask] = [:]
        for (id, files) in metadata.masks {
            masks[id] = GroundTruthMask.combining(instances: try files.instancePaths.map(plane),
                                                  ignore: try files.ignorePath.map(plane), width: size, height: size)
        }
        return masks
    }

    /// Runs `model` in evaluation mode over the split (the mode is restored afterwards).
    public func evaluate(_ model: any FeatureMapClassifier) throws -> SplitScores {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var boxAccuracy = BoxAccuracyAccumulator(configuration: BoxAccuracyConfiguration(interval: interval))
        var pixelAccuracy = PixelPrecisionRecallAccumulator(interval: interval)
        var leak = ContextLeakAccumulator()
        var (correct, seen) = (0, 0)
        let labelFree = model is any LabelFreeModel
        let batches = loader.epoch(0)
        while let batch = try batches.next() {
            let images = batch.tensor
            if !labelFree {
                let logits = withNoGrad { model(images) }
                correct += zip(logits.argmax(axis: 1), batch.labels).filter { $0 == $1 }.count
            }
            seen += batch.count
            guard let maps = ScoreMaps.evaluationMaps(model: model, images: images, classes: batch.labels) else { continue }
            for (values, id) in zip(maps, batch.imageIDs) {
                let map = ScoreMap(width: inputSize, height: inputSize, values: values)
                if let groundTruth = boxes[id] { boxAccuracy.accumulate(QuantizedScoreMap(map), groundTruth: groundTruth) }
                if let mask = masks[id] {
                    pixelAccuracy.accumulate(map, mask: mask)
                    leak.accumulate(map: values, mask: mask)
                }
            }
        }
        let boxResult = boxAccuracy.imageCount > 0 ? boxAccuracy.result() : nil
        let pixelResult = masks.isEmpty ? nil : try? pixelAccuracy.result()
        return SplitScores(top1Accuracy: labelFree ? 0 : Double(correct) * 100 / Double(max(seen, 1)),
                           maxBoxAccV2: boxResult?.meanMaxBoxAccuracy, maxBoxAccByIoU: boxResult?.maxBoxAccuracy,
                           pxap: pixelResult?.pixelAveragePrecision, imageCount: seen, labelFree: labelFree ? true : nil,
                           contextLeak: leak.meanPercent)
    }

    /// MaxBoxAccV2 of one fixed map used for every image (the centre baseline), in percent.
    public func baselineMaxBoxAccV2(map values: [Float]) -> Double {
        var boxAccuracy = BoxAccuracyAccumulator(configuration: BoxAccuracyConfiguration(interval: interval))
        let map = QuantizedScoreMap(ScoreMap(width: inputSize, height: inputSize, values: values))
        for id in loader.items.map(\.imageID) {
            boxAccuracy.accumulate(map, groundTruth: boxes[id] ?? [])
        }
        return boxAccuracy.result().meanMaxBoxAccuracy
    }
}
