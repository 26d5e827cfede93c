//! Method-defined maps in training: `prepareModel` wraps the backbone, and evaluation scores a
//! ``NativeMapClassifier``'s own map instead of the CAM.
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLTraining

/// A wrapper whose native map is the first input channel itself (same size as the input, so the
/// evaluator's bicubic upsampling is the identity and the expected map is worked by hand).
final class FirstChannelMapModel: NativeMapClassifier {
    let backbone: any FeatureMapClassifier
    var isTraining = true
    init(_ backbone: any FeatureMapClassifier) { self.backbone = backbone }
    var children: [(String, any Module)] { [("backbone", backbone)] }
    var featureLayerNames: [String] { backbone.featureLayerNames }
    var defaultCAMLayer: String { backbone.defaultCAMLayer }
    var classCount: Int { backbone.classCount }
    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        backbone.forward(input, capture: capture, replacing: replacing)
    }
    func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        let (count, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        let plane = height * width
        let scalars = images.scalars
        let first = (0..<count).flatMap { n in scalars[(n * 3 * plane)..<(n * 3 * plane + plane)] }
        return Tensor(shape: [count, 1, height, width], scalars: first)
    }
}

final class WrappingMethod: WSOLTrainingMethod {
    var name: String { "wrapping" }
    func prepareModel(_ backbone: any FeatureMapClassifier) throws -> any FeatureMapClassifier {
        FirstChannelMapModel(backbone)
    }
}

@Suite struct NativeMapEvaluationTests {
    /// Evaluation maps of a native model: its map, min-max normalised (no CAM involved).
    @Test func evaluationUsesTheNativeMap() throws {
        // Two 2x2 "images": channel 0 = [1, 3, 5, 9] and [2, 2, 2, 2]; other channels noise.
        var values = [Float](repeating: 7, count: 2 * 3 * 4)
        values.replaceSubrange(0..<4, with: [1, 3, 5, 9])
        values.replaceSubrange(12..<16, with: [2, 2, 2, 2])
        let images = Tensor(shape: [2, 3, 2, 2], scalars: values)
        let model = FirstChannelMapModel(TinyCAMNet(classCount: 3, width: 4, seed: 1))
        let maps = try #require(ScoreMaps.evaluationMaps(model: model, images: images, classes: [0, 2]))
        // (v - 1) / 8: [0, 0.25, 0.5, 1]; a constant map normalises to zeros.
        #expect(maps[0] == [0, 0.25, 0.5, 1])
        #expect(maps[1] == [0, 0, 0, 0])
    }

    /// The method's prepareModel decides the model a run trains; parameters keep their prefix.
    @Test func buildModelWrapsTheBackbone() throws {
        var config = TrainingConfig()
        (config.dataRoot, config.architecture, config.width) = ("unused", "tiny", 4)
        let model = try TrainingSetup.buildModel(config: config, classCount: 3, method: WrappingMethod())
        #expect(model is FirstChannelMapModel)
        #expect(model.namedParameters().allSatisfy { $0.0.hasPrefix("backbone.") })
        #expect(model.classCount == 3)
    }
}
