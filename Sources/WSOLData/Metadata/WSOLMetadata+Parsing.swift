//! Parsers for the four metadata files, one record at a time, with file:line errors.

/// The content of a `localization.txt`: one kind per file.
enum LocalizationContent {
    case boxes([String: [MetadataBox]])
    case masks([String: MaskFiles])
}

extension WSOLMetadata {
    /// `image_ids.txt`: one id per line; duplicates are an error (ids are the join key).
    static func parseImageIDs(_ file: MetadataTextFile) throws -> [String] {
        var firstLine: [String: Int] = [:]
        var ids: [String] = []
        ids.reserveCapacity(file.records.count)
        for record in file.records {
            try file.expectFieldCount(record, 1, layout: "image_id")
            let id = try file.imageID(record)
            if let earlier = firstLine[id] {
                throw file.error(record.line, "duplicate image id '\(id)' (first on line \(earlier))")
            }
            firstLine[id] = record.line
            ids.append(id)
        }
        return ids
    }

    /// `class_labels.txt`: `image_id,label` with a 0-based non-negative integer label.
    static func parseClassLabels(_ file: MetadataTextFile) throws -> [String: Int] {
        var labels: [String: Int] = [:]
        labels.reserveCapacity(file.records.count)
        for record in file.records {
            try file.expectFieldCount(record, 2, layout: "image_id,class_label")
            let id = try file.imageID(record)
            let label = try file.integer(record, field: 1, name: "class label")
            guard label >= 0 else { throw file.error(record.line, "class label \(label) is negative") }
            guard labels.updateValue(label, forKey: id) == nil else {
                throw file.error(record.line, "duplicate image id '\(id)'")
            }
        }
        return labels
    }

    /// `image_sizes.txt`: `image_id,width,height`, both positive.
    static func parseImageSizes(_ file: MetadataTextFile) throws -> [String: ImageSize] {
        var sizes: [String: ImageSize] = [:]
        sizes.reserveCapacity(file.records.count)
        for record in file.records {
            try file.expectFieldCount(record, 3, layout: "image_id,width,height")
            let id = try file.imageID(record)
            let width = try file.integer(record, field: 1, name: "width")
            let height = try file.integer(record, field: 2, name: "height")
            guard width > 0, height > 0 else {
                throw file.error(record.line, "image size \(width)x\(height) is not positive")
            }
            guard sizes.updateValue(ImageSize(width: width, height: height), forKey: id) == nil else {
                throw file.error(record.line, "duplicate image id '\(id)'")
            }
        }
        return sizes
    }

    /// `localization.txt`: the first line decides the kind (5 fields = boxes, 3 = masks); every
    /// other line must be of the same kind. An empty file is an empty box table.
    static func parseLocalization(_ file: MetadataTextFile) throws -> LocalizationContent {
        guard let first = file.records.first else { return .boxes([:]) }
        switch first.fields.count {
        case 5: return .boxes(try parseBoxes(file))
        case 3: return .masks(try parseMasks(file))
        default:
            throw file.error(first.line, """
                expected 5 fields (image_id,x0,y0,x1,y1) or 3 fields (image_id,mask_path,ignore_path), \
                found \(first.fields.count)
                """)
        }
    }

    /// Box lines; several lines per image give several boxes, in file order. Coordinates are
    /// stored as written (CUB's `x1 = x + w` is kept, methods.md §2.2); `x1 < x0` or `y1 < y0`
    /// is an error, negative or out-of-image coordinates are not (the evaluator clips).
    static func parseBoxes(_ file: MetadataTextFile) throws -> [String: [MetadataBox]] {
        var boxes: [String: [MetadataBox]] = [:]
        for record in file.records {
            try file.expectFieldCount(record, 5, layout: "box line image_id,x0,y0,x1,y1 like line \(file.records[0].line)")
            let id = try file.imageID(record)
            let names = ["x0", "y0", "x1", "y1"]
            let values = try (1...4).map { try file.number(record, field: $0, name: names[$0 - 1]) }
            let box = MetadataBox(x0: values[0], y0: values[1], x1: values[2], y1: values[3])
            guard box.x1 >= box.x0 else { throw file.error(record.line, "x1 (\(values[2])) < x0 (\(values[0]))") }
            guard box.y1 >= box.y0 else { throw file.error(record.line, "y1 (\(values[3])) < y0 (\(values[1]))") }
            boxes[id, default: []].append(box)
        }
        return boxes
    }

    /// Mask lines: one per instance mask. The ignore path is read from an image's first line only;
    /// a later line that names one is an error (the reference asserts the same).
    static func parseMasks(_ file: MetadataTextFile) throws -> [String: MaskFiles] {
        var masks: [String: MaskFiles] = [:]
        for record in file.records {
            try file.expectFieldCount(record, 3,
                                      layout: "mask line image_id,mask_path,ignore_path like line \(file.records[0].line)")
            let id = try file.imageID(record)
            let maskPath = record.fields[1]
            let ignorePath = record.fields[2]
            guard !maskPath.isEmpty else { throw file.error(record.line, "empty mask path") }
            if masks[id] != nil {
                guard ignorePath.isEmpty else {
                    throw file.error(record.line, """
                        ignore path on a later mask line of '\(id)' (only an image's first line may name one)
                        """)
                }
                masks[id]?.instancePaths.append(maskPath)
            } else {
                masks[id] = MaskFiles(instancePaths: [maskPath], ignorePath: ignorePath.isEmpty ? nil : ignorePath)
            }
        }
        return masks
    }
}
