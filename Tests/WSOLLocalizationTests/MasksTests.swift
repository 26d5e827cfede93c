//! Binary masks at a threshold, consistent with box extraction.
import Testing
@testable import WSOLLocalization

@Suite("Masks")
struct MasksTests {
    @Test func maskUsesTheQuantisedStrictThreshold() {
        // Levels floor(v·255): 0.3 -> 76, 0.31 -> 79, 1 -> 255; threshold 0.3 of max 255 -> level 76;
        // foreground is level > 76, so 0.3 is background and 0.31 foreground.
        let map = ScoreMap(width: 4, height: 1, values: [0, 0.3, 0.31, 1])
        #expect(BinaryMask(map, threshold: 0.3).values == [0, 0, 1, 1])
        #expect(BinaryMask(map, threshold: 0.3).foregroundCount == 2)
    }

    @Test func maskClosingFillsAOnePixelHole() {
        var map = ScoreMap(width: 5, height: 5, repeating: 1)
        map[2, 2] = 0
        #expect(BinaryMask(map, threshold: 0.5).values[12] == 0)
        #expect(BinaryMask(map, threshold: 0.5, closingKernelSize: 3).values[12] == 1)
    }

    @Test func maskAndLargestBoxAgree() {
        // One blob at columns 2...4, rows 1...2 of a 6x5 map: the mask covers exactly it, and the
        // V1 box is its extent with the reference's x + w quirk: (2, 1, 5, 3).
        var map = ScoreMap(width: 6, height: 5, repeating: 0)
        for y in 1...2 { for x in 2...4 { map[x, y] = 1 } }
        let mask = BinaryMask(map, threshold: 0.5)
        #expect(mask.foregroundCount == 6)
        #expect(mask.values[1 * 6 + 2] == 1 && mask.values[2 * 6 + 4] == 1 && mask.values[3 * 6 + 2] == 0)
        let box = BoxExtractor.boxes(in: QuantizedScoreMap(map), threshold: 0.5, selection: .largest)
        #expect(box == [Box(x0: 2, y0: 1, x1: 5, y1: 3)])
    }
}
