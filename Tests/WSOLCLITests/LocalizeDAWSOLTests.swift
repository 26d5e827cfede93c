//! `wsol localize --run` on a DA-WSOL run: assignment images and two-stage classification.
import Foundation
import Testing
import TensorNN
import WSOLData
import WSOLModels
import WSOLTraining
@testable import WSOLCLI

@Suite("wsol localize --run, DA-WSOL")
struct LocalizeDAWSOLTests {
    /// A DA-WSOL run (tiny network, width 4, K = 4) written without training: the model as
    /// `prepareModel` wraps it and the method's (zero) memory in the best checkpoint.
    func writeDAWSOLRun(in space: LocalizeWorkspace) throws -> String {
        let directory = space.root + "/dawsol-run"
        var config = TrainingConfig()
        (config.dataRoot, config.architecture, config.width, config.seed) = (space.root + "/no-data", "tiny", 4, 3)
        config.method.name = "dawsol"
        let run = RunDirectory(path: directory)
        try run.create()
        try run.writeManifest(RunManifest(config: config, seed: 3, packageVersion: "t", dataFingerprint: "x",
                                          status: "finished", metrics: RunMetrics(), classCount: 4))
        let method = TrainingSetup.makeMethod(config.method, seed: 3)
        let model = try TrainingSetup.buildModel(config: config, classCount: 4, method: method)
        let optimizer = SGD(groups: [ParameterGroup(parameters: model.trainableParameters(), learningRate: 0.1, weightDecay: 0)])
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: method, state: TrainingState(), to: run.bestCheckpoint)
        return directory
    }

    /// Every photo gets `assignments/<name>.png` of the network input's size (32x32, RGB), and with
    /// `--classifier-checkpoint` the predictions (top5.csv) are the plain classifier's: identical
    /// to localizing with that classifier directly.
    @Test func writesAssignmentsAndUsesTheSeparateClassifier() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let daRun = try writeDAWSOLRun(in: space)
        let plainRun = try LocalizeRunTests().writeRun(in: space)
        let common = [space.photos, "--input-size", "32", "--quiet"]
        let twoStage = try space.run(common + ["--run", daRun, "--classifier-checkpoint", plainRun, "--out", space.root + "/two"])
        _ = try space.run(common + ["--run", plainRun, "--out", space.root + "/plain"])
        #expect(twoStage.localized == 3)
        for name in ["a", "b", "sub/c"] {
            let image = try ImageCodec.read(space.root + "/two/assignments/\(name).png")
            #expect(image.width == 32 && image.height == 32 && image.channels == 3, "assignment \(name)")
        }
        let top5 = try String(contentsOfFile: space.root + "/two/top5.csv", encoding: .utf8)
        #expect(top5 == (try String(contentsOfFile: space.root + "/plain/top5.csv", encoding: .utf8)))
        #expect(!FileManager.default.fileExists(atPath: space.root + "/plain/assignments"))
    }
}
