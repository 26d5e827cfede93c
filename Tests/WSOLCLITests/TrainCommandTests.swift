import Foundation
import Testing
@testable import WSOLCLI
import WSOLTraining

@Suite struct TrainCommandTests {
    /// Flags override the config file; keys absent from both keep their defaults.
    @Test func flagsOverrideTheConfigFile() throws {
        let directory = NSTemporaryDirectory() + "wsol-train-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/run.json"
        try #"{"dataRoot": "d", "epochs": 3, "seed": 4, "method": {"name": "has"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let command = try TrainCommand.parse(["--config", file, "--epochs", "7", "--method", "adl",
                                              "--adl-threshold", "0.5", "--lr", "0.2", "--out", directory + "/run"])
        let config = try command.makeConfig()
        #expect(config.dataRoot == "d" && config.seed == 4)                 // from the file
        #expect(config.epochs == 7 && config.method.name == "adl")          // flags win
        #expect(config.method.adlThreshold == 0.5 && config.learningRate == 0.2)
        #expect(config.batchSize == 32 && config.method.adlDropRate == 0.75) // defaults
        #expect(config.outputDirectory == directory + "/run")
    }

    /// A bad value is refused before anything runs, naming the setting.
    @Test func invalidSettingIsRefused() throws {
        let command = try TrainCommand.parse(["--data-root", "d", "--method", "spg"])
        #expect { try command.makeConfig() } throws: { "\($0)".contains("method.name") }
    }

    /// --resume reads the run's manifest: config from there, output directory = the run.
    @Test func resumeTakesTheConfigFromTheManifest() throws {
        let directory = NSTemporaryDirectory() + "wsol-train-cli-\(UUID().uuidString.prefix(8))"
        var config = TrainingConfig()
        config.dataRoot = "somewhere"
        config.epochs = 5
        let run = RunDirectory(path: directory)
        try run.create()
        try run.writeManifest(RunManifest(config: config, seed: 0, packageVersion: "t", dataFingerprint: "x",
                                          status: "running", metrics: RunMetrics()))
        let resumed = try TrainCommand.parse(["--resume", directory, "--epochs", "9"]).makeConfig()
        #expect(resumed.dataRoot == "somewhere" && resumed.epochs == 9 && resumed.outputDirectory == directory)
    }

    /// The summary table: one row per split, "-" for a metric that was not measured.
    @Test func summaryTable() {
        let scores = SplitScores(top1Accuracy: 80.06, maxBoxAccV2: 55.55, maxBoxAccByIoU: nil, pxap: nil, imageCount: 1000)
        let table = FinalEvaluation.table([("test", scores)], title: "T")
        #expect(table.split(separator: "\n").last == "test             1000       80.1       55.5           -            -")
        // The context leak, when measured, in its own column (11 wide after two spaces).
        var leaking = scores
        leaking.contextLeak = 12.34
        #expect(FinalEvaluation.table([("test", leaking)], title: "T").split(separator: "\n").last
                == "test             1000       80.1       55.5           -         12.3")
    }
}
