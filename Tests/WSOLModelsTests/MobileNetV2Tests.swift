import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct MobileNetV2Tests {
    @Test func mobileNetV2MatchesTorchLayerByLayer() throws {
        try Golden.check(MobileNetV2(classCount: 10, randomInit: false), against: "mobilenetv2")
    }

    @Test func torchvisionShapes() {
        let model = MobileNetV2(randomInit: false)
        // torchvision: 314 state-dict entries, 3,504,872 trainable parameters at 1000 classes.
        #expect(model.namedParameters().count == 314)
        #expect(model.trainableParameterCount == 3_504_872)
        #expect(model.featureLayerNames.count == 19)
        #expect(model.classifierWeight.shape == [1000, 1280])
    }
}
