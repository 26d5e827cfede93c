//! Importer for a folder with one sub-folder per class (image-level labels only).
import Foundation

/// Imports `<datasetRoot>/<imagesDirectory>/<class>/**/<image>` into the wsolevaluation layout.
///
/// Labels come from the class folder. Without a given class list the classes are the sub-folders
/// sorted by name (byte order of their UTF-8 names, so the order does not depend on the locale),
/// label `i` = `i`-th name. With a class list (for instance the `classes.txt` written when another
/// split was imported) the labels follow that list and a folder not in it is an error, so every split
/// of a dataset uses the same labels.
///
/// Images are files ending in `.jpg`, `.jpeg` or `.png` (any case), searched recursively inside each
/// class folder; hidden files and folders are skipped. Image ids are paths relative to the dataset
/// root (`<imagesDirectory>/<class>/<file>`), sorted by class then path. No box is written; sizes
/// only with `readSizes` (each image's header is read, not the whole image).
public enum ClassFolderImporter {
    /// File extensions taken as images (lower case).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Scans the folder. Throws `MetadataError` if it is missing, has no class sub-folder, holds no
    /// image at all, or has a folder outside `classNames`; with `readSizes`, `ImageError` for an
    /// image whose header cannot be read.
    public static func importFolder(datasetRoot: String, imagesDirectory: String,
                                    classNames givenClassNames: [String]? = nil,
                                    readSizes: Bool = false) throws -> ImportedDataset {
        let imagesPath = (datasetRoot as NSString).appendingPathComponent(imagesDirectory)
        guard WSOLMetadata.isDirectory(imagesPath) else {
            throw MetadataError(path: imagesPath, reason: "image folder not found")
        }
        let entries = try visibleEntries(of: imagesPath)
        let folders = entries.filter { WSOLMetadata.isDirectory((imagesPath as NSString).appendingPathComponent($0)) }
        guard !folders.isEmpty else {
            throw MetadataError(path: imagesPath, reason: "no class sub-folders (expected <class>/<image> files)")
        }
        var notes: [String] = []
        let strayFiles = entries.count - folders.count
        if strayFiles > 0 { notes.append("\(strayFiles) file(s) directly in \(imagesPath) ignored (not in a class folder)") }
        let classNames = givenClassNames ?? folders
        if let unknown = folders.first(where: { !classNames.contains($0) }) {
            throw MetadataError(path: (imagesPath as NSString).appendingPathComponent(unknown),
                                reason: "class folder not in the given class list of \(classNames.count) classes")
        }
        var metadata = WSOLMetadata()
        for (label, name) in classNames.enumerated() where folders.contains(name) {
            let images = try imageFiles(under: (imagesPath as NSString).appendingPathComponent(name))
            if images.isEmpty { notes.append("class '\(name)' has no image") }
            for relative in images {
                let id = joinPath(imagesDirectory, name, relative)
                metadata.imageIDs.append(id)
                metadata.classLabels[id] = label
                if readSizes {
                    let header = try ImageCodec.readHeader((datasetRoot as NSString).appendingPathComponent(id))
                    metadata.imageSizes[id] = ImageSize(width: header.width, height: header.height)
                }
            }
        }
        guard !metadata.imageIDs.isEmpty else {
            throw MetadataError(path: imagesPath, reason: "no .jpg, .jpeg or .png image in any class folder")
        }
        return ImportedDataset(metadata: metadata, classNames: classNames, notes: notes)
    }

    /// Image files below `folder`, as sorted paths relative to it.
    static func imageFiles(under folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw MetadataError(path: folder, reason: "cannot list folder")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            let fileExtension = (relative as NSString).pathExtension.lowercased()
            guard imageExtensions.contains(fileExtension) else { continue }
            if !WSOLMetadata.isDirectory((folder as NSString).appendingPathComponent(relative)) {
                files.append(relative)
            }
        }
        return files.sorted(by: utf8Less)
    }

    /// Non-hidden entries of a folder, sorted by UTF-8 bytes.
    static func visibleEntries(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { !$0.hasPrefix(".") }
                .sorted(by: utf8Less)
        } catch {
            throw MetadataError(path: folder, reason: "cannot list folder (\(error.localizedDescription))")
        }
    }

    /// Byte-wise order: stable across locales and platforms (unlike a localized comparison).
    static func utf8Less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Joins path parts with `/`, dropping empty and `.` parts (so `imagesDirectory` may be `.`).
    static func joinPath(_ parts: String...) -> String {
        parts.flatMap { $0.split(separator: "/") }.filter { $0 != "." }.joined(separator: "/")
    }
}
