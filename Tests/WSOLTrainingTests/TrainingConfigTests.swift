import Foundation
import Testing
@testable import WSOLTraining

@Suite struct TrainingConfigTests {
    /// Absent keys keep the defaults; present ones (nested method too) are read.
    @Test func partialJSONKeepsDefaults() throws {
        let json = #"{"dataRoot": "data/synth", "epochs": 3, "method": {"name": "has", "hasDropRate": 0.25}}"#
        let config = try TrainingConfig.decode(Data(json.utf8), source: "run.json")
        #expect(config.dataRoot == "data/synth" && config.epochs == 3)
        #expect(config.method.name == "has" && config.method.hasDropRate == 0.25)
        #expect(config.method.hasGridSize == 4)      // wsolevaluation default
        #expect(config.batchSize == 32 && config.schedule == "step" && config.newLayerLearningRateMultiplier == 10)
        try config.validate()
    }

    /// What `jsonText()` writes reads back to the same config (the manifest round trip).
    @Test func jsonTextRoundTrips() throws {
        var config = TrainingConfig()
        config.dataRoot = "d"
        config.seed = 12
        config.method = MethodSettings(name: "cutmix")
        #expect(try TrainingConfig.decode(Data(config.jsonText().utf8), source: "x") == config)
    }

    /// A typo is an error naming the file and the key, not a silently ignored setting.
    @Test func unknownKeyIsRefusedNamingFileAndKey() {
        let json = #"{"dataRoot": "d", "method": {"name": "adl", "adlDropRat": 0.5}}"#
        #expect(throws: TrainingConfigError(field: "method.adlDropRat", reason: "is not a known setting (see docs/training.md)",
                                            path: "run.json")) {
            try TrainingConfig.decode(Data(json.utf8), source: "run.json")
        }
    }

    @Test func wrongTypeNamesTheField() {
        #expect {
            try TrainingConfig.decode(Data(#"{"epochs": "ten"}"#.utf8), source: "run.json")
        } throws: { error in
            "\(error)".hasPrefix("run.json: config field 'epochs' has the wrong type")
        }
    }

    @Test func validationNamesTheField() {
        var config = TrainingConfig()
        config.dataRoot = "d"
        config.method.name = "spg"
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        config.method.name = "cam"
        config.resizeSize = 100
        config.inputSize = 224
        #expect {
            try config.validate()
        } throws: { ($0 as? TrainingConfigError)?.field == "resizeSize" }
    }
}
