import Testing
import WSOLLocalization

/// Builds a quantised map from rows of scores (`rows[y][x]`).
func quantized(_ rows: [[Double]]) -> QuantizedScoreMap {
    QuantizedScoreMap(width: rows[0].count, height: rows.count, doubleValues: rows.flatMap { $0 })
}

func corners(_ boxes: [Box]) -> [[Int]] { boxes.map { [$0.x0, $0.y0, $0.x1, $0.y1] } }

@Suite struct BoxExtractionTests {
    /// wsolevaluation's `np.arange(0, 1, 0.2)`.
    static let fifths = ThresholdGrid(interval: 0.2).thresholds

    @Test func allZeroMapGivesTheDegenerateBoxAtEveryThreshold() {
        // qmax = 0, every threshold level is 0 and nothing is > 0: the reference returns [0,0,0,0].
        let map = quantized([[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        for threshold in Self.fifths {
            #expect(BoxExtractor.boxes(in: map, threshold: threshold, selection: .largest) == [.zero])
            #expect(BoxExtractor.boxes(in: map, threshold: threshold, selection: .all) == [.zero])
        }
    }

    @Test func unimodalMapMatchesReferenceTest() {
        // wsolevaluation evaluation_test.py. Levels: 0.4 -> 102, 0.6 -> 153, 0.8 -> 204, 1 -> 255.
        // Threshold levels int(t * 255): 0, 51, 102, 153, 204 (0.6000000000000001 * 255 -> 153).
        // t=0, 0.2: every non-zero pixel, columns 1-4, rows 1-3 -> (1, 1, 1+4 clipped to 4, 3+1 -> 3).
        // t=0.4: the 0.4 pixels (=102, not > 102) drop -> columns 2-4, rows 1-3 -> (2, 1, 4, 3).
        // t=0.6: only 1.0 and 0.8 at (2,2), (3,2) -> (2, 2, 3+1, 2+1) = (2, 2, 4, 3).
        // t=0.8: only (2, 2) -> (2, 2, 3, 3).
        let map = quantized([[0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.4, 0.4, 0.4, 0.6],
                             [0.0, 0.4, 1.0, 0.8, 0.6],
                             [0.0, 0.4, 0.4, 0.4, 0.6]])
        let boxes = Self.fifths.map { BoxExtractor.boxes(in: map, threshold: $0, selection: .largest)[0] }
        #expect(corners(boxes) == [[1, 1, 4, 3], [1, 1, 4, 3], [2, 1, 4, 3], [2, 2, 4, 3], [2, 2, 3, 3]])
    }

    @Test func multimodalMapMatchesReferenceTestIncludingTieOrder() {
        // t=0: all non-zero pixels form one 8-connected component -> (0, 0, 4, 3).
        // t=0.2: the 0.2 pixels (51, not > 51) drop. A = {(0,0), (0,1), (1,1)} has polygon area 0.5;
        //   B = {(3,1), (3,2), (2,3), (1,3), (0,3)} is one pixel wide (area 0) -> A: (0, 0, 2, 2).
        // t=0.4: only the bottom-left run (0..2, 3) -> (0, 3, 3, 3).
        // t=0.6: two single pixels (0,3) and (2,3), both area 0: OpenCV lists the later-found
        //   one first and Python's max keeps it -> (2, 3, 3, 3).
        // t=0.8: only (0, 3) -> (0, 3, 1, 3).
        let map = quantized([[0.4, 0.0, 0.2, 0.2, 0.2],
                             [0.4, 0.4, 0.0, 0.4, 0.0],
                             [0.0, 0.0, 0.0, 0.4, 0.0],
                             [1.0, 0.6, 0.8, 0.2, 0.2]])
        let boxes = Self.fifths.map { BoxExtractor.boxes(in: map, threshold: $0, selection: .largest)[0] }
        #expect(corners(boxes) == [[0, 0, 4, 3], [0, 0, 2, 2], [0, 3, 3, 3], [2, 3, 3, 3], [0, 3, 1, 3]])
        // V2 at t=0.2: both components; no background component is enclosed -> no hole box.
        let all = BoxExtractor.boxes(in: map, threshold: 0.2, selection: .all)
        #expect(Set(all) == [Box(x0: 0, y0: 0, x1: 2, y1: 2), Box(x0: 0, y0: 1, x1: 4, y1: 3)])
    }

    @Test func holeContributesItsOwnBoxInV2() {
        // 8x7 map: a ring over columns 1-5, rows 1-5 around a 3x3 hole (2-4, 2-4), plus a tail
        // pixel at (6, 3). Outer: extent x 1..6, y 1..5 -> (1, 1, min(7, 7), min(6, 6)) = (1, 1, 7, 6).
        // Hole border: the hole grown by one, x 1..5, y 1..5 -> (1, 1, 6, 6).
        var rows = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 7)
        for y in 1...5 { for x in 1...5 where !(2...4).contains(x) || !(2...4).contains(y) { rows[y][x] = 1 } }
        rows[3][6] = 1
        let boxes = BoxExtractor.boxes(in: quantized(rows), thresholdLevel: 0, selection: .all)
        #expect(Set(boxes) == [Box(x0: 1, y0: 1, x1: 7, y1: 6), Box(x0: 1, y0: 1, x1: 6, y1: 6)])
        #expect(BoxExtractor.boxes(in: quantized(rows), thresholdLevel: 0, selection: .largest)
                == [Box(x0: 1, y0: 1, x1: 7, y1: 6)])
    }

    @Test func boxesTouchingTheBorderAreClippedNotExtended() {
        // Foreground in columns 2-3 of a 4-wide map, rows 0-2 of 3: x + w = 4 -> clipped to 3,
        // y + h = 3 -> clipped to 2. Inside the map the quirk adds one: (1, 0) alone -> (1, 0, 2, 1).
        let edge = quantized([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]])
        #expect(BoxExtractor.boxes(in: edge, thresholdLevel: 0, selection: .all) == [Box(x0: 2, y0: 0, x1: 3, y1: 2)])
        let inner = quantized([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        #expect(BoxExtractor.boxes(in: inner, thresholdLevel: 0, selection: .all) == [Box(x0: 1, y0: 0, x1: 2, y1: 1)])
    }

    @Test func largestContourIsByPolygonAreaNotPixelCount() {
        // A: 2x3 block at columns 0-1, rows 0-2 (6 pixels; polygon through centres 1 x 2 = area 2).
        // B: vertical line at column 3, rows 0-4 (5 pixels, area 0).
        // C: 3x3 block at columns 6-8, rows 2-4 (9 pixels, area 2 x 2 = 4) -> the largest:
        //    (6, 2, 8 + 1, 4 + 1) = (6, 2, 9, 5) in a 10x6 map.
        var rows = [[Double]](repeating: [Double](repeating: 0, count: 10), count: 6)
        for y in 0...2 { for x in 0...1 { rows[y][x] = 1 } }
        for y in 0...4 { rows[y][3] = 1 }
        for y in 2...4 { for x in 6...8 { rows[y][x] = 1 } }
        let boxes = BoxExtractor.boxes(in: quantized(rows), thresholdLevel: 0, selection: .largest)
        #expect(boxes == [Box(x0: 6, y0: 2, x1: 9, y1: 5)])
        // A diagonal staircase of 7 pixels beats a 2x2 block (area 1) only if its area were
        // larger: a diagonal line has area 0, so the 2x2 block wins.
        var diagonal = [[Double]](repeating: [Double](repeating: 0, count: 12), count: 8)
        for step in 0..<7 { diagonal[step][step] = 1 }
        for y in 5...6 { for x in 9...10 { diagonal[y][x] = 1 } }
        #expect(BoxExtractor.boxes(in: quantized(diagonal), thresholdLevel: 0, selection: .largest)
                == [Box(x0: 9, y0: 5, x1: 11, y1: 7)])
    }

    @Test func thresholdLevelTruncatesTheProductInDouble() {
        // qmax 255: 0.6000000000000001 * 255 = 153.00000000000003 -> 153; 0.3 * 255 = 76.5 -> 76.
        let map = QuantizedScoreMap(width: 1, height: 1, levels: [255])
        #expect(map.thresholdLevel(for: 3 * 0.2) == 153)
        #expect(map.thresholdLevel(for: 0.3) == 76)
        // Quantisation truncates: 0.999 * 255 = 254.745 -> 254; 1/255 * 255 rounds to 1 -> 1.
        let values = QuantizedScoreMap(width: 2, height: 1, doubleValues: [0.999, 1.0 / 255.0])
        #expect(values.levels == [254, 1])
    }
}
