import Testing
import WSOLLocalization

@Suite struct GeometryTests {
    @Test func identicalZeroBoxesHaveIoUOne() {
        // Inclusive corners: (0,0,0,0) is one pixel; inter 1, union 1 + 1 - 1 = 1.
        #expect(intersectionOverUnion(.zero, .zero) == 1.0)
    }

    @Test func realisticIoUIsEightOverTwentySeven() {
        // wsolevaluation's test: a = (1,2,5,6) has 5x5 = 25 pixels, b = (3,1,4,5) has 2x5 = 10;
        // overlap columns 3-4, rows 2-5 -> 2x4 = 8; IoU = 8 / (25 + 10 - 8) = 8/27.
        let iou = intersectionOverUnion(Box(x0: 1, y0: 2, x1: 5, y1: 6), Box(x0: 3, y0: 1, x1: 4, y1: 5))
        #expect(iou == 8.0 / 27.0)
    }

    @Test func disjointAndEyeBoxes() {
        let a = Box(x0: 1, y0: 1, x1: 3, y1: 3), b = Box(x0: 4, y0: 4, x1: 5, y1: 5)
        #expect(intersectionOverUnion(a, a) == 1)
        #expect(intersectionOverUnion(a, b) == 0)
        #expect(bestIntersectionOverUnion(b, [a, b]) == 1)
        #expect(bestIntersectionOverUnion(b, []) == 0)
    }

    @Test func degenerateDenominatorGivesZero() {
        // (1,1,0,0) has width 0 and height 0 -> area 0; with itself inter = 0 -> denominator 0 -> IoU 0.
        let inverted = Box(x0: 1, y0: 1, x1: 0, y1: 0)
        #expect(!inverted.hasOrderedCorners)
        #expect(intersectionOverUnion(inverted, inverted) == 0)
    }

    @Test func resizeTruncatesLikeTheReference() {
        // wsolevaluation's test: (1,2,4,3) from 10x20 to 35x10: x: 1*35/10 = 3.5 -> 3, 4*35/10 = 14;
        // y: 2*10/20 = 1, 3*10/20 = 1.5 -> 1.
        let box = Box.resized(corners: (1, 2, 4, 3), imageSize: (10, 20), frameSize: (35, 10))
        #expect(box == Box(x0: 3, y0: 1, x1: 14, y1: 1))
        #expect(Box.resized(corners: (1, 2, 1, 2), imageSize: (3, 3), frameSize: (3, 3)) == Box(x0: 1, y0: 2, x1: 1, y1: 2))
    }

    @Test func minMaxNormalisationAndDegenerateMaps() {
        // (v - 2) / (6 - 2): 2 -> 0, 4 -> 0.5, 6 -> 1.
        let map = ScoreMap(width: 3, height: 1, values: [2, 4, 6]).minMaxNormalized()
        #expect(map.values == [0, 0.5, 1])
        #expect(ScoreMap(width: 2, height: 1, values: [3, 3]).minMaxNormalized().values == [0, 0])
        #expect(ScoreMap(width: 2, height: 1, values: [.nan, 1]).minMaxNormalized().values == [0, 0])
    }

    @Test func thresholdGridFollowsArange() {
        // np.arange(0, 1, 0.001) has 1000 values k * 0.001; arange(0, 1, 0.01) 100; 0.2 -> 5.
        let fine = ThresholdGrid(interval: 0.001)
        #expect(fine.count == 1000)
        #expect(fine.thresholds[999] == 999 * 0.001)
        #expect(ThresholdGrid(interval: 0.01).count == 100)
        #expect(ThresholdGrid(interval: 0.2).thresholds == [0, 0.2, 0.4, 0.2 * 3, 0.8])
    }
}
