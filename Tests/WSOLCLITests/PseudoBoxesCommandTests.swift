import Foundation
import Testing
import WSOLData
@testable import WSOLCLI

/// `wsol pseudo-boxes`: a 3-image train split (a 128 x 64, b 64 x 64, c 64 x 64); boxes.json in a
/// 64 x 64 map frame, written as `wsol localize` writes extracted boxes (`[x0, y0, x1 − x0 + 1,
/// y1 − y0 + 1]`), has a box for a, the no-region record `Box.zero` = `[0, 0, 1, 1]` for c,
/// nothing for b. a: [8, 16, 24, 32] is the extracted box (8, 16)-(31, 47); x scaled by 128 / 64 = 2:
/// (16, 16, 62, 47).
@Suite struct PseudoBoxesCommandTests {
    func makeSource(_ root: String) throws {
        for split in ["train", "val"] {
            let directory = root + "/meta/SynthWSOL/" + split
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "a.png\nb.png\nc.png\n".write(toFile: directory + "/image_ids.txt", atomically: true, encoding: .utf8)
            try "a.png,0\nb.png,1\nc.png,2\n".write(toFile: directory + "/class_labels.txt", atomically: true, encoding: .utf8)
            try "a.png,128,64\nb.png,64,64\nc.png,64,64\n".write(toFile: directory + "/image_sizes.txt", atomically: true, encoding: .utf8)
            try "a.png,1,1,2,2\nb.png,1,1,2,2\nc.png,1,1,2,2\n".write(toFile: directory + "/localization.txt", atomically: true, encoding: .utf8)
        }
        try "class_0\n".write(toFile: root + "/meta/SynthWSOL/classes.txt", atomically: true, encoding: .utf8)
        let records = """
            [{"image_id": "a.png", "category_id": 3, "bbox": [8, 16, 24, 32], "score": 0.5, "map_width": 64, "map_height": 64},
             {"image_id": "c.png", "category_id": 3, "bbox": [0, 0, 1, 1], "score": 0.1, "map_width": 64, "map_height": 64}]
            """
        try records.write(toFile: root + "/boxes.json", atomically: true, encoding: .utf8)
    }

    func command(_ root: String, boxes: String? = nil) throws -> PseudoBoxesCommand {
        let parsed = try WSOLCommand.parseAsRoot(["pseudo-boxes", "--boxes", boxes ?? root + "/boxes.json",
                                                  "--metadata-root", root + "/meta", "--out", root + "/pseudo"])
        return try #require(parsed as? PseudoBoxesCommand)
    }

    @Test func writesScaledPseudoBoxesAndCopiesOtherSplits() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-pseudo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeSource(root)
        let summary = try command(root).write()
        #expect(summary.kept == 1 && summary.missing == 1 && summary.empty == 1)
        // A real one-pixel region at the origin ([0, 0, 2, 2]) is a box, not the empty record.
        let origin = PseudoBoxRecord(imageID: "o", bbox: [0, 0, 2, 2], mapWidth: 64, mapHeight: 64)
        #expect(!origin.isEmpty && origin.originalBox(ImageSize(width: 64, height: 64)) == MetadataBox(x0: 0, y0: 0, x1: 1, y1: 1))
        let train = try WSOLMetadata.read(directory: root + "/pseudo/SynthWSOL/train")
        #expect(train.imageIDs == ["a.png"] && train.classLabels["a.png"] == 0)
        #expect(train.boxes["a.png"] == [MetadataBox(x0: 16, y0: 16, x1: 62, y1: 47)])
        // val is copied byte for byte (checkpoint selection keeps the real boxes), classes.txt too.
        let source = try String(contentsOfFile: root + "/meta/SynthWSOL/val/localization.txt", encoding: .utf8)
        #expect(try String(contentsOfFile: root + "/pseudo/SynthWSOL/val/localization.txt", encoding: .utf8) == source)
        #expect(FileManager.default.fileExists(atPath: root + "/pseudo/SynthWSOL/classes.txt"))
        // The source is never rewritten.
        #expect(try WSOLMetadata.read(directory: root + "/meta/SynthWSOL/train").imageIDs.count == 3)
    }

    @Test func malformedBoxesFileIsAClearError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-pseudo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeSource(root)
        try #"[{"image_id": "a.png", "bbox": [1, 2], "map_width": 64, "map_height": 64}]"#
            .write(toFile: root + "/short.json", atomically: true, encoding: .utf8)
        try "not json".write(toFile: root + "/garbage.json", atomically: true, encoding: .utf8)
        #expect { try command(root, boxes: root + "/short.json").write() } throws: { "\($0)".contains("bbox [x, y, w, h]") }
        #expect { try command(root, boxes: root + "/garbage.json").write() } throws: { "\($0)".contains("not a boxes.json") }
        #expect { try command(root, boxes: root + "/missing.json").write() } throws: { "\($0)".contains("cannot read") }
    }
}
