//! The other two kinds of input: a training run directory and a `wsol localize` output directory.
import Foundation
import WSOLTraining

/// A training run: manifest.json and the per-epoch history of log.jsonl.
public struct TrainingRecord: Sendable {
    public var manifest: RunManifest
    /// log.jsonl's epochs when the file exists, else the manifest's.
    public var epochs: [EpochRecord]
    /// The manifest's config as display text, by key (`architecture`, `method.name`, ...).
    public var config: [String: String]

    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: RunDirectory(path: directory).manifestPath)
    }

    public static func read(directory: String) throws -> TrainingRecord {
        let run = RunDirectory(path: directory)
        let manifest: RunManifest
        do {
            manifest = try run.readManifest()
        } catch {
            throw ReportInputError(path: run.manifestPath, reason: "is not a valid run manifest (\(error))")
        }
        let epochs = FileManager.default.fileExists(atPath: run.logPath)
            ? try readLog(run.logPath) : manifest.metrics.epochs
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let configObject = (try? JSONSerialization.jsonObject(with: encoder.encode(manifest.config))) as? [String: Any]
        return TrainingRecord(manifest: manifest, epochs: epochs, config: textValues(configObject ?? [:]))
    }

    /// One ``EpochRecord`` per non-empty line; a bad line is named by number.
    static func readLog(_ path: String) throws -> [EpochRecord] {
        let decoder = JSONDecoder()
        var epochs: [EpochRecord] = []
        for (index, line) in try readText(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                epochs.append(try decoder.decode(EpochRecord.self, from: Data(line.utf8)))
            } catch {
                throw ReportInputError(path: path, line: index + 1, reason: "is not an epoch record (JSON object)")
            }
        }
        return epochs
    }
}

/// `wsol localize` output: overlays/*.png and predictions.csv.
public struct LocalizationRecord: Sendable {
    /// Overlay PNG paths by image stem (image id without extension, sub-folders kept).
    public var overlays: [String: String]
    /// Top-1 class and its probability by image id (predictions.csv), when present.
    public var topPrediction: [String: (classIndex: Int, probability: Double)]

    public static func isPresent(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/overlays")
    }

    public static func read(directory: String) throws -> LocalizationRecord {
        var record = LocalizationRecord(overlays: overlayFiles(in: directory + "/overlays"), topPrediction: [:])
        let predictionsPath = directory + "/predictions.csv"
        if FileManager.default.fileExists(atPath: predictionsPath) {
            let table = try CSVTable.read(predictionsPath)
            let (id, top, probability) = (try table.column("image_id"), try table.column("class_1"),
                                          try table.column("probability_1"))
            for row in table.rows.indices {
                guard let classIndex = Int(table.rows[row][top]) else {
                    throw ReportInputError(path: predictionsPath, line: table.lineNumbers[row],
                                           reason: "class_1 '\(table.rows[row][top])' is not an integer")
                }
                record.topPrediction[table.rows[row][id]] = (classIndex, try table.number(row: row, column: probability))
            }
        }
        return record
    }

    /// `*.png` under `root`, recursively, keyed by the relative path without extension.
    static func overlayFiles(in root: String) -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        for case let relative as String in walker where relative.lowercased().hasSuffix(".png") {
            files[(relative as NSString).deletingPathExtension] = (root as NSString).appendingPathComponent(relative)
        }
        return files
    }
}

/// One directory given to `wsol report`: any combination of a training run, an evaluation and a
/// localization (e.g. `wsol evaluate --out` pointed at the `wsol localize` directory).
public struct ReportRun: Sendable {
    /// The label in tables and legends (the directory's name, made unique).
    public var name: String
    public var directory: String
    public var training: TrainingRecord?
    public var evaluation: EvaluationRecord?
    public var localization: LocalizationRecord?
    /// Class names from the evaluated split's `../classes.txt`, when present.
    public var classNames: [String]

    /// Reads every recognised part of `directory`; throws when it holds none of them or a part
    /// is corrupt (naming the file).
    public static func read(directory: String, name: String) throws -> ReportRun {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportInputError(path: directory, reason: "is not a directory")
        }
        var run = ReportRun(name: name, directory: directory, classNames: [])
        if TrainingRecord.isPresent(in: directory) { run.training = try TrainingRecord.read(directory: directory) }
        if EvaluationRecord.isPresent(in: directory) { run.evaluation = try EvaluationRecord.read(directory: directory) }
        if LocalizationRecord.isPresent(in: directory) { run.localization = try LocalizationRecord.read(directory: directory) }
        if run.localization == nil, let maps = run.evaluation?.config["scoremaps"] {
            // Maps evaluated straight from a `wsol localize` directory: its overlays belong here.
            let parent = (maps as NSString).deletingLastPathComponent
            if (maps as NSString).lastPathComponent == "scoremaps", LocalizationRecord.isPresent(in: parent) {
                run.localization = try LocalizationRecord.read(directory: parent)
            }
        }
        guard run.training != nil || run.evaluation != nil || run.localization != nil else {
            throw ReportInputError(path: directory, reason:
                "holds no manifest.json (wsol train), summary.json (wsol evaluate) or overlays/ (wsol localize)")
        }
        if let metadata = run.evaluation?.config["metadata"] {
            run.classNames = readClassNames(((metadata as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("classes.txt"))
        }
        return run
    }

    init(name: String, directory: String, classNames: [String]) {
        (self.name, self.directory, self.classNames) = (name, directory, classNames)
    }

    /// One name per line; a missing file gives no names (classes are shown by index).
    static func readClassNames(_ path: String) -> [String] {
        guard let text = try? readText(path) else { return [] }
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
