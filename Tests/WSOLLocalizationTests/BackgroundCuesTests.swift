import Testing
@testable import WSOLLocalization

@Suite struct BackgroundCuesTests {
    /// Pixel 0: bg 1 − 0.9 = 0.1 < cams (0.3, 0.2) → class 0 (label 1). Pixel 1: bg 1 − 0.2 = 0.8 >
    /// both → background. Pixel 2: bg 0.5, cams (0.4, 0.7) → class 1 (label 2). Pixel 3: bg 0.6
    /// equals cam 0.6 → the tie goes to the background (first maximum).
    @Test func argmaxUsesOneMinusForegroundAsBackground() {
        let labels = BackgroundCues.pseudoLabels(cams: [[0.3, 0.7, 0.4, 0.6], [0.2, 0.1, 0.7, 0.0]],
                                                 foreground: [0.9, 0.2, 0.5, 0.4])
        #expect(labels == [1, 0, 2, 0])
    }

    /// (CAM + F)/2: (0.3 + 0.9)/2 = 0.6 > 0.5 ⟺ 0.3 > 1 − 0.9; (0.7 + 0.2)/2 = 0.45 ≤ 0.5.
    @Test func refinedScoreCrossesHalfWhereTheArgmaxPicksTheClass() {
        let cam: [Float] = [0.3, 0.7, 0.25]
        let foreground: [Float] = [0.9, 0.2, 0.5]
        let refined = BackgroundCues.refinedScore(cam: cam, foreground: foreground)
        #expect(zip(refined, [0.6, 0.45, 0.375]).allSatisfy { abs($0 - $1) < 1e-6 })
        let labels = BackgroundCues.pseudoLabels(cams: [cam], foreground: foreground)
        #expect(refined.map { $0 > 0.5 } == labels.map { $0 == 1 })
    }

    /// predicted (T, T, F, F, T), truth (T, F, F, T, T), pixel 4 ignored.
    /// Foreground: ∩ = {0} = 1, ∪ = {0, 1, 3} = 3 → 33.33; background: ∩ = {2} = 1, ∪ = {1, 2, 3} = 3
    /// → 33.33; mean 33.33.
    @Test func binaryIoUPoolsBothClassesAndSkipsIgnored() {
        var iou = BinarySegmentationIoU()
        iou.accumulate(predicted: [true, true, false, false, true], truth: [true, false, false, true, true],
                       ignore: [false, false, false, false, true])
        #expect(iou.intersection == [1, 1] && iou.union == [3, 3])
        #expect(abs(iou.meanIoU - 100.0 / 3) < 1e-9)
    }
}
