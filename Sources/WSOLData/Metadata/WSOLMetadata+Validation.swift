//! Cross-file consistency: every table must join on `image_id`.

/// A join problem: which file it concerns and what is wrong (with the first few offending ids).
public struct MetadataJoinProblem: Sendable, Equatable {
    /// The file name inside the split directory (`class_labels.txt`, ...).
    public var file: String
    public var reason: String
}

extension WSOLMetadata {
    /// Checks that the tables join on `image_id`, in this order:
    /// every image has a class label and no label names an unknown image; if any sizes are given,
    /// every image has one and none is for an unknown image; localization (boxes and masks) names
    /// only known images and, if given at all, covers every image. Returns all problems found
    /// (empty when consistent); each lists the first five offending ids and their count.
    public func joinProblems() -> [MetadataJoinProblem] {
        let known = Set(imageIDs)
        var problems: [MetadataJoinProblem] = []
        // Membership by dictionary lookup, so no extra set of a million ids is built per table.
        func check<Value>(_ file: String, _ table: [String: Value], required: Bool, what: String) {
            let missing = required ? imageIDs.filter { table[$0] == nil } : []
            if !missing.isEmpty {
                problems.append(MetadataJoinProblem(
                    file: file, reason: "\(missing.count) image id(s) of image_ids.txt have no \(what): "
                        + MetadataError.listing(missing)))
            }
            let unknown = table.keys.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty {
                problems.append(MetadataJoinProblem(
                    file: file, reason: "\(unknown.count) image id(s) with a \(what) are not in image_ids.txt: "
                        + MetadataError.listing(unknown)))
            }
        }
        check(MetadataFileName.classLabels, classLabels, required: true, what: "class label")
        check(MetadataFileName.imageSizes, imageSizes, required: !imageSizes.isEmpty, what: "image size")
        let boxFile = masks.isEmpty ? MetadataFileName.localization : MetadataFileName.boxSidecar
        check(boxFile, boxes, required: !boxes.isEmpty, what: "box")
        check(MetadataFileName.localization, masks, required: !masks.isEmpty, what: "mask")
        return problems
    }

    /// Throws the first join problem as a `MetadataError` whose path is the file name.
    public func validate() throws {
        if let problem = joinProblems().first {
            throw MetadataError(path: problem.file, reason: problem.reason)
        }
    }

    /// Number of classes implied by the labels: `max label + 1` (0 for no labels).
    public var classCount: Int { (classLabels.values.max() ?? -1) + 1 }
}
