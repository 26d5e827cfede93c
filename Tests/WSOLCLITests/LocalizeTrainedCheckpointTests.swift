//! `wsol localize --weights RUN/checkpoint-*.safetensors`: a training checkpoint loads like the
//! plain weights it contains.
import Foundation
import Testing
import TensorNN
import WSOLData
import WSOLModels
@testable import WSOLCLI

@Suite("wsol localize with a training checkpoint")
struct LocalizeTrainedCheckpointTests {
    @Test func checkpointGivesTheSameMapsAsItsModelWeights() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        // The layout of TrainingCheckpoint: the model under `model.`, optimizer state beside it.
        let model = SmallResNet(classCount: 4, seed: 5)
        let state = model.stateDict()
        let arrays = state.names.map { ("model." + $0, state.arrays[$0]!) }
            + [("optimizer.0.momentum", NamedArray(shape: [2], values: [1, 2]))]
        let checkpoint = space.root + "/checkpoint-last.safetensors"
        try SafeTensors.write(SafeTensorsFile(arrays: arrays), to: checkpoint)

        _ = try space.run([space.photos, "--out", space.out, "--model", "small", "--weights", space.weights, "--input-size", "32", "--quiet"])
        _ = try space.run([space.photos, "--out", space.root + "/from-checkpoint", "--model", "small",
                           "--weights", checkpoint, "--input-size", "32", "--quiet"])
        let plain = try NumpyFile.read(space.out + "/scoremaps/a.npy")
        let fromCheckpoint = try NumpyFile.read(space.root + "/from-checkpoint/scoremaps/a.npy")
        #expect(plain == fromCheckpoint)

        // Files without `model.` names are untouched.
        #expect(LocalizeModelLoader.modelArrays(state).names == state.names)
    }

    @Test func predictionsHeaderHasOneColumnPerRankedClass() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        _ = try space.run([space.photos, "--out", space.out, "--model", "small", "--weights", space.weights,
                           "--input-size", "32", "--quiet"])
        let lines = try String(contentsOfFile: space.out + "/predictions.csv", encoding: .utf8).split(separator: "\n")
        // 4 classes: 4 ranked classes and 4 probabilities, in the header and in every row (1 + 4 + 4 fields).
        #expect(lines[0] == "image_id,class_1,class_2,class_3,class_4,probability_1,probability_2,probability_3,probability_4")
        for line in lines.dropFirst() { #expect(line.split(separator: ",").count == 9, "\(line)") }
    }

    @Test func classCountIsReadFromANestedClassifierWeight() {
        // MobileNetV2's head is `classifier.1` (after a dropout): [K = 4, 1280].
        let file = SafeTensorsFile(arrays: [
            ("features.0.0.weight", NamedArray(shape: [2, 1], values: [0, 0])),
            ("classifier.1.weight", NamedArray(shape: [4, 2], values: [Float](repeating: 0, count: 8))),
            ("classifier.1.bias", NamedArray(shape: [4], values: [0, 0, 0, 0])),
        ])
        #expect(LocalizeModelLoader.inferredClassCount(file, prefixes: ["classifier."]) == 4)
        // ResNet's `fc.weight` is found directly: [K = 3, 2].
        let resnet = SafeTensorsFile(arrays: [("fc.weight", NamedArray(shape: [3, 2], values: [0, 0, 0, 0, 0, 0]))])
        #expect(LocalizeModelLoader.inferredClassCount(resnet, prefixes: ["fc."]) == 3)
    }
}
