//! `wsol import`: converts a class-folder tree or a COCO JSON file into the wsolevaluation layout.
import ArgumentParser
import Foundation
import WSOLData

/// `wsol import <folder|coco>`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write metadata/<DATASET>/<split>/ for your own images (see docs/datasets.md).",
        subcommands: [ImportFolderCommand.self, ImportCOCOCommand.self, ImportCheckCommand.self]
    )
}

/// Options shared by both importers: where the data set is and where its metadata goes.
struct ImportDestinationOptions: ParsableArguments {
    @Option(help: "Dataset root: image ids are paths relative to it.")
    var root: String

    @Option(help: "Dataset name: the metadata folder name (e.g. MyBirds).")
    var dataset: String

    @Option(help: "Split: train (train-weaksup), val (train-fullsup) or test.")
    var split: String = "train"

    @Option(help: "Folder holding one folder per dataset (default: <root>/metadata).")
    var metadataRoot: String?

    var resolvedSplit: DatasetSplit {
        get throws {
            guard let split = DatasetSplit(name: split) else {
                throw ValidationError("unknown split '\(split)' (use train, val, test, train-weaksup or train-fullsup)")
            }
            return split
        }
    }

    var resolvedMetadataRoot: String { metadataRoot ?? (root as NSString).appendingPathComponent("metadata") }

    /// The existing `classes.txt` of this dataset, if an earlier split was imported.
    func existingClassNames() throws -> [String]? {
        let path = ((resolvedMetadataRoot as NSString).appendingPathComponent(dataset) as NSString)
            .appendingPathComponent(ClassNamesFile.fileName)
        return try ClassNamesFile.readIfPresent(path)
    }

    /// Writes the split and prints a summary and the importer's notes.
    func write(_ imported: ImportedDataset) throws {
        let directory = try imported.write(metadataRoot: resolvedMetadataRoot, dataset: dataset, split: resolvedSplit)
        let boxCount = imported.metadata.boxes.values.reduce(0) { $0 + $1.count }
        print("wrote \(directory): \(imported.metadata.imageIDs.count) images, \(imported.classNames.count) classes"
              + (boxCount > 0 ? ", \(boxCount) boxes" : ""))
        for note in imported.notes { print("note: \(note)") }
    }
}

/// `wsol import folder`: one sub-folder per class, labels only.
struct ImportFolderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folder",
        abstract: "Import <root>/<images>/<class>/<image> files (labels only; classes sorted by folder name).",
        discussion: """
            If metadata/<DATASET>/classes.txt exists (from importing another split), its class order is \
            used so that every split has the same labels.
            """
    )

    @OptionGroup var destination: ImportDestinationOptions

    @Option(help: "Image folder relative to the root, holding one folder per class.")
    var images: String

    @Flag(help: "Fill image_sizes.txt by reading each image's header.")
    var sizes = false

    func run() throws {
        let imported = try ClassFolderImporter.importFolder(
            datasetRoot: destination.root, imagesDirectory: images,
            classNames: destination.existingClassNames(), readSizes: sizes)
        try destination.write(imported)
    }
}

/// `wsol import coco`: COCO-style JSON boxes.
struct ImportCOCOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coco",
        abstract: "Import a COCO instances JSON file (boxes; one label per image: the majority category).",
        discussion: "Boxes become x0,y0,x1,y1 with x1 = round(x + w) (CUB convention); see docs/datasets.md."
    )

    @OptionGroup var destination: ImportDestinationOptions

    @Option(help: "The COCO annotation JSON file.")
    var annotations: String

    @Option(help: "Folder of the images relative to the root (prefix of every file_name).")
    var images: String = "."

    func run() throws {
        let imported = try COCOImporter.importFile(annotationsPath: annotations, imagesDirectory: images)
        try destination.write(imported)
    }
}

/// `wsol import check`: parse and join an existing split, optionally check that its files exist.
struct ImportCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a metadata split: every line parses, the files join, and (--files) the images exist."
    )

    @OptionGroup var destination: ImportDestinationOptions

    @Flag(help: "Also check that every image and mask file exists under the root.")
    var files = false

    func run() throws {
        let metadata = try WSOLMetadata.read(metadataRoot: destination.resolvedMetadataRoot,
                                             dataset: destination.dataset, split: destination.resolvedSplit)
        let boxCount = metadata.boxes.values.reduce(0) { $0 + $1.count }
        let maskCount = metadata.masks.values.reduce(0) { $0 + $1.instancePaths.count }
        print("\(destination.dataset)/\(try destination.resolvedSplit.directoryName): \(metadata.imageIDs.count) images, "
              + "\(metadata.classCount) classes, \(metadata.imageSizes.count) sizes, \(boxCount) boxes, \(maskCount) masks")
        guard files else { return }
        let referenced = metadata.imageIDs + metadata.masks.values.flatMap { $0.instancePaths + [$0.ignorePath].compactMap { $0 } }
        let missing = referenced.filter {
            !FileManager.default.fileExists(atPath: (destination.root as NSString).appendingPathComponent($0))
        }
        guard missing.isEmpty else {
            let shown = missing.prefix(5).joined(separator: ", ")
            throw MetadataError(path: destination.root,
                                reason: "\(missing.count) of \(referenced.count) files missing: \(shown)")
        }
        print("all \(referenced.count) image and mask files exist")
    }
}
