//! `wsol evaluate` inputs: score-map files, ground truth and predictions, resolved per image.
import Foundation
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// An input problem of `wsol evaluate`, naming the file (and line) concerned.
struct EvaluationInputError: Error, CustomStringConvertible {
    var path: String
    var line: Int?
    var reason: String
    var description: String { line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)" }
}

/// Where score maps live and how they are checked (methods.md §2.5).
struct ScoreMapSource: Sendable {
    var root: String
    var size: Int
    var clampOutOfRange: Bool

    /// `<root>/<image_id without extension>.npy`, else the reference's `<root>/<image_id>.npy`.
    func path(for imageID: String) throws -> String {
        let withoutExtension = (imageID as NSString).deletingPathExtension
        let preferred = (root as NSString).appendingPathComponent(withoutExtension + ".npy")
        if FileManager.default.fileExists(atPath: preferred) { return preferred }
        let reference = (root as NSString).appendingPathComponent(imageID + ".npy")
        if FileManager.default.fileExists(atPath: reference) { return reference }
        throw EvaluationInputError(path: preferred, reason: "score map of '\(imageID)' not found (also tried \(reference))")
    }

    /// Reads and validates one map: 2-D `size x size`, finite, in [0, 1] (or clamped).
    /// Returns the float64 values (float32 files widen exactly) and the quantised map.
    func load(_ imageID: String) throws -> (values: [Double], quantized: QuantizedScoreMap) {
        let file = try path(for: imageID)
        let array = try NumpyFile.read(file)
        do {
            let values = try ScoreMapValidation.validated(array.doubleValues, shape: array.shape, expectedWidth: size,
                                                          expectedHeight: size, clampOutOfRange: clampOutOfRange)
            return (values, QuantizedScoreMap(width: size, height: size, doubleValues: values))
        } catch let error as ScoreMapValidationError {
            throw EvaluationInputError(path: file, reason: error.reason)
        }
    }
}

/// Everything known about one split's images, resolved before the evaluation loop.
struct SplitGroundTruth: Sendable {
    var metadataDirectory: String
    var imageIDs: [String]
    var classLabels: [Int?]
    /// Boxes in the `size x size` frame per image (nil when the split has no boxes).
    var boxes: [[Box]]?
    var masks: [MaskFiles?]?
    var classification: [ClassificationOutcome?]

    /// Reads the split and resolves boxes to the evaluation frame (wsolevaluation's `resize_bbox`).
    static func read(metadataDirectory: String, size: Int, needMasks: Bool,
                     predictions: [String: [Int]]?, predictionsPath: String?) throws -> SplitGroundTruth {
        let metadata = try WSOLMetadata.read(directory: metadataDirectory)
        let ids = metadata.imageIDs
        guard !ids.isEmpty else { throw EvaluationInputError(path: metadataDirectory, reason: "split has no image") }
        var boxes: [[Box]]? = nil
        if !metadata.boxes.isEmpty {
            boxes = try ids.map { try resizedBoxes(of: $0, metadata: metadata, size: size, directory: metadataDirectory) }
        }
        var masks: [MaskFiles?]? = nil
        if needMasks {
            guard !metadata.masks.isEmpty else {
                throw EvaluationInputError(path: metadataDirectory, reason: "--mask given but the split has no mask lines")
            }
            masks = ids.map { metadata.masks[$0] }
        }
        let labels = ids.map { metadata.classLabels[$0] }
        let outcomes = try ids.enumerated().map { index, id -> ClassificationOutcome? in
            guard let predictions, let predictionsPath else { return nil }
            guard let ranked = predictions[id] else {
                throw EvaluationInputError(path: predictionsPath, reason: "no prediction for image '\(id)'")
            }
            let label = labels[index]
            return ClassificationOutcome(top1Correct: ranked.first == label, top5Correct: ranked.prefix(5).contains { $0 == label })
        }
        return SplitGroundTruth(metadataDirectory: metadataDirectory, imageIDs: ids, classLabels: labels,
                                boxes: boxes, masks: masks, classification: outcomes)
    }

    private static func resizedBoxes(of id: String, metadata: WSOLMetadata, size: Int,
                                     directory: String) throws -> [Box] {
        let file = (directory as NSString).appendingPathComponent(MetadataFileName.localization)
        guard let original = metadata.boxes[id], !original.isEmpty else {
            throw EvaluationInputError(path: file, reason: "image '\(id)' has no box")
        }
        guard let imageSize = metadata.imageSizes[id] else {
            let sizes = (directory as NSString).appendingPathComponent(MetadataFileName.imageSizes)
            throw EvaluationInputError(path: sizes, reason: "image '\(id)' has no size (needed to rescale its boxes)")
        }
        return original.map {
            Box.resized(corners: ($0.x0, $0.y0, $0.x1, $0.y1), imageSize: (imageSize.width, imageSize.height),
                        frameSize: (size, size))
        }
    }
}

/// Reads `image_id,class1,class2,...` lines: predicted classes, best first (at least one).
func readPredictions(_ path: String) throws -> [String: [Int]] {
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw EvaluationInputError(path: path, reason: "cannot read predictions (\(error.localizedDescription))")
    }
    var predictions: [String: [Int]] = [:]
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { continue }
        let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let classes = fields.dropFirst().compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard fields.count >= 2, classes.count == fields.count - 1 else {
            throw EvaluationInputError(path: path, line: index + 1,
                                       reason: "expected image_id,class1[,class2,...] with integer classes")
        }
        predictions[fields[0]] = classes
    }
    return predictions
}

/// Loads an image's ground-truth mask (§2.3): instance PNGs and the ignore PNG under `dataRoot`.
func loadGroundTruthMask(_ files: MaskFiles?, imageID: String, dataRoot: String, size: Int) throws -> GroundTruthMask {
    guard let files else {
        throw EvaluationInputError(path: dataRoot, reason: "image '\(imageID)' has no mask line in localization.txt")
    }
    func plane(_ relative: String) throws -> GrayPlane {
        let image = try ImageCodec.read((dataRoot as NSString).appendingPathComponent(relative), gray: true)
        return GrayPlane(width: image.width, height: image.height, pixels: image.pixels)
    }
    let instances = try files.instancePaths.map(plane)
    let ignore = try files.ignorePath.map(plane)
    return GroundTruthMask.combining(instances: instances, ignore: ignore, width: size, height: size)
}
