//! The result of an import: one split's metadata plus the class names, and how to write both.
import Foundation

/// One imported split, ready to be written into the wsolevaluation layout.
public struct ImportedDataset: Sendable, Equatable {
    /// The split's tables; image ids are paths relative to the dataset root.
    public var metadata: WSOLMetadata
    /// Class names; index `i` is class label `i`.
    public var classNames: [String]
    /// Things the import skipped or changed, one sentence each (for the CLI to show).
    public var notes: [String]

    public init(metadata: WSOLMetadata, classNames: [String], notes: [String] = []) {
        self.metadata = metadata
        self.classNames = classNames
        self.notes = notes
    }

    /// Writes `<metadataRoot>/<dataset>/<split>/*.txt` and `<metadataRoot>/<dataset>/classes.txt`
    /// (one name per line, line `i` = label `i`), each file atomically. Returns the split directory.
    ///
    /// `classes.txt` is shared by the splits of a dataset; if it already exists with other names the
    /// write is refused, because the labels of the two splits would then mean different classes.
    @discardableResult
    public func write(metadataRoot: String, dataset: String, split: DatasetSplit) throws -> String {
        let datasetDirectory = (metadataRoot as NSString).appendingPathComponent(dataset)
        let classesPath = (datasetDirectory as NSString).appendingPathComponent(ClassNamesFile.fileName)
        if let existing = try ClassNamesFile.readIfPresent(classesPath), existing != classNames {
            throw MetadataError(path: classesPath, reason: """
                has \(existing.count) classes that differ from the \(classNames.count) being imported; \
                import every split with the same classes (or remove the file)
                """)
        }
        let splitDirectory = (datasetDirectory as NSString).appendingPathComponent(split.directoryName)
        try metadata.write(to: splitDirectory)
        try ClassNamesFile.write(classNames, to: classesPath)
        return splitDirectory
    }
}

/// `classes.txt`: the class names of a dataset, one per line, in label order.
public enum ClassNamesFile {
    public static let fileName = "classes.txt"

    /// The names in `path`, or nil if there is no such file. Blank lines are skipped.
    public static func readIfPresent(_ path: String) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try MetadataTextFile(path: path)
        // Class names may contain commas: rejoin the fields the line parser split.
        return file.records.map { $0.fields.joined(separator: ",") }
    }

    /// Writes `names` one per line, atomically. Names with a line break are refused.
    public static func write(_ names: [String], to path: String) throws {
        if let bad = names.firstIndex(where: { $0.contains("\n") || $0.contains("\r") || $0.isEmpty }) {
            throw MetadataError(path: path, reason: "class \(bad) has an empty name or one with a line break")
        }
        try MetadataFileWriter.makeDirectory((path as NSString).deletingLastPathComponent)
        try MetadataFileWriter.writeAtomically(names.map { $0 + "\n" }.joined(), to: path)
    }
}
