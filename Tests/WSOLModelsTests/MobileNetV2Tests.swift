import Foundation
import Testing
import TensorCore
import TensorNN
import WSOLData
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

/// The real torchvision ImageNet weights that `scripts/fetch-assets` caches (assets.md).
enum AssetCache {
    static var directory: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/wsolkit"
    }
    static var weights: String { directory + "/mobilenet_v2-b0353104.pth" }
    static var isPresent: Bool {
        ["mobilenet_v2-b0353104.pth", "photos/coffee.png", "photos/chelsea.png", "photos/quokka.jpg"]
            .allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }
}

@Suite(.enabled(if: AssetCache.isPresent, "asset cache absent: run scripts/fetch-assets to cache the MobileNetV2 weights and photos in ~/.cache/wsolkit"))
struct MobileNetV2PretrainedTests {
    /// torchvision preprocessing: shorter side 256 (bilinear, antialiased), centre crop 224,
    /// ImageNet normalisation. Golden top-1 from PyTorch (assets.md): coffee 967 (espresso,
    /// p 0.992), chelsea 285 (Egyptian cat, p 0.714), quokka 106 (wombat, p 0.618).
    @Test func predictsTheGoldenTopOneClasses() throws {
        let model = MobileNetV2(randomInit: false)
        let report = try model.loadPretrained(TorchCheckpoint.read(AssetCache.weights))
        #expect(report.loadedCount == 314 && report.missing.isEmpty && report.dropped.isEmpty)
        model.eval()
        let pipeline = TransformPipeline(steps: [.resizeShorterSide(256), .centerCrop(width: 224, height: 224)])
        let cases: [(String, Int, Float)] = [("coffee.png", 967, 0.992), ("chelsea.png", 285, 0.714), ("quokka.jpg", 106, 0.618)]
        var batch: [Float] = []
        for (file, _, _) in cases {
            let image = try ImageCodec.read(AssetCache.directory + "/photos/" + file).converted(toChannels: 3)
            var random = SeededRandom(seed: 0)
            batch += pipeline.normalization(pipeline.apply(AnnotatedImage(image: image), random: &random).image)
        }
        let logits = withNoGrad { model(Tensor(shape: [3, 3, 224, 224], scalars: batch)) }
        let probabilities = softmax(logits, axis: 1)
        let top = logits.argmax(axis: 1)
        for (index, (file, expected, probability)) in cases.enumerated() {
            #expect(top[index] == expected, "\(file): top-1 \(top[index]), PyTorch \(expected)")
            // Our resize differs from PIL's in the last bit of some pixels: probabilities within 0.02.
            #expect(abs(probabilities.scalars[index * 1000 + expected] - probability) < 0.02, "\(file)")
        }
    }
}
