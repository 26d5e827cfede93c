import Testing
import TensorTestSupport
@testable import WSOLEvaluation

/// PxAP / PIoU on masks whose answers are worked out by hand. wsolevaluation's own tests
/// (`MaskEvaluatorTest`) assert the same laws on its OpenImages test masks: a constant map scores
/// `100 * P / (P + N)` whatever the constant, a perfect map scores 100 whatever the score on
/// ignored pixels, and a mask without positives is an error.
@Suite struct PixelPrecisionRecallTests {
    /// Labels [fg, bg, ignored, fg]: P = 2 positives, N = 1 negative, one ignored pixel.
    static let mask = GroundTruthMask(width: 4, height: 1, labels: [1, 0, 255, 1])

    @Test(arguments: [0.0, 0.5, 1.0])
    func constantMapScoresThePositiveRate(value: Double) throws {
        // Interval 0.25: bins [0,.25) [.25,.5) [.5,.75) [.75,1) [1,2) [2,3]. Every scored pixel lands
        // in one bin, so the curve jumps once from (recall 0) to TP = 2, FP = 1: precision 2/3,
        // recall 1 -> PxAP = 2/3 * (1 - 0) * 100 = 100 * P / (P + N).
        var accumulator = PixelPrecisionRecallAccumulator(interval: 0.25)
        accumulator.accumulate(doubleValues: [value, value, value, value], mask: Self.mask)
        let result = try accumulator.result()
        expectClose([Float(result.pixelAveragePrecision)], [Float(200.0 / 3.0)])
        #expect(result.pixelAveragePrecision == (2.0 / 3.0) * 1.0 * 100)
    }

    @Test(arguments: [0.0, 1.0])
    func perfectMapScoresOneHundred(ignoredScore: Double) throws {
        // Positives score 1 (bin [1,2)), the negative 0 (bin [0,.25)). Cutoff 1: TP 2, FP 0 ->
        // precision 1, recall 1 -> PxAP 100; PIoU = max TP / (TP + FP + FN) = 2 / 2 = 100.
        var accumulator = PixelPrecisionRecallAccumulator(interval: 0.25)
        accumulator.accumulate(doubleValues: [1, 0, ignoredScore, 1], mask: Self.mask)
        #expect(accumulator.positiveHistogram == [0, 0, 0, 0, 2, 0])
        #expect(accumulator.negativeHistogram == [1, 0, 0, 0, 0, 0])
        let result = try accumulator.result()
        #expect(result.pixelAveragePrecision == 100)
        #expect(result.pixelIoU == 100)
        #expect(result.cutoffs[result.bestIoUIndex] == 1)
    }

    @Test func partlyRankedMapByHand() throws {
        // Scores: fg 0.8 (bin 3), bg 0.6 (bin 2), fg 0.3 (bin 1). Curve (cutoff: TP, FP):
        // 2: 0,0 | 1: 0,0 | .75: 1,0 | .5: 1,1 | .25: 2,1 | 0: 2,1.
        // Terms precision_j * (recall_j - recall_j-1): .75: 1 * .5; .5: .5 * 0; .25: 2/3 * .5; 0: 2/3 * 0.
        // PxAP = 100 * (0.5 + 1/3) = 83.33...; IoU: .75: 1/2; .5: 1/3; .25: 2/3 -> PIoU 66.67 at 0.25.
        var accumulator = PixelPrecisionRecallAccumulator(interval: 0.25)
        accumulator.accumulate(doubleValues: [0.8, 0.6, 0.9, 0.3], mask: Self.mask)
        let result = try accumulator.result()
        #expect(result.truePositives == [0, 0, 1, 1, 2, 2])
        #expect(result.falsePositives == [0, 0, 0, 1, 1, 1])
        expectClose([Float(result.pixelAveragePrecision)], [Float(100.0 * (0.5 + 1.0 / 3.0))])
        expectClose([Float(result.pixelIoU)], [Float(200.0 / 3.0)])
        #expect(result.cutoffs[result.bestIoUIndex] == 0.25)
    }

    @Test func maskWithoutPositivesIsAnError() {
        var accumulator = PixelPrecisionRecallAccumulator(interval: 0.25)
        accumulator.accumulate(doubleValues: [0, 1], mask: GroundTruthMask(width: 2, height: 1, labels: [0, 255]))
        #expect(throws: MaskMetricError.self) { try accumulator.result() }
    }

    @Test func binsFollowNumpyEdges() {
        // Edges are k * 0.001 in float64: 9 * 0.001 = 0.009000000000000001 > 0.009, so the
        // literal 0.009 falls in bin 8 (NumPy agrees); exactly 1.0 goes to [1, 2) (index 1000).
        let accumulator = PixelPrecisionRecallAccumulator(interval: 0.001)
        #expect(accumulator.binIndex(of: 0.009) == 8)
        #expect(accumulator.binIndex(of: 9 * 0.001) == 9)
        #expect(accumulator.binIndex(of: 0.007) == 7)
        #expect(accumulator.binIndex(of: 1.0) == 1000)
        #expect(accumulator.binIndex(of: 0.0) == 0)
        #expect(accumulator.binIndex(of: 0.9999) == 999)
    }
}
