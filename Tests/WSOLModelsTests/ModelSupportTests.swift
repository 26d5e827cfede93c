import Testing
import TensorCore
import TensorNN
import TensorTestSupport
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

    /// Recording from layer3 on: same logits and the same d(logit)/d(layer3) as a fully recorded
    /// pass, while layer1 (before the gate) is off the tape (its gradient is zeros).
    @Test func recordingFromALayerKeepsOnlyTheRest() {
        let model = SmallResNet(classCount: 2, seed: 3)
        model.eval()
        let input = Tensor.randomNormal(shape: [2, 3, 32, 32], seed: 4)
        let seed = Tensor(shape: [2, 2], scalars: [0, 1, 1, 0])
        let full = model.forward(input, capture: ["layer3"])
        let fullGradient = gradients(of: full.logits, wrt: [full.features["layer3"]!], seed: seed)[0]
        let partial = model.forward(input, capture: ["layer1", "layer3"], recordingFrom: "layer3")
        let layer3 = partial.features["layer3"]!
        #expect(!layer3.isRecorded && partial.logits.isRecorded)
        #expect(!partial.features["layer1"]!.isRecorded)
        // The unrecorded prefix runs with batch norm folded (inference), so values agree to rounding.
        expectClose(partial.logits.scalars, full.logits.scalars, rtol: 1e-4, atol: 1e-5)
        let partialGradient = gradients(of: partial.logits, wrt: [layer3, partial.features["layer1"]!], seed: seed)
        expectClose(partialGradient[0].scalars, fullGradient.scalars, rtol: 1e-4, atol: 1e-6)
        #expect(partialGradient[1].scalars.allSatisfy { $0 == 0 })
    }

    /// At inference, unobserved blocks run as one convolution chain; observing every layer cuts
    /// the chain at each block. Both equal the layer-by-layer (recorded) forward pass.
    @Test func chainedInferenceMatchesTheLayers() {
        let model = SmallResNet(classCount: 3, seed: 5)
        model.train()
        _ = withNoGrad { model(Tensor.randomNormal(shape: [4, 3, 32, 32], seed: 8)) }  // moves running stats
        model.eval()
        let input = Tensor.randomNormal(shape: [2, 3, 32, 32], seed: 6)
        let wholeChain = withNoGrad { model.forward(input, capture: ["layer4"]) }
        let perBlock = withNoGrad { model.forward(input, capture: Set(model.featureLayerNames)) }
        let layers = model.forward(input, capture: ["layer2.1", "layer4"])   // recorded: no folding, no chain
        #expect(layers.logits.isRecorded && !wholeChain.logits.isRecorded)
        expectClose(wholeChain.logits.scalars, layers.logits.scalars, rtol: 1e-4, atol: 1e-5)
        expectClose(perBlock.logits.scalars, layers.logits.scalars, rtol: 1e-4, atol: 1e-5)
        expectClose(perBlock.features["layer2.1"]!.scalars, layers.features["layer2.1"]!.scalars, rtol: 1e-4, atol: 1e-5)
        expectClose(wholeChain.features["layer4"]!.scalars, layers.features["layer4"]!.scalars, rtol: 1e-4, atol: 1e-5)
    }

    @Test func everyAddressableLayerIsCapturedWithItsName() {
        let model = MobileNetV2(classCount: 4, seed: 0)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.zeros(shape: [1, 3, 32, 32]), capture: Set(model.featureLayerNames)) }
        #expect(Set(output.features.keys) == Set(model.featureLayerNames))
        #expect(output.features["features.18"]?.shape == [1, 1280, 1, 1])
    }
}
