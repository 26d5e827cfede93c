import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct VGGTests {
    @Test func vgg16MatchesTorchLayerByLayer() throws {
        try Golden.check(VGG16(classCount: 10, randomInit: false), against: "vgg16")
    }

    @Test func vgg16CAMMatchesTorchLayerByLayer() throws {
        try Golden.check(VGG16CAM(classCount: 10, randomInit: false), against: "vgg16-cam")
    }

    /// methods.md §3.4: conv6 is 1024x14x14 at 224 (pool5 removed), 28x28 without pool4 as well.
    @Test(arguments: [(false, 14), (true, 28)])
    func conv6SizeAt224(large: Bool, side: Int) {
        let model = VGG16CAM(classCount: 4, largeFeatureMap: large, randomInit: false)
        model.eval()
        let output = withNoGrad { model.forward(Tensor.zeros(shape: [1, 3, 224, 224]), capture: ["conv6"]) }
        #expect(output.features["conv6"]?.shape == [1, 1024, side, side])
    }

    @Test func camFeaturesDropPool5AndOptionallyPool4() {
        // torchvision: 13 convs x (conv, ReLU) + 5 pools = 31 layers; CAM: 30; large: 29.
        #expect(VGG16(classCount: 2, randomInit: false).features.layers.count == 31)
        #expect(VGG16CAM(classCount: 2, randomInit: false).features.layers.count == 30)
        let large = VGG16CAM(classCount: 2, largeFeatureMap: true, randomInit: false)
        #expect(large.features.layers.count == 29)
        // Pools of the large variant sit at 4, 9, 16 only.
        let pools = large.features.layers.enumerated().filter { ($0.element as? Activation)?.name == "MaxPool2d" }.map(\.offset)
        #expect(pools == [4, 9, 16])
    }

    @Test func newHeadTrainsTenTimesFaster() {
        let groups = VGG16CAM(classCount: 3, randomInit: false).parameterGroups(learningRate: 1e-3)
        #expect(groups[0].parameters.count == 26)  // 13 convs x (weight, bias)
        #expect(groups[1].parameters.count == 4)   // conv6 and fc
        #expect(abs(groups[1].learningRate - 1e-2) < 1e-7)  // 10 x 1e-3
    }
}
