//! Bit-exact agreement with clovaai/wsolevaluation on the seeded fixture (see eval_parity.py).
import Testing
import WSOLData
import WSOLEvaluation
import WSOLLocalization

@Suite struct ReferenceParityTests {
    static let percentKeys = ["30", "50", "70"]

    @Test func candidateBoxesMatchReferenceAtSampledThresholds() throws {
        let (expected, maps) = try ParityFixture.load()
        for candidate in expected.candidates {
            let map = maps[candidate.map]
            let level = map.quantized.thresholdLevel(for: candidate.threshold)
            let v1 = BoxExtractor.boxes(in: map.quantized, thresholdLevel: level, selection: .largest)
            let v2 = BoxExtractor.boxes(in: map.quantized, thresholdLevel: level, selection: .all)
            let context = "map \(candidate.map) (\(map.record.kind)) at \(candidate.threshold)"
            #expect(v1.map { [$0.x0, $0.y0, $0.x1, $0.y1] } == candidate.v1, "\(context)")
            #expect(v2.map { [$0.x0, $0.y0, $0.x1, $0.y1] }.sorted { $0.lexicographicallyPrecedes($1) }
                    == candidate.v2, "\(context)")
        }
    }

    @Test(arguments: ["0.01", "0.001"], [ContourSelection.largest, .all])
    func boxAccuracyCountsAndMaximaMatchReference(interval: String, selection: ContourSelection) throws {
        let (expected, maps) = try ParityFixture.load()
        let numbers = try #require(expected.box[interval]?[selection == .largest ? "v1" : "v2"])
        var accumulator = BoxAccuracyAccumulator(configuration: BoxAccuracyConfiguration(
            interval: ParityFixture.double(interval), iouThresholds: [0.3, 0.5, 0.7], selection: selection))
        for map in maps { accumulator.accumulate(map.quantized, groundTruth: map.groundTruth) }
        let result = accumulator.result()
        for (index, key) in Self.percentKeys.enumerated() {
            #expect(accumulator.correctCounts[index] == numbers.numCorrect[key], "IoU \(key)")
            #expect(result.maxBoxAccuracy[index] == ParityFixture.double(numbers.maxBoxAcc[key] ?? ""), "IoU \(key)")
        }
        #expect(result.meanMaxBoxAccuracy == ParityFixture.double(numbers.mean))
    }

    @Test(arguments: ["0.01", "0.001"])
    func pixelAveragePrecisionMatchesReference(interval: String) throws {
        let (expected, maps) = try ParityFixture.load()
        let numbers = try #require(expected.mask[interval])
        var accumulator = PixelPrecisionRecallAccumulator(interval: ParityFixture.double(interval))
        for map in maps { accumulator.accumulate(doubleValues: map.array.doubleValues, mask: map.mask) }
        #expect(accumulator.positiveHistogram == numbers.positiveHistogram)
        #expect(accumulator.negativeHistogram == numbers.negativeHistogram)
        let result = try accumulator.result()
        #expect(result.pixelAveragePrecision == ParityFixture.double(numbers.PxAP))
    }
}
