//! Splits, dataset kinds and where a split's metadata lives (`metadata/<DATASET>/<split>/`).
import Foundation

/// A split in wsolevaluation's sense (methods.md §2.1), named by its metadata directory.
public enum DatasetSplit: String, CaseIterable, Sendable, Codable {
    /// `train-weaksup`: image-level labels only (directory `train`).
    case train
    /// `train-fullsup`: the small localization-labelled split for thresholds and model selection
    /// (directory `val`).
    case val
    /// The final test split (directory `test`).
    case test
    /// SynthWSOL only: every object sits on a background typical of another class (directory
    /// `test-counter`).
    case testCounter = "test-counter"

    /// The directory name under `metadata/<DATASET>/`.
    public var directoryName: String { rawValue }

    /// The protocol's name for the split (`train-weaksup`, `train-fullsup`, `test`, `test-counter`).
    public var protocolName: String {
        switch self {
        case .train: return "train-weaksup"
        case .val: return "train-fullsup"
        case .test: return "test"
        case .testCounter: return "test-counter"
        }
    }

    /// Parses a directory name or a protocol name (`val` and `train-fullsup` both give `.val`).
    public init?(name: String) {
        if let split = DatasetSplit(rawValue: name) {
            self = split
            return
        }
        guard let split = DatasetSplit.allCases.first(where: { $0.protocolName == name }) else { return nil }
        self = split
    }
}

/// The datasets WSOLKit knows by name, and `custom` for anything imported.
public enum DatasetKind: String, CaseIterable, Sendable, Codable {
    case cub
    case ilsvrc
    case openImages
    case synthetic
    case custom

    /// The directory name used under `metadata/` by wsolevaluation (and by `wsol synth`);
    /// `nil` for `custom`, whose directory name the user chooses.
    public var metadataDirectoryName: String? {
        switch self {
        case .cub: return "CUB"
        case .ilsvrc: return "ILSVRC"
        case .openImages: return "OpenImages"
        case .synthetic: return "SynthWSOL"
        case .custom: return nil
        }
    }

    /// Whether the ground truth is instance masks (PxAP) rather than boxes only.
    public var hasMasks: Bool { self == .openImages || self == .synthetic }

    /// The kind for a metadata directory name (`CUB`, `ILSVRC`, `OpenImages`, `SynthWSOL`;
    /// case-insensitive); any other name is `custom`.
    public init(directoryName: String) {
        let known = DatasetKind.allCases.first {
            $0.metadataDirectoryName?.lowercased() == directoryName.lowercased()
        }
        self = known ?? .custom
    }
}

extension WSOLMetadata {
    /// The metadata directory of one split: `<metadataRoot>/<dataset>/<split>`.
    ///
    /// `metadataRoot` is the folder holding one sub-folder per dataset (wsolevaluation's `metadata/`).
    /// If that path does not exist but `<metadataRoot>/metadata/<dataset>/<split>` does (the user gave
    /// the dataset root instead), the latter is returned. Throws if neither exists, listing the splits
    /// that do.
    public static func locate(metadataRoot: String, dataset: String, split: DatasetSplit) throws -> String {
        let direct = (metadataRoot as NSString).appendingPathComponent("\(dataset)/\(split.directoryName)")
        let nested = (metadataRoot as NSString)
            .appendingPathComponent("metadata/\(dataset)/\(split.directoryName)")
        for candidate in [direct, nested] where isDirectory(candidate) {
            return candidate
        }
        let datasetDirectory = (direct as NSString).deletingLastPathComponent
        let available = (try? FileManager.default.contentsOfDirectory(atPath: datasetDirectory))?
            .filter { isDirectory((datasetDirectory as NSString).appendingPathComponent($0)) }
            .sorted() ?? []
        let hint = available.isEmpty ? "no such dataset directory" : "available splits: \(available.joined(separator: ", "))"
        throw MetadataError(path: direct, reason: "split '\(split.directoryName)' not found (\(hint))")
    }

    /// Reads one split: `read(directory: locate(metadataRoot:dataset:split:))`.
    public static func read(metadataRoot: String, dataset: String, split: DatasetSplit) throws -> WSOLMetadata {
        try read(directory: locate(metadataRoot: metadataRoot, dataset: dataset, split: split))
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
