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
        // layer3.0.conv2: [128, 128, 3, 3], fanOut = 128·9 = 1152, std √(2/1152) = 0.04167.
        let conv = (model.stages[2].layers[0] as! BasicBlock).conv2.weight.value
        let convStd = conv.variance(axes: [0, 1, 2, 3]).scalars[0].squareRoot()
        #expect(abs(convStd - 0.04167) < 0.002)
        // fc: [100, 128], std 0.01 (12,800 draws: the estimate is within 2%).
        let linearStd = model.fc.weight.value.variance(axes: [0, 1]).scalars[0].squareRoot()
        #expect(abs(linearStd - 0.01) < 0.0005)
        #expect(model.fc.bias!.value.scalars.allSatisfy { $0 == 0 })
        #expect(model.bn1.weight.value.scalars.allSatisfy { $0 == 1 })
    }
}
