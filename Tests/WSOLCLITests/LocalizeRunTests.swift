//! `wsol localize --run DIR`: a trained run's model rebuilt from its manifest and checkpoint.
import Foundation
import Testing
import TensorNN
import WSOLModels
import WSOLTraining
@testable import WSOLCLI

@Suite("wsol localize --run")
struct LocalizeRunTests {
    /// Writes a run directory whose best checkpoint holds `SmallResNet(classCount: 4, seed: 5)`,
    /// the same weights the workspace's `small.safetensors` holds.
    func writeRun(in space: LocalizeWorkspace, recordClassCount: Bool = true) throws -> String {
        let directory = space.root + "/run"
        var config = TrainingConfig()
        (config.dataRoot, config.architecture, config.seed) = (space.root + "/no-data", "small", 11)
        config.pretrained = space.root + "/deleted.safetensors"  // gone: the checkpoint is enough
        let run = RunDirectory(path: directory)
        try run.create()
        try run.writeManifest(RunManifest(config: config, seed: 11, packageVersion: "t", dataFingerprint: "x",
                                          status: "finished", metrics: RunMetrics(),
                                          classCount: recordClassCount ? 4 : nil))
        let model = SmallResNet(classCount: 4, seed: 5)
        let optimizer = SGD(groups: [ParameterGroup(parameters: model.trainableParameters(), learningRate: 0.1, weightDecay: 0)])
        try TrainingCheckpoint.save(model: model, optimizer: optimizer, method: VanillaCAMTraining(),
                                    state: TrainingState(), to: run.bestCheckpoint)
        return directory
    }

    /// The run's maps are byte for byte those of the same weights given with --model/--weights,
    /// although the manifest's seed (11) would build different initial weights.
    @Test func runMapsEqualTheSameWeightsLoadedDirectly() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let run = try writeRun(in: space)
        let common = [space.photos, "--input-size", "32", "--quiet"]
        let viaRun = try space.run(common + ["--run", run, "--out", space.root + "/via-run"])
        let direct = try space.run(common + ["--model", "small", "--weights", space.weights, "--out", space.root + "/direct"])
        #expect(viaRun.localized == 3 && direct.localized == 3)
        for name in ["a", "b", "sub/c"] {
            let fromRun = FileManager.default.contents(atPath: space.root + "/via-run/scoremaps/\(name).npy")
            let fromWeights = FileManager.default.contents(atPath: space.root + "/direct/scoremaps/\(name).npy")
            #expect(fromRun != nil && fromRun == fromWeights, "scoremap \(name)")
        }
        let predictions = try String(contentsOfFile: space.root + "/via-run/predictions.csv", encoding: .utf8)
        #expect(predictions == (try String(contentsOfFile: space.root + "/direct/predictions.csv", encoding: .utf8)))
    }

    /// A missing checkpoint names the file; a manifest without the class count and without
    /// readable training data names the manifest; --run with --weights is refused.
    @Test func errorsNameTheFileAtFault() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let run = try writeRun(in: space)
        #expect { try space.run([space.photos, "--run", run, "--checkpoint", "last", "--out", space.out, "--quiet"]) }
            throws: { "\($0)".contains("checkpoint-last.safetensors") && "\($0)".contains("no last checkpoint") }
        let older = try writeRun(in: space, recordClassCount: false)
        #expect { try space.run([space.photos, "--run", older, "--out", space.out, "--quiet"]) }
            throws: { "\($0)".contains("manifest.json") && "\($0)".contains("class count") }
        #expect(throws: (any Error).self) {
            try WSOLCommand.parseAsRoot(["localize", space.photos, "--run", run, "--weights", space.weights, "--out", space.out])
        }
    }

    /// The native method needs a model with its own map: a plain classifier gets an error saying so.
    @Test func nativeMethodOnAPlainModelIsRefused() throws {
        let space = try LocalizeWorkspace()
        defer { space.cleanUp() }
        let run = try writeRun(in: space)
        #expect { try space.run([space.photos, "--run", run, "--method", "native", "--out", space.out, "--quiet"]) }
            throws: { "\($0)".contains("native method needs a model trained by a method with its own map") }
    }
}
