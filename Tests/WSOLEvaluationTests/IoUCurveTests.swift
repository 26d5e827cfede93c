import Testing
import WSOLEvaluation
import WSOLLocalization

@Suite struct IoUCurveTests {
    @Test func perImageMeanAndPooledDiffer() {
        // Image 1: 4 pixels, levels [255, 255, 100, 0], mask [1, 1, 0, 0] (P = 2).
        //   t <= 100 keeps 3 px: I = 2, U = 3 -> 2/3 (t = 0: 4 px, 2/4); 100 < t <= 255: I 2, U 2 -> 1.
        // Image 2: 2 pixels, levels [255, 50], mask [0, 1] (P = 1).
        //   t = 0: U = 2, I = 1 -> 1/2; 0 < t <= 50: same px set -> 1/2; 50 < t <= 255: I 0, U 2 -> 0.
        var accumulator = IoUCurveAccumulator()
        accumulator.accumulate(QuantizedScoreMap(width: 4, height: 1, levels: [255, 255, 100, 0]),
                               mask: GroundTruthMask(width: 4, height: 1, labels: [1, 1, 0, 0]))
        accumulator.accumulate(QuantizedScoreMap(width: 2, height: 1, levels: [255, 50]),
                               mask: GroundTruthMask(width: 2, height: 1, labels: [0, 1]))
        let result = accumulator.result()
        // Mean at t = 50: (2/3 + 1/2) / 2 = 7/12; at t = 101: (1 + 0) / 2 = 1/2; t = 0: (1/2 + 1/2)/2.
        #expect(result.meanCurve[50] == (2.0 / 3.0 + 0.5) / 2)
        #expect(result.meanCurve[101] == 0.5)
        #expect(result.meanPeakLevel == 1)  // 7/12 first reached at t = 1
        // Pooled at t = 50: I = 2 + 1, U = 3 + 2 -> 3/5; at t = 101: I = 2, U = 2 + 2 -> 1/2.
        #expect(result.pooledCurve[50] == 0.6)
        #expect(result.pooledCurve[101] == 0.5)
        #expect(result.pooledPeak == 60)
    }
}
