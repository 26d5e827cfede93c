//! Reading and writing one split directory in wsolevaluation's layout (methods.md §2.2-2.3).
import Foundation

/// File names inside a split directory.
public enum MetadataFileName {
    public static let imageIDs = "image_ids.txt"
    public static let classLabels = "class_labels.txt"
    public static let imageSizes = "image_sizes.txt"
    /// Boxes (`id,x0,y0,x1,y1`) or masks (`id,mask_path,ignore_path`).
    public static let localization = "localization.txt"
    /// WSOLKit extension for data sets with both masks and boxes (SynthWSOL): when `localization.txt`
    /// holds mask lines, the boxes go here in the box-line format, so a box-only reader still works.
    public static let boxSidecar = "localization_boxes.txt"
}

extension WSOLMetadata {
    /// Reads a split directory holding `image_ids.txt`, `class_labels.txt` (both required),
    /// `image_sizes.txt` and `localization.txt` (optional: OpenImages has no sizes, train splits
    /// may have no localization), and the optional `localization_boxes.txt`.
    ///
    /// Throws `MetadataError` naming the file and line for a malformed line (wrong field count,
    /// non-integer or negative label, non-positive size, non-numeric coordinate, `x1 < x0`,
    /// duplicate id, an ignore path on a later mask line) and naming the file and the first few
    /// offending ids when the files do not join (see `joinProblems()`).
    public static func read(directory: String) throws -> WSOLMetadata {
        guard isDirectory(directory) else {
            throw MetadataError(path: directory, reason: "metadata directory not found")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        func optionalFile(_ name: String) throws -> MetadataTextFile? {
            FileManager.default.fileExists(atPath: path(name)) ? try MetadataTextFile(path: path(name)) : nil
        }
        var metadata = WSOLMetadata()
        metadata.imageIDs = try parseImageIDs(MetadataTextFile(path: path(MetadataFileName.imageIDs)))
        metadata.classLabels = try parseClassLabels(MetadataTextFile(path: path(MetadataFileName.classLabels)))
        if let sizes = try optionalFile(MetadataFileName.imageSizes) {
            metadata.imageSizes = try parseImageSizes(sizes)
        }
        if let localization = try optionalFile(MetadataFileName.localization) {
            switch try parseLocalization(localization) {
            case .boxes(let boxes): metadata.boxes = boxes
            case .masks(let masks): metadata.masks = masks
            }
        }
        if let sidecar = try optionalFile(MetadataFileName.boxSidecar) {
            guard metadata.boxes.isEmpty else {
                throw MetadataError(path: sidecar.path,
                                    reason: "boxes given both here and in \(MetadataFileName.localization)")
            }
            guard case .boxes(let boxes) = try parseLocalization(sidecar) else {
                throw MetadataError(path: sidecar.path, reason: "expected box lines (image_id,x0,y0,x1,y1)")
            }
            metadata.boxes = boxes
        }
        if let problem = metadata.joinProblems().first {
            throw MetadataError(path: path(problem.file), reason: problem.reason)
        }
        return metadata
    }

    /// Writes this split into `directory` (created if needed), one file at a time, each atomically.
    ///
    /// Always writes `image_ids.txt`, `class_labels.txt`, `image_sizes.txt` (empty if no sizes) and
    /// `localization.txt` (mask lines if there are masks, else box lines, else empty); with both
    /// masks and boxes the boxes go to `localization_boxes.txt`. Lines end with `\n`, in
    /// `imageIDs` order. Throws before writing anything if the tables do not join.
    public func write(to directory: String) throws {
        if let problem = joinProblems().first {
            throw MetadataError(path: (directory as NSString).appendingPathComponent(problem.file),
                                reason: "refusing to write: \(problem.reason)")
        }
        try MetadataFileWriter.makeDirectory(directory)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        try MetadataFileWriter.writeAtomically(imageIDsText(), to: path(MetadataFileName.imageIDs))
        try MetadataFileWriter.writeAtomically(classLabelsText(), to: path(MetadataFileName.classLabels))
        try MetadataFileWriter.writeAtomically(imageSizesText(), to: path(MetadataFileName.imageSizes))
        let sidecarPath = path(MetadataFileName.boxSidecar)
        if masks.isEmpty {
            try MetadataFileWriter.writeAtomically(boxesText(), to: path(MetadataFileName.localization))
            // A sidecar left from an earlier write would now contradict localization.txt.
            if FileManager.default.fileExists(atPath: sidecarPath) {
                try? FileManager.default.removeItem(atPath: sidecarPath)
            }
        } else {
            try MetadataFileWriter.writeAtomically(masksText(), to: path(MetadataFileName.localization))
            if boxes.isEmpty {
                try? FileManager.default.removeItem(atPath: sidecarPath)
            } else {
                try MetadataFileWriter.writeAtomically(boxesText(), to: sidecarPath)
            }
        }
    }
}

// MARK: - Writing text

extension WSOLMetadata {
    func imageIDsText() -> String {
        imageIDs.map { "\($0)\n" }.joined()
    }

    func classLabelsText() -> String {
        imageIDs.map { "\($0),\(classLabels[$0] ?? 0)\n" }.joined()
    }

    func imageSizesText() -> String {
        imageIDs.compactMap { id in imageSizes[id].map { "\(id),\($0.width),\($0.height)\n" } }.joined()
    }

    func boxesText() -> String {
        var text = ""
        for id in imageIDs {
            for box in boxes[id] ?? [] {
                let corners = [box.x0, box.y0, box.x1, box.y1].map(Self.formatCoordinate)
                text += "\(id),\(corners.joined(separator: ","))\n"
            }
        }
        return text
    }

    func masksText() -> String {
        var text = ""
        for id in imageIDs {
            guard let files = masks[id] else { continue }
            for (index, maskPath) in files.instancePaths.enumerated() {
                // The ignore path goes on the image's first line only (OpenImages convention).
                let ignore = index == 0 ? (files.ignorePath ?? "") : ""
                text += "\(id),\(maskPath),\(ignore)\n"
            }
        }
        return text
    }

    /// Integral values print without a decimal point (`60`, as in the reference files); others use
    /// Swift's shortest round-tripping form.
    static func formatCoordinate(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
