//! `pretrained` may be another run's checkpoint (its model weights, unwrapped), and a file that
//! matches nothing is an error instead of a silent start from scratch.
import Foundation
import Testing
import TensorNN
import WSOLModels
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct PretrainedWeightsTests {
    /// A C²AM run and a box-regressor run started from a CAM run's checkpoint hold the CAM
    /// backbone's weights under `backbone.`; a C²AM checkpoint unwraps to the same names.
    @Test func runsStartFromAnotherRunsCheckpoint() throws {
        let cam = try TrainingSetup.makeTrainer(config: TrainingFixtures.config("pre-cam", epochs: 1), packageVersion: "test")
        #expect(try cam.run() == .finished)
        let checkpoint = cam.config.outputDirectory + "/checkpoint-last.safetensors"
        let trained = Dictionary(uniqueKeysWithValues: cam.model.namedParameters().map { ($0.0, $0.1.value.scalars) })
        for method in ["c2am", "box-regressor"] {
            var config = TrainingFixtures.config("pre-\(method)", epochs: 1, method: method)
            config.pretrained = checkpoint
            let model = try TrainingSetup.buildModel(config: config, classCount: 4, method: TrainingSetup.makeMethod(config: config))
            let weights = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.value.scalars) })
            for (name, values) in trained {
                #expect(weights["backbone." + name] == values, "\(method): \(name)")
            }
        }
        let unwrapped = try PretrainedWeights.read(checkpoint)
        #expect(Set(unwrapped.names) == Set(trained.keys))
    }

    @Test func weightsForAnotherNetworkAreRefused() throws {
        let path = TrainingFixtures.runDirectory("pre-foreign") + "/foreign.safetensors"
        try SafeTensors.write(SafeTensorsFile(arrays: [("features.0.weight", NamedArray(shape: [2], values: [1, 2]))]), to: path)
        var config = TrainingFixtures.config("pre-foreign", epochs: 1)
        config.pretrained = path
        #expect {
            _ = try TrainingSetup.buildModel(config: config, classCount: 4, method: VanillaCAMTraining())
        } throws: { "\($0)".contains("no tensor matches") && "\($0)".contains("foreign.safetensors") }
    }
}
}
