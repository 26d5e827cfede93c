import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

@Suite struct SmallResNetTests {
    @Test func smallResNetMatchesTorchLayerByLayer() throws {
        try Golden.check(SmallResNet(classCount: 10, randomInit: false), against: "small")
    }

    /// Stem stride 2 and stage strides 1, 2, 2, 1: 64 / 8 = 8.
    @Test func camLayerIsEighthOfTheInput() {
        let model = SmallResNet(classCount: 6, seed: 1)
        let output = model.forward(Tensor.randomNormal(shape: [2, 3, 64, 64], seed: 3), capture: ["layer4"])
        #expect(output.features["layer4"]?.shape == [2, 128, 8, 8])
        #expect(output.logits.shape == [2, 6])
    }

    /// Reference init: conv weights N(0, 2 / fanOut), BN 1 / 0, linear N(0, 0.01) with zero bias.
    @Test func referenceInitialisation() {
        let model = SmallResNet(classCount: 100, seed: 9)
        // layer4.0.conv2: [128, 128, 3, 3], fanOut = 128·9 = 1152, std √(2/1152) = 0.04167.
        let conv = (model.stages[3].layers[0] as! BasicBlock).conv2.weight.value
        let convStd = conv.variance(axes: [0, 1, 2, 3]).scalars[0].squareRoot()
        #expect(abs(convStd - 0.04167) < 0.002)
        // fc: [100, 128], std 0.01 (12,800 draws: the estimate is within 2%).
        let linearStd = model.fc.weight.value.variance(axes: [0, 1]).scalars[0].squareRoot()
        #expect(abs(linearStd - 0.01) < 0.0005)
        #expect(model.fc.bias!.value.scalars.allSatisfy { $0 == 0 })
        #expect(model.bn1.weight.value.scalars.allSatisfy { $0 == 1 })
    }
}

@Suite struct ModelFLOPsTests {
    /// SmallResNet(10) at 64x64, 2·weights·output pixels per conv:
    /// stem 3→16 3x3 at 32x32: 2·432·1024 = 884,736;
    /// layer1, four 16→16 3x3 at 32x32: 4·2·2304·1024 = 18,874,368;
    /// layer2: 16→32 s2 at 16x16 2·4608·256 = 2,359,296 + 32→32 4,718,592 + 1x1 shortcut 2·512·256 = 262,144
    ///         + second block 2·4,718,592 → 16,777,216;
    /// layer3: the same with twice the channels at 8x8 → 16,777,216;
    /// layer4 (stride 1, 8x8): 64→128 2·73728·64 = 9,437,184 + 128→128 18,874,368 + shortcut 2·8192·64
    ///         = 1,048,576 + second block 37,748,736 → 67,108,864;
    /// fc 128→10: 2,560. Total 120,424,960.
    @Test func smallResNetFLOPsByHand() {
        let model = SmallResNet(classCount: 10, randomInit: false)
        #expect(model.forwardFLOPs(inputHeight: 64, inputWidth: 64) == 120_424_960)
    }

    /// ResNet50 at 224 is the well-known 4.1 G multiply-adds (8.2 GFLOP) with a 1000-way fc;
    /// torchvision's own figure is 4.09 GMAC.
    @Test func resNet50FLOPsMatchTheKnownFigure() {
        let flops = ResNet50(randomInit: false).forwardFLOPs(inputHeight: 224, inputWidth: 224)
        #expect(abs(flops / 2e9 - 4.09) < 0.03)
    }

    /// MobileNetV2 at 224: 300 M multiply-adds (the paper's figure; 0.30-0.31 GMAC by counters).
    @Test func mobileNetV2FLOPsMatchTheKnownFigure() {
        let flops = MobileNetV2(randomInit: false).forwardFLOPs(inputHeight: 224, inputWidth: 224)
        #expect(abs(flops / 2e9 - 0.30) < 0.015)
    }
}
