//! `wsol evaluate --out DIR`: the summary, curves, per-image results, boxes and masks on disk.
import Foundation
import WSOLData
import WSOLEvaluation
import WSOLLocalization

/// Writes the files of one evaluated split; every file is written atomically.
struct EvaluationOutputs {
    var directory: String
    var summary: EvaluationSummary
    var truth: SplitGroundTruth
    var maps: ScoreMapSource
    var exportMasks: Bool

    /// summary.json, box_accuracy.csv, pixel_curve.csv, iou_curve.csv, per_image.csv, boxes.csv
    /// (the last two at the operating threshold) and, if asked, masks/<id>.png.
    func write() throws {
        try writeText(summary.json(imageCount: truth.imageIDs.count).rendered(pretty: true) + "\n", "summary.json")
        if let box = summary.box { try writeText(EvaluationReport.boxAccuracyCurveCSV(box), "box_accuracy.csv") }
        if let pixels = summary.pixels { try writeText(EvaluationReport.pixelCurveCSV(pixels), "pixel_curve.csv") }
        if let curve = summary.iouCurve { try writeText(EvaluationReport.iouCurveCSV(curve), "iou_curve.csv") }
        guard let threshold = summary.operatingThreshold else { return }
        if let box = summary.box {
            let export = try exportSplit(truth, maps: maps, configuration: box.configuration, threshold: threshold)
            try writeText(EvaluationReport.perImageCSV(export.records, iouThresholds: box.configuration.iouThresholds),
                          "per_image.csv")
            try writeText(EvaluationReport.boxesCSV(export.boxes), "boxes.csv")
        }
        if exportMasks { try writeMasks(threshold: threshold) }
    }

    /// Binary masks (0/255 PNG). With mask metrics: `score >= PIoU threshold` (calibrated or this
    /// split's best); otherwise the box foreground `level > floor(threshold * maxLevel)`.
    private func writeMasks(threshold boxThreshold: Double) throws {
        let maskThreshold = summary.calibration?.maskThreshold
            ?? summary.pixels.map { $0.cutoffs[$0.bestIoUIndex] }
        let root = (directory as NSString).appendingPathComponent("masks")
        let maps = self.maps, ids = truth.imageIDs
        _ = try forEachChunk(count: ids.count) { range in
            for index in range {
                let map = try maps.load(ids[index])
                let pixels: [UInt8]
                if let maskThreshold {
                    pixels = map.values.map { $0 >= maskThreshold ? 255 : 0 }
                } else {
                    let level = map.quantized.thresholdLevel(for: boxThreshold)
                    pixels = map.quantized.levels.map { Int($0) > level ? 255 : 0 }
                }
                let name = (ids[index] as NSString).deletingPathExtension + ".png"
                let path = (root as NSString).appendingPathComponent(name)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try ImageCodec.writePNG(PixelImage(width: maps.size, height: maps.size, channels: 1, pixels: pixels),
                                        to: path)
            }
            return 0
        }
    }

    private func writeText(_ text: String, _ name: String) throws {
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Foundation's atomic write: a temporary file in the same directory, then a rename.
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EvaluationInputError(path: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// `key: value` lines of the summary for people (the config object is left out).
    static func textLines(_ summary: JSONValue) -> [String] {
        guard case .object(let members) = summary else { return [summary.rendered()] }
        return members.filter { $0.0 != "config" }.map { key, value in "\(key): \(value.rendered())" }
    }
}
