//! What `wsol evaluate --out DIR` wrote: summary.json, box_accuracy.csv, pixel_curve.csv and
//! per_image.csv, read back without recomputing anything.
import Foundation

/// BoxAcc (percent) against the box threshold, one curve per IoU level (`box_accuracy.csv`).
public struct BoxAccuracyCurves: Sendable, Equatable {
    /// IoU levels as written in the header, in percent (`"30"`, `"50"`, `"70"`).
    public var iouKeys: [String]
    public var thresholds: [Double]
    /// `values[i][k]`: BoxAcc at IoU `iouKeys[i]` and `thresholds[k]`, percent.
    public var values: [[Double]]
}

/// One point of the pixel precision-recall curve (`pixel_curve.csv`), fractions in [0, 1].
public struct PixelCurvePoint: Sendable, Equatable {
    public var cutoff: Double
    /// Nil where nothing is predicted positive.
    public var precision: Double?
    public var recall: Double
    public var iou: Double
}

/// One image at the operating threshold (`per_image.csv`).
public struct PerImageResult: Sendable, Equatable {
    public var imageID: String
    public var classLabel: Int?
    /// Best IoU (fraction) of a predicted box with a ground-truth box.
    public var bestIoU: Double
    /// Whether the image is correct at each IoU level of `EvaluationRecord.iouKeys`.
    public var correct: [Bool]

    public init(imageID: String, classLabel: Int?, bestIoU: Double, correct: [Bool]) {
        (self.imageID, self.classLabel, self.bestIoU, self.correct) = (imageID, classLabel, bestIoU, correct)
    }
}

/// An evaluated split as `wsol evaluate --out` left it.
public struct EvaluationRecord: Sendable {
    public var directory: String
    /// Headline numbers of summary.json by key (`MaxBoxAccV2`, `PxAP`, `MaxBoxAcc@50`,
    /// `calibrated BoxAccV2`, ...), percent as written.
    public var metrics: [String: Double]
    /// The threshold boxes were exported at, and whether it was `calibrated` or `oracle`.
    public var operatingThreshold: Double?
    public var thresholdSource: String?
    /// Calibrated (or else the split's best) box threshold per IoU key.
    public var markedThresholds: [String: Double]
    /// The mask threshold (calibrated, or the best-PIoU cutoff).
    public var maskThreshold: Double?
    /// summary.json's `config` as text, by key.
    public var config: [String: String]
    public var boxCurves: BoxAccuracyCurves?
    public var pixelCurve: [PixelCurvePoint]
    /// IoU keys of the `correct_*` columns of per_image.csv.
    public var iouKeys: [String]
    public var perImage: [PerImageResult]

    /// True when `directory` holds a summary.json.
    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/summary.json")
    }

    /// Reads the files of `directory`; the CSV files are optional, summary.json is not.
    public static func read(directory: String) throws -> EvaluationRecord {
        let summaryPath = directory + "/summary.json"
        let summary = try readJSONObject(summaryPath)
        var record = EvaluationRecord(directory: directory, metrics: headlineMetrics(summary),
                                      operatingThreshold: jsonNumber(summary["operatingThreshold"]),
                                      thresholdSource: summary["operatingThresholdSource"] as? String,
                                      markedThresholds: [:], maskThreshold: nil,
                                      config: textValues(summary["config"] as? [String: Any] ?? [:]),
                                      boxCurves: nil, pixelCurve: [], iouKeys: [], perImage: [])
        let calibration = summary["calibration"] as? [String: Any]
        record.markedThresholds = numbers(calibration?["thresholds"] ?? summary["bestThresholds"])
        record.maskThreshold = jsonNumber(calibration?["maskThreshold"]) ?? jsonNumber(summary["PIoUThreshold"])
        let files = FileManager.default
        if files.fileExists(atPath: directory + "/box_accuracy.csv") {
            record.boxCurves = try readBoxCurves(directory + "/box_accuracy.csv")
        }
        if files.fileExists(atPath: directory + "/pixel_curve.csv") {
            record.pixelCurve = try readPixelCurve(directory + "/pixel_curve.csv")
        }
        if files.fileExists(atPath: directory + "/per_image.csv") {
            (record.iouKeys, record.perImage) = try readPerImage(directory + "/per_image.csv")
        }
        return record
    }

    /// The summary's numbers under display names; per-IoU objects become `name@IoU`.
    static func headlineMetrics(_ summary: [String: Any]) -> [String: Double] {
        var metrics: [String: Double] = [:]
        for key in ["Top1Cls", "Top5Cls", "Top1Loc", "Top5Loc", "GTKnownLoc", "MaxBoxAccV2", "PxAP", "PIoU"] {
            if let value = jsonNumber(summary[key]) { metrics[key] = value }
        }
        // V1 (largest contour) and V2 (all contours) per-IoU numbers differ: keep them apart.
        let version = (summary["config"] as? [String: Any])?["boxVersion"] as? String == "v1" ? "MaxBoxAccV1" : "MaxBoxAcc"
        for (iou, value) in numbers(summary["MaxBoxAcc"]) { metrics["\(version)@\(iou)"] = value }
        if let calibration = summary["calibration"] as? [String: Any] {
            if let value = jsonNumber(calibration["BoxAccV2"]) { metrics["calibrated BoxAccV2"] = value }
            if let value = jsonNumber(calibration["PIoU"]) { metrics["calibrated PIoU"] = value }
        }
        return metrics
    }

    static func readBoxCurves(_ path: String) throws -> BoxAccuracyCurves {
        let table = try CSVTable.read(path)
        let thresholdColumn = try table.column("threshold")
        let curveColumns = table.header.indices.filter { table.header[$0].hasPrefix("boxacc_") }
        guard !curveColumns.isEmpty else { throw ReportInputError(path: path, line: 1, reason: "has no boxacc_* column") }
        var curves = BoxAccuracyCurves(iouKeys: curveColumns.map { String(table.header[$0].dropFirst(7)) },
                                       thresholds: [], values: Array(repeating: [], count: curveColumns.count))
        for row in table.rows.indices {
            curves.thresholds.append(try table.number(row: row, column: thresholdColumn))
            for (i, column) in curveColumns.enumerated() { curves.values[i].append(try table.number(row: row, column: column)) }
        }
        return curves
    }

    static func readPixelCurve(_ path: String) throws -> [PixelCurvePoint] {
        let table = try CSVTable.read(path)
        let (cutoff, precision) = (try table.column("cutoff"), try table.column("precision"))
        let (recall, iou) = (try table.column("recall"), try table.column("iou"))
        return try table.rows.indices.map { row in
            PixelCurvePoint(cutoff: try table.number(row: row, column: cutoff),
                            precision: table.rows[row][precision].isEmpty ? nil : try table.number(row: row, column: precision),
                            recall: try table.number(row: row, column: recall), iou: try table.number(row: row, column: iou))
        }
    }

    static func readPerImage(_ path: String) throws -> ([String], [PerImageResult]) {
        let table = try CSVTable.read(path)
        let (idColumn, classColumn, iouColumn) = (try table.column("image_id"), try table.column("class"), try table.column("best_iou"))
        let correctColumns = table.header.indices.filter { table.header[$0].hasPrefix("correct_") }
        let keys = correctColumns.map { String(table.header[$0].dropFirst(8)) }
        let results = try table.rows.indices.map { row in
            let label = table.rows[row][classColumn]
            guard label.isEmpty || Int(label) != nil else {
                throw ReportInputError(path: path, line: table.lineNumbers[row], reason: "class '\(label)' is not an integer")
            }
            return PerImageResult(imageID: table.rows[row][idColumn], classLabel: Int(label),
                                  bestIoU: try table.number(row: row, column: iouColumn),
                                  correct: correctColumns.map { table.rows[row][$0] == "1" })
        }
        return (keys, results)
    }
}

/// `{"30": 0.4, ...}` as a dictionary of numbers (other values dropped).
func numbers(_ value: Any?) -> [String: Double] {
    (value as? [String: Any] ?? [:]).compactMapValues(jsonNumber)
}

/// The scalar members of a JSON object as display text (nested objects flattened as `a.b`).
func textValues(_ object: [String: Any], prefix: String = "") -> [String: String] {
    var values: [String: String] = [:]
    for (key, value) in object {
        let name = prefix + key
        switch value {
        case let nested as [String: Any]: values.merge(textValues(nested, prefix: name + ".")) { first, _ in first }
        case let array as [Any]: values[name] = array.map { "\($0)" }.joined(separator: ", ")
        case is NSNull: continue
        case let number as NSNumber where isBoolean(number): values[name] = number.boolValue ? "true" : "false"
        default: values[name] = "\(value)"
        }
    }
    return values
}

/// A JSON number as Double, whichever numeric type JSONSerialization chose for it.
func jsonNumber(_ value: Any?) -> Double? {
    switch value {
    case let number as Double: return number
    case let number as Int: return Double(number)
    case let number as NSNumber: return number.doubleValue
    default: return nil
    }
}

/// JSONSerialization returns booleans as NSNumbers of Objective-C type `c` (char), which also
/// cast to Int: the type code is the only way to tell `true` from `1`.
func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }
