import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct ModelSupportTests {
    /// Replacing layer4 by zeros leaves GAP = 0, so the logits are exactly fc's bias.
    @Test func replacingALayerContinuesFromTheReplacement() {
        let model = SmallResNet(classCount: 3, seed: 2)
        model.fc.bias!.value = Tensor(shape: [3], scalars: [0.5, -1, 2])
        model.eval()
        let input = Tensor.randomNormal(shape: [2, 3, 32, 32], seed: 1)
        let zeros = Tensor.zeros(shape: [2, 128, 4, 4])
        let output = withNoGrad { model.forward(input, capture: ["layer4", "layer3"], replacing: (layer: "layer4", value: zeros)) }
        #expect(output.logits.scalars == [0.5, -1, 2, 0.5, -1, 2])
        #expect(output.features["layer4"]?.scalars.allSatisfy { $0 == 0 } == true)
        #expect(output.features["layer3"]?.shape == [2, 64, 4, 4])
        #expect(output.features.count == 2)
    }

    /// Captured feature maps stay on the tape: d(logit_c)/d(layer4) = W[c] / (h·w) at every position.
    @Test func capturedFeaturesAreDifferentiable() {
        let model = SmallResNet(classCount: 2, seed: 3)
        model.eval()
        let output = model.forward(Tensor.randomNormal(shape: [1, 3, 32, 32], seed: 4), capture: ["layer4"])
        let features = output.features["layer4"]!  // [1, 128, 4, 4]
        let seed = Tensor(shape: [1, 2], scalars: [0, 1])
        let gradient = gradients(of: output.logits, wrt: [features], seed: seed)[0]
        let weight = model.classifierWeight.scalars  // [2, 128]
        for channel in [0, 77] {
            let expected = weight[128 + channel] / 16
            #expect(abs(gradient.scalars[channel * 16 + 5] - expected) < 1e-6)
        }
    }

    @Test func everyAddressableLayerIsCapturedWithItsName() {
        let model = MobileNetV2(classCount: 4, seed: 0)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.zeros(shape: [1, 3, 32, 32]), capture: Set(model.featureLayerNames)) }
        #expect(Set(output.features.keys) == Set(model.featureLayerNames))
        #expect(output.features["features.18"]?.shape == [1, 1280, 1, 1])
    }
}
