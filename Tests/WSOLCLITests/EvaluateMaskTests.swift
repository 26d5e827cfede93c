import Foundation
import Testing
import WSOLData
@testable import WSOLCLI
import WSOLEvaluation

/// `wsol evaluate --mask` end to end: PNG masks decoded, resized (nearest) and scored.
///
/// One image `m/x.jpg`; masks are 16x16 PNGs, maps 8x8 (`--input-size 8`), so nearest resizing
/// reads every second source pixel. Instance: source columns 0-7 -> frame columns 0-3 (32 px).
/// Ignore: source rows 0-1 -> frame row 0; minus the foreground -> row 0, columns 4-7 (4 px).
/// Background: the other 28 px. Map: 0.95 on columns 0-3 rows 0-5 (24 positives), 0.25 on columns
/// 0-3 rows 6-7 (8 positives); 0.65 on columns 4-5 and 0.25 on columns 6-7 (14 + 14 negatives
/// outside row 0; row 0's are ignored whatever they score).
/// Interval 0.1. Curve, descending: 0.95's bin: TP 24, FP 0 (precision 1, recall 0.75);
/// 0.65's bin: TP 24, FP 14 (recall unchanged); 0.25's bin: TP 32, FP 28 (precision 32/60, recall 1).
/// PxAP = 100 * (1 * 0.75 + 32/60 * 0.25) = 88.333...; IoU: 24/32, 24/46, 32/60 -> PIoU 75.
/// LID levels: 0.95 -> 242, 0.65 -> 165, 0.25 -> 63; foreground `level >= t`: t in 166...242 keeps
/// the 24 positives -> IoU 0.75, the peak, first reached at t = 166.
/// Context leak (ignored pixels in neither sum): background mass 14 * 0.65 + 14 * 0.25 = 12.6,
/// foreground 24 * 0.95 + 8 * 0.25 = 24.8 -> 100 * 12.6 / 37.4 = 33.69%.
@Suite struct EvaluateMaskTests {
    @Test func pixelMetricsOnPNGMasks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wsol-mask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let split = root.appendingPathComponent("metadata/test")
        try FileManager.default.createDirectory(at: split, withIntermediateDirectories: true)
        try "m/x.jpg".write(to: split.appendingPathComponent("image_ids.txt"), atomically: true, encoding: .utf8)
        try "m/x.jpg,0".write(to: split.appendingPathComponent("class_labels.txt"), atomically: true, encoding: .utf8)
        try "m/x.jpg,m/x_inst.png,m/x_ignore.png".write(to: split.appendingPathComponent("localization.txt"),
                                                        atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("m"), withIntermediateDirectories: true)
        let instance = (0..<256).map { $0 % 16 < 8 ? UInt8(255) : 0 }
        let ignore = (0..<256).map { $0 / 16 < 2 ? UInt8(255) : 0 }
        try ImageCodec.writePNG(PixelImage(width: 16, height: 16, channels: 1, pixels: instance),
                                to: data.appendingPathComponent("m/x_inst.png").path)
        try ImageCodec.writePNG(PixelImage(width: 16, height: 16, channels: 1, pixels: ignore),
                                to: data.appendingPathComponent("m/x_ignore.png").path)
        var values = [Float](repeating: 0, count: 64)
        for y in 0..<8 {
            for x in 0..<8 {
                values[y * 8 + x] = x < 4 ? (y < 6 ? 0.95 : 0.25) : (x < 6 ? 0.65 : 0.25)
            }
        }
        try NumpyFile.writeFloat32(values, shape: [8, 8], to: root.appendingPathComponent("maps/m/x.npy").path)

        let parsed = try WSOLCommand.parseAsRoot([
            "evaluate", "--metadata", split.path, "--scoremaps", root.appendingPathComponent("maps").path,
            "--mask", "--data-root", data.path, "--cam-curve-interval", "0.1", "--input-size", "8",
        ])
        let json = try #require(parsed as? EvaluateCommand).evaluate()
        guard case .object(let members) = json else { Issue.record("summary is not an object"); return }
        func number(_ key: String) -> Double? {
            if case .number(let value)? = members.first(where: { $0.0 == key })?.1 { return value }
            return nil
        }
        let pxap = try #require(number("PxAP"))
        #expect(abs(pxap - 100 * (0.75 + 32.0 / 60.0 * 0.25)) < 1e-9)
        #expect(number("PIoU") == 75)
        let leak = try #require(number("ContextLeak"))
        #expect(abs(leak - 100 * 12.6 / 37.4) < 1e-4, "\(leak)")
        #expect(members.contains { $0.0 == "MaxBoxAcc" } == false)  // a mask split has no boxes
        let curve = try #require(members.first { $0.0 == "IoUCurve" }?.1)
        #expect(curve.rendered().contains("\"meanPeak\":75"))
        #expect(curve.rendered().contains("\"meanPeakLevel\":166"))
    }
}
