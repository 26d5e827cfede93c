import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct InceptionV3Tests {
    @Test func inceptionV3MatchesTorchLayerByLayer() throws {
        try Golden.check(InceptionV3(classCount: 10, randomInit: false), against: "inceptionv3")
    }

    @Test func inceptionV3CAMMatchesTorchLayerByLayer() throws {
        try Golden.check(InceptionV3CAM(classCount: 10, randomInit: false), against: "inceptionv3-cam")
    }

    /// methods.md §3.3: 224 → 112 → 110 → 110 → pool 56 → 56 → 54 → pool 28 → Mixed_5* 28 → pool 14
    /// → Mixed_6* 768x14x14 (28x28 without the extra pool).
    @Test(arguments: [(false, 14), (true, 28)])
    func mixed6eSizeAt224(large: Bool, side: Int) {
        let model = InceptionV3CAM(classCount: 3, largeFeatureMap: large, randomInit: false)
        model.eval()
        let output = withNoGrad {
            model.forward(Tensor.zeros(shape: [1, 3, 224, 224]), capture: ["maxpool1", "maxpool2", "Mixed_5d", "Mixed_6e", "SPG_A4"])
        }
        #expect(output.features["maxpool1"]?.shape == [1, 64, 56, 56])
        #expect(output.features["maxpool2"]?.shape == [1, 192, 28, 28])
        #expect(output.features["Mixed_5d"]?.shape == [1, 288, 28, 28])
        #expect(output.features["Mixed_6e"]?.shape == [1, 768, side, side])
        #expect(output.features["SPG_A4"]?.shape == [1, 3, side, side])
    }

    /// GAP commutes with the 1x1 class conv, so Σ_d W[c, d]·GAP(F)_d + b_c is the logit and
    /// Σ_d W[c, d]·F_d + b_c is SPG_A4's channel c.
    @Test func classConvIsALinearHeadOnSPGA32b() {
        let model = InceptionV3CAM(classCount: 3, seed: 5)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.randomNormal(shape: [1, 3, 96, 96], seed: 2), capture: ["SPG_A3_2b", "SPG_A4"]) }
        let features = output.features["SPG_A3_2b"]!  // [1, 1024, h, w]
        let (h, w) = (features.shape[2], features.shape[3])
        let flat = features.reshaped(to: [1024, h * w])
        let cams = matmul(model.classifierWeight, flat) + model.classifierBias!.reshaped(to: [3, 1])  // [3, h·w]
        let classMaps = output.features["SPG_A4"]!.reshaped(to: [3, h * w])
        for (a, b) in zip(cams.scalars, classMaps.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        let logits = cams.mean(axes: [1])
        for (a, b) in zip(logits.scalars, output.logits.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
    }

    @Test func onlyTheSPGHeadIsFast() {
        let groups = InceptionV3CAM(classCount: 3, randomInit: false).parameterGroups(learningRate: 1e-3)
        // SPG_A3_1b.0, SPG_A3_2b.0, SPG_A4: weight + bias each.
        #expect(groups[1].parameters.count == 6)
    }
}
