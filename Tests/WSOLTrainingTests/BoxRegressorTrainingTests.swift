//! `wsol train --method box-regressor`: trains on the train split's boxes, reports no accuracy,
//! refuses a split without boxes, and its map gives back the regressed box through the standard
//! extraction at every threshold.
import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLData
import WSOLLocalization
import WSOLModels
@testable import WSOLTraining

extension TrainerNetworkTests {
@Suite struct BoxRegressorTrainingTests {
    /// Three epochs on the fixture's training boxes: the MSE falls by more than a third, the run is
    /// label-free, and every epoch is scored on train-fullsup from the regressor's own map.
    @Test func trainsOnTheTrainSplitsBoxes() throws {
        let config = TrainingFixtures.config("box-regressor", epochs: 3, batchSize: 16, method: "box-regressor")
        let trainer = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        #expect(try trainer.run() == .finished)
        #expect(trainer.model is BoxRegressorModel)
        let losses = trainer.state.history.map(\.trainLoss)
        #expect(losses.count == 3 && losses[2] < 0.67 * losses[0], "\(losses)")
        for record in trainer.state.history {
            #expect(record.labelFree == true)
            #expect(record.validation?.maxBoxAccV2 != nil)
        }
    }

    /// A train split without boxes is refused before training, pointing at `wsol pseudo-boxes`.
    @Test func splitWithoutBoxesIsRefused() throws {
        let target = TrainingFixtures.runDirectory("meta-noboxes") + "/metadata"
        try FileManager.default.copyItem(atPath: TrainingFixtures.synthRoot + "/metadata", toPath: target)
        try FileManager.default.removeItem(atPath: target + "/SynthWSOL/train/localization_boxes.txt")
        var config = TrainingFixtures.config("box-regressor-noboxes", epochs: 1, method: "box-regressor")
        config.metadataRoot = target
        #expect {
            _ = try TrainingSetup.makeTrainer(config: config, packageVersion: "test")
        } throws: { error in
            "\(error)".contains("have none") && "\(error)".contains("wsol pseudo-boxes")
        }
    }

    /// The evaluator's map of a regressor (bicubic "upsampling" at the same size, then min-max)
    /// gives back the regressed box, rounded, at every threshold level below the maximum.
    @Test func extractionReturnsTheRegressedBox() throws {
        let model = try BoxRegressorModel(backbone: TinyCAMNet(classCount: 4, width: 4, seed: 3), seed: 8)
        model.eval()
        let images = Tensor.randomUniform(shape: [3, 3, 32, 32], lower: -1, upper: 1, seed: 12)
        let maps = try #require(ScoreMaps.evaluationMaps(model: model, images: images, classes: [0, 1, 2]))
        let fractions = withNoGrad { model.regress(images).boxes }.scalars
        for (index, map) in maps.enumerated() {
            let box = BoxGeometry.box(fromFractions: Array(fractions[index * 4..<index * 4 + 4]), width: 32, height: 32)
            let (x0, y0) = (Int(box.x0.rounded()), Int(box.y0.rounded()))
            let expected = Box(x0: x0, y0: y0, x1: min(max(Int(box.x1.rounded()), x0 + 1), 31),
                               y1: min(max(Int(box.y1.rounded()), y0 + 1), 31))
            let quantized = QuantizedScoreMap(ScoreMap(width: 32, height: 32, values: map))
            for threshold in [0.05, 0.5, 0.95] {
                #expect(BoxExtractor.boxes(in: quantized, threshold: threshold, selection: .largest) == [expected])
            }
        }
    }
}
}
