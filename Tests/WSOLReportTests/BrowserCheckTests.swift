//! The page in a real browser: scripts/check-report --page-only on the fixture's report. Runs
//! only where `chromium` is on PATH (scripts/check-report installs it from Debian).
import Foundation
import Testing
@testable import WSOLReport

/// The first `chromium` (or `chromium-browser`) on PATH.
private let chromiumPath: String? = {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    return directories.flatMap { ["\($0)/chromium", "\($0)/chromium-browser"] }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// The repository root, from this file's path (Tests/WSOLReportTests/<file>).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

@Suite("Report in headless Chromium", .serialized,
       .enabled(if: chromiumPath != nil, "chromium is not on PATH; scripts/check-report installs it (apt-get install chromium)"))
struct BrowserCheckTests {
    /// Runs scripts/check-report with `arguments`; returns its exit status and combined output.
    private func checkReport(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: repositoryRoot + "/scripts/check-report")
        process.arguments = arguments + ["--no-install"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("every section renders and every image decodes in the browser")
    func pageLoads() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let out = fixture.path("report")
        _ = try ReportBuilder(runDirectories: [fixture.path("train"), fixture.path("loc"), fixture.path("loc2")],
                              outputDirectory: out).build()
        let result = try checkReport(["--page-only", out])
        #expect(result.status == 0, "\(result.output)")
        // 3 grid overlays + 3 images x 2 methods side by side, all decoded.
        #expect(result.output.contains("9/9 images decoded"), "\(result.output)")
    }

    @Test("a missing image file fails the check and is named")
    func missingImageFails() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let out = fixture.path("report")
        _ = try ReportBuilder(runDirectories: [fixture.path("loc")], outputDirectory: out).build()
        let images = try FileManager.default.contentsOfDirectory(atPath: out + "/images").sorted()
        try FileManager.default.removeItem(atPath: out + "/images/" + images[0])
        let result = try checkReport(["--page-only", out])
        #expect(result.status != 0)
        #expect(result.output.contains("images/" + images[0] + ", which does not exist"), "\(result.output)")
    }
}
