import Foundation
import Testing
import TensorNN
@testable import WSOLTraining

extension TrainerNetworkTests {
/// The stop request behind `wsol train`'s Ctrl-C handling (``TrainingHooks/shouldStop``).
@Suite struct TrainerStopTests {
    /// One epoch of 6 batches (192 train images, batch 32). The stop flag turns true
    /// during step 4: the run returns after step 4 with a checkpoint of exactly step 4 (no
    /// checkpoint interval is due: 10 minutes), and resuming finishes with the weights of an
    /// uninterrupted run, bit for bit.
    @Test func stopRequestCheckpointsAtTheStepBoundaryAndResumesExactly() throws {
        var config = TrainingFixtures.config("stop-a", epochs: 1, batchSize: 32)
        config.optimizer = "sgd"
        config.learningRate = 0.05
        let uninterrupted = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        #expect(try uninterrupted.run() == .finished)

        config.outputDirectory = TrainingFixtures.runDirectory("stop-b")
        let stopped = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        var polls = 0
        stopped.hooks.shouldStop = {
            polls += 1
            return polls >= 4        // asked after steps 1, 2, 3, 4: true after step 4
        }
        #expect(try stopped.run() == .stopped(afterStep: 4))
        let saved = try TrainingCheckpoint.readState(path: stopped.directory.lastCheckpoint)
        #expect(saved.globalStep == 4 && saved.epoch == 0 && saved.batchInEpoch == 4)

        let resumed = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        try resumed.resume()
        #expect(try resumed.run() == .finished)
        let expected = uninterrupted.model.stateDict(), actual = resumed.model.stateDict()
        for name in expected.names {
            #expect(expected.arrays[name]!.values.map(\.bitPattern) == actual.arrays[name]!.values.map(\.bitPattern),
                    "weights \(name) differ")
        }
    }
}
}
