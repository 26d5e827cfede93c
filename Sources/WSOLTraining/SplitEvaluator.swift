//! Classification accuracy and MaxBoxAccV2 of a model on one split (train-fullsup every epoch,
//! test and test-counter at the end).
import Foundation
import TensorCore
import WSOLData
import WSOLModels

/// What one evaluation measured. Percentages.
public struct SplitScores: Sendable, Equatable, Codable {
    /// Top-1 classification accuracy.
    public var top1Accuracy: Double
    /// MaxBoxAccV2 (mean over IoU 0.3/0.5/0.7); nil when the model has no GAP-linear CAM or the
    /// split has no boxes.
    public var maxBoxAccV2: Double?
    /// MaxBoxAcc at IoU 0.3, 0.5, 0.7.
    public var maxBoxAccByIoU: [Double]?
    public var imageCount: Int
}

/// Evaluates models on one split: images resized to `inputSize` (no crop, methods.md §2.4),
/// CAM of the ground-truth class, boxes rescaled to the input frame like the reference.
public final class SplitEvaluator {
    public let loader: ImageLoader
    /// Ground-truth boxes in the input frame, by image id.
    public let boxes: [String: [PixelBox]]
    public let inputSize: Int
    public let interval: Double

    /// - Parameters:
    ///   - metadata: the split's metadata (boxes from `localization.txt` or the SynthWSOL sidecar).
    ///   - root: the dataset root image ids are relative to.
    ///   - interval: the MaxBoxAccV2 threshold step.
    public init(metadata: WSOLMetadata, root: String, inputSize: Int, interval: Double,
                batchSize: Int = 32, workers: Int = 2) throws {
        loader = try ImageLoader(metadata: metadata, root: root, pipeline: .wsolEval(size: inputSize),
                                 options: LoaderOptions(batchSize: batchSize, shuffle: false, workerCount: workers))
        var frameBoxes: [String: [PixelBox]] = [:]
        let frame = ImageSize(width: inputSize, height: inputSize)
        for (id, list) in metadata.boxes {
            guard let size = metadata.imageSizes[id] else { continue }
            frameBoxes[id] = list.map { box in
                let scaled = box.rescaledLikeReference(from: size, to: frame)
                return PixelBox(x0: Int(scaled.x0), y0: Int(scaled.y0), x1: Int(scaled.x1), y1: Int(scaled.y1))
            }
        }
        boxes = frameBoxes
        self.inputSize = inputSize
        self.interval = interval
    }

    /// Runs `model` in evaluation mode over the split (the mode is restored afterwards).
    public func evaluate(_ model: any FeatureMapClassifier) throws -> SplitScores {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var sweep = BoxAccuracySweep(interval: interval)
        var (correct, seen) = (0, 0)
        let batches = loader.epoch(0)
        while let batch = try batches.next() {
            let images = batch.imageTensor
            let logits = withNoGrad { model(images) }
            correct += zip(logits.argmax(axis: 1), batch.labels).filter { $0 == $1 }.count
            seen += batch.count
            guard let camModel = model as? any GAPLinearClassifier, !boxes.isEmpty else { continue }
            let maps = ScoreMaps.classActivationMaps(model: camModel, images: images, classes: batch.labels)
            for (map, id) in zip(maps, batch.imageIDs) {
                sweep.add(map, width: inputSize, height: inputSize, groundTruth: boxes[id] ?? [])
            }
        }
        let hasBoxes = sweep.imageCount > 0
        return SplitScores(top1Accuracy: Double(correct) * 100 / Double(max(seen, 1)),
                           maxBoxAccV2: hasBoxes ? sweep.meanMaxBoxAccuracy : nil,
                           maxBoxAccByIoU: hasBoxes ? sweep.maxBoxAccuracies : nil, imageCount: seen)
    }

    /// MaxBoxAccV2 of one fixed map used for every image (the centre baseline), in percent.
    public func baselineMaxBoxAccV2(map: [Float]) -> Double {
        var sweep = BoxAccuracySweep(interval: interval)
        for id in loader.items.map(\.imageID) {
            sweep.add(map, width: inputSize, height: inputSize, groundTruth: boxes[id] ?? [])
        }
        return sweep.meanMaxBoxAccuracy
    }
}

extension ImageBatch {
    /// The pixels as a tensor `[n, 3, h, w]`.
    public var imageTensor: Tensor { Tensor(shape: shape, scalars: pixels) }
}
