//! `wsol report`: reads run directories, writes `index.html` and the images it shows.
import Foundation
import TensorNN

/// Builds a static report page from the directories other commands wrote. Nothing is
/// recomputed: every number and curve comes from manifest.json, log.jsonl, summary.json and the
/// CSV files; every picture is a `wsol localize` overlay copied next to the page.
///
/// ```swift
/// let builder = ReportBuilder(runDirectories: ["runs/cam", "runs/cam-test"], outputDirectory: "report")
/// let result = try builder.build()      // report/index.html, report/images/*.png
/// ```
public struct ReportBuilder: Sendable {
    public var runDirectories: [String]
    public var outputDirectory: String
    /// At most this many overlays per run in the worst-to-best grid (evenly spaced ranks).
    public var gridLimit: Int
    /// At most this many images in the side-by-side comparison.
    public var compareLimit: Int

    public init(runDirectories: [String], outputDirectory: String, gridLimit: Int = 48, compareLimit: Int = 8) {
        (self.runDirectories, self.outputDirectory) = (runDirectories, outputDirectory)
        (self.gridLimit, self.compareLimit) = (gridLimit, compareLimit)
    }

    /// What was written.
    public struct Result: Sendable {
        public var pagePath: String
        public var copiedImages: Int
        public var runs: [String]
    }

    /// Reads every run, writes `index.html` (atomically) and copies the overlays it links to
    /// `images/`. Throws ``ReportInputError`` naming the first missing or corrupt input file.
    public func build(now: Date = Date()) throws -> Result {
        let runs = try readRuns()
        let page = ReportPage(runs: runs, gridLimit: gridLimit, compareLimit: compareLimit)
        let formatter = ISO8601DateFormatter()
        let html = page.render(generated: formatter.string(from: now))
        let imageDirectory = (outputDirectory as NSString).appendingPathComponent("images")
        do {
            try FileManager.default.createDirectory(atPath: imageDirectory, withIntermediateDirectories: true)
        } catch {
            throw ReportInputError(path: imageDirectory, reason: "cannot be created (\(error.localizedDescription))")
        }
        for copy in page.images.copies {
            guard let bytes = FileManager.default.contents(atPath: copy.source) else {
                throw ReportInputError(path: copy.source, reason: "cannot be read")
            }
            try write { try AtomicFile.write(bytes, to: (outputDirectory as NSString).appendingPathComponent(copy.link), durable: false) }
        }
        let pagePath = (outputDirectory as NSString).appendingPathComponent("index.html")
        try write { try AtomicFile.write(text: html, to: pagePath, durable: false) }
        return Result(pagePath: pagePath, copiedImages: page.images.copies.count, runs: runs.map(\.name))
    }

    /// Each directory as a ``ReportRun`` named after its last path component; repeated names get
    /// their parent prepended (`a/cam`, `b/cam`), then a number.
    func readRuns() throws -> [ReportRun] {
        guard !runDirectories.isEmpty else { throw ReportInputError(path: "-", reason: "no run directory given") }
        var used = Set<String>()
        return try runDirectories.map { directory in
            let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
            let last = (trimmed as NSString).lastPathComponent
            let parent = ((trimmed as NSString).deletingLastPathComponent as NSString).lastPathComponent
            var name = used.contains(last) && !parent.isEmpty ? parent + "/" + last : last
            var suffix = 2
            while used.contains(name) { name = "\(last) (\(suffix))"; suffix += 1 }
            used.insert(name)
            return try ReportRun.read(directory: trimmed, name: name)
        }
    }

    private func write(_ body: () throws -> Void) throws {
        do { try body() } catch let error as ReportInputError { throw error } catch {
            throw ReportInputError(path: outputDirectory, reason: "cannot write the report (\(error))")
        }
    }
}
