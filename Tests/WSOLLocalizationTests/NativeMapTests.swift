//! The `native` method: a model's own map (DA-WSOL, C²AM, CI-CAM) through the common pipeline.
import Testing
import TensorCore
import TensorNN
import WSOLModels
@testable import WSOLLocalization

/// ``TinyClassifier`` with a class-agnostic native map: the mean over channels of `relu2`,
/// doubled for odd classes (so that the class argument is seen to arrive).
final class NativeTinyClassifier: NativeMapClassifier {
    let base = TinyClassifier()
    var isTraining = false
    var children: [(String, any Module)] { [("base", base)] }
    var featureLayerNames: [String] { base.featureLayerNames }
    var defaultCAMLayer: String { base.defaultCAMLayer }
    var classCount: Int { base.classCount }

    func forward(_ input: Tensor, capture: Set<String>, replacing: (layer: String, value: Tensor)?) -> ClassifierOutput {
        base.forward(input, capture: capture, replacing: replacing)
    }

    func nativeMaps(_ images: Tensor, classes: [Int]) -> Tensor {
        let features = base.forward(images, capture: ["relu2"]).features["relu2"]!
        let mean = features.mean(axes: [1], keepDims: true)
        let factors = Tensor(shape: [classes.count, 1, 1, 1], scalars: classes.map { Float($0 % 2 + 1) })
        return mean * factors
    }
}

@Suite struct NativeMapTests {
    /// The raw native map is the model's own map, passed the target classes.
    @Test func rawMapsAreTheModelsOwn() throws {
        let model = NativeTinyClassifier()
        let images = tinyImages(2)
        let capture = try ForwardCapture(model: model, images: images, layer: "relu2", recorded: false)
        let maps = try NativeMap().rawMaps(capture, classes: [0, 1])
        let features = capture.activation.scalars   // [2, 8, h, w]
        let (channels, plane) = (capture.activation.shape[1], capture.activation.shape[2] * capture.activation.shape[3])
        for image in 0..<2 {
            for index in 0..<plane {
                // mean over the 8 channels, x1 for class 0 and x2 for class 1
                let mean = (0..<channels).map { features[(image * channels + $0) * plane + index] }.reduce(0, +) / Float(channels)
                #expect(abs(maps.scalars[image * plane + index] - mean * Float(image + 1)) < 1e-5)
            }
        }
    }

    /// A model without its own map gets a typed error naming the problem.
    @Test func plainModelIsRefused() throws {
        let capture = try ForwardCapture(model: TinyClassifier(), images: tinyImages(1), layer: "relu2", recorded: false)
        #expect { try NativeMap().rawMaps(capture, classes: [0]) } throws: {
            if case LocalizationError.requiresNativeMaps = $0 { return true } else { return false }
        }
    }

    /// Through the Localizer: normalised to [0, 1] at the input size, no ReLU by default.
    @Test func localizerRunsNativeMaps() throws {
        let result = try Localizer(method: NativeMap()).localize(model: NativeTinyClassifier(), images: tinyImages(2),
                                                                  target: .topPredicted)
        #expect(result.maps.count == 2)
        for map in result.maps.map({ $0[0] }) {
            #expect(map.values.allSatisfy { $0 >= 0 && $0 <= 1 } && map.values.max() == 1)
        }
    }
}
