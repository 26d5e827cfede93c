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

    /// torchvision at 299: 149 → 147 → 147 → 73 → 73 → 71 → 35 → Mixed_5* 35 → Mixed_6* 17 → Mixed_7* 8.
    @Test func torchvisionSizesAt299() {
        let model = InceptionV3(classCount: 2, randomInit: false)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.zeros(shape: [1, 3, 299, 299]), capture: ["maxpool2", "Mixed_6e", "Mixed_7c"]) }
        #expect(output.features["maxpool2"]?.shape == [1, 192, 35, 35])
        #expect(output.features["Mixed_6e"]?.shape == [1, 768, 17, 17])
        #expect(output.features["Mixed_7c"]?.shape == [1, 2048, 8, 8])
    }

    /// `transform_input`: channel c becomes x·std_c/0.5 + (mean_c − 0.5)/0.5, e.g. for red
    /// x·0.458 − 0.03. The model with it on equals the model without it fed the mapped input.
    @Test func transformInputRemapsTheNormalisation() {
        let plain = InceptionV3(classCount: 3, auxLogits: false, seed: 6)
        let google = InceptionV3(classCount: 3, auxLogits: false, transformInput: true, seed: 6)
        plain.eval()
        google.eval()
        let input = Tensor.randomNormal(shape: [1, 3, 80, 80], seed: 8)
        let scale = Tensor(shape: [1, 3, 1, 1], scalars: [0.458, 0.448, 0.45])
        let shift = Tensor(shape: [1, 3, 1, 1], scalars: [-0.03, -0.088, -0.188])
        let expected = withNoGrad { plain(input * scale + shift) }
        let actual = withNoGrad { google(input) }
        for (a, b) in zip(actual.scalars, expected.scalars) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
    }

    @Test func onlyTheSPGHeadIsFast() {
        let groups = InceptionV3CAM(classCount: 3, randomInit: false).parameterGroups(learningRate: 1e-3)
        // SPG_A3_1b.0, SPG_A3_2b.0, SPG_A4: weight + bias each.
        #expect(groups[1].parameters.count == 6)
    }
}
