import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct TrainerResumeTests {
    /// Two epochs of 12 batches (192 images, batch 16) with HaS, whose erasing draws random numbers
    /// every step. Run A is uninterrupted. Run B writes its last checkpoint every 5 steps and is
    /// "killed" after step 17 (epoch 2, batch 5): its last checkpoint is step 15, mid-epoch, so the
    /// resumed run C must restore weights, optimizer momentum, the step counter that seeds HaS, the
    /// loader position (epoch 2, batch 3) and the epoch's running sums. C's final weights and
    /// optimizer state must equal A's bit for bit.
    @Test func resumeAfterKillMidEpochEqualsUninterruptedRun() throws {
        var configA = TrainingFixtures.config("resume-a", epochs: 2, batchSize: 16, method: "has")
        configA.optimizer = "sgd"
        configA.learningRate = 0.05
        let runA = try TrainingSetup.makeTrainer(config: configA, packageVersion: "test")
        #expect(try runA.run() == .finished)

        var configB = configA
        configB.outputDirectory = TrainingFixtures.runDirectory("resume-b")
        let runB = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        runB.hooks.checkpointEverySteps = 5
        runB.hooks.stopAfterStep = 17
        #expect(try runB.run() == .stopped(afterStep: 17))
        let saved = try TrainingCheckpoint.readState(path: runB.directory.lastCheckpoint)
        #expect(saved.globalStep == 15)
        #expect(saved.epoch == 1 && saved.batchInEpoch == 3)

        let runC = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        try runC.resume()
        #expect(runC.state.globalStep == 15)
        #expect(try runC.run() == .finished)

        let weightsA = runA.model.stateDict(), weightsC = runC.model.stateDict()
        #expect(weightsA.names == weightsC.names)
        for name in weightsA.names {
            #expect(weightsA.arrays[name]!.values.map(\.bitPattern) == weightsC.arrays[name]!.values.map(\.bitPattern),
                    "weights \(name) differ")
        }
        let momentumA = runA.optimizer.stateArrays(), momentumC = runC.optimizer.stateArrays()
        #expect(momentumA.map(\.0) == momentumC.map(\.0))
        #expect(momentumA.map { $0.1.values.map(\.bitPattern) } == momentumC.map { $0.1.values.map(\.bitPattern) })
        // The epoch records agree too (timings aside): losses, accuracies, validation scores.
        #expect(runA.state.history.map(\.trainLoss) == runC.state.history.map(\.trainLoss))
        #expect(runA.state.history.map(\.validation) == runC.state.history.map(\.validation))
        #expect(runC.state.globalStep == 24)
    }

    /// MobileNetV2's classifier applies dropout: its masks must also come out the same after a
    /// resume (they are keyed to the step through `DropoutContext`, not to layer state).
    @Test func resumeIsBitExactForAModelWithDropout() throws {
        var configA = TrainingFixtures.config("resume-dropout-a", epochs: 1, batchSize: 16)
        configA.architecture = "mobilenetv2"
        configA.optimizer = "sgd"
        configA.learningRate = 0.01
        let runA = try TrainingSetup.makeTrainer(config: configA, packageVersion: "test")
        #expect(try runA.run() == .finished)

        var configB = configA
        configB.outputDirectory = TrainingFixtures.runDirectory("resume-dropout-b")
        let runB = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        runB.hooks.checkpointEverySteps = 4
        runB.hooks.stopAfterStep = 6
        #expect(try runB.run() == .stopped(afterStep: 6))
        let runC = try TrainingSetup.makeTrainer(config: configB, packageVersion: "test")
        try runC.resume()
        #expect(runC.state.globalStep == 4)
        #expect(try runC.run() == .finished)

        let weightsA = runA.model.stateDict(), weightsC = runC.model.stateDict()
        for name in weightsA.names {
            #expect(weightsA.arrays[name]!.values.map(\.bitPattern) == weightsC.arrays[name]!.values.map(\.bitPattern),
                    "weights \(name) differ")
        }
    }

    /// A method whose loss turns NaN at its 5th step, to check the stop.
    final class NaNAtFifthStep: WSOLTrainingMethod {
        var name: String { "nan-test" }
        var steps = 0
        func loss(logits: Tensor, batch: TrainingBatch) -> Tensor {
            steps += 1
            let loss = crossEntropy(logits, labels: batch.labels)
            return steps == 5 ? loss * Float.nan : loss
        }
    }

    /// Checkpoints every 3 steps, NaN at step 5: the error names step 5 and the kept checkpoint,
    /// which holds step 3; the NaN step was not applied (weights stay finite) and the manifest
    /// records the stop.
    @Test func nonFiniteLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws {
        let config = TrainingFixtures.config("nan", epochs: 1, batchSize: 16)
        let built = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        let trainer = try Trainer(config: config, model: built.model, optimizer: built.optimizer, method: NaNAtFifthStep(),
                                  loader: built.loader, evaluator: nil, manifest: built.manifest)
        trainer.hooks.checkpointEverySteps = 3
        #expect {
            _ = try trainer.run()
        } throws: { error in
            guard case let .nonFiniteLoss(value, step, epoch, batch, kept) = error as? TrainingError else { return false }
            return value.isNaN && step == 5 && epoch == 0 && batch == 4 && kept == trainer.directory.lastCheckpoint
        }
        let message = "\(TrainingError.nonFiniteLoss(value: .nan, step: 5, epoch: 0, batch: 4, lastCheckpoint: "X"))"
        #expect(message.contains("step 5") && message.contains("X"))
        #expect(try TrainingCheckpoint.readState(path: trainer.directory.lastCheckpoint).globalStep == 3)
        #expect(trainer.state.globalStep == 4)
        #expect(trainer.model.stateDict().arrays.values.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        #expect(try trainer.directory.readManifest().status.hasPrefix("stopped: loss is nan at step 5"))
    }
}
}
