//! `wsol pseudo-boxes`: a metadata root whose training split carries pseudo boxes (e.g. C²AM's
//! class-agnostic boxes from `wsol localize --boxes largest`), to train a box regressor on.
import ArgumentParser
import Foundation
import WSOLData

/// Writes `<out>/<dataset>/<split>/` with the pseudo boxes of `boxes.json` as its `localization.txt`
/// (original-image pixels) and copies every other split directory of the dataset unchanged, so
/// `wsol train --metadata-root <out> --method box-regressor` trains on pseudo boxes and still
/// selects checkpoints on the real train-fullsup boxes.
struct PseudoBoxesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudo-boxes",
        abstract: "Turn localize's boxes.json into a metadata root whose train split has pseudo boxes.",
        discussion: """
            --boxes is the boxes.json of `wsol localize ... --metadata <train split> --boxes largest` \
            (COCO-style [x, y, w, h] in each record's map_width x map_height frame). Boxes are scaled \
            to the original image size from image_sizes.txt. Images without a record, or whose box \
            is empty (no region above the threshold), are left out of the new split and counted.
            """
    )

    @Option(help: "boxes.json written by wsol localize.") var boxes: String
    @Option(help: "Source metadata root holding <dataset>/<split>/.") var metadataRoot: String
    @Option(help: "Dataset directory name.") var dataset = "SynthWSOL"
    @Option(help: "Split that receives the pseudo boxes.") var split = "train"
    @Option(help: "New metadata root to write.") var out: String

    func run() throws {
        let summary = try write()
        print("\(split): \(summary.kept) images with a pseudo box, \(summary.missing) without a record, "
              + "\(summary.empty) with an empty box (left out) -> \(summary.directory)")
    }

    struct Summary: Equatable {
        var kept = 0, missing = 0, empty = 0
        var directory = ""
    }

    /// Writes the new metadata root; returns what happened to the split's images.
    func write() throws -> Summary {
        let source = (metadataRoot as NSString).appendingPathComponent(dataset)
        let target = (out as NSString).appendingPathComponent(dataset)
        guard (source as NSString).standardizingPath != (target as NSString).standardizingPath else {
            throw ValidationError("--out must differ from --metadata-root (the source metadata is never rewritten)")
        }
        let splitDirectory = (source as NSString).appendingPathComponent(split)
        let original = try WSOLMetadata.read(directory: splitDirectory)
        let records = try PseudoBoxRecord.read(boxes)
        var (pseudo, summary) = try Self.pseudoSplit(original, records: records)
        summary.directory = (target as NSString).appendingPathComponent(split)
        guard summary.kept > 0 else {
            throw ValidationError("\(boxes): no image of \(splitDirectory) has a non-empty box")
        }
        try copyOtherEntries(from: source, to: target)
        pseudo.masks = [:]
        try pseudo.write(to: summary.directory)
        return summary
    }

    /// The split restricted to images with a non-empty pseudo box, boxes in original pixels.
    static func pseudoSplit(_ original: WSOLMetadata, records: [String: [PseudoBoxRecord]]) throws -> (WSOLMetadata, Summary) {
        var result = WSOLMetadata()
        var summary = Summary()
        for id in original.imageIDs {
            guard let list = records[id] else { summary.missing += 1; continue }
            guard let size = original.imageSizes[id] else {
                throw ValidationError("\(id): no size in image_sizes.txt, so its pseudo box cannot be scaled")
            }
            let scaled = list.filter { !$0.isEmpty }.map { $0.originalBox(size) }
            guard !scaled.isEmpty else { summary.empty += 1; continue }
            result.imageIDs.append(id)
            (result.classLabels[id], result.imageSizes[id], result.boxes[id]) = (original.classLabels[id], size, scaled)
            summary.kept += 1
        }
        return (result, summary)
    }

    /// Copies every entry of the dataset directory except the pseudo split (other splits,
    /// `classes.txt`), replacing what `out` held under those names.
    func copyOtherEntries(from source: String, to target: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: source) where name != split {
            let destination = (target as NSString).appendingPathComponent(name)
            if manager.fileExists(atPath: destination) { try manager.removeItem(atPath: destination) }
            try manager.copyItem(atPath: (source as NSString).appendingPathComponent(name), toPath: destination)
        }
    }
}

/// One record of `boxes.json` (the fields a pseudo box needs); `bbox` is `[x0, y0, w, h]` with
/// `w = x1 − x0 + 1` of the extracted box (`LocalizeCommand+Outputs.swift`).
struct PseudoBoxRecord: Decodable, Equatable {
    var imageID: String
    /// `[x, y, w, h]` in the `mapWidth x mapHeight` frame (inclusive widths).
    var bbox: [Double]
    var mapWidth: Int
    var mapHeight: Int

    enum CodingKeys: String, CodingKey {
        case imageID = "image_id", bbox, mapWidth = "map_width", mapHeight = "map_height"
    }

    /// True for `wsol localize`'s record of a map with no region above the threshold: the
    /// extraction's `Box.zero`, written `[0, 0, 1, 1]` (a real one-pixel region at the origin has
    /// the corner `(1, 1)`, methods.md §2.6, and is written `[0, 0, 2, 2]`).
    var isEmpty: Bool { bbox == [0, 0, 1, 1] || bbox[2] <= 0 || bbox[3] <= 0 }

    /// The box scaled from the map frame to the original image. `bbox` holds inclusive widths
    /// (`w = x1 − x0 + 1`), so the extraction's corners are `(x, y, x + w − 1, y + h − 1)`; they
    /// are multiplied by `originalSide / mapSide`.
    func originalBox(_ size: ImageSize) -> MetadataBox {
        let (sx, sy) = (Double(size.width) / Double(mapWidth), Double(size.height) / Double(mapHeight))
        return MetadataBox(x0: bbox[0] * sx, y0: bbox[1] * sy,
                           x1: (bbox[0] + bbox[2] - 1) * sx, y1: (bbox[1] + bbox[3] - 1) * sy)
    }

    /// Records grouped by image id; a clear error for anything that is not localize's format.
    static func read(_ path: String) throws -> [String: [PseudoBoxRecord]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): cannot read the file")
        }
        let records: [PseudoBoxRecord]
        do {
            records = try JSONDecoder().decode([PseudoBoxRecord].self, from: data)
        } catch {
            throw ValidationError("\(path): not a boxes.json of wsol localize (\(error))")
        }
        for (index, record) in records.enumerated() {
            let finite = record.bbox.allSatisfy { $0.isFinite && $0 >= 0 }
            guard record.bbox.count == 4, finite, record.mapWidth > 0, record.mapHeight > 0 else {
                throw ValidationError("\(path): record \(index) (\(record.imageID)) needs bbox [x, y, w, h] >= 0 and a positive map size")
            }
        }
        return Dictionary(grouping: records, by: \.imageID)
    }
}
