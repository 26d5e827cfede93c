//! Escaping, plot coordinates and ticks, and the grid order, on hand-worked values.
import Testing
@testable import WSOLReport

@Suite("HTML escaping and SVG plots")
struct HTMLAndPlotTests {
    @Test("every HTML-significant character is escaped")
    func escaping() {
        #expect(HTML.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
            == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTML.escape("plain-text_1.png") == "plain-text_1.png")
    }

    @Test("data points land on the hand-computed pixels")
    func coordinates() {
        // Frame 520 x 320, margins left 56, right 16, top 28, bottom 44: plot area 448 x 248.
        // x in 0...1: x = 56 + 448 x.  y in 0...100: y = 28 + (1 - y / 100) * 248.
        // (0, 0) -> (56, 276); (0.5, 50) -> (280, 152); (1, 100) -> (504, 28).
        var plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", xRange: 0...1, yRange: 0...100)
        let line = PlotSeries(name: "s", points: [(0, 0), (0.5, 50), (1, 100)])
        #expect(plot.pathData(line) == "M56.0,276.0 L280.0,152.0 L504.0,28.0")
        // A NaN breaks the line: the next point starts a new sub-path (precision undefined).
        let broken = PlotSeries(name: "s", points: [(0, 0), (0.25, .nan), (0.75, 25)])
        // (0.75, 25) -> x = 56 + 336 = 392, y = 28 + 0.75 * 248 = 214.
        #expect(plot.pathData(broken) == "M56.0,276.0 M392.0,214.0")
        plot.series = [line]
        plot.markers = [PlotMarker(label: "calibrated 0.25", x: 0.25)]
        let svg = plot.svg()
        // The threshold marker: a vertical line at x = 56 + 112 = 168 from the top (28) to the bottom (276).
        #expect(svg.contains(#"x1="168.0" y1="28.0" x2="168.0" y2="276.0""#))
        #expect(svg.contains("<title>calibrated 0.25</title>"))
    }

    @Test("ticks are round numbers spanning the range")
    func ticks() {
        // span 1, rough step 0.2 -> step 0.2.
        let unit = LinePlot.ticks(0...1)
        #expect(unit.count == 6)
        for (tick, expected) in zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { #expect(abs(tick - expected) < 1e-12) }
        // span 100, rough 20 -> 0, 20, ..., 100.  span 5 (epochs 1...6), rough 1 -> 1...6.
        #expect(LinePlot.ticks(0...100) == [0, 20, 40, 60, 80, 100])
        #expect(LinePlot.ticks(1...6) == [1, 2, 3, 4, 5, 6])
        #expect(LinePlot.label(0.30000000000000004) == "0.3")
        // Largest value 47 on 0...47: ticks step 10 -> range padded up to 50.
        #expect(ReportPage.paddedRange([3, 47]) == 0...50)
    }

    @Test("the grid runs from the worst to the best IoU, ties by image id")
    func gridOrder() {
        let results = [PerImageResult(imageID: "c", classLabel: 0, bestIoU: 0.9, correct: []),
                       PerImageResult(imageID: "b", classLabel: 0, bestIoU: 0.1, correct: []),
                       PerImageResult(imageID: "a", classLabel: 0, bestIoU: 0.1, correct: []),
                       PerImageResult(imageID: "d", classLabel: 0, bestIoU: 0.5, correct: [])]
        #expect(ReportPage.worstToBest(results).map(\.imageID) == ["a", "b", "d", "c"])
    }

    @Test("sampled ranks keep the worst and the best")
    func sampling() {
        // 10 ranks, 4 shown: round(k * 9 / 3) = 0, 3, 6, 9.
        #expect(ReportPage.evenlySpaced(count: 10, limit: 4) == [0, 3, 6, 9])
        #expect(ReportPage.evenlySpaced(count: 3, limit: 8) == [0, 1, 2])
        #expect(ReportPage.evenlySpaced(count: 5, limit: 1) == [0])
    }

    @Test("CSV quoting is undone and bad rows are named by line")
    func csv() throws {
        let table = try CSVTable(text: "image_id,class\n\"a,\"\"b\"\"\",1\nplain,2\n", path: "t.csv")
        #expect(table.rows == [["a,\"b\"", "1"], ["plain", "2"]])
        #expect(table.lineNumbers == [2, 3])
        #expect(throws: ReportInputError(path: "t.csv", line: 3, reason: "has 1 fields, the header has 2")) {
            try CSVTable(text: "image_id,class\na,1\nb\n", path: "t.csv")
        }
    }

    @Test("summary numbers keep V1 and V2 box accuracies apart")
    func headlineMetrics() {
        let v1: [String: Any] = ["MaxBoxAcc": ["50": 61.5], "GTKnownLoc": 61.5, "config": ["boxVersion": "v1"]]
        let v2: [String: Any] = ["MaxBoxAcc": ["30": 80, "50": 60.5, "70": 20], "MaxBoxAccV2": 53.5,
                                 "calibration": ["BoxAccV2": 50.0], "config": ["boxVersion": "v2"]]
        #expect(EvaluationRecord.headlineMetrics(v1) == ["MaxBoxAccV1@50": 61.5, "GTKnownLoc": 61.5])
        #expect(EvaluationRecord.headlineMetrics(v2)
            == ["MaxBoxAcc@30": 80, "MaxBoxAcc@50": 60.5, "MaxBoxAcc@70": 20, "MaxBoxAccV2": 53.5, "calibrated BoxAccV2": 50])
    }
}
