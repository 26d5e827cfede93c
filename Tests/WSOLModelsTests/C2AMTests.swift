import Foundation
import Testing
import TensorCore
import TensorTestSupport
@testable import WSOLModels

@Suite struct C2AMLossTests {
    /// a = (1,0), (0,1); b = (1,0), (3,4) (unit (0.6, 0.8)). Cosines: a0·b0 = 1 → clipped 0.9995,
    /// a0·b1 = 0.6, a1·b0 = 0 → clipped 0.0005, a1·b1 = 0.8.
    @Test func similarityIsClippedCosine() {
        let a = Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
        let b = Tensor(shape: [2, 2], scalars: [1, 0, 3, 4])
        expectClose(C2AMLoss.similarity(a, b).scalars, [0.9995, 0.6, 0.0005, 0.8])
    }

    /// fg = (1,0), (0,1); bg = (0,1), (1,1). s(bg_i, fg_j): bg0·fg0 = 0 → 0.0005, bg0·fg1 = 1 → 0.9995,
    /// bg1·fg0 = bg1·fg1 = 1/√2 = 0.707107. −log(1 − s): 0.000500125, 7.600902, 1.227947, 1.227947;
    /// mean over the 4 pairs (diagonal included) = 10.057297 / 4 = 2.514324.
    @Test func negativeLossAveragesEveryPair() {
        let foreground = Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
        let background = Tensor(shape: [2, 2], scalars: [0, 1, 1, 1])
        expectClose([C2AMLoss.negative(foreground: foreground, background: background).scalar], [2.514324], rtol: 1e-5)
    }

    /// Row (0.9995, 0.3, 0.7), α 0.5: descending order 0, 2, 1 → ranks 0, 2, 1 →
    /// weights exp(−0.5·(−1)) = e^0.5 = 1.648721, exp(−0.5·1) = 0.606531, exp(0) = 1.
    /// Row (0.5, 0.9995, 0.5) with a tie: order 1, 0, 2 (ties keep column order) →
    /// ranks 1, 0, 2 → weights 1, 1.648721, 0.606531.
    @Test func rankWeightsFollowDescendingSimilarity() {
        let weights = C2AMLoss.rankWeights([0.9995, 0.3, 0.7, 0.5, 0.9995, 0.5, 0.1, 0.2, 0.9995], count: 3, alpha: 0.5)
        // Row 2 (0.1, 0.2, 0.9995): ranks 2, 1, 0 → 0.606531, 1, 1.648721.
        expectClose(weights, [1.648721, 0.606531, 1, 1, 1.648721, 0.606531, 0.606531, 1, 1.648721])
    }

    /// α 0 gives uniform weight 1 except the diagonal... also 1: exp(0) for every rank.
    @Test func zeroAlphaWeighsEveryPairEqually() {
        #expect(C2AMLoss.rankWeights([0.9, 0.1, 0.2, 0.8], count: 2, alpha: 0) == [1, 1, 1, 1])
    }

    /// v0 = (1,0), v1 = (3,4): similarities [[0.9995, 0.6], [0.6, 0.9995]] (self-similarity 1 is
    /// clipped). α 0.05: the diagonal is rank 0 → e^0.05 = 1.051271, the other rank 1 → 1.
    /// L = (2·1.051271·(−log 0.9995) + 2·1·(−log 0.6)) / 4 = (2·1.051271·0.000500125 + 2·0.510826) / 4 = 0.255676.
    @Test func positiveLossIsRankWeightedMean() {
        let vectors = Tensor(shape: [2, 2], scalars: [1, 0, 3, 4])
        expectClose([C2AMLoss.positive(vectors, alpha: 0.05).scalar], [0.255676], rtol: 1e-5)
    }

    /// The total is the sum of the three terms; its gradient matches finite differences (values
    /// chosen with distinct similarities, away from the clipping bounds and from rank ties).
    @Test func totalLossGradientMatchesFiniteDifferences() {
        let foreground = Tensor(shape: [3, 4], scalars: [1.0, 0.2, 0.5, 0.1, 0.3, 1.2, 0.1, 0.4, 0.6, 0.5, 0.9, 0.2])
        let background = Tensor(shape: [3, 4], scalars: [0.1, 0.9, 0.2, 1.1, 0.8, 0.1, 0.3, 0.7, 0.2, 0.3, 1.0, 0.6])
        let sum = C2AMLoss.positive(background, alpha: 0.05).scalar + C2AMLoss.negative(foreground: foreground, background: background).scalar
            + C2AMLoss.positive(foreground, alpha: 0.05).scalar
        expectClose([C2AMLoss.total(foreground: foreground, background: background, alpha: 0.05).scalar], [sum])
        checkGradients({ C2AMLoss.total(foreground: $0[0], background: $0[1], alpha: 0.05) },
                       at: [foreground, background], epsilon: 1e-3)
    }
}

@Suite struct C2AMPolarityTests {
    /// 3x3, top row and left column 1, the rest 0: strip means top 1, left 1, bottom (1,0,0) 1/3,
    /// right (1,0,0) 1/3 → mean 0.667 > 0.5 → inverted.
    @Test func borderMostlyOnIsInverted() {
        #expect(C2AMTraining.borderSaysInverted([1, 1, 1, 1, 0, 0, 1, 0, 0], height: 3, width: 3))
    }

    /// Only the top row on: top 1, left 1/3, right 1/3, bottom 0 → 0.417 → not inverted. A centre
    /// blob is not inverted; values of exactly 0.5 binarise to 0 (`> 0.5`).
    @Test func centreOrSparseBorderIsNotInverted() {
        #expect(!C2AMTraining.borderSaysInverted([1, 1, 1, 0, 0, 0, 0, 0, 0], height: 3, width: 3))
        #expect(!C2AMTraining.borderSaysInverted([0, 0, 0, 0, 1, 0, 0, 0, 0], height: 3, width: 3))
        #expect(!C2AMTraining.borderSaysInverted([Float](repeating: 0.5, count: 9), height: 3, width: 3))
        #expect(C2AMTraining.borderSaysInverted([Float](repeating: 0.51, count: 9), height: 3, width: 3))
    }

    /// The flag set after epoch 0 flips the native map: with polarity −1 the map is 1 − P.
    @Test func invertedModelReturnsOneMinusForeground() throws {
        let model = try C2AMModel(backbone: TinyCAMNet(classCount: 3, width: 4, seed: 1), seed: 2)
        model.eval()
        let images = Tensor.randomNormal(shape: [2, 3, 16, 16], seed: 3)
        let foreground = withNoGrad { model.disentangle(images).foreground }
        #expect(!model.isInverted)
        expectClose(withNoGrad { model.nativeMaps(images, classes: [0, 0]) }.scalars, foreground.scalars)
        model.polarity.value = Tensor(shape: [1], scalars: [-1])
        expectClose(withNoGrad { model.nativeMaps(images, classes: [0, 0]) }.scalars, foreground.scalars.map { 1 - $0 })
    }

    /// epochFinished(0) decides from the last step's first map; later epochs do not change it.
    @Test func polarityIsDecidedAfterTheFirstEpochOnly() throws {
        let method = C2AMTraining(seed: 2)
        let model = try #require(try method.prepareModel(TinyCAMNet(classCount: 3, width: 4, seed: 1)) as? C2AMModel)
        var random = RandomGenerator(seed: 0)
        _ = method.step(model: model, batch: TrainingBatch(images: Tensor.randomNormal(shape: [2, 3, 16, 16], seed: 4), labels: [0, 1]),
                        random: &random)
        let recorded = try #require(method.lastFirstMap)
        #expect(recorded.height == 4 && recorded.width == 4)
        method.epochFinished(0, model: model)
        let expected: Float = C2AMTraining.borderSaysInverted(recorded.values, height: 4, width: 4) ? -1 : 1
        #expect(model.polarity.value.scalars == [expected])
        model.polarity.value = Tensor(shape: [1], scalars: [-expected])
        method.epochFinished(1, model: model)
        #expect(model.polarity.value.scalars == [-expected])
    }
}

@Suite struct C2AMModelTests {
    /// `tiny` concatenates block3 (4w) and block2 (2w): 24 channels at width 4; maps at H/4.
    /// v_fg + v_bg = mean over space of F (P + (1 − P) = 1), checked against the captured layers.
    @Test func pooledVectorsSplitTheMeanFeature() throws {
        let backbone = TinyCAMNet(classCount: 3, width: 4, seed: 1)
        let model = try C2AMModel(backbone: backbone, seed: 2)
        model.eval()
        #expect(model.layers == ["block3", "block2"])
        #expect(model.disentangler.conv.weight.value.shape == [1, 24, 3, 3])
        let images = Tensor.randomNormal(shape: [2, 3, 16, 16], seed: 5)
        let forward = withNoGrad { model.disentangle(images) }
        #expect(forward.foreground.shape == [2, 1, 4, 4])
        let features = withNoGrad { backbone.forward(images, capture: ["block2", "block3"]).features }
        let meanFeature = concat([features["block3"]!, features["block2"]!], axis: 1).mean(axes: [2, 3])
        expectClose((forward.foregroundVectors + forward.backgroundVectors).scalars, meanFeature.scalars, rtol: 1e-4, atol: 1e-5)
        #expect(forward.foreground.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    }

    /// Parameters: the head is the fast group; with the quirk, BN affines (backbone and head) are frozen.
    @Test func groupsAndFrozenBatchNorm() throws {
        let plain = try C2AMModel(backbone: TinyCAMNet(classCount: 3, width: 4, seed: 1))
        #expect(plain.isFastParameter(named: "disentangler.conv.weight"))
        #expect(!plain.isFastParameter(named: "backbone.block1.0.weight"))
        #expect(!plain.isFrozenParameter(named: "disentangler.bn.weight"))
        let quirky = try C2AMModel(backbone: TinyCAMNet(classCount: 3, width: 4, seed: 1), freezesBatchNormAffine: true)
        #expect(quirky.isFrozenParameter(named: "disentangler.bn.weight"))
        #expect(quirky.isFrozenParameter(named: "backbone.block1.1.bias"))
        #expect(!quirky.isFrozenParameter(named: "backbone.block1.0.weight"))
        #expect(!quirky.isFrozenParameter(named: "disentangler.conv.weight"))
    }

    @Test func unknownLayerIsAnError() {
        #expect(throws: C2AMError.self) { try C2AMModel(backbone: TinyCAMNet(classCount: 3, width: 4), layers: ["block9", "block2"]) }
    }

    /// SmallResNet: layer4 (128) + layer3 (64) at the same stride 8 → 192 channels.
    @Test func smallResNetUsesLayer4AndLayer3() throws {
        let model = try C2AMModel(backbone: SmallResNet(classCount: 2, seed: 1))
        #expect(model.layers == ["layer4", "layer3"])
        #expect(model.disentangler.conv.weight.value.shape == [1, 192, 3, 3])
    }
}
