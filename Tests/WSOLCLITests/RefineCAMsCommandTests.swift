import Foundation
import Testing
import WSOLData
@testable import WSOLCLI

/// `wsol refine-cams` end to end on one 2x2 image: mask (1, 1 / 0, 0) (foreground = top row),
/// CAM (0.9, 0.3 / 0.6, 0.1), C²AM foreground F (0.8, 0.9 / 0.1, 0.3).
/// Refined pseudo mask `CAM > 1 − F`: 0.9 > 0.2, 0.3 > 0.1, 0.6 > 0.9 no, 0.1 > 0.7 no → the top
/// row exactly: fg IoU 1, bg IoU 1, mIoU 100. Refined scores (CAM + F)/2 = 0.85, 0.6, 0.35, 0.2.
/// Plain CAM `> t`: t = 0.05 → all four (fg 2/4, bg 0/2 → 25); t = 0.10 → pixels 0, 1, 2 (fg 2/3,
/// bg 1/2 → 58.33), the first maximum (t in 0.30-0.55 → 33.33, t in 0.60-0.85 → 58.33 again).
/// F > 0.5 → the top row → 100.
@Suite struct RefineCAMsCommandTests {
    @Test func refinesAndScoresPseudoMasks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-refine-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let split = root + "/metadata/test"
        try FileManager.default.createDirectory(atPath: split, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/data/m", withIntermediateDirectories: true)
        try "m/x.png".write(toFile: split + "/image_ids.txt", atomically: true, encoding: .utf8)
        try "m/x.png,0".write(toFile: split + "/class_labels.txt", atomically: true, encoding: .utf8)
        try "m/x.png,m/x_mask.png,m/none.png".write(toFile: split + "/localization.txt", atomically: true, encoding: .utf8)
        try ImageCodec.writePNG(PixelImage(width: 2, height: 2, channels: 1, pixels: [255, 255, 0, 0]), to: root + "/data/m/x_mask.png")
        try ImageCodec.writePNG(PixelImage(width: 2, height: 2, channels: 1, pixels: [0, 0, 0, 0]), to: root + "/data/m/none.png")
        try NumpyFile.writeFloat32([0.9, 0.3, 0.6, 0.1], shape: [2, 2], to: root + "/cams/m/x.npy")
        try NumpyFile.writeFloat32([0.8, 0.9, 0.1, 0.3], shape: [2, 2], to: root + "/fg/m/x.npy")
        let parsed = try WSOLCommand.parseAsRoot([
            "refine-cams", "--cams", root + "/cams", "--foreground", root + "/fg", "--metadata", split,
            "--data-root", root + "/data", "--input-size", "2", "--out", root + "/refined",
        ])
        let scores = try #require(parsed as? RefineCAMsCommand).refine()
        #expect(scores.images == 1)
        #expect(scores.refined.meanIoU == 100 && scores.foregroundOnly.meanIoU == 100)
        let text = scores.jsonText()
        #expect(text.contains("\"camMIoU\": 58.33") && text.contains("\"camBackgroundScore\": 0.1,"), "\(text)")
        let refined = try NumpyFile.read(root + "/refined/m/x.npy")
        #expect(refined.shape == [2, 2])
        #expect(zip(refined.doubleValues, [0.85, 0.6, 0.35, 0.2]).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
