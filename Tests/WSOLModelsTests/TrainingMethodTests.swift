import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLModels

@Suite struct TrainingMethodTests {
    /// A batch of `count` images `[count, 1, height, width]` with pixel value `image*100 + index`.
    func numberedBatch(count: Int, height: Int, width: Int, labels: [Int]) -> TrainingBatch {
        let plane = height * width
        let values = (0..<count * plane).map { Float(($0 / plane) * 100 + $0 % plane) }
        return TrainingBatch(images: Tensor(shape: [count, 1, height, width], scalars: values), labels: labels)
    }

    /// Mixed loss: logits (0, ln 3) give p = (1/4, 3/4); CE(label 1) = −ln(3/4) = 0.287682,
    /// CE(label 0) = ln 4 = 1.386294; with weight 0.25 on label 1: 0.25·0.287682 + 0.75·1.386294 = 0.071921 + 1.039721 = 1.111641.
    @Test func defaultLossMixesLabelsByWeight() {
        let logits = Tensor(shape: [1, 2], scalars: [0, Float(log(3.0))])
        let images = Tensor.zeros(shape: [1, 1, 1, 1])
        let method = VanillaCAMTraining()
        expectClose([method.loss(logits: logits, batch: TrainingBatch(images: images, labels: [1])).scalar], [0.287682], rtol: 1e-5)
        let mixed = TrainingBatch(images: images, labels: [1], mixedLabels: [0], mixingWeight: 0.25)
        expectClose([method.loss(logits: logits, batch: mixed).scalar], [1.111641], rtol: 1e-5)
    }

    /// HaS with drop rate 0 keeps the image, 1 hides everything; in between, each 2x2 patch of a
    /// 5x5 image (patches clipped at the right and bottom: 3 x 3 patches) is all kept or all hidden.
    @Test func hideAndSeekHidesWholePatches() {
        var random = RandomGenerator(seed: 4)
        let batch = numberedBatch(count: 2, height: 5, width: 5, labels: [0, 1])
        #expect(HideAndSeekTraining(gridSize: 2, dropRate: 0).transformInput(batch, random: &random).images.scalars
                == batch.images.scalars)
        #expect(HideAndSeekTraining(gridSize: 2, dropRate: 1).transformInput(batch, random: &random).images.scalars
                .allSatisfy { $0 == 0 })
        let mask = HideAndSeekTraining(gridSize: 2, dropRate: 0.5).hidingMask(count: 2, height: 5, width: 5, random: &random)
        let values = mask.scalars
        for image in 0..<2 {
            for y in 0..<5 {
                for x in 0..<5 {
                    // Same value as the patch's top-left pixel.
                    let corner = image * 25 + (y / 2 * 2) * 5 + x / 2 * 2
                    #expect(values[image * 25 + y * 5 + x] == values[corner])
                }
            }
        }
        #expect(values.contains(0) && values.contains(1))
    }

    /// CutMix: every image gets its partner's pixels inside one box and its own outside; the
    /// mixing weight is the kept share 1 − boxArea / 64 and the partner's label is recorded.
    @Test func cutMixPastesOneBoxAndWeighsByArea() {
        var random = RandomGenerator(seed: 11)
        let batch = numberedBatch(count: 4, height: 8, width: 8, labels: [0, 1, 2, 3])
        let mixed = CutMixTraining(beta: 1, probability: 1).transformInput(batch, random: &random)
        let partners = try! #require(mixed.mixedLabels)
        #expect(partners.sorted() == [0, 1, 2, 3])
        let pixels = mixed.images.scalars
        var pastedArea: Int? = nil
        for image in 0..<4 where partners[image] != image {
            let fromPartner = (0..<64).filter { pixels[image * 64 + $0] == Float(partners[image] * 100 + $0) }
            let own = (0..<64).filter { pixels[image * 64 + $0] == Float(image * 100 + $0) }
            #expect(fromPartner.count + own.count == 64)
            if let area = pastedArea { #expect(fromPartner.count == area) } else { pastedArea = fromPartner.count }
        }
        if let area = pastedArea { #expect(mixed.mixingWeight == 1 - Float(area) / 64) }
        // lambda 0.75 on 8x8: side ratio sqrt(0.25) = 0.5 -> a 4x4 cut centred anywhere, clipped.
        let box = CutMixTraining.cutBox(height: 8, width: 8, lambda: 0.75, random: &random)
        #expect(box.x1 - box.x0 <= 4 && box.y1 - box.y0 <= 4 && box.x0 >= 0 && box.x1 <= 8)
        // Probability 0: the batch is unchanged and unmixed.
        let untouched = CutMixTraining(beta: 1, probability: 0).transformInput(batch, random: &random)
        #expect(untouched.mixedLabels == nil && untouched.images.scalars == batch.images.scalars)
    }

    /// Beta(1, 1) is uniform: mean 1/2, variance 1/12 (over 4000 draws, within 3 standard errors).
    @Test func betaSamplerMoments() {
        var random = RandomGenerator(seed: 5)
        let draws = (0..<4000).map { _ in BetaSampler.sample(alpha: 1, beta: 1, random: &random) }
        let mean = draws.reduce(0, +) / 4000
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
        #expect(abs(mean - 0.5) < 3 * (1.0 / 12 / 4000).squareRoot())
        #expect(abs(variance - 1.0 / 12) < 0.006)
    }

    /// ADL on F = [ch0 (0, 2, 4, 8), ch1 (0, 0, 0, 2)] (1 image, 2x2): attention A = mean over
    /// channels = (0, 1, 2, 5). Drop mask with γ 0.9: A < 4.5 -> (1, 1, 1, 0), so F·mask =
    /// ch0 (0, 2, 4, 0), ch1 (0, 0, 0, 0). Importance map: F·sigmoid(A), sigmoid(0, 1, 2, 5) =
    /// (0.5, 0.731059, 0.880797, 0.993307).
    @Test func attentionDropoutMasks() {
        let features = Tensor(shape: [1, 2, 2, 2], scalars: [0, 2, 4, 8, 0, 0, 0, 2])
        let adl = AttentionDropoutTraining(dropRate: 0.75, threshold: 0.9)
        #expect(adl.apply(to: features, useDropMask: true).scalars == [0, 2, 4, 0, 0, 0, 0, 0])
        expectClose(adl.apply(to: features, useDropMask: false).scalars,
                    [0, 2 * 0.731059, 4 * 0.880797, 8 * 0.993307, 0, 0, 0, 2 * 0.993307], rtol: 1e-5)
    }
}
