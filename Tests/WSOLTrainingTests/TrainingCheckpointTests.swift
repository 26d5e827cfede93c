import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLTraining

@Suite struct TrainingCheckpointTests {
    func makeParts(seed: UInt64) -> (TinyCAMNet, SGD) {
        let model = TinyCAMNet(classCount: 3, width: 16, seed: seed)
        let optimizer = SGD(groups: [ParameterGroup(parameters: model.trainableParameters(), learningRate: 0.1)],
                            momentum: 0.9)
        // One step so that momentum buffers exist. The loss Σ p² touches every parameter without
        // running the network (these tests are about files, not kernels).
        let loss = model.trainableParameters().map { ($0.value * $0.value).sum() }.reduce(Tensor(0), +)
        optimizer.step(loss.backward())
        return (model, optimizer)
    }

    /// Save then restore into differently initialised parts: weights, momentum and position come back.
    @Test func roundTripRestoresWeightsOptimizerAndPosition() throws {
        let directory = TrainingFixtures.runDirectory("checkpoint")
        let path = directory + "/last.safetensors"
        let (model, optimizer) = makeParts(seed: 1)
        var state = TrainingState()
        (state.epoch, state.batchInEpoch, state.globalStep, state.epochLossSum) = (2, 5, 29, 12.5)
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(), state: state, to: path)

        let (other, otherOptimizer) = makeParts(seed: 2)
        #expect(other.fc.weight.value.scalars != model.fc.weight.value.scalars)
        let restored = try TrainingCheckpoint.restore(from: path, model: other, optimizer: otherOptimizer,
                                                      method: VanillaCAMTraining())
        #expect(restored == state)
        #expect(other.stateDict() == model.stateDict())
        #expect(otherOptimizer.stateArrays().map(\.1) == optimizer.stateArrays().map(\.1))
    }

    /// Saving goes through a temporary file renamed over the destination: after two saves the
    /// directory holds exactly the checkpoint (no temporary left), and it is the second state.
    @Test func saveIsAtomicAndLeavesNoTemporaryFiles() throws {
        let directory = TrainingFixtures.runDirectory("atomic")
        let path = directory + "/checkpoint-last.safetensors"
        let (model, optimizer) = makeParts(seed: 1)
        var state = TrainingState()
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(), state: state, to: path)
        state.globalStep = 7
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(), state: state, to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["checkpoint-last.safetensors"])
        #expect(try TrainingCheckpoint.readState(path: path).globalStep == 7)
    }

    /// A checkpoint cut short (a copy interrupted by hand, a full disk) is refused with the file's name.
    @Test func truncatedCheckpointIsRefusedNamingTheFile() throws {
        let directory = TrainingFixtures.runDirectory("truncated")
        let path = directory + "/checkpoint-last.safetensors"
        let (model, optimizer) = makeParts(seed: 1)
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(),
                                    state: TrainingState(), to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try TrainingCheckpoint.restore(from: path, model: model, optimizer: optimizer, method: VanillaCAMTraining())
        } throws: { error in
            "\(error)".contains(path)
        }
    }

    /// Weights of another architecture are refused, naming the file and the mismatch.
    @Test func checkpointOfAnotherModelIsRefused() throws {
        let path = TrainingFixtures.runDirectory("mismatch") + "/last.safetensors"
        let (model, optimizer) = makeParts(seed: 1)
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(),
                                    state: TrainingState(), to: path)
        let wider = TinyCAMNet(classCount: 3, width: 32, seed: 1)
        let widerOptimizer = SGD(groups: [ParameterGroup(parameters: wider.trainableParameters(), learningRate: 0.1)])
        #expect {
            _ = try TrainingCheckpoint.restore(from: path, model: wider, optimizer: widerOptimizer, method: VanillaCAMTraining())
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("block1.0.weight")
        }
    }
}
