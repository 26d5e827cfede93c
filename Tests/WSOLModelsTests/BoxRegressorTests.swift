//! The class-agnostic box regressor (C²AM's PSOL step): target geometry, indicator maps, the
//! masked MSE and its gradient, and the model's map.
import Testing
import TensorCore
import TensorNN
import TensorTestSupport
@testable import WSOLModels

@Suite struct BoxGeometryTests {
    /// (8, 16)-(24, 48) in a 64 x 64 frame: centre (16, 32) -> (0.25, 0.5), size 16 x 32 -> (0.25, 0.5).
    @Test func fractionsOfABox() {
        let box = TrainingBox(x0: 8, y0: 16, x1: 24, y1: 48)
        #expect(BoxGeometry.fractions(of: box, width: 64, height: 64) == [0.25, 0.5, 0.25, 0.5])
        // A box past the frame clamps to [0, 1].
        #expect(BoxGeometry.fractions(of: TrainingBox(x0: 0, y0: 0, x1: 80, y1: 10), width: 64, height: 10)[2] == 1)
    }

    /// (cx, cy, w, h) = (0.9, 0.5, 0.4, 0.2) in 10 x 10: x 7...11 clipped to 10, y 4...6.
    @Test func boxFromFractionsClipsToTheFrame() {
        let box = BoxGeometry.box(fromFractions: [0.9, 0.5, 0.4, 0.2], width: 10, height: 10)
        expectClose([box.x0, box.y0, box.x1, box.y1], [7, 4, 10, 6], rtol: 0, atol: 1e-5)
        let back = BoxGeometry.fractions(of: BoxGeometry.box(fromFractions: [0.3, 0.6, 0.2, 0.4], width: 50, height: 20),
                                         width: 50, height: 20)
        expectClose(back, [0.3, 0.6, 0.2, 0.4], rtol: 0, atol: 1e-6)
    }

    /// Columns round(2.4) = 2 ..< round(5.5) = 6 and row round(1.6) = 2 ..< 3 of an 8 x 4 frame.
    @Test func indicatorLightsTheRoundedBox() {
        let map = BoxGeometry.indicator(of: TrainingBox(x0: 2.4, y0: 1.6, x1: 5.5, y1: 3), width: 8, height: 4)
        let lit = map.indices.filter { map[$0] == 1 }
        #expect(lit == [18, 19, 20, 21])
        #expect(map.reduce(0, +) == 4)
    }

    /// An empty box still lights one pixel; a whole-frame box leaves the top-left pixel at 0 so
    /// that min-max normalisation does not turn it into "no box".
    @Test func degenerateAndWholeFrameBoxes() {
        let empty = BoxGeometry.indicator(of: TrainingBox(x0: 3, y0: 3, x1: 3, y1: 3), width: 5, height: 5)
        #expect(empty.reduce(0, +) == 1 && empty[3 * 5 + 3] == 1)
        let whole = BoxGeometry.indicator(of: TrainingBox(x0: 0, y0: 0, x1: 5, y1: 4), width: 5, height: 4)
        #expect(whole[0] == 0 && whole.dropFirst().allSatisfy { $0 == 1 })
    }
}

@Suite struct BoxRegressorLossTests {
    /// Image 0 is off by 0.25 on cx and w; image 1 has no target and contributes 0, but counts in
    /// the mean over the batch's 8 values: (0.25² + 0.25²) / 8 = 0.015625.
    @Test func maskedMeanSquaredError() {
        let predictions = Tensor(shape: [2, 4], scalars: [0.5, 0.5, 0.5, 0.5, 0.1, 0.2, 0.3, 0.4])
        let loss = BoxRegressorLoss.meanSquaredError(predictions, targets: [[0.25, 0.5, 0.25, 0.5], nil])
        #expect(abs(loss.scalar - 0.015625) < 1e-7)
        #expect(BoxRegressorLoss.meanSquaredError(predictions, targets: [nil, nil]).scalar == 0)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let targets: [[Float]?] = [[0.2, 0.4, 0.6, 0.8], nil, [0.5, 0.5, 0.1, 0.9]]
        checkGradients({ BoxRegressorLoss.meanSquaredError(sigmoid($0[0]), targets: targets) },
                       at: [testTensor([3, 4], seed: 31)])
    }
}

@Suite struct BoxRegressorModelTests {
    /// The native map of every image is the indicator of its regressed box, at input resolution.
    @Test func nativeMapIsTheRegressedBox() throws {
        let model = try BoxRegressorModel(backbone: TinyCAMNet(classCount: 3, width: 4, seed: 2), seed: 5)
        model.eval()
        let images = testTensor([2, 3, 32, 32], seed: 9)
        let maps = withNoGrad { model.nativeMaps(images, classes: [0, 1]) }
        #expect(maps.shape == [2, 1, 32, 32])
        let fractions = withNoGrad { model.regress(images).boxes }.scalars
        for image in 0..<2 {
            let box = BoxGeometry.box(fromFractions: Array(fractions[image * 4..<image * 4 + 4]), width: 32, height: 32)
            #expect(Array(maps.scalars[image * 1024..<(image + 1) * 1024]) == BoxGeometry.indicator(of: box, width: 32, height: 32))
        }
        #expect(model.isFastParameter(named: "head.fc.weight") && !model.isFastParameter(named: "backbone.fc.weight"))
        #expect(model.namedParameters().contains { $0.0 == "head.reduce.weight" })
    }

    @Test func unknownLayerIsAClearError() {
        #expect(throws: BoxRegressorError.unknownLayer("nope", known: ["block1", "block2", "block3"])) {
            _ = try BoxRegressorModel(backbone: TinyCAMNet(classCount: 3, width: 4, seed: 2), layer: "nope")
        }
    }

    /// The step's target is the largest box in the augmented frame; labels are never read.
    @Test func stepRegressesTheLargestBoxAndIgnoresLabels() throws {
        let method = BoxRegressorTraining(seed: 1)
        let model = try method.prepareModel(TinyCAMNet(classCount: 3, width: 4, seed: 2))
        let images = testTensor([2, 3, 16, 16], seed: 4)
        let boxes = [[TrainingBox(x0: 0, y0: 0, x1: 2, y1: 2), TrainingBox(x0: 4, y0: 4, x1: 12, y1: 12)], []]
        var random = RandomGenerator(seed: 0)
        let loss = method.step(model: model, batch: TrainingBatch(images: images, labels: [0, 1], boxes: boxes), random: &random).loss
        var random2 = RandomGenerator(seed: 0)
        let relabelled = method.step(model: model, batch: TrainingBatch(images: images, labels: [2, 2], boxes: boxes), random: &random2).loss
        let predicted = withNoGrad { (model as! BoxRegressorModel).regress(images).boxes }
        let expected = BoxRegressorLoss.meanSquaredError(predicted, targets: [[0.5, 0.5, 0.5, 0.5], nil])
        #expect(abs(loss.scalar - expected.scalar) < 1e-6)
        #expect(loss.scalar == relabelled.scalar)
    }
}
