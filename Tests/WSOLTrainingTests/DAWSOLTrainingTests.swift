import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLTraining

@Suite struct DAWSOLConfigTests {
    @Test func settingsDecodeWithDefaults() throws {
        let json = #"{"dataRoot": "d", "method": {"name": "dawsol", "dawsol": {"base": "has", "beta": 1.5}}}"#
        let config = try TrainingConfig.decode(Data(json.utf8), source: "run.json")
        #expect(config.method.name == "dawsol")
        #expect(config.method.dawsol.base == "has" && config.method.dawsol.beta == 1.5)
        #expect(config.method.dawsol.univer == 0.3 && config.method.dawsol.samples == 32 && config.method.dawsol.alignment == "mmd")
        #expect(try TrainingConfig.decode(Data(config.jsonText().utf8), source: "x") == config)
        let method = try #require(TrainingSetup.makeMethod(config.method) as? DAWSOLTraining)
        #expect(method.base is HideAndSeekTraining && method.beta == 1.5)
    }

    @Test func unknownKeyAndBadValuesAreNamed() throws {
        let json = #"{"dataRoot": "d", "method": {"name": "dawsol", "dawsol": {"betta": 1}}}"#
        #expect(throws: TrainingConfigError(field: "method.dawsol.betta", reason: "is not a known setting (see docs/training.md)",
                                            path: "run.json")) {
            try TrainingConfig.decode(Data(json.utf8), source: "run.json")
        }
        var config = TrainingConfig()
        config.dataRoot = "d"
        config.method.name = "dawsol"
        config.method.dawsol.base = "dawsol"
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        config.method.dawsol.base = "cam"
        config.method.dawsol.alignment = "coral"
        #expect(throws: TrainingConfigError.self) { try config.validate() }
    }
}

extension TrainerNetworkTests {
@Suite struct DAWSOLResumeTests {
    /// DA-WSOL over HaS on the width-8 tiny network at 32 px (8x8 CAM layer, so n = 8 samples fit),
    /// 12 batches of 16 per epoch, domain terms on from epoch 2 (startEpoch 0). Run A stops after
    /// step 16. Run B checkpoints every 7 steps and is "killed" after step 16 too: its last checkpoint
    /// is step 14 (epoch 2, batch 2; the TSA memory has seen 2 batches, r_u = 32). The resumed run C
    /// redoes steps 15-16 and must end with A's weights and memory bit for bit; a run that lost the
    /// memory would seed its k-means differently and diverge.
    @Test func resumeRestoresTheMemory() throws {
        var configA = TrainingFixtures.config("dawsol-resume-a", epochs: 2, batchSize: 16, method: "dawsol")
        configA.width = 8
        configA.method.dawsol.base = "has"
        configA.method.dawsol.samples = 8
        configA.method.dawsol.beta = 1
        let runA = try TrainingSetup.makeTrainer(config: configA, packageVersion: "test")
        runA.hooks.stopAfterStep = 16
        #expect(try runA.run() == .stopped(afterStep: 16))
        let methodA = try #require(runA.method as? DAWSOLTraining)
        #expect(methodA.assigner?.universumCount == Float(4 * 16))

        var configB = configA
        configB.outputDirectory = TrainingFixtures.runDirectory("dawsol-resume-b")
        let runB = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        runB.hooks.checkpointEverySteps = 7
        runB.hooks.stopAfterStep = 16
        #expect(try runB.run() == .stopped(afterStep: 16))
        let saved = try SafeTensors.read(runB.directory.lastCheckpoint)
        #expect(saved.arrays["method.counts"]?.values.first == Float(2 * 16))

        let runC = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        try runC.resume()
        runC.hooks.stopAfterStep = 16
        #expect(try runC.run() == .stopped(afterStep: 16))
        let weightsA = runA.model.stateDict(), weightsC = runC.model.stateDict()
        for name in weightsA.names {
            #expect(weightsA.arrays[name]!.values.map(\.bitPattern) == weightsC.arrays[name]!.values.map(\.bitPattern),
                    "weights \(name) differ")
        }
        let memoryA = runA.method.stateArrays(), memoryC = runC.method.stateArrays()
        #expect(memoryA.map(\.0) == ["anchors", "counts"])
        #expect(memoryA.map { $0.1.values.map(\.bitPattern) } == memoryC.map { $0.1.values.map(\.bitPattern) })
    }

    /// The DANN variant trains and checkpoints its discriminator: after 4 domain steps (epoch 2;
    /// a checkpoint at step 14) its weights moved, and images were valid for L_d.
    @Test func dannTrainsTheDiscriminator() throws {
        var config = TrainingFixtures.config("dawsol-dann", epochs: 2, batchSize: 16, method: "dawsol")
        config.width = 8
        config.method.dawsol.alignment = "dann"
        config.method.dawsol.samples = 8
        let run = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        let before = run.model.stateDict().arrays["domain_discriminator.weight"]!.values
        run.hooks.checkpointEverySteps = 14
        run.hooks.stopAfterStep = 16
        #expect(try run.run() == .stopped(afterStep: 16))
        #expect(run.model.stateDict().arrays["domain_discriminator.weight"]!.values != before)
        let saved = try SafeTensors.read(run.directory.lastCheckpoint)
        #expect(saved.arrays["model.domain_discriminator.weight"].map { $0.values != before } == true)
        let method = try #require(run.method as? DAWSOLTraining)
        #expect(method.lastStatistics.validImages > 0)
    }
}
}
