import Testing
@testable import WSOLTraining

@Suite struct BoxAccuracySweepTests {
    /// Inclusive IoU: (0,0,1,1) and (1,1,2,2) overlap in one pixel of 4 + 4 - 1 = 7.
    @Test func inclusiveIoU() {
        let a = PixelBox(x0: 0, y0: 0, x1: 1, y1: 1), b = PixelBox(x0: 1, y0: 1, x1: 2, y1: 2)
        #expect(a.intersectionOverUnion(b) == 1.0 / 7.0)
        #expect(a.intersectionOverUnion(PixelBox(x0: 5, y0: 5, x1: 6, y1: 6)) == 0)
    }

    /// Two 8-connected blobs (diagonal neighbours join) and one separate pixel; boxes get the
    /// reference's `x + w` extra column/row, clipped to the map.
    @Test func componentsAreEightConnectedWithTheReferenceBoxQuirk() {
        // 5x4 map, foreground '#':
        // # . . . .
        // . # . . #
        // . . . . .
        // . . . . #
        let on: Set<Int> = [0, 6, 9, 19]
        let levels: [UInt8] = (0..<20).map { on.contains($0) ? 200 : 0 }
        let boxes = ComponentBoxes.boxes(levels, width: 5, height: 4, above: 100)
        // (0,0)-(1,1) joined diagonally -> (0,0,2,2); (4,1) -> (4,1,4,2) clipped at x = 4;
        // (4,3) -> (4,3,4,3) clipped at both.
        #expect(boxes == [PixelBox(x0: 0, y0: 0, x1: 2, y1: 2), PixelBox(x0: 4, y0: 1, x1: 4, y1: 2),
                          PixelBox(x0: 4, y0: 3, x1: 4, y1: 3)])
        #expect(ComponentBoxes.boxes(levels, width: 5, height: 4, above: 250) == [PixelBox(x0: 0, y0: 0, x1: 0, y1: 0)])
    }

    /// A 10x10 map: 1.0 on rows/columns 2-5, 0.5 on the ring around it (1-6), 0 elsewhere.
    /// Quantised: 255 / 127 / 0. GT box (1,1,6,6).
    /// - level 0 (tau < 1/255... with interval 0.25: taus 0, .25, .5, .75 -> levels 0, 63, 127, 191):
    ///   levels 0 and 63 keep the ring: component (1..6) -> box (1,1,7,7): IoU 36/49 = 0.73.
    ///   levels 127 and 191 keep the core (strict >): box (2,2,6,6): IoU 25/36 = 0.69.
    /// So every threshold reaches 0.3 and 0.5; IoU 0.7 only at the first two: all MaxBoxAcc = 100.
    @Test func sweepOnAHandWorkedMap() {
        var values = [Float](repeating: 0, count: 100)
        for y in 1...6 { for x in 1...6 { values[y * 10 + x] = 0.5 } }
        for y in 2...5 { for x in 2...5 { values[y * 10 + x] = 1 } }
        var sweep = BoxAccuracySweep(interval: 0.25)
        sweep.add(values, width: 10, height: 10, groundTruth: [PixelBox(x0: 1, y0: 1, x1: 6, y1: 6)])
        #expect(sweep.correct == [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 0, 0]])
        // A second image whose GT is elsewhere never scores: MaxBoxAcc halves.
        sweep.add(values, width: 10, height: 10, groundTruth: [PixelBox(x0: 8, y0: 8, x1: 9, y1: 9)])
        #expect(sweep.maxBoxAccuracies == [50, 50, 50])
        #expect(sweep.meanMaxBoxAccuracy == 50)
    }

    @Test func thresholdCountMatchesNumpyArange() {
        #expect(BoxAccuracySweep.thresholdCount(interval: 0.001) == 1000)
        #expect(BoxAccuracySweep.thresholdCount(interval: 0.01) == 100)
        #expect(BoxAccuracySweep.thresholdCount(interval: 0.3) == 4)   // 0, .3, .6, .9
    }

    /// Min-max normalisation, and the centre Gaussian peaks at the centre.
    @Test func scoreMapHelpers() {
        #expect(ScoreMaps.minMaxNormalized([2, 4, 3]) == [0, 1, 0.5])
        #expect(ScoreMaps.minMaxNormalized([3, 3]) == [0, 0])
        #expect(ScoreMaps.minMaxNormalized([1, .nan]) == [0, 0])
        let map = ScoreMaps.centreGaussian(width: 5, height: 5)
        #expect(map[12] == 1 && map[0] == 0)
        #expect(map[11] == map[13] && map[7] == map[17])
    }
}
