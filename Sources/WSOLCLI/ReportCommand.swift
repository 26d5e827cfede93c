//! `wsol report`: a static HTML page over training, localize and evaluate directories.
import ArgumentParser
import Foundation
import WSOLReport

/// `wsol report RUN_DIR... --out DIR` (docs/report.md).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report (tables, curves, overlay grids) for training, localize and evaluate directories.",
        discussion: """
            Each directory may hold a training run (manifest.json, log.jsonl), a `wsol localize` output \
            (overlays/, predictions.csv) and/or a `wsol evaluate --out` output (summary.json, \
            box_accuracy.csv, pixel_curve.csv, per_image.csv). Nothing is recomputed. The page is \
            OUT/index.html with the overlays it shows copied to OUT/images/; it needs no network.
            """
    )

    @Argument(help: "Run directories (training, localize or evaluate outputs).")
    var runs: [String] = []
    @Option(help: "Output directory (index.html and images/).")
    var out: String
    @Option(help: "Overlays per run in the worst-to-best grid.")
    var gridLimit: Int = 48
    @Option(help: "Images in the side-by-side comparison of localize directories.")
    var compareLimit: Int = 8

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give one or more run directories") }
        guard gridLimit >= 1, compareLimit >= 1 else { throw ValidationError("--grid-limit and --compare-limit must be >= 1") }
    }

    func run() throws {
        let builder = ReportBuilder(runDirectories: runs, outputDirectory: out, gridLimit: gridLimit, compareLimit: compareLimit)
        // A ReportInputError prints as `Error: path:line: reason` (no usage text: not a flag problem).
        let result = try builder.build()
        print("report of \(result.runs.count) run(s), \(result.copiedImages) image(s): \(result.pagePath)")
    }
}
