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
}
