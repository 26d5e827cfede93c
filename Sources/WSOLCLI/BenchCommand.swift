//! `wsol bench`: release-build benchmarks (never timed tests). Each benchmark is a subcommand.
import ArgumentParser

/// `wsol bench <engine|data|evaluate>`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (build with -c release; figures are medians over repeats).",
        subcommands: [
            // Keep one subcommand per line (merges stay trivial).
            BenchDataCommand.self,
            BenchEvaluateCommand.self,
            BenchLocalizeCommand.self,
            BenchEngineCommand.self,
        ]
    )
}
