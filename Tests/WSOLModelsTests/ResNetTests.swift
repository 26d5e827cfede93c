import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct ResNetTests {
    @Test func resNet50MatchesTorchLayerByLayer() throws {
        try Golden.check(ResNet50(classCount: 10, randomInit: false), against: "resnet50")
    }

    @Test func resNet50CAMMatchesTorchLayerByLayer() throws {
        try Golden.check(ResNet50(classCount: 10, camVariant: true, randomInit: false), against: "resnet50-cam")
    }

    /// methods.md §3.4: 224 input gives 2048x14x14 (layer4 stride 1), 28x28 with layer3 stride 1 too;
    /// torchvision's layer4 is 224 / 32 = 7.
    @Test(arguments: [(false, false, 7), (true, false, 14), (true, true, 28)])
    func layer4SizeAt224(camVariant: Bool, large: Bool, side: Int) {
        let model = ResNet50(classCount: 5, camVariant: camVariant, largeFeatureMap: large, randomInit: false)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.zeros(shape: [1, 3, 224, 224]), capture: ["layer4"]) }
        #expect(output.features["layer4"]?.shape == [1, 2048, side, side])
        #expect(output.logits.shape == [1, 5])
    }

    @Test func camVariantTrainsLayer4AndFcFaster() {
        let model = ResNet50(classCount: 3, camVariant: true, randomInit: false)
        let groups = model.parameterGroups(learningRate: 0.01, weightDecay: 1e-4)
        // layer4: 3 bottlenecks x (3 convs + 3 BN x 2) + downsample (conv + BN x 2) = 3·9 + 3 = 30, fc: 2.
        #expect(groups[1].parameters.count == 32)
        #expect(abs(groups[1].learningRate - 0.1) < 1e-7)  // 10 x 0.01
        #expect(groups[0].weightDecay == 1e-4)
        #expect(groups[0].parameters.count + 32 == model.trainableParameters().count)
        let plain = ResNet50(classCount: 3, randomInit: false).parameterGroups(learningRate: 0.01)
        #expect(plain[1].parameters.count == 2)  // fc.weight, fc.bias
    }

    @Test func featureLayerNamesListBlocksThenStages() {
        let names = ResNet50(classCount: 2, randomInit: false).featureLayerNames
        // conv1, bn1, relu, maxpool + (3+1) + (4+1) + (6+1) + (3+1) = 4 + 20.
        #expect(names.count == 24)
        #expect(names.prefix(6) == ["conv1", "bn1", "relu", "maxpool", "layer1.0", "layer1.1"])
        #expect(names.last == "layer4")
    }
}
