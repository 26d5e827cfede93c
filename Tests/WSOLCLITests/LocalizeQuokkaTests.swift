//! The real-photo check: MobileNetV2 + CAM on imgaug's quokka finds the human box (IoU >= 0.5).
import Foundation
import Testing
import WSOLLocalization
@testable import WSOLCLI

private var quokkaAvailable: Bool {
    AssetCache.mobileNetV2Weights != nil
        && FileManager.default.fileExists(atPath: AssetCache.directory + "/photos/quokka.jpg")
}

@Suite("Quokka", .enabled(if: quokkaAvailable, "asset cache absent: run scripts/fetch-assets"))
struct LocalizeQuokkaTests {
    @Test func camBoxAtThreshold03MatchesTheHumanBox() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("quokka-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let command = try #require(try WSOLCommand.parseAsRoot([
            "localize", AssetCache.directory + "/photos/quokka.jpg", "--out", out, "--method", "cam",
            "--threshold", "0.3", "--original-size", "--quiet",
        ]) as? LocalizeCommand)
        #expect(try LocalizeRunner(command: command).run().localized == 1)
        let records = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/boxes.json"))) as? [[String: Any]]
        let bbox = try #require(records?.first?["bbox"] as? [Int])
        // COCO [x, y, w, h] with inclusive pixels back to corners; the human box (imgaug's
        // quokka_annotations.json) is (148, 50, 550, 642) in the 960x643 photo.
        let predicted = Box(x0: bbox[0], y0: bbox[1], x1: bbox[0] + bbox[2] - 1, y1: bbox[1] + bbox[3] - 1)
        let iou = intersectionOverUnion(predicted, Box(x0: 148, y0: 50, x1: 550, y1: 642))
        #expect(iou >= 0.5, "CAM box \(predicted) has IoU \(iou) with the human box")
    }
}
