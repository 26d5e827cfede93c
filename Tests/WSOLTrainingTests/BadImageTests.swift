import Foundation
import Testing
import WSOLData
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct BadImageTests {
    /// A copy of the fixture data set with one training image overwritten by garbage.
    private func dataSetWithACorruptImage() throws -> (root: String, corrupt: String) {
        let root = NSTemporaryDirectory() + "wsol-training-tests-\(getpid())/bad-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: TrainingFixtures.synthRoot, toPath: root)
        let train = try WSOLMetadata.read(directory: root + "/metadata/SynthWSOL/train")
        let corrupt = root + "/" + train.imageIDs[3]
        try Data("this is not an image".utf8).write(to: URL(fileURLWithPath: corrupt))
        return (root, corrupt)
    }

    @Test func aBadImageStopsTheRunBeforeTrainingNamingTheFile() throws {
        let (root, corrupt) = try dataSetWithACorruptImage()
        var config = TrainingFixtures.config("bad-stop", epochs: 1)
        config.dataRoot = root
        do {
            _ = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
            Issue.record("a corrupt training image was accepted")
        } catch {
            #expect(String(describing: error).contains(corrupt), "the error names the file: \(error)")
        }
    }

    @Test func skipBadImagesListsAndSkipsIt() throws {
        let (root, _) = try dataSetWithACorruptImage()
        var config = TrainingFixtures.config("bad-skip", epochs: 1, batchSize: 16)
        config.dataRoot = root
        config.skipBadImages = true
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        #expect(try trainer.run() == .finished)
    }
}
}
