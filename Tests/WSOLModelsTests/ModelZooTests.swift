import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct ModelZooTests {
    @Test func parsesNamesCaseInsensitively() throws {
        #expect(try ModelKind(name: "ResNet50_CAM") == .resNet50CAM)
        #expect(try ModelKind(name: "small") == .smallResNet)
        #expect(throws: UnknownModelError.self) { try ModelKind(name: "resnet18") }
        let message = String(describing: UnknownModelError(name: "alexnet"))
        #expect(message.contains("alexnet") && message.contains("vgg16-cam"))
    }

    @Test func buildsEveryKindWithItsCAMLayerAddressable() {
        for kind in ModelKind.allCases {
            let model = ModelZoo.build(kind, options: ModelOptions(classCount: 6, randomInit: false))
            #expect(model.classCount == 6, "\(kind)")
            #expect(model.featureLayerNames.contains(model.defaultCAMLayer), "\(kind)")
            #expect(Set(model.featureLayerNames).count == model.featureLayerNames.count, "\(kind): duplicate names")
        }
    }

    @Test func largeFeatureMapReachesTheCAMVariants() {
        let model = ModelZoo.build(.vgg16CAM, options: ModelOptions(classCount: 2, largeFeatureMap: true, randomInit: false))
        #expect((model as? VGG16CAM)?.largeFeatureMap == true)
        #expect(ModelKind.vgg16CAM.hasLargeFeatureMapOption && !ModelKind.vgg16.hasLargeFeatureMapOption)
    }
}

@Suite struct ParameterCountTests {
    /// torchvision's published parameter counts at 1000 classes (trainable only; BN buffers excluded):
    /// resnet50 25,557,032; vgg16 138,357,544; inception_v3 27,161,264 (with AuxLogits).
    @Test(arguments: [(ModelKind.resNet50, 25_557_032), (.vgg16, 138_357_544), (.inceptionV3, 27_161_264)])
    func matchesTorchvision(kind: ModelKind, count: Int) {
        #expect(ModelZoo.build(kind, options: ModelOptions(randomInit: false)).trainableParameterCount == count)
    }
}
