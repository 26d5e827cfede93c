//! Reports of an evaluation as strings: the JSON summary and the CSV tables (no file I/O here).
import WSOLLocalization

/// One image's outcome at the operating threshold, for the per-image CSV.
public struct PerImageRecord: Sendable, Equatable {
    public var imageID: String
    public var classLabel: Int?
    public var threshold: Double
    /// Best IoU of any candidate box with any ground-truth box at `threshold`.
    public var bestIoU: Double
    /// Whether `bestIoU >= iouThresholds[i]`, per IoU level.
    public var correct: [Bool]

    public init(imageID: String, classLabel: Int?, threshold: Double, bestIoU: Double, iouThresholds: [Double]) {
        self.imageID = imageID
        self.classLabel = classLabel
        self.threshold = threshold
        self.bestIoU = bestIoU
        self.correct = iouThresholds.map { bestIoU >= $0 }
    }
}

/// CSV and JSON renderings of evaluation results.
public enum EvaluationReport {
    /// IoU fractions as the integer percents used for keys and column names (`0.5` -> `"50"`).
    public static func percentKey(_ iouThreshold: Double) -> String {
        let percent = iouThreshold * 100
        return percent == percent.rounded() ? String(Int(percent.rounded())) : "\(percent)"
    }

    /// `{"30": v, "50": v, "70": v}` keyed by IoU percent.
    public static func perIoUObject(_ values: [Double], iouThresholds: [Double]) -> JSONValue {
        .object(zip(iouThresholds, values).map { (percentKey($0), .number($1)) })
    }

    /// `threshold,boxacc_30,boxacc_50,...` with one row per grid threshold (percent values).
    public static func boxAccuracyCurveCSV(_ result: BoxAccuracyResult) -> String {
        let keys = result.configuration.iouThresholds.map(percentKey)
        var lines = ["threshold," + keys.map { "boxacc_\($0)" }.joined(separator: ",")]
        for (k, threshold) in result.thresholds.enumerated() {
            lines.append("\(threshold)," + result.curves.map { "\($0[k])" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `cutoff,precision,recall,iou,tp,fp,fn`, one row per curve point (descending cutoffs;
    /// precision is empty where nothing is predicted positive).
    public static func pixelCurveCSV(_ result: PixelPrecisionRecallResult) -> String {
        var lines = ["cutoff,precision,recall,iou,tp,fp,fn"]
        for j in result.cutoffs.indices {
            let precision = result.precision[j].isNaN ? "" : "\(result.precision[j])"
            lines.append("\(result.cutoffs[j]),\(precision),\(result.recall[j]),\(result.intersectionOverUnion[j]),"
                + "\(Int(result.truePositives[j])),\(Int(result.falsePositives[j])),\(Int(result.falseNegatives[j]))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `image_id,class,threshold,best_iou,correct_30,...` (correct as 0/1).
    public static func perImageCSV(_ records: [PerImageRecord], iouThresholds: [Double]) -> String {
        let keys = iouThresholds.map(percentKey)
        var lines = ["image_id,class,threshold,best_iou," + keys.map { "correct_\($0)" }.joined(separator: ",")]
        for record in records {
            let label = record.classLabel.map(String.init) ?? ""
            let flags = record.correct.map { $0 ? "1" : "0" }.joined(separator: ",")
            lines.append("\(csvField(record.imageID)),\(label),\(record.threshold),\(record.bestIoU),\(flags)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `image_id,x0,y0,x1,y1`, one row per candidate box (inclusive corners, map frame).
    public static func boxesCSV(_ boxes: [(imageID: String, boxes: [Box])]) -> String {
        var lines = ["image_id,x0,y0,x1,y1"]
        for (imageID, imageBoxes) in boxes {
            for box in imageBoxes { lines.append("\(csvField(imageID)),\(box.x0),\(box.y0),\(box.x1),\(box.y1)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `level,iou_mean,iou_pooled` for the LID IoU curve.
    public static func iouCurveCSV(_ result: IoUCurveResult) -> String {
        var lines = ["level,iou_mean,iou_pooled"]
        for level in result.meanCurve.indices {
            lines.append("\(level),\(result.meanCurve[level]),\(result.pooledCurve[level])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a field when it contains a comma, quote or newline (RFC 4180).
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
