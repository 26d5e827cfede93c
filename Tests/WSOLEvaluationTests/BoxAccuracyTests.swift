import Testing
import WSOLEvaluation
import WSOLLocalization

@Suite struct BoxAccuracyTests {
    /// 4x4 map: 1.0 on the 2x2 block x 0-1, y 0-1; 0.5 on the rest. Levels 255 and 127.
    /// Interval 0.5: thresholds 0 and 0.5 -> levels 0 and int(0.5 * 255) = 127.
    /// Level 0: all foreground -> box (0,0,3,3) (x + w = 4 clipped). Level 127: block ->
    /// (0,0,2,2). Ground truth (0,0,2,2): IoU 9/16 = 0.5625 at level 0, 1 at level 127.
    static func blockMap() -> QuantizedScoreMap {
        var values = [Double](repeating: 0.5, count: 16)
        for index in [0, 1, 4, 5] { values[index] = 1 }
        return QuantizedScoreMap(width: 4, height: 4, doubleValues: values)
    }

    @Test func countsPerThresholdAndIoULevel() {
        var accumulator = BoxAccuracyAccumulator(configuration: .init(interval: 0.5, iouThresholds: [0.5, 0.7]))
        let ious = accumulator.accumulate(Self.blockMap(), groundTruth: [Box(x0: 0, y0: 0, x1: 2, y1: 2)],
                                          classification: .init(top1Correct: false, top5Correct: true))
        #expect(ious == [0.5625, 1])
        // Second image: a GT far away, never right.
        accumulator.accumulate(Self.blockMap(), groundTruth: [Box(x0: 3, y0: 3, x1: 3, y1: 3)])
        #expect(accumulator.correctCounts == [[1, 1], [0, 1]])  // IoU .5: both thresholds; .7: only 0.5
        #expect(accumulator.top1CorrectCounts == [[0, 0], [0, 0]])
        #expect(accumulator.top5CorrectCounts == [[1, 1], [0, 1]])
        let result = accumulator.result()
        #expect(result.curves == [[50, 50], [0, 50]])
        #expect(result.maxBoxAccuracy == [50, 50])
        #expect(result.bestThresholdIndex == [0, 1])
        #expect(result.sharedBestThresholdIndex == 1)  // sums 1 vs 2
        #expect(result.meanMaxBoxAccuracy == 50)
        #expect(result.top5ClassificationAccuracy == 100)  // one image classified, right in top 5
    }

    @Test func mergingEqualsAccumulatingTogether() {
        let configuration = BoxAccuracyConfiguration(interval: 0.1)
        var together = BoxAccuracyAccumulator(configuration: configuration)
        var first = BoxAccuracyAccumulator(configuration: configuration)
        var second = BoxAccuracyAccumulator(configuration: configuration)
        let truth = [Box(x0: 0, y0: 0, x1: 2, y1: 2)]
        together.accumulate(Self.blockMap(), groundTruth: truth)
        together.accumulate(Self.blockMap(), groundTruth: [Box(x0: 0, y0: 0, x1: 3, y1: 3)])
        first.accumulate(Self.blockMap(), groundTruth: truth)
        second.accumulate(Self.blockMap(), groundTruth: [Box(x0: 0, y0: 0, x1: 3, y1: 3)])
        first.merge(second)
        #expect(first.correctCounts == together.correctCounts)
        #expect(first.imageCount == 2)
    }

    @Test func calibrationAppliesAnotherSplitsThresholds() {
        // Calibration split: the block map with GT (0,0,2,2): IoU 0.5625 at t=0, 1 at t=0.5.
        // At IoU .7 only t=0.5 is right -> per-IoU thresholds (.5: 0, .7: 0.5); shared: 0.5.
        var calibrationSplit = BoxAccuracyAccumulator(configuration: .init(interval: 0.5, iouThresholds: [0.5, 0.7]))
        calibrationSplit.accumulate(Self.blockMap(), groundTruth: [Box(x0: 0, y0: 0, x1: 2, y1: 2)])
        let perIoU = ThresholdCalibration(boxResult: calibrationSplit.result(), mode: .perIoU)
        let shared = ThresholdCalibration(boxResult: calibrationSplit.result(), mode: .shared)
        #expect(perIoU.thresholds == [0, 0.5])
        #expect(perIoU.operatingThreshold == 0)
        #expect(shared.thresholds == [0.5, 0.5])
        // Test split: GT (0,0,3,3): IoU 1 at t=0 (box (0,0,3,3)), 9/16 at t=0.5.
        var testSplit = BoxAccuracyAccumulator(configuration: .init(interval: 0.5, iouThresholds: [0.5, 0.7]))
        testSplit.accumulate(Self.blockMap(), groundTruth: [Box(x0: 0, y0: 0, x1: 3, y1: 3)])
        let result = testSplit.result()
        #expect(result.maxBoxAccuracy == [100, 100])  // its own oracle: t=0
        #expect(result.calibratedAccuracy(perIoU)?.perIoU == [100, 0])  // .7 at t=0.5: 0.5625 < .7
        #expect(result.calibratedAccuracy(shared)?.perIoU == [100, 0])
        #expect(result.calibratedAccuracy(shared)?.mean == 50)
    }
}
