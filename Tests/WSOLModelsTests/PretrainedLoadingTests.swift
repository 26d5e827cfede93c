import Testing
import TensorCore
import TensorNN
@testable import WSOLModels

/// A torchvision-named checkpoint made from a model's own parameters: every value is
/// `marker + index within the tensor`, so a test can tell which tensor landed where.
private func checkpoint(_ named: [(String, Parameter)], marker: (String) -> Float) -> [(String, NamedArray)] {
    named.map { name, parameter in
        let base = marker(name)
        return (name, NamedArray(shape: parameter.value.shape, values: (0..<parameter.value.count).map { base + Float($0) }))
    }
}

/// torchvision VGG16 `features.*` names and shapes (convs at 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)
/// plus a token classifier; each conv's values start at 1000·index.
private func torchvisionVGG16Features() -> SafeTensorsFile {
    var generator = RandomGenerator(seed: 0)
    let features = vggFeatures(vgg16Configuration, using: &generator)
    let named = features.namedParameters().map { ("features.\($0.0)", $0.1) }
    let arrays = checkpoint(named) { name in Float(Int(name.split(separator: ".")[1])! * 1000) }
    return SafeTensorsFile(arrays: arrays + [("classifier.6.weight", NamedArray(shape: [1000, 4096], values: [Float](repeating: 0, count: 4_096_000)))])
}

@Suite struct PretrainedLoadingTests {
    /// Large feature map: pool4 (index 23) is gone, so torchvision's convs 24, 26, 28 move to
    /// 23, 25, 27; convs before pool4 keep their index. conv6/fc stay as initialised.
    @Test func vggCAMRealignsFeatureIndicesWithoutPool4() throws {
        let model = VGG16CAM(classCount: 7, largeFeatureMap: true, randomInit: false)
        let report = try model.loadPretrained(torchvisionVGG16Features())
        #expect(report.renamed.map(\.from) == ["features.24.weight", "features.24.bias", "features.26.weight",
                                               "features.26.bias", "features.28.weight", "features.28.bias"])
        #expect(report.renamed.map(\.to) == ["features.23.weight", "features.23.bias", "features.25.weight",
                                             "features.25.bias", "features.27.weight", "features.27.bias"])
        #expect(report.dropped == ["classifier.6.weight"])
        #expect(report.missing == ["conv6.weight", "conv6.bias", "fc.weight", "fc.bias"])
        #expect(report.loadedCount == 26)
        let conv23 = model.features.layers[23] as! Conv2d
        #expect(conv23.bias!.value.scalars.first == 24_000)  // torchvision's features.24.bias, first value
        let conv21 = model.features.layers[21] as! Conv2d
        #expect(conv21.weight.value.scalars.first == 21_000)
    }

    @Test func vggCAMWithPool4KeepsTorchvisionIndices() throws {
        let model = VGG16CAM(classCount: 7, randomInit: false)
        let report = try model.loadPretrained(torchvisionVGG16Features())
        #expect(report.renamed.isEmpty)
        #expect((model.features.layers[28] as! Conv2d).weight.value.scalars.first == 28_000)
    }

    /// wsolevaluation keeps ResNet's fc for 1000 classes and drops it for another class count.
    @Test func resNetKeepsFcOnlyWhenTheClassCountFits() throws {
        let source = ResNet50(classCount: 1000, camVariant: true, randomInit: false)
        let file = SafeTensorsFile(arrays: checkpoint(source.namedParameters()) { _ in 3 })
        let same = ResNet50(classCount: 1000, camVariant: true, randomInit: false)
        let kept = try same.loadPretrained(file)
        #expect(kept.dropped.isEmpty && kept.missing.isEmpty)
        #expect(same.fc.weight.value.scalars[5] == 8)  // 3 + 5
        let other = ResNet50(classCount: 200, camVariant: true, seed: 4)
        let fcBefore = other.fc.weight.value.scalars
        let dropped = try other.loadPretrained(file)
        #expect(dropped.dropped == ["fc.weight", "fc.bias"])
        #expect(dropped.missing == ["fc.weight", "fc.bias"])
        #expect(other.fc.weight.value.scalars == fcBefore)
        #expect(other.conv1.weight.value.scalars[0] == 3)
    }

    @Test func strictLoadingNamesUnexpectedMissingAndMismatchedTensors() throws {
        let model = SmallResNet(classCount: 4, randomInit: false)
        var arrays = checkpoint(model.namedParameters()) { _ in 1 }
        arrays.removeAll { $0.0 == "layer2.0.conv1.weight" }
        arrays.append(("layer9.weight", NamedArray(shape: [1], values: [0])))
        arrays[0] = ("conv1.weight", NamedArray(shape: [1, 2], values: [0, 0]))
        let file = SafeTensorsFile(arrays: arrays)
        #expect {
            try model.loadPretrained(file)
        } throws: { error in
            let message = String(describing: error)
            return message.contains("layer2.0.conv1.weight") && message.contains("layer9.weight") && message.contains("conv1.weight")
        }
        let report = try model.loadPretrained(file, strict: false)
        #expect(report.missing == ["layer2.0.conv1.weight"])  // conv1.weight is present, with the wrong shape
        #expect(report.unexpected == ["layer9.weight"])
        #expect(report.shapeMismatches == ["conv1.weight"])
    }

    /// The CAM variant takes torchvision's trunk and drops Mixed_7*, AuxLogits and fc.
    @Test func inceptionCAMDropsTheTopOfTorchvisionInception() throws {
        let torchvision = InceptionV3(classCount: 1000, randomInit: false)
        let file = SafeTensorsFile(arrays: checkpoint(torchvision.namedParameters()) { _ in 2 })
        let model = InceptionV3CAM(classCount: 20, randomInit: false)
        let report = try model.loadPretrained(file)
        #expect(report.dropped.contains("Mixed_7c.branch_pool.bn.running_var"))
        #expect(report.dropped.contains("AuxLogits.fc.weight") && report.dropped.contains("fc.bias"))
        #expect(!report.dropped.contains { $0.hasPrefix("Mixed_6") })
        #expect(report.missing.allSatisfy { $0.hasPrefix("SPG_") })
        #expect(report.missing.count == 6)
        #expect(report.unexpected.isEmpty)
    }

    /// Our own VGG16-CAM checkpoint loads 1:1 (fc kept) at the same K, and with a new fc at another K.
    @Test func ownCAMCheckpointKeepsItsHeadWhenTheClassCountFits() throws {
        let trained = VGG16CAM(classCount: 5, randomInit: false)
        let file = SafeTensorsFile(arrays: checkpoint(trained.namedParameters()) { _ in 4 })
        let same = VGG16CAM(classCount: 5, randomInit: false)
        let report = try same.loadPretrained(file)
        #expect(report.missing.isEmpty && report.dropped.isEmpty && report.renamed.isEmpty)
        #expect(same.fc.bias!.value.scalars == [4, 5, 6, 7, 8])
        let other = try VGG16CAM(classCount: 7, randomInit: false).loadPretrained(file)
        #expect(other.dropped == ["fc.weight", "fc.bias"] && other.missing == ["fc.weight", "fc.bias"])
    }

    @Test func featureIndexMovesPairIndicesFromTheTop() {
        // Checkpoint convs 0, 3, 5; model convs 0, 2, 3: pairs (5→3), (3→2), (0→0).
        let moves = featureIndexMoves(from: ["features.0.weight", "features.3.weight", "features.5.bias", "fc.weight"],
                                      to: ["features.0.weight", "features.2.weight", "features.3.bias"])
        #expect(moves == ["features.0.weight": "features.0.weight", "features.3.weight": "features.2.weight",
                          "features.5.bias": "features.3.bias"])
    }
}
