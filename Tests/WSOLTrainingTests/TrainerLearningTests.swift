import Foundation
import Testing
import WSOLData
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct TrainerLearningTests {
    /// Vanilla CAM on SynthWSOL tiny: 4 classes (chance 25%). After a few epochs the tiny network
    /// must classify the test split well above chance, and its CAMs must localize better than a
    /// fixed centre Gaussian (both MaxBoxAccV2 on the same test images, computed here).
    @Test func camLearnsAndBeatsTheCentreBaseline() throws {
        let config = TrainingFixtures.config("learn", epochs: 6)
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        #expect(try trainer.run() == .finished)
        let test = try SplitEvaluator(metadata: WSOLMetadata.read(metadataRoot: config.dataRoot + "/metadata",
                                                                  dataset: "SynthWSOL", split: .test),
                                      root: config.dataRoot, inputSize: 32, interval: 0.02)
        let scores = try test.evaluate(trainer.model)
        let baseline = test.baselineMaxBoxAccV2(map: ScoreMaps.centreGaussian(width: 32, height: 32))
        // Measured (seed 7, 6 epochs): test top-1 89.6%, CAM MaxBoxAccV2 58.3, centre Gaussian 39.6.
        #expect(scores.imageCount == 48)
        #expect(scores.top1Accuracy >= 60, "test top-1 \(scores.top1Accuracy)% vs 25% chance")
        let cam = try #require(scores.maxBoxAccV2)
        #expect(cam > baseline, "CAM MaxBoxAccV2 \(cam) vs centre Gaussian \(baseline)")
        // The history and the run directory record every epoch.
        #expect(trainer.state.history.map(\.epoch) == Array(1...6))
        let log = try String(contentsOfFile: trainer.directory.logPath, encoding: .utf8)
        #expect(log.split(separator: "\n").count == 6)
    }
}
}
