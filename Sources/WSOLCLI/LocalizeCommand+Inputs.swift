//! `wsol localize`: what to localize (files, folders, or a wsolevaluation split) and thresholds.
import Foundation
import WSOLData
import WSOLEvaluation

/// One image to localize.
struct LocalizeItem: Sendable {
    /// The image id: relative path under a folder or `--data-root`, or the file name.
    var imageID: String
    var path: String
    /// Ground-truth class, when a split provides it.
    var label: Int?
    /// Ground-truth boxes in original image pixels, when a split provides them.
    var boxes: [MetadataBox]
}

enum LocalizeInputs {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Items of a wsolevaluation split: `metadata` directory, images under `dataRoot`.
    static func split(metadata: String, dataRoot: String) throws -> [LocalizeItem] {
        let split = try WSOLMetadata.read(directory: metadata)
        return split.imageIDs.map { id in
            LocalizeItem(imageID: id, path: (dataRoot as NSString).appendingPathComponent(id),
                         label: split.classLabels[id], boxes: split.boxes[id] ?? [])
        }
    }

    /// Items from files and folders (folders are searched recursively for .jpg/.jpeg/.png, sorted).
    /// - Throws: ``LocalizeInputError`` for a path that does not exist.
    static func paths(_ paths: [String]) throws -> [LocalizeItem] {
        var items: [LocalizeItem] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LocalizeInputError(path: path, reason: "no such file or directory")
            }
            if isDirectory.boolValue {
                items += try folder(path)
            } else {
                items.append(LocalizeItem(imageID: (path as NSString).lastPathComponent, path: path, label: nil, boxes: []))
            }
        }
        return items
    }

    private static func folder(_ root: String) throws -> [LocalizeItem] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw LocalizeInputError(path: root, reason: "cannot list the folder")
        }
        var relative: [String] = []
        while let next = enumerator.nextObject() as? String {
            if imageExtensions.contains((next as NSString).pathExtension.lowercased()) { relative.append(next) }
        }
        return relative.sorted().map {
            LocalizeItem(imageID: $0, path: (root as NSString).appendingPathComponent($0), label: nil, boxes: [])
        }
    }

    /// The operating threshold of a `wsol evaluate` summary (`summary.json`'s `operatingThreshold`).
    static func calibratedThreshold(_ path: String) throws -> Double {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LocalizeInputError(path: path, reason: "cannot read the calibration JSON (\(error.localizedDescription))")
        }
        guard let summary = object as? [String: Any], let threshold = summary["operatingThreshold"] as? Double,
              threshold >= 0, threshold < 1 else {
            throw LocalizeInputError(path: path, reason: "no operatingThreshold in [0, 1) (expected a wsol evaluate summary.json)")
        }
        return threshold
    }
}
