import Testing
import WSOLLocalization

/// The incremental sweep must score exactly the boxes the per-threshold extractor returns.
@Suite struct BoxExtractionLevelSweepTests {
    /// A deterministic generator (SplitMix64) so failures reproduce.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// Maps with few grey levels, so components, holes and ties are frequent.
    static func randomMap(_ random: inout SplitMix) -> QuantizedScoreMap {
        let width = 3 + random.below(14), height = 3 + random.below(14)
        let palette: [UInt8] = [0, 40, 90, 130, 200, 255]
        let levels = (0..<width * height).map { _ in palette[random.below(palette.count)] }
        return QuantizedScoreMap(width: width, height: height, levels: levels)
    }

    @Test(arguments: [ContourSelection.largest, .all])
    func sweepMatchesPerThresholdExtraction(selection: ContourSelection) {
        var random = SplitMix(state: 42)
        var sweep = LevelSweep()
        for _ in 0..<300 {
            let map = Self.randomMap(&random)
            let target = Box(x0: random.below(map.width), y0: random.below(map.height),
                             x1: random.below(map.width), y1: random.below(map.height))
            let levels = [0, 39, 40, 89, 129, 130, 199, 254, 255]
            let scores = sweep.bestScores(in: map, thresholdLevels: levels, selection: selection) {
                intersectionOverUnion($0, target)
            }
            for level in levels {
                let boxes = BoxExtractor.boxes(in: map, thresholdLevel: level, selection: selection)
                let expected = boxes.map { intersectionOverUnion($0, target) }.max() ?? -1
                #expect(scores[level] == expected, "level \(level), map \(map.width)x\(map.height)")
            }
        }
    }
}
