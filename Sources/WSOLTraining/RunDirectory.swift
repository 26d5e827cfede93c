//! The run directory: checkpoints, `manifest.json` and `log.jsonl` (one JSON line per epoch).
import Foundation
import TensorNN
import WSOLData

/// What `manifest.json` holds: enough to know what was trained on what, by which code, and how
/// well it did.
public struct RunManifest: Sendable, Equatable, Codable {
    public var config: TrainingConfig
    public var seed: UInt64
    /// The WSOLKit version that trained the run.
    public var packageVersion: String
    /// SHA-256 over the metadata files of the splits used (see ``DataFingerprint``).
    public var dataFingerprint: String
    /// `running`, `finished`, or `stopped: <reason>`.
    public var status: String
    /// Finished epochs, best epoch and score, final test scores.
    public var metrics: RunMetrics
    /// Number of classes K the model was built for (absent in runs written before it was recorded).
    public var classCount: Int?

    public init(config: TrainingConfig, seed: UInt64, packageVersion: String, dataFingerprint: String,
                status: String, metrics: RunMetrics, classCount: Int? = nil) {
        (self.config, self.seed, self.packageVersion) = (config, seed, packageVersion)
        (self.dataFingerprint, self.status, self.metrics) = (dataFingerprint, status, metrics)
        self.classCount = classCount
    }
}

/// The metrics part of the manifest.
public struct RunMetrics: Sendable, Equatable, Codable {
    public var epochs: [EpochRecord] = []
    public var bestEpoch: Int?
    /// Best train-fullsup MaxBoxAccV2 (or top-1 accuracy when no boxes).
    public var bestScore: Double?
    /// Final evaluations by split name (`test`, `test-counter`), filled by `wsol train --test`.
    public var final: [String: SplitScores] = [:]

    public init() {}
}

/// The files of one run, all written atomically.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var lastCheckpoint: String { path + "/checkpoint-last.safetensors" }
    public var bestCheckpoint: String { path + "/checkpoint-best.safetensors" }
    public var manifestPath: String { path + "/manifest.json" }
    public var logPath: String { path + "/log.jsonl" }

    /// Creates the directory (and parents). Throws naming the path.
    public func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw TrainingConfigError(field: "outputDirectory", reason: "cannot be created: \(error.localizedDescription)", path: path)
        }
    }

    public func writeManifest(_ manifest: RunManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(text: String(decoding: try encoder.encode(manifest), as: UTF8.self) + "\n", to: manifestPath)
    }

    /// Reads `manifest.json`. Throws ``TrainingConfigError`` naming the file.
    public func readManifest() throws -> RunManifest {
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw TrainingConfigError(field: "-", reason: "cannot be read: is this a run directory?", path: manifestPath)
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch let error as TrainingConfigError {
            var named = error
            named.path = manifestPath
            throw named
        } catch {
            throw TrainingConfigError(field: "-", reason: "is not a valid manifest: \(error)", path: manifestPath)
        }
    }

    /// Rewrites `log.jsonl` from the history: one compact JSON object per finished epoch. Rewriting
    /// (not appending) keeps the log equal to the checkpoint's history after a resume.
    public func writeLog(_ history: [EpochRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try history.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try AtomicFile.write(text: lines.map { $0 + "\n" }.joined(), to: logPath)
    }
}

/// A fingerprint of a dataset: SHA-256 over the metadata files of the given split directories
/// (image ids, labels, sizes, localization), in order. Image bytes are not hashed (too slow for
/// ImageNet); SynthWSOL's `synthwsol.json` at the root, when present, pins the pixels.
public enum DataFingerprint {
    public static func compute(splitDirectories: [String], dataRoot: String) -> String {
        var bytes: [UInt8] = []
        let names = ["image_ids.txt", "class_labels.txt", "image_sizes.txt", "localization.txt", "localization_boxes.txt"]
        for directory in splitDirectories {
            for name in names {
                if let data = FileManager.default.contents(atPath: directory + "/" + name) { bytes += Array(data) }
            }
        }
        if let record = FileManager.default.contents(atPath: dataRoot + "/synthwsol.json") { bytes += Array(record) }
        return "sha256:" + WSOLData.SHA256.hexDigest(bytes)
    }
}
