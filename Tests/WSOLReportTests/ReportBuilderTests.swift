//! The whole page from hand-written run directories, and errors that name the bad file.
import Foundation
import Testing
@testable import WSOLReport

@Suite("Report builder")
struct ReportBuilderTests {
    @Test("a page with every section, working image links and the grid from worst to best")
    func fullPage() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let out = fixture.path("report")
        let result = try ReportBuilder(runDirectories: [fixture.path("train"), fixture.path("loc"), fixture.path("loc2")],
                                       outputDirectory: out).build()
        let html = try String(contentsOfFile: result.pagePath, encoding: .utf8)
        for (id, _) in ReportPage.sections { #expect(html.contains("<section id=\"\(id)\">")) }
        // Training curves (4) + BoxAcc (1) + precision-recall (1) plots.
        #expect(html.components(separatedBy: "<svg class=\"plot\"").count - 1 == 6)
        // Every <img src> is a copied file next to the page.
        let sources = html.components(separatedBy: "<img src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(sources.count == 3 + 3 * 2)  // grid of loc (3) + side by side (3 images x 2 runs)
        for source in sources { #expect(FileManager.default.fileExists(atPath: out + "/" + source), "\(source)") }
        #expect(result.copiedImages == 6)
        // Grid order: b (IoU 0.10) before a (0.55) before c (0.90).
        let grid = html.components(separatedBy: "<section id=\"grid\">")[1].components(separatedBy: "</section>")[0]
        let positions = ["b.png", "a/img &lt;1&gt;.png", "c.png"].map { grid.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!)
        // File-derived text is escaped: the image id and the class name.
        #expect(!html.contains("<1>") && !html.contains("<fish>"))
        #expect(html.contains("bird &amp; &lt;fish&gt;"))
        // Config: a JSON true stays "true" (not 1); 0.5 stays 0.5; runs without the key are empty.
        #expect(html.contains("<td><code>evaluate.mask</code></td><td></td><td>true</td><td></td>"))
        #expect(html.contains("<td><code>evaluate.camCurveInterval</code></td><td></td><td>0.5</td><td></td>"))
        // Per-class table, class 1 ("second": b 0.10, c 0.90): mean IoU 0.500; BoxAcc@50 50.0;
        // top-1 from predictions.csv: b -> 0 (wrong), c -> 1 (right): 50.0.
        #expect(html.contains("<td>second</td><td>2</td><td>0.500</td><td>50.0</td><td>50.0</td><td>50.0</td><td>50.0</td>"))
    }

    @Test("a directory name with markup is escaped everywhere")
    func hostileDirectoryName() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let hostile = fixture.path("<script>alert(1)</script>")
        try FileManager.default.copyItem(atPath: fixture.path("loc"), toPath: hostile)
        let result = try ReportBuilder(runDirectories: [hostile], outputDirectory: fixture.path("out")).build()
        let html = try String(contentsOfFile: result.pagePath, encoding: .utf8)
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("missing and corrupt inputs name the file (and line)")
    func inputErrors() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        func error(_ directories: [String]) -> ReportInputError? {
            do {
                _ = try ReportBuilder(runDirectories: directories, outputDirectory: fixture.path("out")).build()
                return nil
            } catch { return error as? ReportInputError }
        }
        #expect(error([fixture.path("nowhere")])?.path == fixture.path("nowhere"))
        try FileManager.default.createDirectory(atPath: fixture.path("empty"), withIntermediateDirectories: true)
        #expect(error([fixture.path("empty")])?.reason.hasPrefix("holds no manifest.json") == true)

        try fixture.write("{ not json", "loc/summary.json")
        #expect(error([fixture.path("loc")]) == ReportInputError(path: fixture.path("loc/summary.json"), reason: "is not a JSON object"))

        try fixture.write("image_id,class,threshold,best_iou,correct_50\nx.png,0,0.3,oops,1\n", "loc2/per_image.csv")
        try fixture.write("{}", "loc2/summary.json")
        let perImage = error([fixture.path("loc2")])
        #expect(perImage?.path == fixture.path("loc2/per_image.csv") && perImage?.line == 2)
        #expect(perImage?.reason.contains("'oops'") == true)

        try fixture.write("{\"epoch\": 1}\n", "train/log.jsonl")
        let log = error([fixture.path("train")])
        #expect(log?.path == fixture.path("train/log.jsonl") && log?.line == 1)
        try fixture.write("[]", "train/manifest.json")
        #expect(error([fixture.path("train")])?.path == fixture.path("train/manifest.json"))
    }

    @Test("the same directory name twice gets its parent prepended")
    func uniqueNames() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(atPath: fixture.path("other"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.path("loc"), toPath: fixture.path("other/loc"))
        let runs = try ReportBuilder(runDirectories: [fixture.path("loc"), fixture.path("other/loc") + "/"],
                                     outputDirectory: fixture.path("out")).readRuns()
        #expect(runs.map(\.name) == ["loc", "other/loc"])
    }
}
