//! The `wsol` command line: root command and the list of subcommands.
import ArgumentParser

/// `wsol`: weakly-supervised object localization toolkit.
public struct WSOLCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wsol",
        abstract: "WSOLKit: weakly-supervised object localization (train, localize, evaluate, benchmark).",
        version: "0.1.0",
        subcommands: [
            // Keep one subcommand per line (merges stay trivial).
            VersionCommand.self,
            BenchCommand.self,
            ImportWeightsCommand.self,
            FetchAssetsCommand.self,
            EvaluateCommand.self,
            ImportCommand.self,
            SynthCommand.self,
            LocalizeCommand.self,
            TrainCommand.self,
            MPICheckCommand.self,
            ReportCommand.self,
            RefineCAMsCommand.self,
            PseudoBoxesCommand.self,
        ]
    )
    public init() {}
}

/// `wsol version`: prints the toolkit version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the WSOLKit version.")
    func run() throws {
        print(WSOLCommand.configuration.version)
    }
}
